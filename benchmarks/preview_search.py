"""How soon the live preview's search index is current after a save.

    .venv/bin/python benchmarks/preview_search.py [--posts 150] [--saves 5] [--site DIR]
        [--verbose]

Generates a corpus (benchmarks/generate.py, or uses --site, a sitegen site), starts the
preview server as `sitegen serve` does (watcher included), waits for its first index,
then saves one post --saves times, each with a new sentence, and reports the seconds
from the save to the page reload (the rebuild shown) and to the index being current
(the background update done). The watcher's wait for the save to settle is part of
both figures. The server runs as `sitegen serve` runs it (the collector paused while
each rebuild runs).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from sitegen.cli import collector_paused  # noqa: E402
from sitegen.serve import PreviewServer  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=150)
    parser.add_argument("--saves", type=int, default=5)
    parser.add_argument("--site", type=Path, help="a sitegen site to use instead")
    parser.add_argument("--verbose", action="store_true", help="print the server's log")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="sitegen-preview-search-"))
    try:
        root = args.site or scratch / "site"
        if args.site is None:
            sys.path.insert(0, str(REPO / "benchmarks"))
            import generate

            posts, themes = generate.generate(args.posts, 1)
            generate.write_sitegen(root, posts, themes)
        log = print if args.verbose else (lambda message, end="\n": None)
        # as `sitegen serve` runs it: the collector paused while each rebuild runs
        server = PreviewServer(root, port=0, log=log,
                               around_build=lambda: collector_paused(for_good=False))
        stop = threading.Event()
        started = time.perf_counter()
        server.start()
        watcher = threading.Thread(target=server.watch, args=(stop,), daemon=True)
        watcher.start()
        index = server.preview.index
        index.wait(3600)
        print(f"first build and index: {time.perf_counter() - started:.1f} s")
        post = sorted((root / "content" / "posts").glob("*.md"))[0]
        reloads, current = [], []
        for n in range(args.saves):
            version, updates = server.preview.version, index.updates
            post.write_text(post.read_text("utf-8") + f"\nMening nummer {n} om glasbruk.\n",
                            "utf-8")
            saved = time.perf_counter()
            while server.preview.version == version:
                time.sleep(0.01)
            reloads.append(time.perf_counter() - saved)
            while index.updates == updates or not index.wait(0):
                time.sleep(0.01)
            current.append(time.perf_counter() - saved)
            if args.verbose and index.last is not None:
                print(f"index updated in {index.last.seconds:.2f} s ({index.last.reindexed} "
                      f"of {index.last.shards} shards, {index.last.pages} pages)")
            time.sleep(1.5)
        stop.set()
        server.close()
        print(f"{args.saves} saves: page reloaded after {describe(reloads)}; "
              f"search index current after {describe(current)}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def describe(values: list[float]) -> str:
    return (f"median {statistics.median(values):.2f} s "
            f"(min {min(values):.2f}, max {max(values):.2f})")


if __name__ == "__main__":
    main()
