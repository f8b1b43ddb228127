"""What lets a rebuild redo only what changed.

Two caches under `<site>/.sitegen-cache/`, both pure optimisations: deleting them only
makes the next build cold, never different.

- The parse cache maps each content file's digest to its validated Post or Page (and
  its problems). A post is a pure function of its file and the *salt*: sitegen's own
  code, site.yaml, the theme vocabulary and the municipality register. Change any of
  those and every entry is void.
- The page cache maps each output path to a fingerprint of what rendered it: the
  template set, the assets, the site-wide values every page shows, and the page's own
  context, where a post stands for its file digest. A page whose fingerprint is
  unchanged and whose previous bytes are still in `output/` is linked, not rendered.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import multiprocessing
import os
import pickle
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import sitegen
from sitegen.errors import Problem
from sitegen.model import Page, Post, Theme
from sitegen.output import MARKER, Previous, identity
from sitegen.registry import County, Municipality
from sitegen.site import InputEntry, PlanEntry

CACHE_DIR = ".sitegen-cache"
_FORMAT = 1
T = TypeVar("T")


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def code_salt(extra: Iterable[bytes]) -> str:
    """Digest of sitegen's own source and the given inputs (site.yaml, themes, register)."""
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{_FORMAT}:{sitegen.__version__}".encode())
    package = Path(sitegen.__file__).parent
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".csv", ".json") and path.is_file():
            h.update(path.relative_to(package).as_posix().encode())
            h.update(path.read_bytes())
    for chunk in extra:
        h.update(len(chunk).to_bytes(8, "little"))
        h.update(chunk)
    return h.hexdigest()


def _load_pickle(path: Path) -> Any:
    try:
        with path.open("rb") as f:
            return pickle.load(f)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError,
            ValueError, TypeError):
        return None


