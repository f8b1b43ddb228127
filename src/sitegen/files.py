"""The site's own files besides content: assets/ (published under content-hashed names)
and static/ (copied as they are). The I/O before the page plan."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from sitegen import urls
from sitegen.plan import Asset


def hash_assets(folder: Path) -> dict[str, Asset]:
    """Every file of assets/ by its name there, with its content-hashed URL."""
    assets: dict[str, Asset] = {}
    if not folder.is_dir():
        return assets
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.relative_to(folder).as_posix()
        data = path.read_bytes()
        assets[name] = Asset(name, urls.asset(name, hashlib.sha256(data).hexdigest()[:10]), data)
    return assets


def static_files(folder: Path) -> dict[str, Path]:
    """The files of the site's static/ folder by the output path they are copied to
    (static/bilder/karta.png → bilder/karta.png). Hidden files and folders (.DS_Store,
    .git) are left out, except .well-known/."""
    found: dict[str, Path] = {}
    if not folder.is_dir():
        return found
    for dirpath, dirnames, filenames in os.walk(folder):
        top = dirpath == str(folder)
        dirnames[:] = sorted(d for d in dirnames
                             if not d.startswith(".") or (top and d == ".well-known"))
        for name in sorted(filenames):
            if not name.startswith("."):
                source = Path(dirpath, name)
                found[source.relative_to(folder).as_posix()] = source
    return found
