"""The official register of Sweden's 290 municipalities and 21 counties (SCB), shipped
as package data. Names in posts are looked up here; the county always comes from here."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from sitegen import urls
from sitegen.slugs import swedish_key, unique_slugs


@dataclass(frozen=True)
class County:
    code: str
    """Two-digit county code, e.g. "01"."""
    name: str
    """Official name, e.g. "Stockholms län"."""
    slug: str

    @property
    def url(self) -> str:
        return urls.county(self)


@dataclass(frozen=True)
class Municipality:
    code: str
    """Four-digit municipality code, e.g. "0127"."""
    name: str
    """Official name without "kommun", e.g. "Botkyrka"."""
    slug: str
    county: County
    organisation: str = ""
    """The name of the municipality as an organisation, as it writes it: "Botkyrka
    kommun", "Boxholms kommun", "Falu kommun", "Göteborgs stad", "Region Gotland"."""

    @property
    def url(self) -> str:
        return urls.municipality(self)


def _key(name: str) -> str:
    """`name` casefolded, its spacing made single, and a trailing word "kommun" dropped
    (without a regular expression: `\\s+kommun$` took quadratic time on long runs of
    spaces in a name, 9 s for 40,000)."""
    words = name.casefold().split()
    if len(words) > 1 and words[-1] == "kommun":
        words.pop()
    return " ".join(words)


@dataclass(frozen=True)
class Register:
    municipalities: tuple[Municipality, ...]
    counties: tuple[County, ...]
    _by_key: dict[str, Municipality] = field(repr=False, compare=False, hash=False)

    def lookup(self, name: str) -> Municipality | None:
        """The municipality called `name`; case, spacing and a trailing "kommun" are
        forgiven ("botkyrka kommun" finds Botkyrka), and its name as an organisation
        finds it too ("Göteborgs stad", "Falu kommun", "Region Gotland")."""
        key = " ".join(name.casefold().split())
        return self._by_key.get(_key(name)) or self._by_key.get(key)

    @property
    def names(self) -> list[str]:
        return [m.name for m in self.municipalities]


def parse_register(text: str) -> Register:
    rows = list(csv.DictReader(io.StringIO(text)))
    county_names = sorted({r["county_name"] for r in rows}, key=swedish_key)
    county_slugs = unique_slugs(county_names)
    counties: dict[str, County] = {}
    for row in rows:
        code = row["county_code"]
        if code not in counties:
            name = row["county_name"]
            counties[code] = County(code, name, county_slugs[name])
    muni_slugs = unique_slugs([r["name"] for r in rows])
    municipalities = tuple(
        sorted(
            (Municipality(r["code"], r["name"], muni_slugs[r["name"]], counties[r["county_code"]],
                          r["organisation"])
             for r in rows),
            key=lambda m: swedish_key(m.name),
        )
    )
    return Register(
        municipalities=municipalities,
        counties=tuple(sorted(counties.values(), key=lambda c: swedish_key(c.name))),
        _by_key={" ".join(m.organisation.casefold().split()): m for m in municipalities}
        | {_key(m.name): m for m in municipalities},
    )


@cache
def default_register() -> Register:
    """The register shipped with sitegen (read once per process; it never changes)."""
    text = resources.files("sitegen").joinpath("data/kommuner.csv").read_text("utf-8")
    return parse_register(text)
