"""What each fast path is worth: cold builds with one switched off at a time.

    .venv/bin/python benchmarks/fastpaths.py --posts 10000 --runs 5

Builds the benchmark corpus (benchmarks/generate.py, reused while unchanged) cold and
without the search index, once with every fast path on and once with each off in turn
(templating.FastPaths, markdown.FastPaths, the command line's collector pause), the
variants alternating run by run so a noisy stretch of the machine hits them alike.
Reports median wall and CPU seconds (this process's children, as run.py measures them)
and each variant's difference from all on. A fast path that does not pay is a tangle
for nothing: see BENCHMARKS.md, "What the fast paths are worth".
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

from run import REPO, SITEGEN_CACHES, clean, corpus, empty_trash, measure

SWITCH = "import dataclasses, sitegen.{module} as m; m.FAST_PATHS = dataclasses.replace(" \
         "m.FAST_PATHS, {name}=False); "
VARIANTS = {
    "all on": "",
    "templating: escape off": SWITCH.format(module="templating", name="escape"),
    "templating: globals off": SWITCH.format(module="templating", name="globals"),
    "markdown: obvious_blocks off": SWITCH.format(module="markdown", name="obvious_blocks"),
    "markdown: plain_text off": SWITCH.format(module="markdown", name="plain_text"),
    "collector not paused": "import contextlib, sitegen.cli as c; "
                            "c.collector_paused = lambda **_: contextlib.nullcontext(); ",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, default=Path("/tmp/sitegen-bench/fastpaths"))
    parser.add_argument("--python", default=str(REPO / ".venv" / "bin" / "python"),
                        help="the Python whose sitegen is measured")
    parser.add_argument("--only", help="comma-separated variants (default: all)")
    args = parser.parse_args(argv)

    variants = {name: code for name, code in VARIANTS.items()
                if not args.only or name in args.only.split(",") or name == "all on"}
    site = corpus(args.work, args.posts, args.seed, args.python, REPO, others=False) / "sitegen"
    walls: dict[str, list[float]] = {name: [] for name in variants}
    cpus: dict[str, list[float]] = {name: [] for name in variants}
    for number in range(1, args.runs + 1):
        for name, code in variants.items():
            clean(site, *SITEGEN_CACHES)
            run, _ = measure([args.python, "-c", code + "from sitegen.cli import run; run()",
                              "--root", str(site), "build", "--no-search"])
            walls[name].append(run.wall)
            cpus[name].append(run.cpu)
            print(f"# run {number} {name:30} {run.wall:.2f} s wall, {run.cpu:.2f} s CPU",
                  file=sys.stderr)
    empty_trash(args.work)

    base_wall, base_cpu = statistics.median(walls["all on"]), statistics.median(cpus["all on"])
    print(f"Cold builds of {args.posts} posts without search, {args.runs} runs each, "
          "alternating; medians.\n")
    print("| variant | wall s | CPU s | wall vs all on | CPU vs all on |")
    print("|---|---|---|---|---|")
    for name in variants:
        wall, cpu = statistics.median(walls[name]), statistics.median(cpus[name])
        print(f"| {name} | {wall:.2f} | {cpu:.2f} | {100 * (wall / base_wall - 1):+.1f} % | "
              f"{100 * (cpu / base_cpu - 1):+.1f} % |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
