"""site.yaml's settings are declared once (config.OPTIONS): the typed SiteConfig, the
defaults, the error messages and README's table all follow it."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from sitegen.config import OPTIONS, REQUIRED, Option, SiteConfig, options_table, parse_config
from sitegen.yamlfile import Located, load_yaml

REPO = Path(__file__).resolve().parent.parent


def _parse(text: str) -> SiteConfig | list[str]:
    doc = load_yaml(text, "site.yaml")
    assert isinstance(doc, Located)
    parsed = parse_config(doc)
    return parsed if isinstance(parsed, SiteConfig) else [str(p) for p in parsed]


def test_siteconfig_mirrors_the_options() -> None:
    assert [f.name for f in dataclasses.fields(SiteConfig)] == [o.name for o in OPTIONS]


def test_readmes_table_is_the_options_table() -> None:
    assert options_table() in (REPO / "README.md").read_text("utf-8")


def test_every_default_is_what_an_empty_site_yaml_gets() -> None:
    config = _parse("title: T\nbase_url: https://example.org/\n")
    assert isinstance(config, SiteConfig)
    for option in OPTIONS:
        if option.default is REQUIRED:
            continue
        value = getattr(config, option.name)
        assert value == (tuple(option.default.items()) if option.name == "redirects"
                         else option.default), option.name
    assert config.base_url == "https://example.org"


def test_every_required_option_is_reported_missing() -> None:
    problems = _parse("description: x\n")
    required = [o.name for o in OPTIONS if o.default is REQUIRED]
    assert required == ["title", "base_url"]
    assert problems == [f'site.yaml:1: inställningen "{name}" saknas' for name in required]


@pytest.mark.parametrize("option", OPTIONS, ids=lambda o: o.name)
def test_every_option_of_the_wrong_kind_is_reported_at_its_line(option: Option) -> None:
    settings = {"title": "T", "base_url": "https://example.org",
                option.name: "text" if option.kind is dict else "[1, 2]"}
    problems = _parse("".join(f"{key}: {value}\n" for key, value in settings.items()))
    line = list(settings).index(option.name) + 1
    assert isinstance(problems, list)
    assert [p for p in problems if p.startswith(f'site.yaml:{line}: "{option.name}" ska vara ')]


def test_rules_of_the_options() -> None:
    assert _parse("title: T\nbase_url: ftp://x\nper_page: 0\nhome_count: -1\n"
                  "categories: {Fel Slug: x}\nvisit_category: saknas\n"
                  "redirects: {/a/: [1]}\nokand: 1\nper_pag: 3\n") == [
        'site.yaml:8: okänd inställning "okand"',
        'site.yaml:9: okänd inställning "per_pag" – menade du "per_page"?',
        'site.yaml:2: "base_url" ska vara en adress som börjar med https://',
        'site.yaml:3: "per_page" ska vara minst 1',
        'site.yaml:4: "home_count" ska vara minst 1',
        'site.yaml:5: kategorin "Fel Slug" ska vara en slug (a-z, 0-9, -) med en etikett '
        "som text",
        'site.yaml:6: visit_category "saknas" finns inte bland categories',
        "site.yaml:7: en omdirigering skrivs /gammal/adress/: /ny/adress/",
    ]


def test_a_date_option_takes_a_date() -> None:
    config = _parse("title: T\nbase_url: https://e.org\narchive_date: 2016-01-02\n")
    assert isinstance(config, SiteConfig) and config.archive_date == dt.date(2016, 1, 2)
    assert _parse("title: T\nbase_url: https://e.org\narchive_date: 2016-02-30\n") == [
        'site.yaml:3: "archive_date" ska vara ett datum (ÅÅÅÅ-MM-DD)']
