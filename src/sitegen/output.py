"""Write the built site atomically.

The site is written into a staging folder beside `output/`, then swapped in with one
rename(2) (RENAME_EXCHANGE on Linux), so a reader or a killed build only ever sees the
complete old site or the complete new one. The replaced site is kept beside it as
`.output.previous` (hard links where files did not change), and the next build brings
that folder up to date and writes into it, so a build writes only what changed. sitegen
only replaces or cleans a folder that
carries its marker file, so a user's own folder is never deleted; and never, not even
with `force`, the site's own folder or its sources.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from sitegen import urls
from sitegen.errors import Problem, SitegenError
from sitegen.links import link_or_copy, prune, sync_tree

MARKER = ".sitegen-output"
MARKER_TEXT = "Byggd av sitegen. Mappen ersätts vid varje bygge.\n"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
SOURCE_FOLDERS = ("content", "layouts", "assets", "static")
"""Folders of a site root that hold its sources: never an output folder."""


def owned(folder: Path) -> bool:
    """True if sitegen made `folder` (or it does not exist or is empty)."""
    if not folder.exists():
        return True
    if not folder.is_dir() or folder.is_symlink():
        return False
    return (folder / MARKER).is_file() or not any(folder.iterdir())


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths; False where the system cannot."""
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return bool(result == 0)


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def forbidden(output: Path, root: Path | None) -> str | None:
    """Why `output` may never be replaced, with or without `force`."""
    output = output.resolve()
    if root is not None:
        root = root.resolve()
        if _within(root, output):
            return "målmappen är webbplatsens rotmapp eller en mapp ovanför den"
        for name in SOURCE_FOLDERS:
            if _within(output, root / name):
                return f"målmappen ligger i webbplatsens {name}/"
    if (output / "site.yaml").is_file() or (output / "content").is_dir():
        return "målmappen innehåller en webbplats (site.yaml eller content/)"
    return None


def target_problems(output: Path, *, force: bool, root: Path | None) -> list[Problem]:
    """Why sitegen may not replace `output` (checked before a build starts and again
    before it writes)."""
    try:
        why = forbidden(output, root)
        if why:
            return [Problem(str(output), 0, f"{why}; den skrivs aldrig över, inte ens med "
                                            "--force. Välj en annan mapp")]
        if not owned(output) and not force:
            return [Problem(str(output), 0, f"mappen är inte skapad av sitegen (filen {MARKER} "
                                            "saknas); den skrivs inte över. Välj en annan "
                                            "mapp eller kör med --force")]
    except OSError as exc:
        return [write_problem(exc, output)]
    return []


@dataclass(frozen=True)
class Previous:
    """The site that was published before the current one, kept beside it as
    `.output.previous` (hard links to the same files where nothing changed): the next
    build brings it up to date and writes into it, so it writes only what changed."""

    marker: str
    """identity() of its marker when it was put aside."""
    changed: frozenset[str]
    """Paths where it differs from the published site (INDEX for the search index)."""


INDEX = urls.folder(urls.SEARCH_INDEX)
"""Pagefind's folder, synced as a whole."""


def previous_path(output: Path) -> Path:
    return output.with_name(f".{output.name}.previous")


def staging_path(output: Path) -> Path:
    return output.with_name(f".{output.name}.staging")


def identity(marker: Path) -> str:
    """Which build wrote a site folder: every build writes a new marker file, so its inode
    and mtime name the build (its text stays the same, so output is byte-identical)."""
    try:
        stat = marker.stat()
    except OSError:
        return ""
    return f"{stat.st_dev}:{stat.st_ino}:{stat.st_mtime_ns}"


