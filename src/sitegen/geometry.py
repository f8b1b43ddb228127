"""The outlines of the municipalities, shipped as package data (data/karta.json, made by
scripts/map_data.py), and the checks that every municipality the site may show has one.

Coordinates are SWEREF 99 TM (EPSG:3006) snapped to a level's grid, counted from the
north-west corner of Sweden (x east, y south, as SVG draws), so a shape's path data
goes straight into an SVG `d` attribute. Two levels: "land" for the whole country and
"lan", finer, for a county's part of the map.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from sitegen.errors import Problem, SitegenError
from sitegen.model import Post
from sitegen.registry import Municipality, Register

PACKAGE_FILE = "sitegen/data/karta.json"
"""How messages name the shipped geometry file."""


@dataclass(frozen=True)
class Shape:
    code: str
    """The register's four-digit municipality code."""
    d: str
    """SVG path data: one closed subpath per ring, relative integer steps."""
    box: tuple[int, int, int, int]
    """Bounding box (x0, y0, x1, y1) in grid units."""
    point: tuple[int, int]
    """A point inside the municipality (the map's reading order goes by it)."""


@dataclass(frozen=True)
class Level:
    name: str
    grid_m: int
    """Metres per unit."""
    width: int
    height: int
    county_borders: str
    """SVG path data of the borders between counties (open lines)."""
    shapes: dict[str, Shape]
    """Municipality code → shape."""


@dataclass(frozen=True)
class Geometry:
    country: Level
    """The whole of Sweden (coarser)."""
    county: Level
    """Finer outlines, for a county's part of the map."""
    path: str
    """The file it was read from, as messages name it."""


def parse_geometry(text: str, path: str) -> Geometry | list[Problem]:
    """The geometry in `text`, or one problem saying what is wrong with the file."""
    try:
        doc = json.loads(text)
        return Geometry(_level(doc["levels"]["land"], "land"),
                        _level(doc["levels"]["lan"], "lan"), path)
    except json.JSONDecodeError as error:
        return [Problem(path, error.lineno, f"kartfilen är inte giltig JSON: {error.msg}")]
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        return [Problem(path, 0, f"kartfilen har inte den form sitegen väntar sig ({error!r}); "
                                 "gör om den med scripts/map_data.py")]


def _level(doc: dict[str, Any], name: str) -> Level:
    width, height = (int(v) for v in doc["size"])
    shapes = {}
    for code, shape in doc["shapes"].items():
        x0, y0, x1, y1 = (int(v) for v in shape["box"])
        px, py = (int(v) for v in shape["point"])
        if not isinstance(shape["d"], str) or not shape["d"].startswith("M"):
            raise ValueError(f"{code}: d är ingen SVG-väg")
        shapes[str(code)] = Shape(str(code), shape["d"], (x0, y0, x1, y1), (px, py))
    return Level(name, int(doc["grid_m"]), width, height, str(doc["county_borders"]), shapes)


def load_geometry(path: Path | None = None, shown: str | None = None,
                  ) -> Geometry | list[Problem]:
    """The geometry in `path` (named `shown` in messages), or the one shipped with
    sitegen (read once per process)."""
    if path is None:
        return _shipped()
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return [Problem(shown or path.as_posix(), 0, f"kan inte läsa kartfilen: {error}")]
    return parse_geometry(text, shown or path.as_posix())


@cache
def _shipped() -> Geometry | list[Problem]:
    text = resources.files("sitegen").joinpath("data/karta.json").read_text("utf-8")
    return parse_geometry(text, PACKAGE_FILE)


def startup_problems(register: Register) -> list[Problem]:
    """At start-up: the shipped geometry cannot be read, or cannot draw the register."""
    found = load_geometry()
    return found if isinstance(found, list) else register_problems(register, found)


def default_geometry() -> Geometry:
    """The geometry shipped with sitegen (startup_problems has checked it); SitegenError
    with its problems if it cannot be read."""
    found = load_geometry()
    if isinstance(found, list):
        raise SitegenError(found)
    return found


def register_problems(register: Register, geometry: Geometry) -> list[Problem]:
    """At start-up: every municipality of the register must have a shape at both levels
    (a register change without new geometry would leave a hole in the map), and every
    shape must be a municipality of the register."""
    problems = []
    known = {m.code for m in register.municipalities}
    for level in (geometry.country, geometry.county):
        for m in register.municipalities:
            if m.code not in level.shapes:
                problems.append(Problem(geometry.path, 0, f"kommunen {m.code} ({m.name}) "
                                        f"finns i registret men saknar form i kartan "
                                        f'(nivån "{level.name}")'))
        for code in sorted(set(level.shapes) - known):
            problems.append(Problem(geometry.path, 0, f'kartan har en form för kommunkoden '
                                    f'{code} (nivån "{level.name}"), som inte finns i registret'))
    return problems


def visit_problems(visited: dict[Municipality, tuple[Post, ...]], geometry: Geometry,
                   ) -> list[Problem]:
    """At build time: a municipality that a post visits but that the map cannot draw is an
    error at the first post that visits it, naming its code. `visited` is the site model's
    by_municipality (municipality → its posts, oldest first)."""
    problems = []
    for municipality, posts in visited.items():
        for level in (geometry.country, geometry.county):
            if municipality.code not in level.shapes:
                where = (posts[0].source.path, posts[0].source.line) if posts else (
                    geometry.path, 0)
                problems.append(Problem(
                    *where,
                    f"kommunen {municipality.name} (kod {municipality.code}) besöks men har "
                    f"ingen form i kartan {geometry.path}"))
                break
    return problems
