"""Open data: the visits, plan items (with outcome, follow-up visit and note), national
input and the municipality and theme registers as CSV (UTF-8, RFC 4180: comma, double
quotes, CRLF) and JSON, described by a Frictionless Data package (datapackage.json:
schemas with Swedish titles and descriptions, keys, licence and source from site.yaml).

Pure: the site model in, file names and bytes out, the same bytes for the same site
(no timestamps; rows in a fixed order: visits oldest first, undated last).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sitegen.model import Post, Theme
from sitegen.registry import Register
from sitegen.site import Site, chronological
from sitegen.slugs import slugify
from sitegen.summaries import Summaries, outcomes

Value = str | int | None


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    """Table Schema type: "string", "integer" or "date"."""
    title: str
    description: str


@dataclass(frozen=True)
class Schema:
    """What a table holds, without its rows: what the data page explains."""

    name: str
    """The files' base name: `<name>.csv`, `<name>.json`."""
    title: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[tuple[str, str, str], ...] = ()
    """(field, other table, its field)."""

    @property
    def files(self) -> tuple[str, str]:
        return f"{self.name}.csv", f"{self.name}.json"


@dataclass(frozen=True)
class Table:
    schema: Schema
    rows: list[tuple[Value, ...]]

    @property
    def name(self) -> str:
        return self.schema.name

    @property
    def title(self) -> str:
        return self.schema.title

    @property
    def fields(self) -> tuple[Field, ...]:
        return self.schema.fields


def _f(name: str, type_: str, title: str, description: str) -> Field:
    return Field(name, type_, title, description)


def _joined(values: Iterable[str]) -> str:
    return ",".join(values)


def _slugs(themes: Iterable[Theme]) -> str:
    return _joined(t.slug for t in themes)


def published(site: Site) -> tuple[Post, ...]:
    """The posts the data speak of: visits, and any other post with a plan, an input or a
    follow-up."""
    return chronological([p for p in site.posts
                          if p.is_visit or p.plan or p.national_input or p.followup])


VISITS = Schema(
    "besok", "Besök",
    "Ett inlägg per rad: besöken, och andra inlägg som har en plan eller medskick.",
    (
        _f("id", "string", "Id", "Inläggets slug: unik, och sista delen av adressen."),
        _f("titel", "string", "Titel", "Inläggets rubrik."),
        _f("datum", "date", "Datum", "Besökets datum (ÅÅÅÅ-MM-DD); tomt där datumet gick "
                                     "förlorat när den gamla bloggen exporterades."),
        _f("kategori", "string", "Kategori", "Den gamla bloggens kategori, t.ex. kommunbesok."),
        _f("kommuner", "string", "Kommuner", "Besökta kommuners koder (SCB), åtskilda med "
                                             "kommatecken; se kommuner.csv."),
        _f("teman", "string", "Teman", "Inläggets teman (slug), åtskilda med kommatecken; se "
                                       "teman.csv."),
        _f("foljer_upp", "string", "Följer upp", "Id för det tidigare besök vars plan detta "
                                                 "återbesök följer upp; tomt annars."),
        _f("adress", "string", "Adress", "Inläggets adress på webbplatsen."),
        _f("sammanfattning", "string", "Sammanfattning", "Inläggets sammanfattning."),
    ),
    ("id",), (("foljer_upp", "besok", "id"),))

PLAN = Schema(
    "planpunkter", "Planpunkter",
    "En rad per punkt i kommunernas planer för handling, med uppföljningen.",
    (
        _f("besok", "string", "Besök", "Id för besöket vars plan för handling punkten hör till."),
        _f("punkt", "string", "Punkt", "Punktens id i planen (dess nummer, om inget annat "
                                       "angavs)."),
        _f("text", "string", "Text", "Planpunkten."),
        _f("teman", "string", "Teman", "Punktens teman (slug), åtskilda med kommatecken."),
        _f("status", "string", "Status", "Senaste uppföljningens status: done, in_progress, "
                                         "not_started, dropped, eller not_followed_up om inget "
                                         "återbesök följde upp punkten."),
        _f("status_text", "string", "Status i ord", "Statusen som webbplatsen skriver den."),
        _f("uppfoljd_i", "string", "Uppföljd i", "Id för återbesöket som gav statusen; tomt "
                                                 "om punkten inte följdes upp."),
        _f("anteckning", "string", "Anteckning", "Återbesökets anteckning om punkten."),
    ),
    ("besok", "punkt"), (("besok", "besok", "id"), ("uppfoljd_i", "besok", "id")))

