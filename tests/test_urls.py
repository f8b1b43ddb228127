"""One source for URLs: every address of the site comes from sitegen.urls; layouts,
scripts and the other stages ask it rather than spell an address out."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from sitegen import output, search, urls
from sitegen.registry import default_register

REPO = Path(__file__).resolve().parent.parent


def test_every_address_of_the_site_is_reserved() -> None:
    reserved = urls.RESERVED
    assert reserved == {"kommun", "lan", "tema", "arkiv", "handlingsplaner", "medskick",
                        "uppfoljning", "data", "sok", "assets", "pagefind", "sida", "atom.xml",
                        "sitemap.xml", "robots.txt", "404.html"}


@pytest.mark.parametrize("url, path", [
    ("/", "index.html"), ("/kommun/", "kommun/index.html"), ("/atom.xml", "atom.xml"),
    ("/tema/x/sida/2/", "tema/x/sida/2/index.html"), ("/404.html", "404.html")])
def test_an_address_and_the_file_that_serves_it(url: str, path: str) -> None:
    assert urls.served_by(url) == path and urls.url_of(path) == url


def test_the_addresses_of_terms_lists_and_assets() -> None:
    botkyrka = default_register().lookup("Botkyrka")
    assert botkyrka is not None
    assert botkyrka.url == urls.municipality(botkyrka) == "/kommun/botkyrka/"
    assert botkyrka.county.url == "/lan/stockholms-lan/"
    assert urls.feed(botkyrka.url) == "/kommun/botkyrka/atom.xml"
    assert urls.paged("/arkiv/", 1) == "/arkiv/" and urls.paged("/arkiv/", 3) == "/arkiv/sida/3/"
    assert urls.asset("style.css", "0123456789") == "/assets/style.0123456789.css"
    assert urls.post("kommunbesok", "x") == "/kommunbesok/x/"


SEGMENTS = "|".join(re.escape(segment) for segment in urls.RESERVED)
SPELLED = re.compile(rf"""["'(=]/(?:{SEGMENTS})\b""")


@pytest.mark.parametrize("layout", sorted(p.name for p in (REPO / "layouts").iterdir()))
def test_layouts_ask_urls_instead_of_spelling_addresses(layout: str) -> None:
    text = (REPO / "layouts" / layout).read_text("utf-8")
    assert not SPELLED.findall(text)
    assert 'href="/"' not in text


def test_what_cannot_ask_is_held_to_the_same_addresses() -> None:
    # The scripts in assets/ and the search step spell addresses themselves.
    redirect_js = (REPO / "assets" / "redirect.js").read_text("utf-8")
    assert f'fetch("{urls.QUERY_REDIRECTS}")' in redirect_js
    # The search page's scripts load the index from the address the layout gives them.
    search_html = (REPO / "layouts" / "search.html").read_text("utf-8")
    assert 'data-bundle="{{ urls.SEARCH_INDEX }}"' in search_html
    for script in ("search.js", "search-engine.js"):
        code = re.sub(r"^\s*//.*$|^\s*/?\*.*$", "", (REPO / "assets" / script).read_text("utf-8"),
                      flags=re.M)  # comments may name an address
        assert not SPELLED.findall(code), script
    assert f"{search.BUNDLE}/" == output.INDEX == urls.folder(urls.SEARCH_INDEX)


def test_no_module_but_urls_spells_an_address_of_the_site() -> None:
    # Every string in sitegen's code that starts an address of the site's own sections
    # (also inside HTML it writes) comes from urls.
    spelled = re.compile(rf"""(?:^|["'=])/(?:{SEGMENTS})\b""")
    found = []
    for path in sorted((REPO / "src" / "sitegen").rglob("*.py")):
        if path.name == "urls.py":
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and spelled.search(node.value):
                found.append(f"{path.relative_to(REPO)}:{node.lineno}: {node.value[:60]!r}")
    assert found == []
