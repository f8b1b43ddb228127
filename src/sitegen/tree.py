"""The published tree as its build left it: every file's size, mtime and inode.

A build records it once output/ holds the site, and the next build compares output/
with it before anything else: a file deleted, added, overwritten in place (which also
changes `.output.previous` where the two share an inode), or replaced, shows as a
different record. Then the build cannot trust what it published and renders every
page, rewriting what differs, even when no source changed. Reading the tree is one
directory walk and one lstat per file: no file is read.
"""

from __future__ import annotations

import os
from pathlib import Path

Record = dict[str, tuple[int, int, int]]
"""Path relative to the output folder → (size, mtime in ns, inode)."""


def record(folder: Path) -> Record:
    """The record of the tree at `folder` now (empty if it cannot be read)."""
    found: Record = {}
    try:
        _walk(str(folder), "", found)
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
    """Whether the tree at `folder` is still exactly the one `recorded` (False when there
    is no record)."""
    return bool(recorded) and record(folder) == recorded
