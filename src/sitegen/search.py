"""The search index: Pagefind (the pinned `pagefind-bin` package) over the staged site,
before it is swapped in, so the published site and its index always match.

Every page is `<html lang="sv">` and Pagefind runs with `--force-language sv`, so one
Swedish index (with Swedish stemming) is built. Which pages are results, and their
filters, sort keys and metadata, is marked in the layouts (`data-pagefind-*` on the post
and page articles): filters kommun, län, tema, år and typ ("Återbesök" for a follow-up,
else the category's label), the sort key datum (ISO date) and the result list's meta.
"""

from __future__ import annotations

import re
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from sitegen.errors import Problem

LANGUAGE = "sv"
"""ISO 639-1 code Pagefind indexes the whole site as (Swedish stemming)."""
BUNDLE = "pagefind"
"""Folder under the site root the search bundle is written to (/pagefind/pagefind.js)."""


@dataclass(frozen=True)
class SearchResult:
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


def index_site(site_dir: Path, folders: frozenset[str] | None = None
               ) -> SearchResult | Problem:
    """Run Pagefind over `site_dir`, writing `site_dir/pagefind/`; with `folders`, it
    reads only the HTML files in those top folders (the pages that can be results)."""
    binary = pagefind_binary()
    if binary is None:
        return Problem("pagefind", 0, "Pagefind saknas: installera paketet pagefind-bin "
                                      "(pip install -e .) eller bygg med --no-search")
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [str(binary), "--site", str(site_dir), "--output-subdir", BUNDLE,
             "--force-language", LANGUAGE, *_glob(folders)],
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
    return SearchResult(time.perf_counter() - started, pages)


def _glob(folders: frozenset[str] | None) -> list[str]:
    """Pagefind's --glob for HTML files under `folders` (slugs); none for the whole site."""
    if not folders or any(not re.fullmatch(r"[\w.-]+", folder) for folder in folders):
        return []
    names = ",".join(sorted(folders))
    return ["--glob", f"{{{names}}}/**/*.html" if len(folders) > 1 else f"{names}/**/*.html"]
