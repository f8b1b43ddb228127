"""Regenerate the map geometry shipped with sitegen (src/sitegen/data/karta.json).

    .venv/bin/python scripts/map_data.py [--data ../shared/data] [--out src/sitegen/data/karta.json]

Reads the outlines of the 290 municipalities (kommuner.geojson, WGS84) and the 21
counties (lan.geojson) and writes, for two levels of detail, each municipality's
outline as SVG path data in SWEREF 99 TM (EPSG:3006), plus the borders between
counties. The geometric work is mapshaper's (npm, pinned below, installed into
.cache/mapshaper on first use; needs node and npm), used only here, never by a build:

- `-proj EPSG:3006`: SWEREF 99 TM, Sweden's national grid (UTM zone 33 on GRS80,
  conformal). Shapes and north look as on every official Swedish map; over Sweden's
  width its scale error stays under 0.1 %, so areas look right too.
- `-clean gap-width=500m`: the source has slivers (up to 400 m wide) between
  neighbours and small overlaps; they are filled or resolved, so neighbours share one
  border. The two holes that remain are Vänern and Vättern (no municipality owns them).
- `-simplify weighted keep-shapes interval=…`: topology-preserving (mapshaper
  simplifies each shared border once, so neighbours keep one line: no gaps, no
  slivers), Visvalingam weighted, and no municipality is simplified away.
- `-innerlines where='A.lan_code != B.lan_code'`: the county borders, made of the
  same shared lines, so they lie exactly on the municipal borders.
- `precision=`: coordinates snapped to the level's grid (500 m, 100 m).

This script then checks the result against the register shipped with sitegen (every
code and name) and against lan.geojson (each municipality's inner point lies in its
own county), and writes SVG path data with relative integer coordinates (y down,
north up). The output is deterministic: the same inputs give the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

MAPSHAPER = "0.7.70"
REPO = Path(__file__).resolve().parent.parent
PROJECTION = "EPSG:3006"

# name: (grid in metres, simplification interval in metres, what the level is for)
LEVELS = {
    "land": (500, 1000, "hela Sverige (/kommun/, startsidan)"),
    "lan": (100, 200, "ett län (/lan/<slug>/, en kommuns egen sida)"),
}

# lan.geojson draws some county borders as they were before a municipality changed
# county: Habo and Mullsjö moved from Skaraborg (now Västra Götaland, 14) to Jönköping
# in 1998, Heby from Västmanland (19) to Uppsala in 2007. The register is right, which
# is why the county borders are made from the municipalities' own lines.
OLD_COUNTY = {"0643": "14", "0642": "14", "0331": "19"}

ABOUT = (
    "Kommunernas gränser i SWEREF 99 TM (EPSG:3006), förenklade med bevarad topologi. "
    "Källa: okfse/sweden-geojson (swedish_municipalities.geojson, commit ff67bcb, "
    "\"Feel free to reuse\"), i sin tur från Valmyndighetens gränser. Gjord av "
    f"scripts/map_data.py med mapshaper {MAPSHAPER}; se src/sitegen/data/README.md."
)


def mapshaper() -> Path:
    prefix = REPO / ".cache" / "mapshaper"  # apart from the test tools in .cache/npm
    binary = prefix / "node_modules" / ".bin" / "mapshaper"
    package = prefix / "node_modules" / "mapshaper" / "package.json"
    if not (package.is_file() and json.loads(package.read_text())["version"] == MAPSHAPER):
        print(f"map_data: installing mapshaper@{MAPSHAPER} into {prefix}", file=sys.stderr)
        prefix.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--prefix", str(prefix), "--save-exact", "--no-audit",
                        "--no-fund", "--loglevel=error", f"mapshaper@{MAPSHAPER}"],
                       check=True, stdin=subprocess.DEVNULL)
    return binary


def run_mapshaper(tool: Path, data: Path, work: Path, grid: int, interval: int) -> None:
    subprocess.run(
        [str(tool), "-i", str(data / "kommuner.geojson"), "name=kommuner",
         "-proj", PROJECTION, "-clean", "gap-width=500m",
         "-simplify", f"interval={interval}", "weighted", "keep-shapes",
         "-each", "px=this.innerX, py=this.innerY",
         "-innerlines", "where=A.lan_code != B.lan_code", "+", "name=lansgranser",
         "-o", f"{work}/", "format=geojson", f"precision={grid}", "target=*",
         "-i", str(data / "lan.geojson"), "name=lan", "-proj", PROJECTION,
         "-o", f"{work}/lan.json", "format=geojson"],
        check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)


def rings(geometry: dict[str, Any]) -> list[list[list[float]]]:
    kind, coords = geometry["type"], geometry["coordinates"]
    if kind == "Polygon":
        return list(coords)
    if kind == "MultiPolygon":
        return [ring for polygon in coords for ring in polygon]
    if kind == "LineString":
        return [coords]
    if kind == "MultiLineString":
        return list(coords)
    raise SystemExit(f"map_data: unexpected geometry {kind}")


def path_data(lines: list[list[tuple[int, int]]], closed: bool) -> str:
    """SVG path data: each line an absolute moveto, then relative linetos."""
    parts = []
    for points in lines:
        if closed and points[0] == points[-1]:
            points = points[:-1]
        steps = [f"M{points[0][0]} {points[0][1]}l"]
        for (x0, y0), (x1, y1) in itertools.pairwise(points):
            if (x1, y1) != (x0, y0):
                steps.append(f" {x1 - x0} {y1 - y0}".replace(" -", "-"))
        text = "".join(steps).replace("l ", "l")
        parts.append(text + ("z" if closed else ""))
    return "".join(parts)


def inside(point: tuple[float, float], geometry: dict[str, Any]) -> bool:
    """Even-odd ray casting over every ring of a (multi)polygon."""
    x, y = point
    hit = False
    for ring in rings(geometry):
        for (x0, y0), (x1, y1) in itertools.pairwise(ring):
            if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
                hit = not hit
    return hit


def level(work: Path, grid: int, interval: int, purpose: str,
          register: dict[str, tuple[str, str]], origin: tuple[int, int] | None,
          ) -> tuple[dict[str, Any], tuple[int, int]]:
    features = json.loads((work / "kommuner.json").read_text("utf-8"))["features"]
    borders = json.loads((work / "lansgranser.json").read_text("utf-8"))["geometries"]
    counties = json.loads((work / "lan.json").read_text("utf-8"))["features"]
    if origin is None:
        xs = [x for f in features for ring in rings(f["geometry"]) for x, _ in ring]
        ys = [y for f in features for ring in rings(f["geometry"]) for _, y in ring]
        # Whole kilometres, with one to spare: a finer level's grid may reach a little
        # further than this level's.
        origin = (int(min(xs)) // 1000 * 1000 - 1000, -(-int(max(ys)) // 1000) * 1000 + 1000)
    east, north = origin

    def grid_point(x: float, y: float) -> tuple[int, int]:
        return round((x - east) / grid), round((north - y) / grid)

    shapes: dict[str, Any] = {}
    problems = []
    county_shapes = {f"{f['properties']['l_id']:02d}": f["geometry"] for f in counties}
    for feature in features:
        props = feature["properties"]
        code = props["id"]
        if code not in register:
            problems.append(f"{code} {props['kom_namn']}: finns inte i registret")
            continue
        name, county = register[code]
        if props["kom_namn"] != name or props["lan_code"] != county:
            problems.append(f"{code}: {props['kom_namn']}/{props['lan_code']} i geometrin, "
                            f"{name}/{county} i registret")
        point = (props["px"], props["py"])
        within = [c for c, shape in county_shapes.items() if inside(point, shape)]
        if within and county not in within and OLD_COUNTY.get(code) not in within:
            problems.append(f"{code} {name}: ligger i län {within} enligt lan.geojson")
        lines = [[grid_point(x, y) for x, y in ring] for ring in rings(feature["geometry"])]
        xs = [x for line in lines for x, _ in line]
        ys = [y for line in lines for _, y in line]
        shapes[code] = {"d": path_data(lines, closed=True),
                        "box": [min(xs), min(ys), max(xs), max(ys)],
                        "point": list(grid_point(props["px"], props["py"]))}
    missing = sorted(set(register) - set(shapes))
    problems += [f"{code} {register[code][0]}: saknar geometri" for code in missing]
    if problems:
        raise SystemExit("map_data: " + "\n".join(problems))
    border_lines = [[grid_point(x, y) for x, y in line]
                    for g in borders for line in rings(g)]
    width = max(s["box"][2] for s in shapes.values()) + 1000 // grid
    height = max(s["box"][3] for s in shapes.values()) + 1000 // grid
    return {
        "purpose": purpose,
        "grid_m": grid,
        "simplify_interval_m": interval,
        "size": [width, height],
        "county_borders": path_data(border_lines, closed=False),
        "shapes": dict(sorted(shapes.items())),
    }, origin


def dump(doc: dict[str, Any]) -> str:
    """JSON with one shape a line, so a regenerated file diffs shape by shape."""
    def one(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    lines = ["{"]
    for key in ("about", "projection", "origin_m"):
        lines.append(f" {one(key)}:{one(doc[key])},")
    lines.append(' "levels":{')
    for i, (name, lvl) in enumerate(doc["levels"].items()):
        lines.append(f"  {one(name)}:{{")
        lines += [f"   {one(k)}:{one(v)}," for k, v in lvl.items() if k != "shapes"]
        lines.append('   "shapes":{')
        shapes = list(lvl["shapes"].items())
        lines += [f"    {one(code)}:{one(shape)}" + ("," if j < len(shapes) - 1 else "")
                  for j, (code, shape) in enumerate(shapes)]
        lines.append("   }")
        lines.append("  }" + ("," if i < len(doc["levels"]) - 1 else ""))
    lines += [" }", "}"]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=REPO / "src/sitegen/data/karta.json")
    args = parser.parse_args()
    with open(REPO / "src/sitegen/data/kommuner.csv", encoding="utf-8") as f:
        register = {r["code"]: (r["name"], r["county_code"]) for r in csv.DictReader(f)}
    tool = mapshaper()
    levels: dict[str, Any] = {}
    origin = None
    for name, (grid, interval, purpose) in LEVELS.items():
        with tempfile.TemporaryDirectory(prefix="map_data-") as tmp:
            run_mapshaper(tool, args.data, Path(tmp), grid, interval)
            levels[name], origin = level(Path(tmp), grid, interval, purpose, register, origin)
    assert origin is not None
    doc = {"about": ABOUT, "projection": PROJECTION,
           "origin_m": list(origin), "levels": levels}
    text = dump(doc)
    tmp_out = args.out.with_suffix(".tmp")
    tmp_out.write_text(text, encoding="utf-8")
    os.replace(tmp_out, args.out)
    print(f"map_data: wrote {args.out} ({len(text.encode()):,} bytes)")


if __name__ == "__main__":
    main()
