"""One build at a time per site and per output folder.

Two builds at once (an editor's build while `serve` rebuilds, or `sitegen build &
sitegen build`) took each other's staging folder and published a site without its
assets. A build holds an advisory lock (flock(2)) on two files for its whole run: the
site's (`.sitegen-cache/build.lock`: its caches are shared by every output) and the
output folder's (`.output.lock` beside it). The kernel drops a lock with the last file
descriptor of its holder, so a killed build never leaves a stale lock behind. The locks
are taken in the order of their paths, so two builds never wait for each other in a
circle.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from sitegen.errors import Problem, SitegenError, display_path
from sitegen.incremental import CACHE_DIR


def site_lock(root: Path) -> Path:
    return root.absolute() / CACHE_DIR / "build.lock"


def output_lock(output: Path) -> Path:
    output = output.absolute()
    return output.with_name(f".{output.name}.lock")


@contextlib.contextmanager
def held(root: Path, output: Path, *, wait: bool = True,
         waiting: Callable[[str], None] = lambda message: None) -> Iterator[None]:
    """Hold the build locks of `root` and `output`. Another build holds one: wait for it
    (saying so through `waiting`) or, unless `wait`, raise SitegenError at once. A lock
    file that cannot be made is left out: a site whose cache folder cannot be made (a
    read-only checkout) is locked by its output folder alone, and an output folder whose
    parent does not exist yet (no build has written there) by its site alone."""
    with contextlib.ExitStack() as stack:
        for path in sorted({site_lock(root), output_lock(output)}):
            try:
                if path.parent.name == CACHE_DIR:
                    path.parent.mkdir(exist_ok=True)  # not the site root itself
                fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            except OSError:
                continue
            stack.callback(os.close, fd)
            _lock(fd, path, root, wait, waiting)
        yield


def _lock(fd: int, path: Path, root: Path, wait: bool,
          waiting: Callable[[str], None]) -> None:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = _holder(fd)
        if not wait:
            raise SitegenError([Problem(display_path(path, root), 0,
                                        f"en annan byggning pågår{holder}; försök igen när "
                                        "den är klar, eller kör utan --no-wait för att "
                                        "vänta på den")]) from None
        waiting(f"väntar på en annan byggning{holder} …")
        fcntl.flock(fd, fcntl.LOCK_EX)
    with contextlib.suppress(OSError):  # who holds it, for the message above; always
        os.pwrite(fd, f"{os.getpid():>12}\n".encode(), 0)  # as long, so no truncate


def _holder(fd: int) -> str:
    try:
        pid = int(os.pread(fd, 32, 0).decode().strip())
    except (OSError, ValueError):
        return ""
    return f" (process {pid})"
