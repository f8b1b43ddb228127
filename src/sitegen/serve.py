"""`sitegen serve`: a live preview for editors.

Builds the site with drafts into `.sitegen-cache/preview/` (never `output/`, so a
preview can never publish a draft), serves it on loopback, watches the sources and
rebuilds on change. Open tabs reload through a small external script that listens on
a Server-Sent Events stream, and keep their scroll position. A broken edit keeps the
last good build on disk and shows an error page, listing every problem as `path:line`,
in place of each HTML page until the edit is fixed; the page as it last built stays
reachable under /__sitegen/senaste/. Pagefind is not run: search is left out of the
preview so that it never holds a rebuild up.

The server answers only requests addressed to it by a loopback name or the `--host`
it was given (a page elsewhere cannot reach it by rebinding a domain name to
127.0.0.1), refuses the event stream to other origins, and redirects only to paths it
made itself.
"""

from __future__ import annotations

import json
import mimetypes
import os
import posixpath
import socket
import sys
import threading
import time
import traceback
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote, unquote, urlsplit

import watchfiles

from sitegen import urls
from sitegen.build import BuildResult, build
from sitegen.errors import Problem, SitegenError, printable
from sitegen.preview_pages import (
    CSS_PATH,
    EVENTS_PATH,
    LAST_GOOD,
    PREVIEW_CSS,
    RELOAD_JS,
    SCRIPT_PATH,
    error_page,
    inject,
    last_good_banner,
    search_note,
)

PREVIEW_DIR = Path(".sitegen-cache") / "preview"
WATCHED = ("content", "layouts", "assets", "static", "site.yaml")
KEEPALIVE_SECONDS = 15.0
LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})
_GONE = (ConnectionError, TimeoutError)
"""What a client that went away (a closed or reloaded tab) makes a write raise."""


class Log(Protocol):
    def __call__(self, message: str, end: str = "\n") -> None: ...


def _print(message: str, end: str = "\n") -> None:
    print("\n".join(printable(line) for line in message.split("\n")), end=end, flush=True)


class Preview:
    """The preview's state: the last build's outcome and a counter that tells the
    event streams when to reload. Shared by the watcher and the request threads."""

    def __init__(self, root: Path, out: Path, log: Log = _print) -> None:
        self.root = root
        self.out = out
        self.log = log
        self.problems: list[Problem] = []
        """Problems of the latest build when it failed (errors and warnings); empty when
        it succeeded."""
        self._shown: set[Problem] = set()
        """The warnings of the previous build, printed already."""
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
            result = build(self.root, self.out, drafts=True, with_search=False,
                           waiting=lambda message: self.log(message + " ", end=""))
        except SitegenError as exc:
            problems = list(exc.problems)
        except Exception as exc:  # a preview server outlives a bug in one build
            self.log(traceback.format_exc().rstrip())
            problems = [Problem("sitegen", 0, f"oväntat fel: {exc!r}")]
        seconds = time.perf_counter() - started
        if problems or result is None:
            errors = [p for p in problems if p.is_error]
            self.log(f"misslyckades på {seconds:.1f} s: {len(errors)} fel. Den senaste "
                     "fungerande versionen ligger kvar; rätta felet och spara.")
            for problem in errors:
                self.log(str(problem))
            self._report_warnings([p for p in problems if not p.is_error])
        else:
            self.log(f"klart på {seconds:.1f} s ({result.posts} inlägg varav "
                     f"{result.drafts} utkast, {result.files} filer)")
            self._report_warnings(result.warnings)
        with self._changed:
            self.problems = problems
            self.version += 1
            self._changed.notify_all()
        return not problems

    def _report_warnings(self, warnings: list[Problem]) -> None:
        """Print the warnings the previous build did not have: repeating the same ones on
        every save would bury what changed."""
        fresh = [w for w in warnings if w not in self._shown]
        for warning in fresh:
            self.log(str(warning))
        if len(fresh) < len(warnings):
            same = len(warnings) - len(fresh)
            self.log(f"({same} {'varning' if same == 1 else 'varningar'} som förut visas "
                     "inte igen)")
        self._shown = set(warnings)

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


def _split_host(value: str) -> tuple[str, int | None] | None:
    """("name", port) of a Host or Origin authority, or None when it is malformed."""
    value = value.strip().lower()
    if value.startswith("["):
        name, bracket, rest = value[1:].partition("]")
        if not bracket or (rest and not rest.startswith(":")):
            return None
        port_text = rest[1:]
    else:
        name, _, port_text = value.partition(":")
    if port_text and not port_text.isdigit():
        return None
    return name.rstrip("."), int(port_text) if port_text else None


