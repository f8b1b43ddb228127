"""Screenshots of every page type, at phone and desktop width, in light and dark.

    scripts/screenshots [--site ROOT] [--out DIR] [--only KIND ...] [--first-screen] [--tiles]

Builds the site in ROOT (the repository's own by default) with its search index into a
scratch folder (ROOT's output/ is not touched), serves it on 127.0.0.1 and photographs
one page of every page type (tests/browser/pages.py: the pages the accessibility tests
check, and the search page empty, with results and with a misspelt query) at 375 and
1280 px, light and dark, in Debian's Chromium through Playwright (the test suite's; run
scripts/test once to install both). Files: DIR/<kind>-<width>-<scheme>.png, whole pages
(`--first-screen`: only what the first screen shows, 375×667 and 1280×800). Nothing is
loaded from outside the site; a request that tries is listed at the end.

For whoever changes the design next: run it before and after, and look at the pictures
as a reader would, phone first.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import shutil
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "browser"))

from pages import PAGE_TYPES, SCHEMES, SEARCH_PAGES, WIDTHS  # type: ignore[import-not-found]  # noqa: E402

from sitegen.build import build  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
HEIGHTS = {375: 667, 1280: 800}
"""The first screen of a phone (iPhone SE/8) and of a laptop."""
SITE_PARTS = ("content", "layouts", "assets", "static", "site.yaml")


class _Handler(http.server.SimpleHTTPRequestHandler):
    """A static host: 404.html with status 404 for a missing page, quietly."""

    def send_error(self, code: int, message: str | None = None,
                   explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def build_copy(root: Path, scratch: Path) -> Path:
    """The site of `root`, built with search in `scratch`; its output folder."""
    for part in SITE_PARTS:
        source = root / part
        if source.is_dir():
            shutil.copytree(source, scratch / part)
        elif source.is_file():
            shutil.copy2(source, scratch / part)
    build(scratch, incremental_build=False)
    return scratch / "output"


def serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(_Handler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def _tiles(page: Any, stem: Path, width: int, height: int) -> None:
    """The whole page again, one screen a file: <stem>-1.png, <stem>-2.png …"""
    total = page.evaluate("() => document.documentElement.scrollHeight")
    for number, top in enumerate(range(0, total, height), start=1):
        clip = {"x": 0, "y": top, "width": width, "height": min(height, total - top)}
        page.screenshot(path=f"{stem}-{number}.png", full_page=True, clip=clip)


def photograph(base: str, pages: dict[str, str], out: Path, first_screen: bool,
               tiles: bool) -> list[str]:
    """Every page at every width and scheme into `out`; the off-site requests seen."""
    from playwright.sync_api import sync_playwright

    off_site: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=["--no-sandbox", "--disable-gpu"])
        for scheme in SCHEMES:
            for width in WIDTHS:
                context = browser.new_context(
                    locale="sv-SE", timezone_id="Europe/Stockholm", color_scheme=scheme,
                    viewport={"width": width, "height": HEIGHTS[width]})
                page = context.new_page()
                page.on("request", lambda r: off_site.append(r.url)
                        if urlsplit(r.url).hostname not in ("127.0.0.1", None) else None)
                for kind, path in pages.items():
                    page.goto(base + path, wait_until="networkidle")
                    if kind.startswith("search"):
                        page.wait_for_timeout(1500)  # the results arrive after the page
                    name = f"{kind}-{width}-{scheme}"
                    page.screenshot(path=str(out / f"{name}.png"), full_page=not first_screen)
                    print(out / f"{name}.png")
                    if tiles and not first_screen:
                        _tiles(page, out / name, width, HEIGHTS[width])
                context.close()
        browser.close()
    return sorted(set(off_site))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/screenshots", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", type=Path, default=REPO, help="the site's root folder")
    parser.add_argument("--out", type=Path, default=Path("screenshots"),
                        help="where the PNG files go (default: ./screenshots)")
    parser.add_argument("--only", action="append", default=[], metavar="KIND",
                        help="only this page type (repeatable): "
                             + ", ".join([*PAGE_TYPES, *SEARCH_PAGES]))
    parser.add_argument("--first-screen", action="store_true",
                        help="only the first screen, not the whole page")
    parser.add_argument("--tiles", action="store_true",
                        help="also each whole page cut into screens (<name>-1.png, …): "
                             "easier to read than one tall picture")
    args = parser.parse_args(argv)
    pages = {**PAGE_TYPES, **SEARCH_PAGES}
    unknown = [kind for kind in args.only if kind not in pages]
    if unknown:
        parser.error(f"okänd sidtyp: {', '.join(unknown)}")
    if args.only:
        pages = {kind: pages[kind] for kind in args.only}
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="sitegen-screenshots-") as scratch:
        server, base = serve(build_copy(args.site.resolve(), Path(scratch)))
        try:
            off_site = photograph(base, pages, args.out, args.first_screen, args.tiles)
        finally:
            server.shutdown()
    for url in off_site:
        print(f"begäran utanför webbplatsen: {url}", file=sys.stderr)
    return 1 if off_site else 0


if __name__ == "__main__":
    sys.exit(main())
