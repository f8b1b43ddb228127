"""What lets a rebuild redo only what changed: the caches under `<site>/.sitegen-cache/`.

All of them are pure optimisations: deleting them only makes the next build cold, never
different. Each is keyed on the salt (see `cachekey`).

- The parse cache (`parsecache`): each content file's validated model.
- The page cache: what the published site was built from (each page's fingerprint, the
  site's structure, which pages showed which bodies), so the next build can keep pages.
- The last build: the stat of every input and the flags of the build that wrote
  output/, so a build with nothing changed stops before it loads anything; and the
  record of the tree it published (`tree`): when output/ no longer matches it, the
  build trusts nothing it published and renders every page, repairing output/.

`Caches` is what the build talks to; `rebuild` says which level applies.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import pickle
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from sitegen import cachekey, rebuild
from sitegen import tree as trees
from sitegen.cachekey import digest, stat_key
from sitegen.errors import Problem, Severity
from sitegen.fingerprint import Fingerprinter
from sitegen.model import Post
from sitegen.output import INDEX, MARKER, Previous, identity
from sitegen.parsecache import UNREADABLE, ParseCache
from sitegen.plan import Asset
from sitegen.site import Site

CACHE_DIR = ".sitegen-cache"


def _load_pickle(path: Path) -> Any:
    try:
        with path.open("rb") as f:
            return pickle.load(f)
    except (OSError, *UNREADABLE):
        return None


def _save_pickle(path: Path, value: Any) -> None:
    """Write `value` to `path` whole or not at all (a full disk leaves the old file,
    which the marker or the inputs it records then show to be out of date)."""
    temporary = path.with_name(path.name + ".tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with temporary.open("wb") as f:
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
        temporary.replace(path)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink()


def cache_problem(root: Path) -> Problem | None:
    """Why the cache folder cannot be used, as a warning: the build then goes without
    its caches (a build is the same with them or without them, only slower)."""
    folder = root / CACHE_DIR
    try:
        folder.mkdir(exist_ok=True)
        usable = os.access(folder, os.W_OK | os.X_OK)
        why = "" if usable else "mappen är skrivskyddad"
    except FileExistsError:
        why = "en fil med det namnet ligger i vägen för mappen"
    except OSError as exc:
        why = f"mappen kan inte skapas: {exc.strerror or exc}"
    if not why:
        return None
    return Problem(CACHE_DIR, 0, f"{why}; bygget görs utan cache, så nästa bygge blir "
                                 "inte snabbare", Severity.WARNING)


@dataclass
class PageCache:
    """What the last build published: page fingerprints, every path, whether the search
    index was built, how the site it replaced (kept beside output/) differs from it, and
    what lets the next build skip fingerprinting: the site's structure, each post's file
    digest and which pages showed which bodies. Valid only while output/'s marker is the
    one it recorded."""

    path: Path
    fingerprints: dict[str, str] = field(default_factory=dict)
    paths: set[str] = field(default_factory=set)
    """Every output path except the search index's."""
    searched: bool = False
    previous: Previous | None = None
    structure: str = ""
    """structure() of the published site."""
    posts: dict[str, str] = field(default_factory=dict)
    """Post source path → digest of its file."""
    reads: dict[str, frozenset[str]] = field(default_factory=dict)
    """Output path → source paths of the posts whose bodies the page showed (pages that
    showed none are left out)."""

    @classmethod
    def open(cls, root: Path, output: Path, *, trusted: bool = True) -> PageCache:
        """The record of the site published in `output`; an empty one unless `trusted`
        (output/ is no longer the tree its build recorded)."""
        name = digest(str(output).encode())
        path = root / CACHE_DIR / f"pages-{name}.pickle"
        if not trusted:
            return cls(path)
        stored = _load_pickle(path)
        current = identity(output / MARKER)
        if (isinstance(stored, tuple) and len(stored) == 2 and stored[0] == current
                and current and isinstance(stored[1], dict)):
            with contextlib.suppress(TypeError):
                return cls(path, **stored[1])
        return cls(path)

    def save(self, output: Path) -> None:
        state = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)
                 if f.name != "path"}
        _save_pickle(self.path, (identity(output / MARKER), state))


