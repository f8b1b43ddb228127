"""The map geometry shipped with sitegen, and the checks that every municipality has one."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import reduce
from pathlib import Path
from typing import Any

import pytest
import shapely

from sitegen import geometry as geometry_module
from sitegen.build import build, load
from sitegen.check import check_site
from sitegen.errors import SitegenError
from sitegen.geometry import (
    PACKAGE_FILE,
    Geometry,
    Level,
    load_geometry,
    parse_geometry,
    register_problems,
    visit_problems,
)
from sitegen.registry import default_register

REPO = Path(__file__).resolve().parent.parent
SHIPPED = REPO / "src/sitegen/data/karta.json"


def shipped() -> Geometry:
    geometry = load_geometry()
    assert isinstance(geometry, Geometry), geometry
    return geometry


def rings(d: str) -> list[list[tuple[int, int]]]:
    """The closed rings of path data made of M, l and z (as the shipped file has)."""
    found = []
    for sub in re.findall(r"M[^M]*", d):
        assert sub.endswith("z"), sub
        head, _, steps = sub[1:-1].partition("l")
        x, y = (int(v) for v in head.split())
        ring = [(x, y)]
        numbers = [int(v) for v in re.findall(r"-?\d+", steps)]
        for dx, dy in zip(numbers[::2], numbers[1::2], strict=True):
            x, y = x + dx, y + dy
            ring.append((x, y))
        found.append(ring)
    return found


def polygon(d: str) -> shapely.Geometry:
    """The area SVG fills with fill-rule evenodd."""
    parts = [shapely.make_valid(shapely.Polygon(r)) for r in rings(d) if len(r) >= 3]
    return reduce(shapely.symmetric_difference, parts)


def test_every_register_municipality_has_a_shape_at_both_levels() -> None:
    geometry = shipped()
    assert register_problems(default_register(), geometry) == []
    codes = {m.code for m in default_register().municipalities}
    assert set(geometry.country.shapes) == codes == set(geometry.county.shapes)


@pytest.mark.parametrize("level", ["country", "county"])
def test_neighbours_share_borders_without_overlaps_or_gaps(level: str) -> None:
    lvl: Level = getattr(shipped(), level)
    shapes = {code: polygon(s.d) for code, s in lvl.shapes.items()}
    assert all(not p.is_empty for p in shapes.values())
    union = shapely.union_all(list(shapes.values()))
    total = sum(p.area for p in shapes.values())
    # Overlapping neighbours would count the overlap twice.
    assert total == pytest.approx(union.area, rel=1e-6)
    # A gap between neighbours is a hole in the union; the only holes are the two lakes
    # no municipality owns (Vänern and Vättern: over 1,000 km² each).
    cell_km2 = (lvl.grid_m / 1000) ** 2
    holes = [shapely.Polygon(r).area * cell_km2 for p in getattr(union, "geoms", [union])
             for r in p.interiors]
    assert len(holes) == 2 and min(holes) > 1000, holes


def test_each_shape_lies_inside_its_box_and_contains_its_point() -> None:
    for lvl in (shipped().country, shipped().county):
        for shape in lvl.shapes.values():
            poly = polygon(shape.d)
            x0, y0, x1, y1 = poly.bounds
            assert (x0, y0, x1, y1) == shape.box
            assert min(x0, y0) >= 0 and x1 <= lvl.width and y1 <= lvl.height
            assert poly.buffer(1).contains(shapely.Point(shape.point)), shape.code


def test_a_register_municipality_missing_from_the_file_is_named_with_file_and_code(
        tmp_path: Path) -> None:
    doc = json.loads(SHIPPED.read_text("utf-8"))
    del doc["levels"]["lan"]["shapes"]["0127"]
    doc["levels"]["land"]["shapes"]["9999"] = doc["levels"]["land"]["shapes"]["0114"]
    doctored = tmp_path / "karta.json"
    doctored.write_text(json.dumps(doc), "utf-8")
    geometry = load_geometry(doctored, "karta.json")
    assert isinstance(geometry, Geometry)
    assert [str(p) for p in register_problems(default_register(), geometry)] == [
        "karta.json: kartan har en form för kommunkoden 9999 (nivån \"land\"), som inte "
        "finns i registret",
        "karta.json: kommunen 0127 (Botkyrka) finns i registret men saknar form i kartan "
        "(nivån \"lan\")",
    ]


def test_a_broken_file_is_one_problem_at_its_path(tmp_path: Path) -> None:
    broken = tmp_path / "karta.json"
    broken.write_text('{\n "levels": {\n', "utf-8")
    problems = load_geometry(broken, "karta.json")
    assert isinstance(problems, list)
    assert str(problems[0]).startswith("karta.json:3: kartfilen är inte giltig JSON")
    broken.write_text('{"levels": {"land": {}}}', "utf-8")
    problems = load_geometry(broken, "karta.json")
    assert isinstance(problems, list) and "scripts/map_data.py" in problems[0].message
    missing = load_geometry(tmp_path / "nowhere.json", "nowhere.json")
    assert isinstance(missing, list) and missing[0].path == "nowhere.json"


def test_a_visited_municipality_without_a_shape_is_an_error_at_its_first_post() -> None:
    site = load(REPO / "tests/sites/basic").site
    full = shipped()
    assert visit_problems(site.by_municipality, full) == []
    habo = next(m for m in site.by_municipality if m.name == "Habo")
    shapes = {c: s for c, s in full.county.shapes.items() if c != habo.code}
    doctored = Geometry(full.country, Level("lan", 100, 1, 1, "", shapes), PACKAGE_FILE)
    assert [str(p) for p in visit_problems(site.by_municipality, doctored)] == [
        f"content/posts/forsta-besoket-i-habo.md:1: kommunen Habo (kod {habo.code}) besöks "
        f"men har ingen form i kartan {PACKAGE_FILE}"]


def doctored_geometry(monkeypatch: pytest.MonkeyPatch, edit: Callable[[dict[str, Any]], None],
                      ) -> None:
    """The shipped geometry, changed by `edit`, in place of the shipped one."""
    doc = json.loads(SHIPPED.read_text("utf-8"))
    edit(doc)
    geometry = parse_geometry(json.dumps(doc), PACKAGE_FILE)
    monkeypatch.setattr(geometry_module, "_shipped", lambda: geometry)


def test_a_build_stops_at_start_up_when_a_register_municipality_has_no_shape(
        make_site, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    root = make_site("basic")
    build(root, with_search=False)
    published = (root / "output/index.html").read_bytes()
    doctored_geometry(monkeypatch, lambda doc: doc["levels"]["land"]["shapes"].pop("2584"))
    with pytest.raises(SitegenError) as caught:  # (the file is the caches' salt: cold)
        build(root, with_search=False, incremental_build=False)
    assert [str(p) for p in caught.value.problems] == [
        f"{PACKAGE_FILE}: kommunen 2584 (Kiruna) finns i registret men saknar form i kartan "
        '(nivån "land")']
    assert (root / "output/index.html").read_bytes() == published  # output/ untouched
    assert check_site(root).problems == caught.value.problems


def test_a_visited_municipality_without_a_shape_stops_the_build_at_its_post(
        make_site, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    # Behind the start-up check (which would name the file first), the site model's own:
    # a municipality a post visits must be drawable, or the map's pages cannot be made.
    root = make_site("basic")
    habo = default_register().lookup("Habo")
    assert habo is not None
    doctored_geometry(monkeypatch, lambda doc: doc["levels"]["lan"]["shapes"].pop(habo.code))
    monkeypatch.setattr(geometry_module, "register_problems", lambda register, geometry: [])
    with pytest.raises(SitegenError) as caught:
        build(root, with_search=False)
    errors = [str(p) for p in caught.value.problems if p.is_error]
    assert errors == [
        f"content/posts/forsta-besoket-i-habo.md:1: kommunen Habo (kod {habo.code}) besöks "
        f"men har ingen form i kartan {PACKAGE_FILE}"]
    assert not (root / "output").exists()
    assert [str(p) for p in check_site(root).problems if p.is_error] == errors
