"""`sitegen serve`: a live preview for editors.

Builds the site with drafts into `.sitegen-cache/preview/` (never `output/`, so a
preview can never publish a draft), serves it on loopback, watches the sources and
rebuilds on change. Open tabs reload through a small external script that listens on
a Server-Sent Events stream. A broken edit keeps the last good build on disk and
shows an error page, listing every problem as `path:line`, in place of each HTML page
until the edit is fixed. Pagefind is not run: search is left out of the preview so
that it never holds a rebuild up.
"""

from __future__ import annotations

import html
import os
import threading
import time
import traceback
from collections.abc import Sequence
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

import watchfiles

from sitegen.build import BuildResult, build
from sitegen.errors import Problem, SitegenError

PREVIEW_DIR = Path(".sitegen-cache") / "preview"
WATCHED = ("content", "layouts", "assets", "static", "site.yaml")
EVENTS_PATH = "/__sitegen/events"
SCRIPT_PATH = "/__sitegen/reload.js"
SCRIPT_TAG = f'<script src="{SCRIPT_PATH}" defer></script>'.encode()
KEEPALIVE_SECONDS = 15.0

RELOAD_JS = b"""// sitegen serve: reload this tab when the preview is rebuilt.
(function () {
  var source = new EventSource("/__sitegen/events");
  source.addEventListener("reload", function () { window.location.reload(); });
})();
"""

class Log(Protocol):
    def __call__(self, message: str, end: str = "\n") -> None: ...


def _print(message: str, end: str = "\n") -> None:
    print(message, end=end, flush=True)


class Preview:
    """The preview's state: the last build's outcome and a counter that tells the
    event streams when to reload. Shared by the watcher and the request threads."""

    def __init__(self, root: Path, out: Path, log: Log = _print) -> None:
        self.root = root
        self.out = out
        self.log = log
        self.problems: list[Problem] = []
        """Problems of the latest build; empty when it succeeded."""
        self._warnings: list[Problem] | None = None
        self.version = 0
        self.stopping = threading.Event()
        self._changed = threading.Condition()

    def rebuild(self) -> bool:
        """Build once; on failure keep the last good site and remember the problems."""
        started = time.perf_counter()
        self.log("Bygger … ", end="")
        problems: list[Problem] = []
        result: BuildResult | None = None
        try:
            result = build(self.root, self.out, drafts=True, with_search=False)
        except SitegenError as exc:
            problems = list(exc.problems)
        except Exception as exc:  # a preview server outlives a bug in one build
            self.log(traceback.format_exc().rstrip())
            problems = [Problem("sitegen", 0, f"oväntat fel: {exc!r}")]
        seconds = time.perf_counter() - started
        if problems or result is None:
            errors = sum(p.is_error for p in problems)
            self.log(f"misslyckades på {seconds:.1f} s: {errors} fel. Den senaste fungerande "
                     "versionen ligger kvar; rätta felet och spara.")
            for problem in problems:
                self.log(str(problem))
            self._warnings = None
        else:
            self.log(f"klart på {seconds:.1f} s ({result.posts} inlägg varav "
                     f"{result.drafts} utkast, {result.files} filer)")
            # Repeating the same warnings on every save would bury what changed.
            if result.warnings != self._warnings:
                for warning in result.warnings:
                    self.log(str(warning))
            self._warnings = result.warnings
        with self._changed:
            self.problems = [p for p in problems if p.is_error] or problems
            self.version += 1
            self._changed.notify_all()
        return not problems

    def wait_for_change(self, seen: int, timeout: float) -> int:
        """The version after `seen`, or `seen` again after `timeout` or on stop."""
        with self._changed:
            self._changed.wait_for(lambda: self.version != seen or self.stopping.is_set(),
                                   timeout)
            return self.version

    def stop(self) -> None:
        self.stopping.set()
        with self._changed:
            self._changed.notify_all()


def error_page(problems: Sequence[Problem]) -> bytes:
    """The page shown in place of every HTML page while the latest build is broken."""
    items = "\n".join(
        f'<li><code>{html.escape(f"{p.path}:{p.line}" if p.line else p.path)}</code> '
        f"{html.escape(p.message)}</li>" for p in problems)
    return f"""<!doctype html>
<html lang="sv">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Bygget misslyckades – sitegen serve</title>
<style>
body {{ font: 1.05rem/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 50rem;
       padding: 0 1rem; color: #1a1a1a; }}
h1 {{ color: #8b0000; }}
li {{ margin: .6rem 0; }}
code {{ background: #f3f3f3; padding: .1rem .3rem; font-weight: bold; }}
</style>
</head>
<body>
<main>
<h1>Bygget misslyckades</h1>
<p>Förhandsgranskningen kunde inte byggas om. Rätta felen nedan och spara, så laddas
sidan om av sig själv. Den senaste fungerande versionen ligger kvar tills dess.</p>
<ul>
{items}
</ul>
</main>
{SCRIPT_TAG.decode()}
</body>
</html>
""".encode()


