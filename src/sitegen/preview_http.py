"""The preview's answers to HTTP requests, and who may ask.

Only requests addressed to the server by a loopback name or the `--host` it was given
are answered (a page elsewhere cannot reach it by rebinding a domain name to
127.0.0.1); the reload event stream is refused to other origins; a path is decoded and
looked up inside the preview folder only, and a redirect goes only to a path made from
where a folder is in the preview, never from the request. HTML pages get the reload
script, or the error page while the last build is broken; the last good page stays
reachable under /__sitegen/senaste/.
"""

from __future__ import annotations

import json
import mimetypes
import posixpath
import sys
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from sitegen.preview import Log, Preview, print_log
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
)
from sitegen.search import BUNDLE

KEEPALIVE_SECONDS = 15.0
GONE = (ConnectionError, TimeoutError)
"""What a client that went away (a closed or reloaded tab) makes a write raise."""


def split_host(value: str) -> tuple[str, int | None] | None:
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


class Handler(BaseHTTPRequestHandler):
    preview: Preview  # set on the subclass made per server (serve.PreviewServer)
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
        except GONE:
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
        host = split_host(self.headers.get("Host", ""))
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
        host = split_host(authority)
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
        parts = [p for p in posixpath.normpath(path).split("/") if p and p not in (".", "..")]
        # /pagefind/ is the preview's search index, kept beside the site
        base = self.preview.index.folder if parts[:1] == [BUNDLE] else self.preview.out
        file = base.joinpath(*parts)
        try:
            if file.is_dir():
                if not path.endswith("/"):
                    relative = file.relative_to(base).as_posix()
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


class Server(ThreadingHTTPServer):
    daemon_threads = True
    log: Log = staticmethod(print_log)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """One quiet line at most, never a traceback: a client that went away is no news,
        anything else is said in one line."""
        exc = sys.exc_info()[1]
        if isinstance(exc, GONE):
            return
        self.log(f"Förhandsgranskningen kunde inte svara {client_address[0]}: {exc!r}")