class Stage:
    """The folder the next site is written into before `swap_in` publishes it. A file
    whose bytes equal the published one's is that file, hard-linked (so its mtime stays
    and rsync skips it); others are new files, never written through a link.

    `synced`: the folder is the previous site brought up to date with the published one,
    so it already holds every published file and unchanged files cost nothing. Otherwise
    it starts empty and unchanged files are linked one by one."""

    def __init__(self, folder: Path, live: Path, synced: bool) -> None:
        self.folder = folder
        self.live = live
        self.synced = synced
        self._made: set[Path] = set()

    def put(self, path: str, data: bytes) -> bool:
        """Write one file; True if its bytes differ from the published site's."""
        live = self.live / path
        try:
            same = live.stat().st_size == len(data) and live.read_bytes() == data
        except OSError:
            same = False
        if same and self.keep(path):
            return False
        self._fresh(path).write_bytes(data)
        return True

    def copy(self, path: str, source: Path) -> bool:
        """Copy a file of the site's static/ folder (with its mtime); True if it differs
        from the published copy. Judged as rsync judges by default: same size and mtime
        is the same file, so unchanged images are not read on every build."""
        try:
            ours, theirs = source.stat(), (self.live / path).stat()
            same = ours.st_size == theirs.st_size and ours.st_mtime_ns == theirs.st_mtime_ns
        except OSError:
            same = False
        if same and self.keep(path):
            return False
        shutil.copy2(source, self._fresh(path))
        return True

    def _fresh(self, path: str) -> Path:
        """Where a new file for `path` is written: its folder made, and never through a
        link to the published file."""
        target = self.folder / path
        if self.synced:
            target.unlink(missing_ok=True)
        self._parent(target)
        return target

    def keep(self, path: str) -> bool:
        """Keep the published site's file at `path`; False if it has none."""
        if self.synced:
            return os.path.isfile(f"{self.folder}/{path}")  # 14,000 calls: no pathlib
        target = self.folder / path
        self._parent(target)
        try:
            link_or_copy(self.live / path, target)
        except FileNotFoundError:
            return False
        return True

    def keep_tree(self, folder: str) -> None:
        """Keep a whole folder of the published site (the search index)."""
        if not self.synced:
            sync_tree(self.live / folder, self.folder / folder)

    def drop(self, paths: set[str]) -> None:
        """Remove files (or, for INDEX, the index folder) the new site does not have."""
        for path in paths:
            target = self.folder / path
            if path == INDEX:
                shutil.rmtree(target, ignore_errors=True)
                continue
            target.unlink(missing_ok=True)
            prune(target.parent, self.folder)

    def _parent(self, target: Path) -> None:
        parent = target.parent
        if parent not in self._made:
            parent.mkdir(parents=True, exist_ok=True)
            self._made.add(parent)


def open_stage(output: Path, *, force: bool = False, root: Path | None = None,
               previous: Previous | None = None) -> Stage | list[Problem]:
    """A staging folder beside `output`: the previous site brought up to date when
    `previous` still describes it, else a new empty one. Nothing beside output/ that is
    not sitegen's is touched, and output/ itself never."""
    output = output.absolute()
    try:
        refused = target_problems(output, force=force, root=root)
        if refused:
            return refused
        staging = staging_path(output)
        discard(staging)
        if staging.exists():
            return [Problem(str(staging), 0,
                            "mappen finns redan och är inte sitegens; flytta den")]
        kept = previous_path(output)
        if kept.is_dir() and owned(kept):
            if (previous is not None and output.is_dir() and not output.is_symlink()
                    and identity(kept / MARKER) == previous.marker):
                kept.rename(staging)
                stage = Stage(staging, output, synced=True)
                _new_marker(staging)  # from here on, the folder no longer matches `previous`
                _sync(stage, previous.changed)
                return stage
            _discard_later(kept, output)
    except OSError as exc:
        with contextlib.suppress(OSError):
            discard(staging_path(output))
        return [write_problem(exc, output)]
    try:
        staging.mkdir(parents=True)
        _new_marker(staging)
    except OSError as exc:
        with contextlib.suppress(OSError):
            discard(staging)
        return [write_problem(exc, staging)]
    return Stage(staging, output, synced=False)


def _new_marker(folder: Path) -> None:
    """A new marker file (new inode, same text): it names the build that made the folder."""
    temporary = folder / (MARKER + ".tmp")
    temporary.write_text(MARKER_TEXT, "utf-8")
    temporary.replace(folder / MARKER)