def inject(page: bytes) -> bytes:
    """Add the reload script before </body> (or at the end)."""
    at = page.rfind(b"</body>")
    if at < 0:
        return page + SCRIPT_TAG
    return page[:at] + SCRIPT_TAG + b"\n" + page[at:]


class _Handler(SimpleHTTPRequestHandler):
    preview: Preview  # set on the subclass made per server

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, directory=str(self.preview.out), **kwargs)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the terminal is for build progress and problems."""

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_GET(self) -> None:
        path = unquote(urlsplit(self.path).path)
        if path == EVENTS_PATH:
            self.events()
        elif path == SCRIPT_PATH:
            self.send_bytes(HTTPStatus.OK, "text/javascript; charset=utf-8", RELOAD_JS)
        elif self.wants_html(path):
            self.html(path)
        else:
            super().do_GET()

    def wants_html(self, path: str) -> bool:
        return path.endswith(("/", ".html", ".htm")) or "." not in path.rsplit("/", 1)[-1]

    def html(self, path: str) -> None:
        problems = self.preview.problems
        if problems:
            self.send_bytes(HTTPStatus.INTERNAL_SERVER_ERROR, "text/html; charset=utf-8",
                            error_page(problems))
            return
        file = Path(self.translate_path(path))
        if file.is_dir():
            if not path.endswith("/"):
                self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                self.send_header("Location", path + "/")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            file = file / "index.html"
        status = HTTPStatus.OK
        if not file.is_file():
            status, file = HTTPStatus.NOT_FOUND, self.preview.out / "404.html"
        try:
            data = file.read_bytes()
        except OSError:  # mid-swap or no build yet
            data = b"<!doctype html><html lang=sv><title>Sidan finns inte</title><body>" \
                   b"<p>Sidan finns inte.</p></body></html>"
            status = HTTPStatus.NOT_FOUND
        self.send_bytes(status, "text/html; charset=utf-8", inject(data))

    def send_bytes(self, status: HTTPStatus, content_type: str, data: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def events(self) -> None:
        """A Server-Sent Events stream: one `reload` event per rebuild."""
        preview = self.preview
        seen = preview.version
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        try:
            self.wfile.write(b"retry: 1000\n\n")
            self.wfile.flush()
            while not preview.stopping.is_set():
                version = preview.wait_for_change(seen, KEEPALIVE_SECONDS)
                if preview.stopping.is_set():
                    break
                if version == seen:
                    self.wfile.write(b": ping\n\n")
                else:
                    seen = version
                    self.wfile.write(f"event: reload\ndata: {version}\n\n".encode())
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the tab was closed


class PreviewServer:
    """The HTTP server and the watcher, for `sitegen serve` and for tests."""

    def __init__(self, root: Path, host: str = "127.0.0.1", port: int = 8000,
                 log: Log = _print) -> None:
        self.root = root.absolute()
        self.preview = Preview(self.root, self.root / PREVIEW_DIR, log)
        self.log = log
        handler = type("Handler", (_Handler,), {"preview": self.preview})
        try:
            self.httpd = ThreadingHTTPServer((host, port), handler)
        except OSError as exc:
            raise SitegenError([Problem("--port", 0, f"kan inte lyssna på {host}:{port}: "
                                                     f"{exc.strerror}; välj en annan port "
                                                     "med --port")]) from None
        self.httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        address = self.httpd.server_address
        host, port = str(address[0]), int(address[1])
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}/"

    def start(self) -> None:
        """Build once and start answering requests (in a background thread)."""
        self.preview.rebuild()
        self._thread = threading.Thread(target=self.httpd.serve_forever,
                                        name="sitegen-serve", daemon=True)
        self._thread.start()

    def watched(self) -> list[Path]:
        return [self.root / name for name in WATCHED if (self.root / name).exists()]

    def watch(self, stop: threading.Event | None = None) -> None:
        """Rebuild on every change until `stop` is set (or Ctrl-C)."""
        for changes in watchfiles.watch(*self.watched(), stop_event=stop, debounce=1000,
                                        step=50, raise_interrupt=True):
            added = {path for change, path in changes if change == watchfiles.Change.added}
            deleted = {path for change, path in changes if change == watchfiles.Change.deleted}
            # An editor's temporary file, made and removed within one save, is no news.
            names = sorted({os.path.relpath(path, self.root) for _, path in changes
                            if path not in added & deleted})
            if names:
                self.log("Ändrat: " + ", ".join(names))
            self.preview.rebuild()

    def close(self) -> None:
        self.preview.stop()
        if self._thread is not None:
            self.httpd.shutdown()
            self._thread.join(timeout=5)
        self.httpd.server_close()


def serve(root: Path, *, host: str = "127.0.0.1", port: int = 8000, log: Log = _print) -> None:
    """Run the preview until Ctrl-C."""
    server = PreviewServer(root, host, port, log)
    try:
        server.start()
        log(f"Förhandsgranskning på {server.url} (utkast visas). Avsluta med Ctrl-C.")
        if host not in ("127.0.0.1", "localhost", "::1"):
            log(f"Obs: {host} kan nås från andra datorer, och förhandsgranskningen visar "
                "utkast.")
        server.watch()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        log("Förhandsgranskningen stoppad.")