INPUTS = Schema(
    "medskick", "Medskick till nationell nivå", "En rad per medskick till nationell nivå.",
    (
        _f("besok", "string", "Besök", "Id för besöket där medskicket gavs."),
        _f("nummer", "integer", "Nummer", "Medskickets ordning i besöket, från 1."),
        _f("text", "string", "Text", "Medskicket till nationell nivå."),
        _f("teman", "string", "Teman", "Medskickets teman (slug), åtskilda med kommatecken."),
    ),
    ("besok", "nummer"), (("besok", "besok", "id"),))

MUNICIPALITIES = Schema(
    "kommuner", "Kommuner",
    "Sveriges 290 kommuner (SCB:s register) och vad som hände i var och en.",
    (
        _f("kod", "string", "Kommunkod", "Kommunens fyrsiffriga kod i SCB:s register."),
        _f("namn", "string", "Namn", "Kommunens namn som registret skriver det."),
        _f("lanskod", "string", "Länskod", "Länets tvåsiffriga kod."),
        _f("lan", "string", "Län", "Länets namn."),
        _f("besok", "integer", "Besök", "Antal besök i kommunen."),
        _f("planpunkter", "integer", "Planpunkter", "Antal punkter i besökens planer."),
        _f("medskick", "integer", "Medskick", "Antal medskick från besöken."),
    ),
    ("kod",))

THEMES = Schema(
    "teman", "Teman", "Temaförteckningen som inläggen och punkterna använder.",
    (
        _f("slug", "string", "Slug", "Temats id, som i adressen /tema/<slug>/."),
        _f("namn", "string", "Namn", "Temats namn."),
        _f("beskrivning", "string", "Beskrivning", "Vad temat omfattar."),
        _f("synonymer", "string", "Synonymer", "Andra ord för temat, åtskilda med "
                                               "kommatecken."),
    ),
    ("slug",))

SCHEMAS = (VISITS, PLAN, INPUTS, MUNICIPALITIES, THEMES)
"""Every table of the data package, in its order."""
PACKAGE = "datapackage.json"


def tables(site: Site, register: Register, summaries: Summaries,
           absolute: Callable[[str], str]) -> list[Table]:
    """Every table of the data package. `absolute` makes a site path a full URL."""
    posts = published(site)
    return [Table(VISITS, _visits(posts, absolute)), Table(PLAN, _plan(posts, site)),
            Table(INPUTS, _inputs(posts)), Table(MUNICIPALITIES, _municipalities(
                register, summaries)), Table(THEMES, _themes(site))]


def row_counts(site: Site, register: Register) -> dict[str, int]:
    """How many rows each table has (without making them)."""
    posts = published(site)
    return {VISITS.name: len(posts), PLAN.name: sum(len(p.plan) for p in posts),
            INPUTS.name: sum(len(p.national_input) for p in posts),
            MUNICIPALITIES.name: len(register.municipalities), THEMES.name: len(site.themes)}


def _visits(posts: tuple[Post, ...], absolute: Callable[[str], str]) -> list[tuple[Value, ...]]:
    return [(p.slug, p.title, p.date_iso or None, p.category,
             _joined(m.code for m in p.municipalities), _slugs(p.themes),
             p.followup.of if p.followup else "", absolute(p.url), p.summary)
            for p in posts]


