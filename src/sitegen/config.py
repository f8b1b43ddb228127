"""site.yaml: the site's settings as a declared schema, one error per bad option."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sitegen.errors import Problem, did_you_mean
from sitegen.slugs import SLUG_PATTERN
from sitegen.yamlfile import Located, load_yaml, read_text

DEFAULT_CATEGORIES = {
    "kommunbesok": "Kommunbesök",
    "ovrigt": "Övrigt",
    "dialoger": "Dialoger",
    "kunskap-kompetens": "Kunskap och kompetens",
    "matning": "Mätning",
}


@dataclass(frozen=True)
class SiteConfig:
    title: str
    """The site's name, shown in the header and in feeds."""
    description: str
    base_url: str
    """Absolute URL of the published site, without a trailing slash."""
    author: str
    """Who publishes the site; the feeds' author."""
    per_page: int
    """Entries per page on paginated lists."""
    home_count: int
    """Latest visits on the start page."""
    archive_date: dt.date
    """When the old blog's archive was published: the feeds' `updated` for posts whose
    own date was lost. Not shown as a post date."""
    categories: dict[str, str]
    """Category slug (the old blog's first URL segment) → Swedish label."""
    visit_category: str
    """The category whose posts are visits (need municipalities and themes)."""
    redirects: tuple[Redirect, ...] = ()
    """Old addresses of the site (archive pages of the old blog) and where they lead."""
    data_license: str = ""
    """The open data's licence as an SPDX / Open Definition id ("CC0-1.0"); "" for none."""
    data_license_url: str = ""
    """Where the licence's text is."""
    data_source: str = ""
    """Who the open data come from, in words (the data package's source); "" names the site."""


@dataclass(frozen=True)
class Redirect:
    """An old address that must keep working: `old` leads the reader on to `new`."""

    old: str
    new: str
    line: int
    """Its line in site.yaml."""


_FIELDS: dict[str, type | tuple[type, ...]] = {
    "title": str,
    "description": str,
    "base_url": str,
    "author": str,
    "per_page": int,
    "home_count": int,
    "archive_date": dt.date,
    "categories": dict,
    "visit_category": str,
    "redirects": dict,
    "data_license": str,
    "data_license_url": str,
    "data_source": str,
}
_DEFAULTS: dict[str, Any] = {
    "description": "",
    "author": "",
    "per_page": 20,
    "home_count": 10,
    "archive_date": dt.date(2017, 12, 31),
    "categories": DEFAULT_CATEGORIES,
    "visit_category": "kommunbesok",
    "redirects": {},
    "data_license": "",
    "data_license_url": "",
    "data_source": "",
}
_TYPE_NAMES = {str: "text", int: "ett heltal", dt.date: "ett datum (ÅÅÅÅ-MM-DD)",
               dict: "en tabell (nyckel: värde)"}


def load_config(root: Path) -> SiteConfig | list[Problem]:
    path = root / "site.yaml"
    name = "site.yaml"
    if not path.is_file():
        return [Problem(name, 0, "site.yaml saknas i webbplatsens rotmapp")]
    text = read_text(path, name)
    if isinstance(text, Problem):
        return [text]
    doc = load_yaml(text, name)
    if isinstance(doc, Problem):
        return [doc]
    return parse_config(doc)


def parse_config(doc: Located) -> SiteConfig | list[Problem]:
    data = doc.value
    if not isinstance(data, dict):
        return [Problem(doc.path, doc.line(), "site.yaml ska vara en tabell av inställningar")]
    problems: list[Problem] = []
    values = dict(_DEFAULTS)
    for key, value in data.items():
        if key not in _FIELDS:
            problems.append(Problem(doc.path, doc.line(key), f'okänd inställning "{key}"'
                                    + did_you_mean(str(key), _FIELDS)))
            continue
        expected = _FIELDS[key]
        if (expected is int and isinstance(value, bool)) or not isinstance(value, expected):
            problems.append(Problem(doc.path, doc.line(key),
                                    f'"{key}" ska vara {_TYPE_NAMES[expected]}'))  # type: ignore[index]
            continue
        if isinstance(value, dt.datetime):
            value = value.date()
        values[key] = value
    for key in ("title", "base_url"):
        if key not in data:
            problems.append(Problem(doc.path, 1, f'inställningen "{key}" saknas'))
    base_url = values.get("base_url")
    if isinstance(base_url, str) and not base_url.startswith(("https://", "http://")):
        problems.append(Problem(doc.path, doc.line("base_url"),
                                '"base_url" ska vara en adress som börjar med https://'))
    for key in ("per_page", "home_count"):
        if isinstance(values[key], int) and values[key] < 1:
            problems.append(Problem(doc.path, doc.line(key), f'"{key}" ska vara minst 1'))
    categories = values["categories"]
    for slug, label in categories.items():
        if not isinstance(slug, str) or not SLUG_PATTERN.match(slug) or not isinstance(label, str):
            problems.append(Problem(doc.path, doc.line("categories", slug),
                                    f'kategorin "{slug}" ska vara en slug (a-z, 0-9, -) med en '
                                    "etikett som text"))
    redirects = []
    for old, new in values["redirects"].items():
        if not isinstance(old, str) or not isinstance(new, str):
            problems.append(Problem(doc.path, doc.line("redirects", old),
                                    "en omdirigering skrivs /gammal/adress/: /ny/adress/"))
        else:
            redirects.append(Redirect(old, new, doc.line("redirects", old)))
    if values["visit_category"] not in categories:
        problems.append(Problem(doc.path, doc.line("visit_category"),
                                f'visit_category "{values["visit_category"]}" finns inte bland '
                                "categories"))
    if problems:
        return problems
    return SiteConfig(
        title=values["title"],
        description=values["description"],
        base_url=str(values["base_url"]).rstrip("/"),
        author=values["author"],
        per_page=values["per_page"],
        home_count=values["home_count"],
        archive_date=values["archive_date"],
        categories=dict(categories),
        visit_category=values["visit_category"],
        redirects=tuple(redirects),
        data_license=values["data_license"],
        data_license_url=values["data_license_url"],
        data_source=values["data_source"],
    )
