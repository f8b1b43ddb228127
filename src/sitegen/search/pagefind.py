"""Running the pinned Pagefind binary (the `pagefind-bin` package) over a set of pages."""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sitegen import links
from sitegen.errors import Problem

LANGUAGE = "sv"
"""ISO 639-1 code Pagefind indexes the whole site as (Swedish stemming)."""
VERSION = "1.5.2"
"""The Pagefind the bundle format and the search page are written for (pyproject pins it)."""


@dataclass(frozen=True)
class Indexed:
    seconds: float
    pages: int
    """Pages Pagefind reports as indexed."""


def pagefind_binary() -> Path | None:
    try:
        import pagefind_bin  # type: ignore[import-untyped]
    except ImportError:
        return None
    binary = Path(pagefind_bin.__file__).parent / "pagefind"
    return binary if binary.is_file() else None


def missing() -> Problem:
    return Problem("pagefind", 0, "Pagefind saknas: installera paketet pagefind-bin "
                                  "(pip install -e .) eller bygg med --no-search")


@dataclass(frozen=True)
class FastPaths:
    """How Pagefind is given a shard's pages. Each way gives the same index (tested)."""

    glob: bool = True
    """Pagefind reads the pages where they are, named in one `--glob` of literal paths,
    instead of from hard links made for it in a scratch folder: at 10,000 posts that
    saves a one-post edit ~0.5 s (a link, a folder and their removal for each of a
    shard's ~650 pages). Taken when every path is plain (letters, digits, `.`, `_`, `-`,
    `/`: nothing Pagefind's glob syntax reads as a pattern) and the glob fits in one
    command-line argument; else the scratch folder. It leans on Pagefind matching a
    literal glob exactly: that Pagefind found as many files as it was given is checked
    on every run, and a difference fails the build."""


FAST_PATHS = FastPaths()
"""What builds use."""
PLAIN = FastPaths(glob=False)
"""A scratch folder of links for every shard."""

_LITERAL = re.compile(r"[A-Za-z0-9._/-]+")
MAX_GLOB = 100_000
"""Characters of a glob at most: Linux takes at most 128 kB in one argument."""


def index_pages(binary: Path, site: Path, pages: Sequence[str], scratch: Path,
                bundle: Path, fast: FastPaths = FAST_PATHS) -> Indexed | Problem:
    """Index the HTML files `pages` (paths under `site`) into the bundle folder `bundle`,
    each at its own URL: in place, named by a glob (`FastPaths.glob`), or else
    hard-linked into `scratch` at its own path (removed afterwards), since Pagefind
    reads a whole folder."""
    started = time.perf_counter()
    glob = _glob(pages) if fast.glob else None
    if glob is not None:
        return _run(binary, site, bundle, started, glob, len(pages))
    try:
        for path in pages:
            target = scratch / path
            target.parent.mkdir(parents=True, exist_ok=True)
            links.link_or_copy(site / path, target)
        return _run(binary, scratch, bundle, started)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _glob(pages: Sequence[str]) -> str | None:
    """A Pagefind glob that matches exactly `pages`, or None when one can't be given."""
    if not all(_LITERAL.fullmatch(path) for path in pages):
        return None
    glob = "{" + ",".join(pages) + "}"
    return glob if len(glob) <= MAX_GLOB else None


def _run(binary: Path, site: Path, bundle: Path, started: float, glob: str | None = None,
         expected: int = 0) -> Indexed | Problem:
    selection = ["--glob", glob] if glob is not None else []
    try:
        done = subprocess.run(
            [str(binary), "--site", str(site), *selection, "--output-path", str(bundle),
             "--force-language", LANGUAGE],
            capture_output=True, text=True, check=False, timeout=3600,
        )
    except OSError as exc:
        return Problem(str(binary), 0, f"Pagefind kunde inte startas: {exc.strerror}")
    except subprocess.TimeoutExpired:
        return Problem("pagefind", 0, "Pagefind avbröts efter en timme utan att bli klar")
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
        detail = " / ".join(tail) or f"avslutades med kod {done.returncode}"
        return Problem("pagefind", 0, "Pagefind misslyckades: " + detail)
    found = _count(done.stdout, "Found", "file")
    if glob is not None and found != expected:
        return Problem("pagefind", 0, f"Pagefind hittade {found} av {expected} sidor med "
                                      "--glob; har Pagefinds glob ändrats? (stäng av "
                                      "sitegen.search.pagefind.FastPaths.glob)")
    return Indexed(time.perf_counter() - started, _count(done.stdout, "Indexed", "page") or 0)


def _count(output: str, verb: str, noun: str) -> int | None:
    """N from Pagefind's line "<verb> N <noun>s …" (None if it has none)."""
    for line in output.splitlines():
        words = line.split()
        if len(words) >= 3 and words[0] == verb and words[2].startswith(noun) and \
                words[1].isdigit():
            return int(words[1])
    return None