def _plan(posts: tuple[Post, ...], site: Site) -> list[tuple[Value, ...]]:
    rows: list[tuple[Value, ...]] = []
    for post in posts:
        for item, outcome in zip(post.plan, outcomes(site, post), strict=True):
            status = site.statuses.get((post.slug, item.id))
            rows.append((post.slug, item.id, item.text, _slugs(item.themes), outcome.value,
                         outcome.label, status.by.slug if status else "",
                         status.followup.note if status else ""))
    return rows


def _inputs(posts: tuple[Post, ...]) -> list[tuple[Value, ...]]:
    return [(post.slug, n, entry.text, _slugs(entry.themes))
            for post in posts for n, entry in enumerate(post.national_input, 1)]


def _municipalities(register: Register, summaries: Summaries) -> list[tuple[Value, ...]]:
    rows: list[tuple[Value, ...]] = []
    for m in sorted(register.municipalities, key=lambda m: m.code):
        s = summaries.of(m)
        rows.append((m.code, m.name, m.county.code, m.county.name, len(s.visits),
                     s.plan.total, s.inputs))
    return rows


def _themes(site: Site) -> list[tuple[Value, ...]]:
    return [(t.slug, t.name, t.description, _joined(t.synonyms)) for t in site.themes]


def csv_bytes(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # None is written as an empty field
    writer.writerow(f.name for f in table.fields)
    writer.writerows(table.rows)
    return out.getvalue().encode("utf-8")


def json_bytes(table: Table) -> bytes:
    """A JSON list of objects, one a line (json's C encoder: an indent would make it
    encode in Python, four times slower)."""
    names = [f.name for f in table.fields]
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    lines = [encode(dict(zip(names, row, strict=True))) for row in table.rows]
    return ("[\n" + ",\n".join(lines) + "\n]\n").encode("utf-8")


def datapackage(site: Site, all_tables: list[Table]) -> dict[str, Any]:
    config = site.config
    package: dict[str, Any] = {
        "profile": "data-package",  # the JSON copies are not tabular resources
        "name": slugify(config.title) or "besok",
        "title": config.title,
        "description": config.description,
        "homepage": config.base_url + "/",
        "sources": [{"title": config.data_source or config.title,
                     "path": config.base_url + "/"}],
    }
    if config.author:
        package["contributors"] = [{"title": config.author, "role": "publisher"}]
    if config.data_license:
        licence = {"name": config.data_license}
        if config.data_license_url:
            licence["path"] = config.data_license_url
        package["licenses"] = [licence]
    package["resources"] = [_resource(t.schema) for t in all_tables] + [
        {"name": f"{t.name}-json", "path": f"{t.name}.json", "format": "json",
         "mediatype": "application/json", "encoding": "utf-8",
         "title": f"{t.title} (JSON)",
         "description": f"Samma rader som {t.name}.csv, som en JSON-lista av objekt."}
        for t in all_tables]
    return package


def _resource(table: Schema) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "fields": [{"name": f.name, "type": f.type, "title": f.title,
                    "description": f.description} for f in table.fields],
        "primaryKey": list(table.primary_key),
    }
    if table.foreign_keys:
        schema["foreignKeys"] = [
            {"fields": field, "reference": {"resource": "" if other == table.name else other,
                                            "fields": key}}
            for field, other, key in table.foreign_keys]
    return {"profile": "tabular-data-resource", "name": table.name, "path": f"{table.name}.csv",
            "title": table.title, "description": table.description, "format": "csv",
            "mediatype": "text/csv", "encoding": "utf-8", "schema": schema}


def data_files(site: Site, register: Register, summaries: Summaries) -> dict[str, bytes]:
    """Every file of the open data, by name within the data folder."""
    all_tables = tables(site, register, summaries, lambda path: site.config.base_url + path)
    files: dict[str, bytes] = {}
    for table in all_tables:
        files[f"{table.name}.csv"] = csv_bytes(table)
        files[f"{table.name}.json"] = json_bytes(table)
    package = datapackage(site, all_tables)
    files[PACKAGE] = (json.dumps(package, ensure_ascii=False, indent=1)
                                 + "\n").encode("utf-8")
    return files
