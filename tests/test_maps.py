"""The map SVG: what it draws, in which order, with which names and classes, and golden
text for the fixture site (SITEGEN_GOLDEN=update rewrites tests/golden/map-*.svg)."""

from __future__ import annotations

import dataclasses
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from sitegen.build import load
from sitegen.geometry import Geometry, load_geometry
from sitegen.maps import (
    CATEGORIES,
    MissingShape,
    View,
    category,
    legend,
    map_svg,
    table_rows,
)
from sitegen.registry import Municipality, Register, default_register
from sitegen.summaries import MunicipalitySummary, StatusCounts, Summaries

TESTS = Path(__file__).resolve().parent
GOLDEN = TESTS / "golden"
SVG = "{http://www.w3.org/2000/svg}"


def url(m: Municipality) -> str:
    return f"/kommun/{m.slug}/"


@pytest.fixture(scope="module")
def geometry() -> Geometry:
    found = load_geometry()
    assert isinstance(found, Geometry)
    return found


@pytest.fixture(scope="module")
def register() -> Register:
    return default_register()


def muni(register: Register, name: str) -> Municipality:
    found = register.lookup(name)
    assert found is not None
    return found


def test_every_municipality_is_one_shape_and_visited_ones_are_links_north_to_south(
        geometry: Geometry, register: Register, site_summaries: Summaries) -> None:
    svg = map_svg(geometry, register, site_summaries, url)
    root = ET.fromstring(svg)
    quiet = root.findall(f"{SVG}g[@class='k-ej-besokt']/{SVG}path")
    links = root.findall(f"{SVG}a")
    assert len(quiet) + len(links) == 290
    assert [a.get("href") for a in links] == [
        "/kommun/kiruna/", "/kommun/haabo/", "/kommun/botkyrka/", "/kommun/habo/"]
    names = [a.find(f"{SVG}title").text for a in links]  # type: ignore[union-attr]
    assert names[2] == ("Botkyrka: 3 besök, 5 planpunkter: 1 genomförd, 1 pågår, 1 avbruten, "
                        "2 inte uppföljda")
    assert [a.get("class") for a in links] == ["k-besokt", "k-besokt", "k-aterbesokt",
                                               "k-aterbesokt"]
    assert root.get("role") == "group" and root.get("aria-labelledby") == "karta-rubrik"
    assert root.find(f"{SVG}title").text == "Karta: Sveriges kommuner, besök"  # type: ignore[union-attr]
    # County borders, drawn once on top (a halo and a line), out of the pointer's way.
    borders = root.findall(f"{SVG}g[@pointer-events='none']/{SVG}path")
    assert [b.get("class") for b in borders] == ["k-lansgrans-halo", "k-lansgrans"]


def test_the_follow_up_view_bins_by_share_done_or_in_progress(
        geometry: Geometry, register: Register, site_summaries: Summaries) -> None:
    svg = map_svg(geometry, register, site_summaries, url, view=View.FOLLOWUP)
    classes = dict(re.findall(r'<a href="([^"]+)" class="k-([^"]+)"', svg))
    assert classes == {
        "/kommun/botkyrka/": "under-halften",  # 2 of 5 done or in progress
        "/kommun/habo/": "minst-halften",      # 1 of 2
        "/kommun/haabo/": "minst-halften",     # the same joint plan
        "/kommun/kiruna/": "ej-uppfoljd",      # a plan nobody followed up
    }


def test_category_edges(register: Register) -> None:
    m = muni(register, "Umeå")
    visit = load(TESTS / "sites/basic").site.posts[0]

    def cat(visits: int, **plan: int) -> str:
        order = ["done", "in_progress", "not_started", "dropped", "none"]
        counts = StatusCounts(tuple(plan.get(k, 0) for k in order))
        return category(MunicipalitySummary(m, (visit,) * visits, counts, 0), View.FOLLOWUP).key

    assert cat(0) == "ej-besokt"
    assert cat(1) == "ingen-plan"
    assert cat(1, none=3) == "ej-uppfoljd"
    assert cat(1, not_started=1, none=1) == "under-halften"  # followed up, nothing moving
    assert cat(2, done=1, none=2) == "under-halften"
    assert cat(2, in_progress=1, dropped=1) == "minst-halften"
    summary = MunicipalitySummary(m, (visit,), StatusCounts(), 0)
    assert category(summary, View.VISITS).key == "besokt"


