"""`sitegen serve`: a live preview for editors.

Builds the site with drafts into `.sitegen-cache/preview/` (never `output/`, so a
preview can never publish a draft), serves it on loopback, watches the sources and
rebuilds on change. Open tabs reload through a small external script that listens on
a Server-Sent Events stream, and keep their scroll position. A broken edit keeps the
last good build on disk and shows an error page, listing every problem as `path:line`,
in place of each HTML page until the edit is fixed; the page as it last built stays
reachable under /__sitegen/senaste/. The build leaves search out, so that Pagefind
never holds a reload up: the search index is brought up to date in the background after
each build (sitegen.search.preview) and served at /pagefind/.

Three rooms: `preview` (the state: building, its outcome, when tabs reload),
`preview_http` (the answers to requests and who may ask) and this module (the server
bound to its address, the watcher and the command).
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
from pathlib import Path

import watchfiles

from sitegen.errors import Problem, SitegenError
from sitegen.preview import AroundBuild, Log, Preview, print_log
from sitegen.preview_http import Handler, Server

PREVIEW_DIR = Path(".sitegen-cache") / "preview"
WATCHED = ("content", "layouts", "assets", "static", "site.yaml")
LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})


class PreviewServer:
    """The HTTP server and the watcher, for `sitegen serve` and for tests."""

    def __init__(self, root: Path, host: str = "127.0.0.1", port: int = 8000,
                 log: Log = print_log, around_build: AroundBuild = contextlib.nullcontext,
                 ) -> None:
        self.root = root.absolute()
        self.preview = Preview(self.root, self.root / PREVIEW_DIR, log, around_build)
        self.log = log
        if not 0 <= port <= 65535:
            raise SitegenError([Problem("--port", 0, f"porten {port} finns inte; välj en port "
                                                     "mellan 1024 och 65535 (0 väljer en "
                                                     "ledig)")])
        server = type("Server", (Server,), {
            "log": staticmethod(log),
            "address_family": socket.AF_INET6 if ":" in host else socket.AF_INET})
        try:
            self.httpd = server((host.strip("[]"), port), Handler)
        except (OSError, OverflowError) as exc:
            why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise SitegenError([Problem("--port", 0, f"kan inte lyssna på {host}:{port}: "
                                                     f"{why}; välj en annan port med "
                                                     "--port")]) from None
        bound = str(self.httpd.server_address[0]).lower()
        # The names the server answers to: loopback, the --host given and the address
        # it is bound to (so "0.0.0.0" answers to loopback names only, unless named).
        hosts = LOOPBACK | {host.strip("[]").lower().rstrip("."), bound}
        self.httpd.RequestHandlerClass = type("Handler", (Handler,), {
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
        self.preview.index.start()
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


def serve(root: Path, *, host: str = "127.0.0.1", port: int = 8000, log: Log = print_log,
          around_build: AroundBuild = contextlib.nullcontext) -> None:
    """Run the preview until Ctrl-C. `around_build`: entered around each rebuild (see
    Preview)."""
    server = PreviewServer(root, host, port, log, around_build)
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
