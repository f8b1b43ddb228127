"""Write the built site atomically.

The site is written into a staging folder beside `output/`, then swapped in with one
rename(2) (RENAME_EXCHANGE on Linux), so a reader or a killed build only ever sees the
complete old site or the complete new one. sitegen only replaces or cleans a folder that
carries its marker file, so a user's own folder is never deleted.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from sitegen.errors import Problem

MARKER = ".sitegen-output"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def check_relative(path: str) -> str | None:
    """Why `path` may not be written inside the output folder, or None."""
    pure = PurePosixPath(path)
    if pure.is_absolute() or not path or any(part in ("..", ".", "") for part in
                                               path.split("/")):
        return f"sökvägen {path!r} pekar utanför output/"
    if any(not ch.isprintable() for ch in path):
        return f"sökvägen {path!r} innehåller kontrolltecken"
    return None


def owned(folder: Path) -> bool:
    """True if sitegen made `folder` (or it does not exist or is empty)."""
    if not folder.exists():
        return True
    if not folder.is_dir():
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


def prepare(files: Mapping[str, bytes], output: Path, *, force: bool = False
            ) -> Path | list[Problem]:
    """Write `files` into a staging folder beside `output` and return it; `swap_in` then
    publishes it. On any problem nothing is written and the old `output` stays."""
    output = output.absolute()
    if not owned(output) and not force:
        return [Problem(str(output), 0, f"mappen är inte skapad av sitegen (filen {MARKER} "
                                        "saknas); den skrivs inte över. Välj en annan "
                                        "mapp eller kör med --force")]
    bad = [msg for msg in map(check_relative, files) if msg]
    if bad:
        return [Problem(str(output), 0, msg) for msg in bad]
    staging = staging_path(output)
    discard(staging)
    if staging.exists():
        return [Problem(str(staging), 0, "mappen finns redan och är inte sitegens; flytta den")]
    stage(files, staging)
    return staging


def staging_path(output: Path) -> Path:
    return output.with_name(f".{output.name}.staging")


def stage(files: Mapping[str, bytes], staging: Path) -> None:
    """Write `files` into a new staging folder (marker first, so it is known as ours)."""
    staging.mkdir(parents=True)
    (staging / MARKER).write_text("Byggd av sitegen. Mappen ersätts vid varje bygge.\n")
    made: set[Path] = set()
    for name, data in files.items():
        target = staging / name
        parent = target.parent
        if parent not in made:
            parent.mkdir(parents=True, exist_ok=True)
            made.add(parent)
        target.write_bytes(data)


def swap_in(staging: Path, output: Path) -> None:
    """Make `staging` the new `output` in one atomic step and remove the old site."""
    if output.exists() and _exchange(staging, output):
        discard(staging)
        return
    # Fallback (no renameat2): two renames; a crash between them leaves the old site
    # at .output.old, which the next build puts back before doing anything else.
    old = output.with_name(f".{output.name}.old")
    discard(old)
    if output.exists():
        output.rename(old)
    staging.rename(output)
    discard(old)


def recover(output: Path) -> None:
    """Undo a build that was killed between the fallback's two renames."""
    old = output.with_name(f".{output.name}.old")
    if not output.exists() and old.is_dir() and (old / MARKER).is_file():
        old.rename(output)


def discard(folder: Path) -> None:
    """Remove a staging or old folder of ours; never anything without our marker."""
    if folder.is_dir() and owned(folder):
        shutil.rmtree(folder)