def structure(site_wide: str, posts: Iterable[Post], cards: dict[str, str]) -> str:
    """Digest of everything a page may show except posts' bodies: the site-wide inputs
    and, in order, each post's card (its model without the body). "" if a card is
    missing. While it is unchanged, a page changes only if it shows a changed body."""
    parts = [site_wide]
    for post in posts:
        card = cards.get(post.source.path)
        if card is None:
            return ""
        parts.append(f"{post.source.path}\0{card}")
    return digest("\n".join(parts).encode())


def input_digest(root: Path, salt: str, flags: tuple[Any, ...]) -> tuple[str, dict[str, str]]:
    """Digest of what a build reads, as the file system describes it: the path and
    _stat_key of every file in content/, layouts/, assets/ and static/ and of site.yaml, sitegen
    itself (the salt) and the build's flags. Also each file's _stat_key by its path
    relative to `root`, so the parse cache need not stat the files again."""
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{salt}\0{flags!r}\0".encode())
    stats: dict[str, str] = {}
    for folder in ("content", "layouts", "assets", "static"):
        top = root / folder
        skip = len(str(top))
        for dirpath, dirnames, filenames in os.walk(top):
            dirnames.sort()
            for name in sorted(filenames):
                shown = f"{folder}{dirpath[skip:]}/{name}"
                try:
                    stats[shown] = stat_key(os.path.join(dirpath, name))
                except OSError:  # a broken link: the stage that reads it says so
                    h.update(f"{shown}\0?\n".encode())
                    continue
                h.update(f"{shown}\0{stats[shown]}\n".encode())
    with contextlib.suppress(OSError):
        h.update(f"site.yaml\0{stat_key(root / 'site.yaml')}".encode())
    return h.hexdigest(), stats


@dataclass
class LastBuild:
    """The inputs and summary of the build that wrote `output/`: when the inputs are the
    same and output/ still carries that build's marker, there is nothing to do."""

    path: Path
    inputs: str = ""
    marker: str = ""
    summary: tuple[int, int, int, list[Problem]] = (0, 0, 0, [])
    """(posts, drafts, files, warnings)"""
    tree: trees.Record = field(default_factory=dict)
    """What output/ held when that build had published it."""

    @classmethod
    def open(cls, root: Path, output: Path) -> LastBuild:
        path = root / CACHE_DIR / f"last-{digest(str(output).encode())}.pickle"
        stored = _load_pickle(path)
        if isinstance(stored, tuple) and len(stored) == 4:
            return cls(path, *stored)
        return cls(path)

    def unchanged(self, inputs: str, marker: Path) -> bool:
        return bool(self.inputs) and inputs == self.inputs and identity(marker) == self.marker

    def save(self, inputs: str, marker: str, summary: tuple[int, int, int, list[Problem]],
             published: trees.Record) -> None:
        _save_pickle(self.path, (inputs, marker, summary, published))


def site_salt(root: Path) -> str:
    """The salt of the site in `root`: sitegen and its libraries (see `cachekey`), its
    settings and its theme vocabulary."""
    inputs = [root / "site.yaml", root / "content" / "themes.yaml"]
    return cachekey.salt(p.read_bytes() if p.is_file() else b"" for p in inputs)