def _save_pickle(path: Path, value: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    with temporary.open("wb") as f:
        pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
    temporary.replace(path)


@dataclass
class ParseCache:
    """Validated content by file digest. `wrap` turns a parse function into a cached one."""

    path: Path
    salt: str
    entries: dict[str, tuple[str, Any, list[Problem]]] = field(default_factory=dict)
    digests: dict[str, str] = field(default_factory=dict)
    """Source path → digest of its text, for every file seen in this run."""

    @classmethod
    def open(cls, root: Path, salt: str) -> ParseCache:
        path = root / CACHE_DIR / "parsed.pickle"
        stored = _load_pickle(path)
        entries = stored[1] if isinstance(stored, tuple) and stored[0] == salt else {}
        return cls(path, salt, entries)

    def wrap(self, parse: Callable[[Any, Any, list[Problem]], T | None]
             ) -> Callable[[Any, Any, list[Problem]], T | None]:
        def cached(source: Any, ctx: Any, problems: list[Problem]) -> T | None:
            key = digest(source.text.encode("utf-8", "surrogatepass"))
            self.digests[source.path] = key
            entry = self.entries.get(source.path)
            if entry is not None and entry[0] == key:
                problems.extend(entry[2])
                result: T | None = entry[1]
                return result
            mark = len(problems)
            result = parse(source, ctx, problems)
            self.entries[source.path] = (key, result, problems[mark:])
            return result

        return cached

    def prefill(self, sources: list[Any], parse: Callable[[Any, Any, list[Problem]], Any],
                ctx: Any) -> None:
        """Parse the sources the cache lacks on all cores (forked workers inherit the
        parser; only results travel back). Few misses are left to `wrap`."""
        misses = []
        for source in sources:
            key = digest(source.text.encode("utf-8", "surrogatepass"))
            entry = self.entries.get(source.path)
            if entry is None or entry[0] != key:
                misses.append((key, source))
        workers = parallel_workers(len(misses), PARALLEL_PARSE_FROM)
        if workers < 2:
            return
        global _PARSE_SHARED
        _PARSE_SHARED = (misses, parse, ctx, workers)
        try:
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                shares = pool.map(_parse_share, range(workers), chunksize=1)
        finally:
            _PARSE_SHARED = None
        for share in shares:
            for path, key, result, problems in share:
                self.entries[path] = (key, result, problems)

    def save(self) -> None:
        live = {path: entry for path, entry in self.entries.items() if path in self.digests}
        _save_pickle(self.path, (self.salt, live))


PARALLEL_PARSE_FROM = 400
"""Files to parse below which parsing stays in one process."""


def parallel_workers(jobs: int, threshold: int) -> int:
    """How many processes to fork for `jobs` pieces of work: one (no fork) for small
    jobs, and always one while this process has other threads (`serve`), where fork()
    is unsafe."""
    if jobs < threshold or threading.active_count() > 1 or not hasattr(os, "fork"):
        return 1
    return min(os.cpu_count() or 1, 8)


_PARSE_SHARED: tuple[list[tuple[str, Any]], Callable[..., Any], Any, int] | None = None


def _parse_share(index: int) -> list[tuple[str, str, Any, list[Problem]]]:
    assert _PARSE_SHARED is not None
    misses, parse, ctx, workers = _PARSE_SHARED
    done = []
    for key, source in misses[index::workers]:
        problems: list[Problem] = []
        done.append((source.path, key, parse(source, ctx, problems), problems))
    return done


_SCALARS = frozenset({str, int, float, bool, type(None), dt.date})


class Fingerprinter:
    """Stable digests of template contexts. A Post or Page stands for its file digest,
    register entries and themes for their keys (both are in the site-wide salt); lists
    passed to many pages (a theme's plan items) are digested once per build."""

    def __init__(self, sources: dict[str, str], site_wide: str) -> None:
        self.sources = sources
        self.site_wide = site_wide
        self._memo: dict[int, tuple[Any, str]] = {}

    def page(self, template: str, url: str, context: dict[str, Any]) -> str:
        h = hashlib.blake2b(digest_size=16)
        h.update(f"{self.site_wide}\0{template}\0{url}\0".encode())
        for key in sorted(context):
            h.update(key.encode())
            h.update(self.value(context[key]).encode())
        return h.hexdigest()

    def value(self, value: Any) -> str:
        kind = type(value)
        if kind in _SCALARS:
            return repr(value)
        if kind is Post or kind is Page:
            source = self.sources.get(value.source.path)
            return "P" + (source if source is not None else repr(value))
        if kind is Municipality or kind is County:
            return "M" + str(value.code)
        if kind is Theme:
            return "T" + str(value.slug)
        memo = self._memo.get(id(value))
        if memo is not None and memo[0] is value:
            return memo[1]
        if kind is PlanEntry:
            # fixed by its post's file, its id there and, for a status, the revisit's file
            status = value.status
            by = self.value(status.by) + status.followup.item_id if status else ""
            result = f"E{self.value(value.post)}{value.item.id}\x1f{by}"
        elif kind is InputEntry:
            result = f"I{self.value(value.post)}{value.item.source.line}"
        elif isinstance(value, enum.Enum):
            result = repr(value.value)
        else:
            result = self._compound(value)
        self._memo[id(value)] = (value, result)  # keep `value` alive while its id is in use
        return result

    def _compound(self, value: Any) -> str:
        if isinstance(value, list | tuple):
            parts = [self.value(item) for item in value]
        elif isinstance(value, dict):
            parts = [self.value(k) + ":" + self.value(v) for k, v in value.items()]
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            parts = [self.value(getattr(value, f.name)) for f in dataclasses.fields(value)]
        elif callable(value):
            parts = [getattr(value, "__module__", ""), getattr(value, "__qualname__", "")]
        else:
            raise TypeError(f"cannot fingerprint {type(value).__name__}")
        return digest("\x1f".join(parts).encode())


@dataclass
class PageCache:
    """What the last build published: page fingerprints, every path, whether the search
    index was built, and how the site it replaced (kept beside output/) differs from it.
    Valid only while output/'s marker is the one it recorded."""

    path: Path
    fingerprints: dict[str, str] = field(default_factory=dict)
    paths: set[str] = field(default_factory=set)
    """Every output path except the search index's."""
    searched: bool = False
    previous: Previous | None = None

    @classmethod
    def open(cls, root: Path, output: Path) -> PageCache:
        name = digest(str(output).encode())
        path = root / CACHE_DIR / f"pages-{name}.pickle"
        stored = _load_pickle(path)
        current = identity(output / MARKER)
        if (isinstance(stored, tuple) and len(stored) == 5 and stored[0] == current
                and current):
            return cls(path, *stored[1:])
        return cls(path)

    def save(self, output: Path, fingerprints: dict[str, str], paths: set[str],
             searched: bool, previous: Previous | None) -> None:
        _save_pickle(self.path, (identity(output / MARKER), fingerprints, paths, searched,
                                 previous))


def input_digest(root: Path, salt: str, flags: tuple[Any, ...]) -> str:
    """Digest of what a build reads, as the file system describes it: the path, size and
    modification time of every file in content/, layouts/ and assets/ and of site.yaml
    (as make and Hugo judge files), sitegen itself (the salt) and the build's flags."""
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{salt}\0{flags!r}\0".encode())
    for folder in ("content", "layouts", "assets"):
        for dirpath, dirnames, filenames in os.walk(root / folder):
            dirnames.sort()
            for name in sorted(filenames):
                stat = os.stat(os.path.join(dirpath, name))
                h.update(f"{dirpath}/{name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    try:
        stat = (root / "site.yaml").stat()
        h.update(f"site.yaml\0{stat.st_size}\0{stat.st_mtime_ns}".encode())
    except OSError:
        pass
    return h.hexdigest()


@dataclass
class LastBuild:
    """The inputs and summary of the build that wrote `output/`: when the inputs are the
    same and output/ still carries that build's marker, there is nothing to do."""

    path: Path
    inputs: str = ""
    marker: str = ""
    summary: tuple[int, int, int, list[Problem]] = (0, 0, 0, [])
    """(posts, drafts, files, warnings)"""

    @classmethod
    def open(cls, root: Path, output: Path) -> LastBuild:
        path = root / CACHE_DIR / f"last-{digest(str(output).encode())}.pickle"
        stored = _load_pickle(path)
        if isinstance(stored, tuple) and len(stored) == 3:
            return cls(path, stored[0], stored[1], stored[2])
        return cls(path)

    def unchanged(self, inputs: str, marker: Path) -> bool:
        return bool(self.inputs) and inputs == self.inputs and identity(marker) == self.marker

    def save(self, inputs: str, marker: str, summary: tuple[int, int, int, list[Problem]]
             ) -> None:
        _save_pickle(self.path, (inputs, marker, summary))
