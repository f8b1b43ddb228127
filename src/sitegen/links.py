"""Keeping unchanged files of the published site as hard links: a link shares the file's
bytes, inode and mtime, so a deploy by rsync sees it unchanged and a build writes only
what changed."""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def link_or_copy(source: Path | str, target: Path | str) -> None:
    """Keep an unchanged file: a hard link shares its bytes and its mtime, so a deploy by
    rsync sees it as unchanged; a copy where links are not possible."""
    try:
        os.link(source, target)
    except FileNotFoundError:
        raise
    except OSError:
        shutil.copy2(source, target)


def sync_tree(source: Path, target: Path) -> None:
    """Make `target` the same tree as `source`, made of hard links, touching only what
    differs: an entry whose inode is the source's is already the same file. A search
    index re-indexed in one shard is then a few hundred links, not ~30,000."""
    if not source.is_dir() or source.is_symlink():
        shutil.rmtree(target, ignore_errors=True)
        return
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        target.unlink()
    target.mkdir(parents=True, exist_ok=True)
    wanted = {entry.name: entry for entry in os.scandir(source)}
    for entry in os.scandir(target):
        new = wanted.get(entry.name)
        if entry.is_dir(follow_symlinks=False):
            if new is None or not new.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
        elif new is None or new.is_dir(follow_symlinks=False) or new.inode() != entry.inode():
            os.unlink(entry.path)
        else:
            del wanted[entry.name]  # the same file already
    for name, new in wanted.items():
        if new.is_dir(follow_symlinks=False):
            sync_tree(Path(new.path), target / name)
        else:
            link_or_copy(new.path, target / name)


def prune(folder: Path, top: Path) -> None:
    """Remove `folder` and its parents up to `top` while they are empty."""
    while folder != top and top in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
