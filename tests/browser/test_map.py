"""The map of municipalities in a real Chromium, on a standalone page made through
layouts/map.html (tests/browser/map_page.py): axe-core finds nothing in light and dark at
375 and 1280 px, Tab reaches every visited municipality north to south with its
accessible name, and focus is visible on the map."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .map_page import write_page

SITE = Path(__file__).resolve().parents[1] / "sites" / "summaries"
# North to south by a point inside each: Kiruna (67.9° N), Håbo (59.6°), Botkyrka (59.2°),
# Habo (57.9°).
NORTH_TO_SOUTH = ["/kommun/kiruna/", "/kommun/haabo/", "/kommun/botkyrka/", "/kommun/habo/"]


@pytest.fixture(scope="module")
def page_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("map-page")
    write_page(SITE, out)
    return out


@pytest.fixture
def base_url(page_dir: Path, serve_dir: Any) -> str:
    return str(serve_dir(page_dir))


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violations(page: Any, base_url: str, axe_check: Any, scheme: str) -> None:
    page.emulate_media(color_scheme=scheme)
    page.goto(base_url + "/")
    failures = []
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        failures += [f"{width}px {scheme}: {v}" for v in axe_check(page)]
        overflow = page.evaluate("() => document.documentElement.scrollWidth - innerWidth")
        assert overflow <= 0, f"{overflow}px sideways scrolling at {width}px"
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("width", [375, 1280])
def test_tab_reaches_every_visited_municipality_north_to_south(page: Any, base_url: str,
                                                              width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(base_url + "/")
    reached = []
    for _ in range(len(NORTH_TO_SOUTH) + 2):
        page.keyboard.press("Tab")
        info = page.evaluate(
            "() => { const e = document.activeElement;"
            " return [e.closest('svg') ? 'svg' : e.tagName, e.getAttribute('href'),"
            " e.matches(':focus-visible'), getComputedStyle(e).outlineStyle,"
            " e.querySelector('path') ? getComputedStyle(e.querySelector('path')).fill : ''];"
            " }")
        where, href, visible, outline, fill = info
        if where != "svg":
            continue
        assert visible and outline == "solid", f"no visible focus on {href}"
        assert fill in ("rgb(194, 65, 12)",), fill  # the focus colour fills the shape
        reached.append(href)
    assert reached == NORTH_TO_SOUTH


def test_links_have_the_summary_as_accessible_name(page: Any, base_url: str) -> None:
    page.goto(base_url + "/")
    first_map = page.locator("svg.karta").first
    link = first_map.get_by_role(
        "link", name="Botkyrka: 3 besök, 5 planpunkter: 1 genomförd, 1 pågår, 1 avbruten, "
                     "2 inte uppföljda", exact=True)
    assert link.get_attribute("href") == "/kommun/botkyrka/"
    assert first_map.get_by_role("link").count() == 4
    # Never-visited municipalities are no links and hidden from assistive technology.
    assert first_map.get_by_role("link", name="Umeå: inte besökt").count() == 0
    # The county map highlights Botkyrka and does not link it to itself.
    county_map = page.locator("svg.karta-lan")
    assert county_map.locator("a[href='/kommun/botkyrka/']").count() == 0
    assert county_map.locator("path.k-aktuell").count() == 1
