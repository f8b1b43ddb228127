"""site.yaml: the site's settings, declared once in OPTIONS (name, type, default, meaning,
rule), one error per bad option. The messages, the defaults and README's table of
settings come from OPTIONS; SiteConfig is its typed mirror (tested to match)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sitegen import urls
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

REQUIRED: Any = object()
"""The default of an option that site.yaml must give."""

Rule = Callable[[Any, dict[str, Any], Located], list[Problem]]
"""Checks an option's value (with every option's value, and the document for lines)."""


@dataclass(frozen=True)
class Option:
    name: str
    kind: type
    default: Any
    """REQUIRED when site.yaml must give it."""
    meaning: str
    """For README's table of settings (Markdown)."""
    rule: Rule | None = None


_KIND_NAMES: dict[type, str] = {str: "text", int: "ett heltal", dt.date: "ett datum (ÅÅÅÅ-MM-DD)",
                                dict: "en tabell (nyckel: värde)"}


def _web_address(value: str, values: dict[str, Any], doc: Located) -> list[Problem]:
    if value.startswith(("https://", "http://")):
        return []
    return [Problem(doc.path, doc.line("base_url"),
                    '"base_url" ska vara en adress som börjar med https://')]


def _at_least_one(name: str) -> Rule:
    def rule(value: int, values: dict[str, Any], doc: Located) -> list[Problem]:
        if value >= 1:
            return []
        return [Problem(doc.path, doc.line(name), f'"{name}" ska vara minst 1')]

    return rule


def _slugs_with_labels(value: dict[Any, Any], values: dict[str, Any],
                       doc: Located) -> list[Problem]:
    problems = [Problem(doc.path, doc.line("categories", slug), f'kategorin "{slug}" ska vara '
                        "en slug (a-z, 0-9, -) med en etikett som text")
                for slug, label in value.items()
                if not isinstance(slug, str) or not SLUG_PATTERN.match(slug)
                or not isinstance(label, str)]
    return problems or [Problem(doc.path, doc.line("categories", slug), f"kategorin: {long}")
                        for slug in value if (long := urls.long_segment(slug))]


def _a_category(value: str, values: dict[str, Any], doc: Located) -> list[Problem]:
    if value in values.get("categories", (value,)):  # bad categories are reported already
        return []
    return [Problem(doc.path, doc.line("visit_category"),
                    f'visit_category "{value}" finns inte bland categories')]


def _paths(value: dict[Any, Any], values: dict[str, Any], doc: Located) -> list[Problem]:
    return [Problem(doc.path, doc.line("redirects", old),
                    "en omdirigering skrivs /gammal/adress/: /ny/adress/")
            for old, new in value.items() if not isinstance(old, str) or not isinstance(new, str)]


OPTIONS: tuple[Option, ...] = (
    Option("title", str, REQUIRED, "the site's name, in the header, titles and feeds"),
    Option("description", str, "", "a sentence about the site: the footer, and pages "
           "without a description of their own"),
    Option("base_url", str, REQUIRED, "the published site's address, `https://…` (a "
           "trailing `/` is dropped): canonical links, feeds, sitemap", _web_address),
    Option("author", str, "", "who publishes the site; the feeds' author"),
    Option("sender", str, "", "who the site is from, as readers know them (an authority, an "
           "office): above the site's name in the header of every page; none if empty"),
    Option("archive_notice", str, "", "a notice under the header of every page, for a site "
           "that is an archive: that it is closed, of which years, who published it; none "
           "if empty"),
    Option("per_page", int, 20, "entries per list page (plan and input lists show five "
           "times as many)", _at_least_one("per_page")),
    Option("home_count", int, 10, "latest visits on the start page", _at_least_one("home_count")),
    Option("archive_date", dt.date, dt.date(2017, 12, 31), "the feeds' `updated` for posts "
           "whose date was lost; never shown as a post's date"),
    Option("categories", dict, DEFAULT_CATEGORIES, "category slug (the old blog's first URL "
           "segment) → Swedish label; the default is the old blog's", _slugs_with_labels),
    Option("visit_category", str, "kommunbesok", "the category whose posts are visits "
           "(they need municipalities and themes)", _a_category),
    Option("redirects", dict, {}, "old addresses of the site → the page each leads to "
           "(see below)", _paths),
    Option("data_license", str, "", "the open data's licence as an SPDX / Open Definition "
           "id (`CC0-1.0`); empty for none"),
    Option("data_license_url", str, "", "where the licence's text is"),
    Option("data_source", str, "", "who the open data come from, in words (the data "
           "package's source); the site's title unless set"),
    Option("search_shard_pages", int, 1000, "pages a shard of the search index holds at "
           "most. Smaller shards make an edit re-index less; fewer shards make a first "
           "search download less (at 10,000 posts, 1,000 gives 16 shards: an edit 4.5–5 s, "
           "a first search 0.26–0.5 MB; 500 gives 32: an edit ~3.7 s, a first search "
           "0.35–0.6 MB; BENCHMARKS.md)",
           _at_least_one("search_shard_pages")),
)


@dataclass(frozen=True)
class SiteConfig:
    """The settings of site.yaml as the build uses them (see OPTIONS)."""

    title: str
    description: str
    base_url: str
    """Without a trailing slash."""
    author: str
    sender: str
    archive_notice: str
    per_page: int
    home_count: int
    archive_date: dt.date
    categories: dict[str, str]
    visit_category: str
    redirects: tuple[Redirect, ...] = ()
    data_license: str = ""
    data_license_url: str = ""
    data_source: str = ""
    search_shard_pages: int = 1000


@dataclass(frozen=True)
class Redirect:
    """An old address that must keep working: `old` leads the reader on to `new`."""

    old: str
    new: str
    line: int
    """Its line in site.yaml."""


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
    options = {option.name: option for option in OPTIONS}
    problems = [Problem(doc.path, doc.line(key), f'okänd inställning "{key}"'
                        + did_you_mean(str(key), options))
                for key in data if key not in options]
    values: dict[str, Any] = {}
    for option in OPTIONS:
        value = data.get(option.name, option.default)
        if value is REQUIRED:
            problems.append(Problem(doc.path, 1, f'inställningen "{option.name}" saknas'))
        elif (option.kind is int and isinstance(value, bool)) or not isinstance(value,
                                                                               option.kind):
            problems.append(Problem(doc.path, doc.line(option.name), f'"{option.name}" ska '
                                    f"vara {_KIND_NAMES[option.kind]}"))
        else:
            values[option.name] = value.date() if isinstance(value, dt.datetime) else value
    for option in OPTIONS:
        if option.rule is not None and option.name in values:
            problems += option.rule(values[option.name], values, doc)
    if problems:
        return problems
    return SiteConfig(**{
        **values,
        "base_url": values["base_url"].rstrip("/"),
        "categories": dict(values["categories"]),
        "redirects": tuple(Redirect(old, new, doc.line("redirects", old))
                           for old, new in values["redirects"].items()),
    })


def options_table() -> str:
    """README's table of the settings of site.yaml."""
    rows = ["| setting | default | meaning |", "|---|---|---|"]
    for option in OPTIONS:
        if option.default is REQUIRED:
            default = "required"
        elif isinstance(option.default, dict):
            default = ", ".join(f"`{key}`" for key in option.default) or "none"
        else:
            default = f"`{option.default}`" if option.default != "" else "empty"
        rows.append(f"| `{option.name}` | {default} | {option.meaning} |")
    return "\n".join(rows)