class _Handler(BaseHTTPRequestHandler):
    preview: Preview  # set on the subclass made per server
    hosts: frozenset[str]
    """The names this server answers to (see PreviewServer)."""
    port: int
    refused: set[str]
    server_version = "sitegen-serve"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the terminal is for build progress and problems."""

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_GET(self) -> None:
        try:
            self.answer()
        except _GONE:
            self.close_connection = True  # the tab went away before its answer

    do_HEAD = do_GET

    def answer(self) -> None:
        if not self.addressed_to_us():
            return
        path = self.request_path()
        if path is None:
            self.send_text(HTTPStatus.BAD_REQUEST, "Ogiltig adress.")
        elif path == EVENTS_PATH:
            self.events()
        elif path == SCRIPT_PATH:
            self.send_bytes(HTTPStatus.OK, "text/javascript; charset=utf-8", RELOAD_JS)
        elif path == CSS_PATH:
            self.send_bytes(HTTPStatus.OK, "text/css; charset=utf-8", PREVIEW_CSS)
        elif path == LAST_GOOD or path.startswith(LAST_GOOD + "/"):
            self.last_good(path.removeprefix(LAST_GOOD) or "/")
        elif self.wants_html(path):
            self.html(path)
        else:
            self.file(path)

    # -------------------------------------------------------------- who may ask

    def addressed_to_us(self) -> bool:
        """Refuse a request whose Host is not one of our names (DNS rebinding)."""
        host = _split_host(self.headers.get("Host", ""))
        if host is not None and host[0] in self.hosts and host[1] in (self.port, None):
            return True
        shown = self.headers.get("Host", "")
        if shown not in self.refused and len(self.refused) < 20:
            self.refused.add(shown)
            self.preview.log(f"Vägrade en begäran till värden {shown[:100]!r}: servern svarar "
                             "bara på sina egna adresser (ange namnet med --host)")
        self.send_text(HTTPStatus.MISDIRECTED_REQUEST,
                       "Förhandsgranskningen svarar bara på adresserna den lyssnar på.")
        return False

    def same_origin(self) -> bool:
        """Whether the request comes from our own pages (or from no page at all)."""
        if self.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
            return False
        origin = self.headers.get("Origin")
        if origin is None:
            return True
        scheme, _, authority = origin.partition("://")
        host = _split_host(authority)
        return (scheme == "http" and host is not None and host[0] in self.hosts
                and host[1] == self.port)

    def request_path(self) -> str | None:
        """The decoded path, or None when no file could have it (control characters,
        NUL, no leading slash)."""
        path = unquote(urlsplit(self.path).path)
        if not path.startswith("/") or not path.isprintable():
            return None
        return path

    # -------------------------------------------------------------- answers

    def wants_html(self, path: str) -> bool:
        return path.endswith(("/", ".html", ".htm")) or "." not in path.rsplit("/", 1)[-1]

    def locate(self, path: str) -> Path | str | None:
        """The file of the preview that serves `path` (index.html for a folder), None if
        there is none; for a folder asked for without its slash, the path to redirect
        to, made from where the folder is in the preview: never from the request, so no
        request can make it point elsewhere (//host/, /\\host/)."""
        parts = posixpath.normpath(path).split("/")
        file = self.preview.out.joinpath(*[p for p in parts if p and p not in (".", "..")])
        try:
            if file.is_dir():
                if not path.endswith("/"):
                    relative = file.relative_to(self.preview.out).as_posix()
                    return "/" if relative == "." else "/" + quote(relative) + "/"
                file = file / "index.html"
            return file if file.is_file() else None
        except OSError:  # a name too long for the file system, and the like
            return None

    def redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def html(self, path: str) -> None:
        found = self.locate(path)
        if isinstance(found, str):
            self.redirect(found)
            return
        problems = self.preview.problems
        if problems:
            self.send_bytes(HTTPStatus.INTERNAL_SERVER_ERROR, "text/html; charset=utf-8",
                            error_page(problems, LAST_GOOD + path if found else None))
            return
        status = HTTPStatus.OK
        if found is None:
            status, found = HTTPStatus.NOT_FOUND, self.preview.out / "404.html"
        data = self.read(found)
        if data is None:  # mid-swap or no build yet
            data = (b"<!doctype html><html lang=sv><title>Sidan finns inte</title><body>"
                    b"<p>Sidan finns inte.</p></body></html>")
            status = HTTPStatus.NOT_FOUND
        elif path in (urls.SEARCH, "/" + urls.served_by(urls.SEARCH)) and not (
                self.preview.out / urls.folder(urls.SEARCH_INDEX) / "pagefind.js").is_file():
            data = search_note(data)
        self.send_bytes(status, "text/html; charset=utf-8", inject(data))

    def last_good(self, path: str) -> None:
        """A page as the last good build made it, marked as such."""
        found = self.locate(path)
        if isinstance(found, str):
            self.redirect(LAST_GOOD + found)
            return
        data = self.read(found) if found is not None and found.suffix in (".html", ".htm") \
            else None
        if data is None:
            self.send_text(HTTPStatus.NOT_FOUND, "Sidan finns inte i den senaste fungerande "
                                                 "versionen.")
            return
        self.send_bytes(HTTPStatus.OK, "text/html; charset=utf-8",
                        inject(last_good_banner(data, path)))

    def file(self, path: str) -> None:
        found = self.locate(path)
        if isinstance(found, str):
            self.redirect(found)
            return
        data = self.read(found) if found is not None else None
        if found is None or data is None:
            self.send_text(HTTPStatus.NOT_FOUND, "Filen finns inte.")
            return
        kind = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind.endswith(("javascript", "json", "xml")):
            kind += "; charset=utf-8"
        self.send_bytes(HTTPStatus.OK, kind, data)

    @staticmethod
    def read(file: Path) -> bytes | None:
        try:
            return file.read_bytes()
        except (OSError, ValueError):
            return None

    def send_text(self, status: HTTPStatus, text: str) -> None:
        self.send_bytes(status, "text/plain; charset=utf-8", (text + "\n").encode())

    def send_bytes(self, status: HTTPStatus, content_type: str, data: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def events(self) -> None:
        """A Server-Sent Events stream: one `reload` event per rebuild, saying whether
        the build worked. Only for our own pages."""
        if not self.same_origin():
            self.send_text(HTTPStatus.FORBIDDEN, "Bara förhandsgranskningens egna sidor får "
                                                 "lyssna på ändringar.")
            return
        preview = self.preview
        seen = preview.version
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
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
                state = json.dumps({"version": version, "ok": not preview.problems})
                self.wfile.write(f"event: reload\ndata: {state}\n\n".encode())
            self.wfile.flush()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    log: Log = staticmethod(_print)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """One quiet line at most, never a traceback: a client that went away is no news,
        anything else is said in one line."""
        exc = sys.exc_info()[1]
        if isinstance(exc, _GONE):
            return
        self.log(f"Förhandsgranskningen kunde inte svara {client_address[0]}: {exc!r}")


class PreviewServer:
    """The HTTP server and the watcher, for `sitegen serve` and for tests."""

    def __init__(self, root: Path, host: str = "127.0.0.1", port: int = 8000,
                 log: Log = _print) -> None:
        self.root = root.absolute()
        self.preview = Preview(self.root, self.root / PREVIEW_DIR, log)
        self.log = log
        if not 0 <= port <= 65535:
            raise SitegenError([Problem("--port", 0, f"porten {port} finns inte; välj en port "
                                                     "mellan 1024 och 65535 (0 väljer en "
                                                     "ledig)")])
        server = type("Server", (_Server,), {
            "log": staticmethod(log),
            "address_family": socket.AF_INET6 if ":" in host else socket.AF_INET})
        try:
            self.httpd = server((host.strip("[]"), port), _Handler)
        except (OSError, OverflowError) as exc:
            why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise SitegenError([Problem("--port", 0, f"kan inte lyssna på {host}:{port}: "
                                                     f"{why}; välj en annan port med "
                                                     "--port")]) from None
        bound = str(self.httpd.server_address[0]).lower()
        # The names the server answers to: loopback, the --host given and the address
        # it is bound to (so "0.0.0.0" answers to loopback names only, unless named).
        hosts = LOOPBACK | {host.strip("[]").lower().rstrip("."), bound}
        self.httpd.RequestHandlerClass = type("Handler", (_Handler,), {
            "preview": self.preview, "hosts": frozenset(hosts - {""}),
            "port": int(self.httpd.server_address[1]), "refused": set()})
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
