"""Real-browser test harness: Chromium via Playwright, a static HTTP server, axe-core.

Fixtures:
- ``chromium``: session-wide Playwright ``Browser`` (Debian's /usr/bin/chromium).
- ``page``: a fresh context and page per test. ``page.console_errors`` collects every
  ``console.error`` and uncaught page error; the test fails at teardown if the list is not
  empty (a test that expects errors checks them and calls ``page.console_errors.clear()``).
  A failed load of a favicon (Chromium fetches icons on its own) is not recorded.
  ``page.external_requests`` collects requests to hosts other than 127.0.0.1/localhost
  (the site must not load anything from elsewhere); also a teardown failure unless cleared.
- ``serve_dir``: ``serve_dir(directory) -> base_url`` serves a directory over HTTP on
  127.0.0.1 like a static host: ``404.html`` with status 404 for missing paths.
- ``axe_check``: ``axe_check(page) -> list[AxeViolation]`` runs axe-core (WCAG 2.0/2.1 A+AA).
- ``content_site``: the repository's own site built with search, once a module (its
  ``output/``), for the search page's tests.
- ``preview``: ``sitegen serve`` on a copy of the repository's site, watching for saves.

Missing Chromium, Playwright or axe-core skips these tests on a developer machine and fails
them when ``CI=true``. ``scripts/test`` installs all three.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, NoReturn
from urllib.parse import urlsplit

import pytest
from conftest import copy_repo_site, watched_preview

from sitegen.serve import PreviewServer

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("SITEGEN_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_DEFAULT = REPO_ROOT / ".cache" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}

_BROWSER_DIR = Path(__file__).resolve().parent


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def unavailable(reason: str) -> NoReturn:
    """Skip on a developer machine; fail in CI, where the harness must be complete."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(f"{reason}; run scripts/test to install it")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test under tests/browser with ``browser`` (so ``-m 'not browser'`` works)."""
    for item in items:
        if _BROWSER_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


# --- browser ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """The session's Playwright ``Browser``, headless Chromium from /usr/bin/chromium."""
    if not CHROMIUM.is_file():
        unavailable(f"Chromium is not installed at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the Python package playwright is not installed")
    pw = sync_playwright().start()
    try:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
    except Exception:
        pw.stop()
        raise
    try:
        yield browser
    finally:
        browser.close()
        pw.stop()


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    """A new context and page; console errors and off-site requests fail the test."""
    context = chromium.new_context(locale="sv-SE", timezone_id="Europe/Stockholm")
    context.set_default_timeout(10_000)
    pg = context.new_page()
    console_errors: list[str] = []
    external_requests: list[str] = []

    def on_console(msg: Any) -> None:
        if msg.type != "error":
            return
        loc = msg.location or {}
        if "/favicon." in str(loc.get("url", "")):
            # Chromium fetches icons on its own, late; whether that fetch is cut off when
            # a test closes the page depends on timing. test_a11y checks the icon loads.
            return
        where = f" ({loc.get('url')}:{loc.get('lineNumber')})" if loc.get("url") else ""
        console_errors.append(f"console.error: {msg.text}{where}")

    def on_pageerror(err: Any) -> None:
        console_errors.append(f"pageerror: {err}")

    def on_request(request: Any) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in {"http", "https", "ws", "wss"} and parts.hostname not in LOCAL_HOSTS:
            external_requests.append(request.url)

    pg.on("console", on_console)
    pg.on("pageerror", on_pageerror)
    pg.on("request", on_request)
    pg.console_errors = console_errors
    pg.external_requests = external_requests
    try:
        yield pg
    finally:
        context.close()
    problems = [*console_errors, *(f"off-site request: {url}" for url in external_requests)]
    if problems:
        pytest.fail(
            "the page reported errors (clear page.console_errors / page.external_requests "
            "in the test if they are expected):\n  " + "\n  ".join(problems),
            pytrace=False,
        )


# --- static HTTP server ---------------------------------------------------------------------


class StaticSiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serve a built site the way a static host does.

    Missing files and directories without ``index.html`` get ``404.html`` (if the site has
    one) with status 404; there are no directory listings.
    """

    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".html": "text/html; charset=utf-8",
        ".css": "text/css; charset=utf-8",
        ".js": "text/javascript; charset=utf-8",
        ".mjs": "text/javascript; charset=utf-8",
        ".json": "application/json",
        ".xml": "application/xml",
        ".atom": "application/atom+xml",
        ".svg": "image/svg+xml",
        ".txt": "text/plain; charset=utf-8",
        ".wasm": "application/wasm",
        ".webmanifest": "application/manifest+json",
    }

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def list_directory(self, path: str | os.PathLike[str]) -> None:
        self.send_error(404, "Not Found")
        return None

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page_404 = Path(self.directory) / "404.html"
        if code != 404 or not page_404.is_file():
            super().send_error(code, message, explain)
            return
        body = page_404.read_bytes()
        self.send_response(404, message)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(http.server.ThreadingHTTPServer):
    # Chromium opens several connections at once; the default backlog of 5 made a busy
    # machine reset some of them (a flaky "ERR_CONNECTION_RESET" on a stylesheet or icon).
    request_queue_size = 128


@pytest.fixture
def serve_dir() -> Iterator[Callable[[str | os.PathLike[str]], str]]:
    """Factory: ``serve_dir(directory) -> "http://127.0.0.1:<port>"`` (no trailing slash).

    Each call starts a server on a free port in a background thread; all are shut down when
    the test ends.
    """
    servers: list[tuple[_Server, threading.Thread]] = []

    def serve(directory: str | os.PathLike[str]) -> str:
        root = Path(directory).resolve()
        if not root.is_dir():
            raise FileNotFoundError(f"serve_dir: {root} is not a directory")
        handler = functools.partial(StaticSiteHandler, directory=str(root))
        server = _Server(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        thread = threading.Thread(
            target=server.serve_forever, name=f"serve_dir:{root}", daemon=True
        )
        thread.start()
        servers.append((server, thread))
        host, port = server.server_address[:2]
        return f"http://{host}:{port}"

    yield serve
    for server, thread in servers:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# --- axe-core -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AxeViolation:
    """One failed axe rule and the elements (CSS selector paths) that fail it."""

    id: str
    impact: str | None
    help: str
    help_url: str
    targets: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.id} [{self.impact}] {self.help}: {', '.join(self.targets)}"


def _axe_path() -> Path:
    env = os.environ.get("SITEGEN_AXE_JS")
    return Path(env) if env else AXE_DEFAULT


@functools.cache
def _axe_source(path: Path) -> str:
    return path.read_text(encoding="utf-8")


_AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: 'tag', values: tags},
    resultTypes: ['violations'],
  });
  const target = (t) => Array.isArray(t) ? t.join(' >>> ') : String(t);
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    targets: v.nodes.map((n) => n.target.map(target).join(' >>> ')),
  }));
}"""


def run_axe(page: Any, tags: list[str] | None = None) -> list[AxeViolation]:
    """Inject axe-core into ``page`` (once) and return its violations for ``tags``."""
    path = _axe_path()
    if not path.is_file():
        unavailable(f"axe-core is not installed at {path} (set SITEGEN_AXE_JS)")
    # page.evaluate is not subject to the page's Content-Security-Policy, a script tag is.
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source(path))
    raw = page.evaluate(_AXE_RUN, tags or AXE_TAGS)
    return [
        AxeViolation(
            id=v["id"],
            impact=v["impact"],
            help=v["help"],
            help_url=v["helpUrl"],
            targets=tuple(v["targets"]),
        )
        for v in raw
    ]


@pytest.fixture
def axe_check() -> Callable[..., list[AxeViolation]]:
    """``axe_check(page, tags=None) -> list[AxeViolation]`` (WCAG 2.0/2.1 A and AA by default).

    Assert with ``assert not violations, "\\n".join(map(str, violations))``.
    """
    return run_axe


# --- the search page ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def content_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's content, built once for the module, with search."""
    from sitegen.build import build

    root = copy_repo_site(tmp_path_factory.mktemp("content"))
    build(root, with_search=True)
    return root / "output"


# --- the live preview -----------------------------------------------------------------------


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[tuple[PreviewServer, Path]]:
    """`sitegen serve` on a copy of the repository's site, watching it for saves, on a
    free port of 127.0.0.1: (the server, the site's root)."""
    root = copy_repo_site(tmp_path / "site")
    with watched_preview(root, lambda message, end="\n": None) as server:
        yield server, root
