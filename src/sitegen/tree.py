"""The published tree as its build left it: every file's size, mtime and inode.

A build records it once output/ holds the site, and the next build compares output/
with it before anything else: a file deleted, overwritten in place (which also changes
`.output.previous` where the two share an inode) or replaced shows as a different
record. Then the build cannot trust what it published and renders every page, rewriting
what differs, even when no source changed. The check is one lstat per published file:
no file is read and no folder listed (so a file added to output/ by hand is not
noticed).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

Record = dict[str, tuple[int, int, int]]
"""Path relative to the output folder → (size, mtime in ns, inode)."""


def record(folder: Path, paths: Iterable[str], walked: Iterable[str] = ()) -> Record:
    """The record of the files at `paths` in `folder` and of every file under the
    folders `walked` (the search index, whose files the build does not name); empty if
    one cannot be read."""
    found: Record = {}
    top = str(folder)
    try:
        for path in paths:
            stat = os.lstat(f"{top}/{path}")
            found[path] = (stat.st_size, stat.st_mtime_ns, stat.st_ino)
        for sub in (name.rstrip("/") for name in walked):
            if os.path.isdir(f"{top}/{sub}"):
                _walk(f"{top}/{sub}", f"{sub}/", found)
    except OSError:
        return {}
    return found


def _walk(folder: str, prefix: str, found: Record) -> None:
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                _walk(entry.path, f"{prefix}{entry.name}/", found)
                continue
            stat = entry.stat(follow_symlinks=False)
            found[prefix + entry.name] = (stat.st_size, stat.st_mtime_ns, stat.st_ino)


def intact(folder: Path, recorded: Record) -> bool:
    """Whether every file `recorded` is still there as it was (False when there is no
    record)."""
    if not recorded:
        return False
    top = str(folder)
    lstat = os.lstat
    try:
        for path, (size, mtime, inode) in recorded.items():
            stat = lstat(f"{top}/{path}")
            if stat.st_ino != inode or stat.st_mtime_ns != mtime or stat.st_size != size:
                return False
    except OSError:
        return False
    return True
