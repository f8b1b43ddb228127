"""Write the built site atomically.

The site is written into a staging folder beside `output/`, then swapped in with one
rename(2) (RENAME_EXCHANGE on Linux), so a reader or a killed build only ever sees the
complete old site or the complete new one. sitegen only replaces or cleans a folder that
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
import unicodedata
from collections.abc import Mapping
from pathlib import Path

from sitegen.errors import Problem, SitegenError

MARKER = ".sitegen-output"
MARKER_TEXT = "Byggd av sitegen. Mappen ersätts vid varje bygge.\n"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
SOURCE_FOLDERS = ("content", "layouts", "assets")
"""Folders of a site root that hold its sources: never an output folder."""


def odd_character(text: str) -> str | None:
    """Name the first character that has no place in a path or URL we write: control
    and format characters (NUL, bidi overrides, zero-width), separators other than the
    space, and look-alikes that Unicode folds to something else (fullwidth ／ or ．)."""
    for ch in text:
        category = unicodedata.category(ch)
        if (category[0] in "CZ" and ch != " ") or unicodedata.normalize("NFKC", ch) != ch:
            name = unicodedata.name(ch, "okänt tecken")
            return f"U+{ord(ch):04X} {name}"
    return None


def check_relative(path: str) -> str | None:
    """Why `path` may not be written inside the output folder, or None."""
    if not path or path.startswith("/") or "\\" in path or any(
            part in ("..", ".", "") for part in path.split("/")):
        return f"sökvägen {path!r} pekar utanför output/"
    odd = odd_character(path)
    if odd:
        return f"sökvägen {path!r} innehåller ett otillåtet tecken ({odd})"
    return None


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
        return [_os_problem(exc, output)]
    return []


def prepare(files: Mapping[str, bytes | Path], output: Path, *, force: bool = False,
            root: Path | None = None) -> Path | list[Problem]:
    """Write `files` into a staging folder beside `output` and return it; `swap_in` then
    publishes it. On any problem nothing is written and the old `output` stays."""
    output = output.absolute()
    try:
        refused = target_problems(output, force=force, root=root)
        if refused:
            return refused
        bad = [msg for msg in map(check_relative, files) if msg]
        if bad:
            return [Problem(str(output), 0, msg) for msg in bad]
        staging = staging_path(output)
        discard(staging)
        if staging.exists():
            return [Problem(str(staging), 0,
                            "mappen finns redan och är inte sitegens; flytta den")]
    except OSError as exc:
        return [_os_problem(exc, output)]
    try:
        stage(files, staging)
    except OSError as exc:
        with contextlib.suppress(OSError):
            discard(staging)
        return [_os_problem(exc, staging)]
    return staging


def _os_problem(exc: OSError, fallback: Path) -> Problem:
    where = exc.filename if isinstance(exc.filename, str) else str(fallback)
    return Problem(where, 0, f"kan inte skriva: {exc.strerror or exc}; den tidigare "
                             "webbplatsen är orörd")


def staging_path(output: Path) -> Path:
    return output.with_name(f".{output.name}.staging")


def stage(files: Mapping[str, bytes | Path], staging: Path) -> None:
    """Write `files` into a new staging folder (marker first, so it is known as ours)."""
    staging.mkdir(parents=True)
    (staging / MARKER).write_text(MARKER_TEXT, "utf-8")
    made: set[Path] = set()
    for name, data in files.items():
        target = staging / name
        parent = target.parent
        if parent not in made:
            parent.mkdir(parents=True, exist_ok=True)
            made.add(parent)
        if isinstance(data, Path):
            _link_or_copy(data, target)
        else:
            target.write_bytes(data)


def _link_or_copy(source: Path, target: Path) -> None:
    """Keep an unchanged file: a hard link shares its bytes and its mtime, so a deploy by
    rsync sees it as unchanged; a copy where links are not possible."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def swap_in(staging: Path, output: Path) -> None:
    """Make `staging` the new `output` in one atomic step and remove the old site.
    Raises SitegenError if the file system refuses."""
    try:
        _swap_in(staging, output.absolute())
    except OSError as exc:
        raise SitegenError([_os_problem(exc, output)]) from exc


def _swap_in(staging: Path, output: Path) -> None:
    if output.exists() and _exchange(staging, output):
        _discard_later(staging, output)
        return
    # Fallback (no renameat2): two renames; a crash between them leaves the old site
    # at .output.old, which the next build puts back before doing anything else.
    old = output.with_name(f".{output.name}.old")
    discard(old)
    if output.exists():
        output.rename(old)
    staging.rename(output)
    discard(old)


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
        pass  # prepare() reports what is wrong with the folder


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
