"""What every cache of a build is keyed on: the salt.

A cached result (a parsed post, a page's fingerprint, the inputs of the last build) is
valid only while everything that made it is the same: sitegen's version and code (with
its municipality register), the version of Python, the installed versions of the
libraries that read, render and index the site, and the site's settings and theme
vocabulary. All of it goes into the salt, so a change to any of it voids every entry.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import sitegen

FORMAT = 4
"""The layout of the caches themselves."""

RENDERING_LIBRARIES = {
    "markdown_it": "markdown-it-py",
    "mdurl": "mdurl",
    "jinja2": "Jinja2",
    "markupsafe": "MarkupSafe",
    "yaml": "PyYAML",
    "pagefind_bin": "pagefind-bin",
}
"""Module → distribution of every library whose version can change the output."""


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def salt(extra: Iterable[bytes]) -> str:
    """Digest of sitegen's own source, Python's and the rendering libraries' versions,
    and the given inputs (site.yaml, themes)."""
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{FORMAT}".encode())
    for name, version in versions().items():
        h.update(f"\0{name}={version}".encode())
    package = Path(sitegen.__file__).parent
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".csv", ".json") and path.is_file():
            h.update(path.relative_to(package).as_posix().encode())
            h.update(path.read_bytes())
    for chunk in extra:
        h.update(len(chunk).to_bytes(8, "little"))
        h.update(chunk)
    return h.hexdigest()


def versions() -> dict[str, str]:
    """sitegen's, Python's and each rendering library's version ("" for a library that
    is not installed)."""
    return {"sitegen": sitegen.__version__, "python": sys.version,
            **{module: installed_version(module, name)
               for module, name in RENDERING_LIBRARIES.items()}}


def installed_version(module: str, distribution: str) -> str:
    """The version of `distribution` as installed beside `module`: read from the name
    of its `<name>-<version>.dist-info` folder, which installers write (PEP 427, 376),
    so importlib.metadata, ~20 ms to import, is not needed on every build."""
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.origin:
        return ""
    origin = Path(spec.origin)
    folder = origin.parent.parent if origin.name == "__init__.py" else origin.parent
    prefix = distribution.lower().replace("-", "_").replace(".", "_") + "-"
    for name in _listing(str(folder)):
        if name.lower().startswith(prefix) and name.endswith(".dist-info"):
            return name[len(prefix):-len(".dist-info")]
    from importlib import metadata  # an unusual install: ask the slow way

    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return ""


@cache
def _listing(folder: str) -> tuple[str, ...]:
    try:
        return tuple(os.listdir(folder))
    except OSError:
        return ()


def stat_key(path: str | Path) -> str:
    """What tells a file changed without reading it: size, mtime, ctime and inode. The
    ctime catches tools that keep the mtime (rsync -t, cp -p); the inode, editors that
    save by renaming a new file over the old."""
    st = os.stat(path)
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"
