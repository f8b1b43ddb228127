"""Running the pinned Pagefind binary (the `pagefind-bin` package) over a set of pages."""

from __future__ import annotations

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


def index_pages(binary: Path, site: Path, pages: Sequence[str], scratch: Path,
                bundle: Path) -> Indexed | Problem:
    """Index the HTML files `pages` (paths under `site`) into the bundle folder `bundle`.

    Pagefind reads a whole folder, so the pages are hard-linked into `scratch` (removed
    afterwards) at their own paths, which gives them their own URLs in the bundle."""
    started = time.perf_counter()
    try:
        for path in pages:
            target = scratch / path
            target.parent.mkdir(parents=True, exist_ok=True)
            links.link_or_copy(site / path, target)
        return _run(binary, scratch, bundle, started)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _run(binary: Path, site: Path, bundle: Path, started: float) -> Indexed | Problem:
    try:
        done = subprocess.run(
            [str(binary), "--site", str(site), "--output-path", str(bundle),
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
    pages = 0
    for line in done.stdout.splitlines():
        if line.strip().startswith("Indexed") and "page" in line:
            digits = "".join(ch for ch in line.split("page")[0] if ch.isdigit())
            pages = int(digits or 0)
    return Indexed(time.perf_counter() - started, pages)