def test_a_county_map_highlights_its_municipality_without_linking_it(
        geometry: Geometry, register: Register, site_summaries: Summaries) -> None:
    botkyrka = muni(register, "Botkyrka")
    svg = map_svg(geometry, register, site_summaries, url, county=botkyrka.county,
                  highlight=botkyrka, id_prefix="lan")
    root = ET.fromstring(svg)
    in_county = [m for m in register.municipalities if m.county == botkyrka.county]
    shapes = root.findall(f"{SVG}g/{SVG}path") + root.findall(f"{SVG}a") + root.findall(
        f"{SVG}path[@fill!='none']")
    assert len(shapes) == len(in_county) == 26
    assert root.findall(f"{SVG}a") == []  # the only visited one is the page's own
    halo, last = list(root)[-2:]
    assert last.get("class") == "k-aterbesokt k-aktuell"
    assert halo.get("class") == "k-aktuell-halo" and halo.get("d") == last.get("d")
    assert "lansgrans" not in svg and 'class="karta karta-besok karta-lan"' in svg
    x, y, w, h = (int(v) for v in root.get("viewBox", "").split())
    boxes = [geometry.county.shapes[m.code].box for m in in_county]
    assert x < min(b[0] for b in boxes) and x + w > max(b[2] for b in boxes)
    assert y < min(b[1] for b in boxes) and y + h > max(b[3] for b in boxes)


def test_ids_carry_the_prefix_so_two_maps_can_share_a_page(
        geometry: Geometry, register: Register, site_summaries: Summaries) -> None:
    one = map_svg(geometry, register, site_summaries, url, id_prefix="a")
    two = map_svg(geometry, register, site_summaries, url, id_prefix="b", view=View.FOLLOWUP)
    ids_one = set(re.findall(r'id="([^"]+)"', one))
    ids_two = set(re.findall(r'id="([^"]+)"', two))
    assert ids_one and ids_two and not ids_one & ids_two
    assert all(i.startswith("a-") for i in ids_one)
    for ref in re.findall(r'url\(#([^)]+)\)', one):
        assert ref in ids_one


def test_thumbnail_merges_shapes_and_has_no_links(
        geometry: Geometry, register: Register, site_summaries: Summaries) -> None:
    svg = map_svg(geometry, register, site_summaries, url, links=False, id_prefix="liten")
    root = ET.fromstring(svg)
    assert root.get("aria-hidden") == "true" and "<a " not in svg and "<title" not in svg
    assert [p.get("class") for p in root.findall(f"{SVG}path")] == [
        "k-ej-besokt", "k-besokt", "k-aterbesokt"]
    assert len(svg) < len(map_svg(geometry, register, site_summaries, url)) * 0.8


def test_a_municipality_without_a_shape_raises(
        geometry: Geometry, register: Register, site_summaries: Summaries) -> None:
    shapes = dict(geometry.country.shapes)
    del shapes[muni(register, "Kiruna").code]
    broken = dataclasses.replace(geometry,
                                 country=dataclasses.replace(geometry.country, shapes=shapes))
    with pytest.raises(MissingShape, match="2584"):
        map_svg(broken, register, site_summaries, url)


def test_legend_and_table(register: Register, site_summaries: Summaries) -> None:
    rows = table_rows(register, site_summaries, url)
    assert len(rows) == 290
    entries = legend(rows, View.VISITS, "k")
    assert [(e.category.label, e.count) for e in entries] == [
        ("Inte besökt", 286), ("Besökt en gång", 2), ("Besökt två gånger eller fler", 2)]
    assert all(ET.fromstring(e.swatch).get("aria-hidden") == "true" for e in entries)
    visited = table_rows(register, site_summaries, url, view=View.FOLLOWUP, visited_only=True)
    assert [(r.municipality.name, r.url, r.category.key) for r in visited] == [
        ("Habo", "/kommun/habo/", "minst-halften"),       # Jönköpings län
        ("Kiruna", "/kommun/kiruna/", "ej-uppfoljd"),     # Norrbottens län
        ("Botkyrka", "/kommun/botkyrka/", "under-halften"),  # Stockholms län
        ("Håbo", "/kommun/haabo/", "minst-halften"),      # Uppsala län
    ]
    assert all(len(legend(rows, v, "x")) == len(CATEGORIES[v]) for v in View)


@pytest.mark.parametrize("name", ["map-sverige-uppfoljning", "map-stockholms-lan"])
def test_golden_svg(name: str, geometry: Geometry, register: Register,
                    site_summaries: Summaries) -> None:
    botkyrka = muni(register, "Botkyrka")
    if name == "map-sverige-uppfoljning":
        svg = map_svg(geometry, register, site_summaries, url, view=View.FOLLOWUP)
    else:
        svg = map_svg(geometry, register, site_summaries, url, county=botkyrka.county,
                      highlight=botkyrka, id_prefix="lan")
    golden = GOLDEN / f"{name}.svg"
    if os.environ.get("SITEGEN_GOLDEN") == "update":
        golden.write_text(svg + "\n", "utf-8")
    assert golden.read_text("utf-8") == svg + "\n", f"{golden} differs: SITEGEN_GOLDEN=update"
