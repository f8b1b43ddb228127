"""Time what issue 20's pages add to a build, stage by stage (sitegen.overview wires
them into the page plan): the summaries, every map (the country in both views, the
thumbnail, each county, each municipality's county map with itself highlighted), the
ledger's charts and the open data, on a generated corpus; and the sizes of the /kommun/
map.

    .venv/bin/python benchmarks/map_time.py --posts 10000 [--work /tmp/sitegen-bench-map]

The corpus comes from benchmarks/generate.py (reused if already there). Each stage is
timed in CPU seconds over --runs runs after one warm-up and the best is reported (the work is pure:
its best run is its cost without the machine's noise).
"""

from __future__ import annotations

import argparse
import gzip
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sitegen.build import load
from sitegen.geometry import Geometry, load_geometry
from sitegen.ledger import by_county, by_theme, by_year, chart_svg
from sitegen.maps import View, legend, map_svg, table_rows
from sitegen.opendata import data_files
from sitegen.registry import default_register
from sitegen.summaries import summarize

REPO = Path(__file__).resolve().parent.parent


def best(runs: int, work: Callable[[], Any]) -> tuple[float, Any]:
    work()
    times = []
    result = None
    for _ in range(runs):
        start = time.process_time()
        result = work()
        times.append(time.process_time() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=10000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/sitegen-bench-map"))
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    root = args.work / str(args.posts)
    if not (root / "site.yaml").is_file():
        subprocess.run([sys.executable, str(REPO / "benchmarks/generate.py"), "--posts",
                        str(args.posts), "--out", str(root)], check=True)
    site = load(root).site
    register = default_register()
    geometry = load_geometry()
    assert isinstance(geometry, Geometry)

    def url(x: Any) -> str:
        return f"/kommun/{x.slug}/"

    t_sum, summaries = best(args.runs, lambda: summarize(site))

    def maps() -> list[str]:
        out = [map_svg(geometry, register, summaries, url, view=v, id_prefix=f"k-{v}")
               for v in View]
        out.append(map_svg(geometry, register, summaries, url, links=False))
        out += [map_svg(geometry, register, summaries, url, county=c) for c in register.counties]
        out += [map_svg(geometry, register, summaries, url, county=m.county, highlight=m)
                for m in summaries.municipalities]
        for v in View:
            legend(table_rows(register, summaries, url, view=v), v, f"k-{v}")
        return out

    t_maps, svgs = best(args.runs, maps)
    t_charts, _ = best(args.runs, lambda: [chart_svg(c) for c in (
        by_theme(summaries, url), by_county(summaries, url), by_year(summaries))])
    t_data, files = best(args.runs, lambda: data_files(site, register, summaries))
    country = svgs[0]
    print(f"{args.posts} posts, {len(summaries.municipalities)} municipalities visited")
    print(f"summaries                    {t_sum * 1000:7.1f} ms")
    print(f"maps ({len(svgs)} SVGs)              {t_maps * 1000:7.1f} ms")
    print(f"ledger charts                {t_charts * 1000:7.1f} ms")
    print(f"open data ({len(files)} files)        {t_data * 1000:7.1f} ms "
          f"({sum(len(b) for b in files.values()) / 1e6:.1f} MB)")
    print(f"total                        {(t_sum + t_maps + t_charts + t_data) * 1000:7.1f} ms")
    css = [(name, (REPO / "assets" / name).read_bytes()) for name in ("style.css", "map.css")]
    for name, data in [("country map SVG", country.encode()),
                       ("thumbnail SVG", svgs[2].encode()), *css]:
        print(f"{name:<20} {len(data):>8,} B raw {len(gzip.compress(data, 9)):>8,} B gzip")
    sizes = sorted(len(s.encode()) for s in svgs[3 + len(register.counties):])
    if sizes:
        print(f"municipality page county maps: median {sizes[len(sizes) // 2]:,} B, "
              f"largest {sizes[-1]:,} B raw")


if __name__ == "__main__":
    main()