class Caches:
    """The caches of one build: what it may reuse, and what it records for the next.
    With `enabled` False (a cold build), or a cache folder that cannot be used, there
    are none, and every page is rendered."""

    def __init__(self, root: Path, target: Path, flags: tuple[Any, ...], enabled: bool) -> None:
        self.root = root
        self.target = target
        self.warning = cache_problem(root) if enabled else None
        """Why the cache folder cannot be used, for the build's warnings."""
        self.usable = enabled and self.warning is None
        self.salt = site_salt(root) if self.usable else ""
        self.last = LastBuild.open(root, target) if self.usable else None
        self.inputs, self._stats = (input_digest(root, self.salt, flags) if self.usable
                                    else ("", {}))
        self.intact = self.last is not None and trees.intact(target, self.last.tree)
        """output/ is the tree the last build published (else it is repaired)."""
        self.parse: ParseCache | None = None
        self.published = PageCache(Path())
        self._structure = ""

    def nothing_changed(self) -> rebuild.Rebuild | None:
        """Level NOTHING, when it applies (see rebuild.before_loading)."""
        same = (self.last is not None and self.intact
                and self.last.unchanged(self.inputs, self.target / MARKER))
        return rebuild.before_loading(caches=self.usable, inputs_same=same)

    @property
    def last_summary(self) -> tuple[int, int, int, list[Problem]]:
        return self.last.summary if self.last is not None else (0, 0, 0, [])

    def open_parse_cache(self) -> ParseCache | None:
        if self.usable:
            self.parse = ParseCache.open(self.root / CACHE_DIR / "parsed.sqlite", self.salt,
                                         self._stats)
        return self.parse

    @property
    def warnings(self) -> list[Problem]:
        return [self.warning] if self.warning is not None else []

    def save_parsed(self) -> None:
        """Save the parse cache (once; the build does it while its workers render)."""
        if self.parse is not None:
            self.parse.save()

    @contextlib.contextmanager
    def parsed_saved(self, *, on_error_only: bool = False) -> Iterator[None]:
        """Save the parse cache when the block ends (`on_error_only`: if it fails). Once
        the errors of a failed build are fixed, only what changed is parsed again."""
        try:
            yield
        except BaseException:
            self.save_parsed()
            raise
        if not on_error_only:
            self.save_parsed()

    def level(self, site: Site, assets: dict[str, Asset], output_ours: bool,
                ) -> rebuild.Rebuild:
        """The level of this build (see rebuild.after_loading), with what it needs."""
        self.published = published = PageCache.open(self.root, self.target,
                                                    trusted=self.intact)
        cache = self.parse
        fingerprinter = None
        if cache is not None and output_ours:
            site_wide = self._site_wide(site, assets, cache)
            self._structure = structure(site_wide, site.posts, cache.cards)
            fingerprinter = Fingerprinter(cache.digests, site_wide, cache.salt)

        def showing() -> frozenset[str]:
            assert cache is not None
            changed = {p.source.path for p in site.posts
                       if cache.digests.get(p.source.path) != published.posts.get(p.source.path)}
            return frozenset(page for page, posts in published.reads.items()
                             if not changed.isdisjoint(posts))

        return rebuild.after_loading(
            caches=cache is not None, output_ours=output_ours, structure=self._structure,
            published_structure=published.structure, fingerprinter=fingerprinter,
            previous=published.fingerprints, showing=showing)

    def _site_wide(self, site: Site, assets: dict[str, Asset], cache: ParseCache) -> str:
        """What every page may show besides its own context: sitegen, its libraries and
        the settings (the salt), templates, assets, the plain pages and the themes."""
        layouts = self.root / "layouts"
        parts = [cache.salt] + [digest(p.read_bytes()) + p.name
                 for p in sorted(layouts.rglob("*")) if p.is_file()]
        parts += [a.url for a in assets.values()]
        parts += [repr(site.config), repr(site.themes)]
        parts += [cache.digests.get(p.source.path) or repr(p) for p in site.pages]
        return digest("\0".join(parts).encode())

    def record(self, done: Recorded, site: Site, level: rebuild.Rebuild, searched: bool,
               previous: Previous | None, summary: tuple[int, int, int, list[Problem]],
               ) -> None:
        """What the next build needs of this one, once output/ holds it."""
        published, cache = self.published, self.parse
        if level.fingerprinter is not None and cache is not None:
            published.fingerprints, published.paths = done.fingerprints, set(done.paths)
            # A page not rendered anew shows the bodies it showed when it was.
            published.reads = {page: posts for page, posts in
                               (published.reads | done.reads).items()
                               if posts and page in published.paths}
            published.searched, published.previous = searched, previous
            published.structure = self._structure
            published.posts = {p.source.path: cache.digests[p.source.path]
                               for p in site.posts}
            published.save(self.target)
        if self.last is not None:
            self.last.save(self.inputs, identity(self.target / MARKER), summary,
                           trees.record(self.target, [*done.paths, MARKER], [INDEX]))


class Recorded(Protocol):
    """What `Caches.record` reads of an executed plan."""

    paths: list[str]
    fingerprints: dict[str, str]
    reads: dict[str, frozenset[str]]
