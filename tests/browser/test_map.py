"""The map of municipalities in a real Chromium, on the real pages of a built site (the
fixture site whose counts test_summaries.py works out by hand): axe-core finds nothing
in light and dark at 375 and 1280 px (test_a11y.py does the same on the repository's
own site), Tab reaches every visited municipality north to south on /kommun/ with its
accessible name and visible focus, and a county map highlights its municipality."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from sitegen.build import build

REPO = Path(__file__).resolve().parents[2]
SITE = REPO / "tests" / "sites" / "summaries"
# North to south by a point inside each: Kiruna (67.9° N), Håbo (59.6°), Botkyrka (59.2°),
# Habo (57.9°).
NORTH_TO_SOUTH = ["/kommun/kiruna/", "/kommun/haabo/", "/kommun/botkyrka/", "/kommun/habo/"]
PAGES = ["/kommun/", "/lan/stockholms-lan/", "/kommun/botkyrka/", "/uppfoljning/", "/",
         "/data/"]


@pytest.fixture(scope="module")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("map-site") / "site"
    shutil.copytree(SITE, root)
    for folder in ("layouts", "assets"):
        shutil.copytree(REPO / folder, root / folder)
    build(root, with_search=False)
    return root / "output"


@pytest.fixture
def base_url(site_dir: Path, serve_dir: Any) -> str:
    return str(serve_dir(site_dir))


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_no_violations(page: Any, base_url: str, axe_check: Any, scheme: str,
                                 path: str) -> None:
    page.emulate_media(color_scheme=scheme)
    page.goto(base_url + path)
    failures = []
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        failures += [f"{width}px {scheme}: {v}" for v in axe_check(page)]
        overflow = page.evaluate("() => document.documentElement.scrollWidth - innerWidth")
        assert overflow <= 0, f"{overflow}px sideways scrolling at {width}px"
    assert not failures, "\n".join(failures)


FOCUSED = """() => { const e = document.activeElement; const svg = e.closest('svg');
  return [svg ? svg.getAttribute('class') : e.tagName, e.getAttribute('href'),
          e.matches(':focus-visible'), getComputedStyle(e).outlineStyle,
          e.querySelector('path') ? getComputedStyle(e.querySelector('path')).fill : '',
          !!e.closest('table')]; }"""


@pytest.mark.parametrize("width", [375, 1280])
def test_tab_reaches_every_visited_municipality_north_to_south(page: Any, base_url: str,
                                                              width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(base_url + "/kommun/")
    reached: dict[str, list[str]] = {}
    for _ in range(60):
        page.keyboard.press("Tab")
        where, href, visible, outline, fill, in_table = page.evaluate(FOCUSED)
        if in_table:
            break  # past both maps
        if not where.startswith("karta "):
            continue
        assert visible and outline == "solid", f"no visible focus on {href}"
        assert fill == "rgb(194, 65, 12)", fill  # the focus colour fills the shape
        reached.setdefault(where, []).append(href)
    assert reached == {"karta karta-besok": NORTH_TO_SOUTH,
                       "karta karta-uppfoljning": NORTH_TO_SOUTH}


def test_links_have_the_summary_as_accessible_name(page: Any, base_url: str) -> None:
    page.goto(base_url + "/kommun/")
    first_map = page.locator("svg.karta").first
    link = first_map.get_by_role(
        "link", name="Botkyrka: 3 besök, 5 planpunkter: 1 genomförd, 1 pågår, 1 avbruten, "
                     "2 inte uppföljda", exact=True)
    assert link.get_attribute("href") == "/kommun/botkyrka/"
    assert first_map.get_by_role("link").count() == 4
    # Never-visited municipalities are no links and hidden from assistive technology.
    assert first_map.get_by_role("link", name="Umeå: inte besökt").count() == 0
    assert page.get_by_role("group", name="Karta: Sveriges kommuner, besök").count() == 1


def test_a_municipality_is_highlighted_on_its_county_map(page: Any, base_url: str) -> None:
    page.goto(base_url + "/kommun/botkyrka/")
    county_map = page.locator("svg.karta-lan")
    assert county_map.locator("a[href='/kommun/botkyrka/']").count() == 0
    assert county_map.locator("path.k-aktuell").count() == 1
    name = "Karta: Botkyrka bland kommunerna i Stockholms län"
    assert page.get_by_role("group", name=name).count() == 1


def test_the_start_pages_thumbnail_is_one_link_with_a_text(page: Any, base_url: str) -> None:
    page.goto(base_url + "/")
    link = page.get_by_role("link", name="Kartan över besökta kommuner", exact=True)
    assert link.get_attribute("href") == "/kommun/"
    assert link.locator("svg[aria-hidden='true'] a").count() == 0
    figures = page.locator("a.overblick-siffror")
    assert figures.get_attribute("href") == "/uppfoljning/"
    assert " ".join(figures.inner_text().split()) == (
        "4 kommuner besökta 8 planpunkter 50 % av punkterna uppföljda")
