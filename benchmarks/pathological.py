"""Time `sitegen build` and `sitegen check` on posts of pathological text near the size
limit: the inputs that made a build hang on a regular expression or run for minutes.

    .venv/bin/python benchmarks/pathological.py                   # every case
    .venv/bin/python benchmarks/pathological.py --cases lt,lsq --search
    .venv/bin/python benchmarks/pathological.py --sitegen "env PYTHONPATH=/other/src \\
        .venv/bin/python -m sitegen"                               # another checkout

A small corpus (benchmarks/generate.py, 20 posts) gets one more post whose body is the
case; each command runs in a subprocess, cold (output/ and the cache removed first), and
its wall time is printed, or "> TIMEOUT" when it did not finish.
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

FRONT = ("---\ntitle: Patologisk\ndate: 2016-03-08\nmunicipalities: [Botkyrka]\n"
         "themes: [Samverkan]\n---\n")

CASES: dict[str, Callable[[], str]] = {
    "lt": lambda: "<" * 900_000,
    "lta": lambda: "<a" * 400_000,
    "lsq": lambda: "[" * 900_000,
    "star": lambda: "*" * 900_000,
    "nested": lambda: "[" * 450_000 + "]" * 450_000,
    "nested-link": lambda: "[" * 300_000 + "a" + "](" * 100_000 + "b" + ")" * 100_000,
    "lsq-link": lambda: "[" * 900_000 + "](/x/)",
    "img": lambda: "![" * 450_000,
    "lsq-ref": lambda: "[x]: /y/\n\n" + "[" * 900_000 + "]",
    "headings": lambda: "## a\n" * 180_000,
    "lines": lambda: "[\n" * 450_000,
    "backticks": lambda: "`" * 900_000,
    "underscores": lambda: "_a" * 450_000,
    "entities": lambda: "&#" * 450_000,
    "autolinks": lambda: "<http://a" * 100_000,
    "tables": lambda: "|a|\n|-|\n" + "|a\n" * 200_000,
}


def corpus(work: Path, python: str) -> Path:
    site = work / "site"
    if not (site / "site.yaml").is_file():
        subprocess.run([python, str(HERE / "generate.py"), "--posts", "20", "--out",
                        str(site)], check=True, capture_output=True)
    return site


def clean(site: Path) -> None:
    for name in ("output", ".output.previous", ".output.staging", ".sitegen-cache"):
        path = site / name
        if path.is_dir():
            shutil.rmtree(path)


def timed(command: list[str], timeout: float) -> tuple[float | None, int]:
    started = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return None, -1
    return time.perf_counter() - started, done.returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--sitegen", default=str(REPO / ".venv" / "bin" / "sitegen"),
                        help="the sitegen command (a string, split as a shell would)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/sitegen-bench/pathological"))
    parser.add_argument("--timeout", type=float, default=300.0)
    parser.add_argument("--search", action="store_true", help="build the search index too")
    args = parser.parse_args(argv)

    sitegen = shlex.split(args.sitegen)
    site = corpus(args.work, sys.executable)
    post = site / "content" / "posts" / "patologisk.md"
    print("| case | bytes | build | check |\n|---|---|---|---|")
    for name in args.cases.split(","):
        body = CASES[name]()
        post.write_text(FRONT + body + "\n", "utf-8")
        clean(site)
        build = [*sitegen, "--root", str(site), "build"] + ([] if args.search else
                                                           ["--no-search"])
        results = []
        for command in (build, [*sitegen, "--root", str(site), "check"]):
            seconds, code = timed(command, args.timeout)
            results.append(f"> {args.timeout:.0f} s" if seconds is None
                           else f"{seconds:.1f} s (exit {code})")
        print(f"| {name} | {len(body.encode()):,} | {results[0]} | {results[1]} |", flush=True)
    post.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