def _sync(stage: Stage, changed: frozenset[str]) -> None:
    """Make the synced folder equal to the published site where they differ."""
    for path in sorted(changed):
        source, target = stage.live / path, stage.folder / path
        if path == INDEX:
            sync_tree(source, target)
            continue
        stage.drop({path})
        if source.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            link_or_copy(source, target)








def write_problem(exc: OSError, fallback: Path) -> Problem:
    where = exc.filename if isinstance(exc.filename, str) else str(fallback)
    return Problem(where, 0, f"kan inte skriva: {exc.strerror or exc}; den tidigare "
                             "webbplatsen är orörd")




def swap_in(staging: Path, output: Path, *, keep: bool = False) -> bool:
    """Make `staging` the new `output` in one atomic step. The old site is kept beside it
    as previous_path(output) when `keep` and possible (then True), else removed in the
    background. Raises SitegenError if the file system refuses."""
    output = output.absolute()
    try:
        if output.exists() and _exchange(staging, output):
            if keep and set_aside(staging, output):
                return True
            _discard_later(staging, output)
            return False
        # Fallback (no renameat2): two renames; a crash between them leaves the old site
        # at .output.old, which the next build puts back before doing anything else.
        old = output.with_name(f".{output.name}.old")
        discard(old)
        if output.exists():
            output.rename(old)
        staging.rename(output)
        discard(old)
    except OSError as exc:
        raise SitegenError([write_problem(exc, output)]) from exc
    return False


def set_aside(site: Path, output: Path) -> bool:
    """Keep a complete site of ours as previous_path(output); False if that name is taken."""
    kept = previous_path(output)
    if kept.exists() or kept.is_symlink():
        return False
    site.rename(kept)
    return True


def link_aside(output: Path) -> bool:
    """Keep a copy of the published site beside it as previous_path(output), all hard
    links (made in the staging folder, which a killed build's successor clears), for a
    build that replaced no site to keep; False if that name is taken."""
    kept, staging = previous_path(output.absolute()), staging_path(output.absolute())
    if kept.exists() or kept.is_symlink() or staging.exists():
        return False
    sync_tree(output, staging)
    _new_marker(staging)
    return set_aside(staging, output)


def _discard_later(old_site: Path, output: Path) -> None:
    """Remove the replaced site without making the build wait for it: one rename to a
    trash folder, then a detached `rm -rf`. Removing thousands of folders takes seconds
    on some file systems, and the new site is already published."""
    trash = output.with_name(f".{output.name}.trash-{os.getpid()}-{time.monotonic_ns()}")
    old_site.rename(trash)
    _remove_detached(trash)


def _remove_detached(folder: Path) -> None:
    rm = shutil.which("rm")
    if rm is None:
        discard(folder)
        return
    subprocess.Popen([rm, "-rf", "--", str(folder)], stdin=subprocess.DEVNULL,
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                     start_new_session=True)


def sweep_trash(output: Path, *, older_than: float = 60.0) -> None:
    """Start removing trash folders that an interrupted removal left behind."""
    now = time.time()
    for folder in output.parent.glob(f".{output.name}.trash-*"):
        try:
            stale = now - folder.stat().st_mtime > older_than
        except OSError:
            continue
        if stale and folder.is_dir() and not folder.is_symlink():
            _remove_detached(folder)


def recover(output: Path) -> None:
    """Undo a build that was killed between the fallback's two renames, and clear what
    interrupted removals left."""
    output = output.absolute()
    sweep_trash(output)
    staging = staging_path(output)
    if staging.is_dir() and owned(staging):  # left by a killed build
        _discard_later(staging, output)
    old = output.with_name(f".{output.name}.old")
    try:
        if not output.exists() and old.is_dir() and (old / MARKER).is_file():
            old.rename(output)
    except OSError:
        pass  # open_stage() reports what is wrong with the folder


def discard(folder: Path) -> None:
    """Remove a staging or old folder of ours; never anything without our marker.

    The marker goes last, so a build killed half-way through leaves a folder that is
    still known as ours (or an empty one) and the next build can clear it."""
    if not folder.is_dir() or not owned(folder):
        return
    for child in sorted(folder.iterdir()):
        if child.name == MARKER:
            continue
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    (folder / MARKER).unlink(missing_ok=True)
    folder.rmdir()
