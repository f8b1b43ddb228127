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

import contextlib
import copyreg
import dataclasses
import hashlib
import io
import os
import pickle
import sqlite3
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import IO, Any, TypeVar, cast

from sitegen.cachekey import digest, stat_key
from sitegen.errors import Problem, Severity, SitegenError
from sitegen.model import Post, Theme
from sitegen.output import MARKER, Previous, identity
from sitegen.registry import County, Municipality, Register
from sitegen.workers import fork_pool, parallel_workers

CACHE_DIR = ".sitegen-cache"
T = TypeVar("T")


_UNREADABLE = (pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError,
               TypeError, IndexError, KeyError)
"""What pickle raises on damaged or outdated data."""


def _load_pickle(path: Path) -> Any:
    try:
        with path.open("rb") as f:
            return pickle.load(f)
    except (OSError, *_UNREADABLE):
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


class ParseCache:
    """Validated content by file, in SQLite (`parsed.sqlite`): one row per file with the
    file's stat, the digest of its text, the parsed model (pickled, without a post's
    body) and the body. A file whose stat is unchanged is not even read; a post's body
    is read back only when a template shows it; saving writes the rows that changed."""

    def __init__(self, root: Path, salt: str, stats: dict[str, str] | None = None) -> None:
        self.root = root
        self.salt = salt
        self.known_stats = stats or {}
        """stat_key by source path, as input_digest found them a moment before."""
        self.path = root / CACHE_DIR / "parsed.sqlite"
        self.digests: dict[str, str] = {}
        """Source path → digest of its text, for every file seen in this run."""
        self.cards: dict[str, str] = {}
        """Post source path → its card (see `_pack`)."""
        self._rows: dict[str, tuple[str, str, str, bytes]] = {}
        """As stored: path → (stat, digest, card, pickled model and problems)."""
        self._stats: dict[str, str] = {}
        self._parsed: dict[str, tuple[str, tuple[str, bytes, bytes | None] | None]] = {}
        """Parsed by `prefill`'s workers: path → (digest, packed as stored, or None if
        the text is the cache's)."""
        self._new: dict[str, tuple[str, str, str, bytes, bytes | None]] = {}
        self._touched: dict[str, str] = {}
        self._db: sqlite3.Connection | None = None
        self._pid = 0
        self._saved = False
        self._shared: dict[tuple[str, str], Any] = {}

    @classmethod
    def open(cls, root: Path, salt: str, stats: dict[str, str] | None = None) -> ParseCache:
        cache = cls(root, salt, stats)
        (root / CACHE_DIR / "parsed.pickle").unlink(missing_ok=True)  # the earlier format
        try:
            db = cache._connection()
            stored = db.execute("SELECT value FROM info WHERE key = 'salt'").fetchone()
            if stored is not None and stored[0] == salt:
                cache._rows = {path: (stat, key, card, meta) for path, stat, key, card, meta
                               in db.execute("SELECT path, stat, digest, card, meta FROM files")}
        except sqlite3.Error:
            cache._reset()
        return cache

    def _connection(self) -> sqlite3.Connection:
        """This process's connection (a forked worker opens its own)."""
        if self._db is None or self._pid != os.getpid():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=60, check_same_thread=False)
            db.execute("PRAGMA synchronous = NORMAL")  # a cache: durable enough, never torn
            db.executescript(_SCHEMA)
            self._db, self._pid = db, os.getpid()
        return self._db

    def _reset(self) -> None:
        """Start over with an empty cache file (it was damaged or unreadable)."""
        self._db = None
        for suffix in ("", "-wal", "-shm", "-journal"):
            with contextlib.suppress(OSError):
                self.path.with_name(self.path.name + suffix).unlink()
        self._rows = {}

    def stored(self, shown: str) -> tuple[Any, list[Problem]] | None:
        """What was parsed from the file at `shown` (relative to the site) if it is
        unchanged since (same size, mtime, ctime and inode, as make and Hugo judge files):
        it is then not read at all. Also what `prefill` parsed."""
        stat = self.known_stats.get(shown)
        if stat is None:
            try:
                stat = stat_key(self.root / shown)
            except OSError:
                return None
        row = self._rows.get(shown)
        if row is not None and row[0] == stat:
            restored = self._restore(shown, row)
            if restored is not None:
                self.digests[shown] = row[1]
                return restored
        self._stats[shown] = stat  # taken before the file is read: never newer than it
        parsed = self._parsed.pop(shown, None)
        if parsed is None:
            return None
        key, packed = parsed
        self.digests[shown] = key
        if packed is not None:
            self._store(shown, key, packed)
            return self._restore(shown, ("", key, *packed[:2]))
        if row is None:
            return None
        self._touched[shown] = stat  # touched, not changed: the text is the row's
        return self._restore(shown, row)

    def _restore(self, shown: str, row: tuple[str, str, str, bytes]
                 ) -> tuple[Any, list[Problem]] | None:
        """The parse result of a stored row (None if it cannot be read back); a post's
        body is read when shown."""
        try:
            result, problems = self._loads(row[3])
            if row[2]:  # a post, pickled on its own (see _pack)
                result = self._loads(result[0]), result[1]
        except _UNREADABLE:
            return None
        if row[2]:
            self.cards[shown] = row[2]
            result[0].body_html.load_with(partial(self.body, shown))
        return result, problems

    def refer_to(self, register: Register, themes: Iterable[Theme]) -> None:
        """The register entries and themes that stored models refer to (see _pack)."""
        self._shared = {("M", m.code): m for m in register.municipalities}
        self._shared.update({("C", c.code): c for c in register.counties})
        self._shared.update({("T", t.slug): t for t in themes})

    def _loads(self, data: bytes) -> Any:
        return _Unpickler(io.BytesIO(data), self._shared).load()

    def body(self, shown: str) -> str:
        """A post's body: parsed in this run, or stored."""
        new = self._new.get(shown)
        if new is not None and new[4] is not None:
            return new[4].decode()
        found = self._connection().execute("SELECT body FROM files WHERE path = ?",
                                           (shown,)).fetchone()
        if found is None or found[0] is None:
            raise SitegenError([Problem(str(self.path), 0, "cachen ändrades under bygget "
                                        f"({shown} saknas); bygg igen")])
        return bytes(found[0]).decode()

    def wrap(self, parse: Callable[[Any, Any, list[Problem]], T | None]
             ) -> Callable[[Any, Any, list[Problem]], T | None]:
        """`parse` for a file `stored` did not have: a file whose text is unchanged is
        read back, not parsed."""
        def cached(source: Any, ctx: Any, problems: list[Problem]) -> T | None:
            key = _text_digest(source.text)
            self.digests[source.path] = key
            row = self._rows.get(source.path)
            restored = self._restore(source.path, row) if row and row[1] == key else None
            if restored is not None:  # touched, not changed
                self._touched[source.path] = self._stats.get(source.path, "")
                problems.extend(restored[1])
                return cast(T | None, restored[0])
            mark = len(problems)
            result = parse(source, ctx, problems)
            self._store(source.path, key, _pack(result, problems[mark:]))
            return result

        return cached

    def _store(self, shown: str, key: str, packed: tuple[str, bytes, bytes | None]) -> None:
        card, meta, body = packed
        if card:
            self.cards[shown] = card
        self._new[shown] = (self._stats.get(shown, ""), key, card, meta, body)

    def prefill(self, pending: list[str], read: Callable[[str], Any],
                parse: Callable[[Any, Any, list[Problem]], Any], ctx: Any) -> None:
        """Read and parse the files at `pending` on all cores (forked workers inherit the
        parser; only what is stored travels back), for `stored` to give. A few files are
        left to `wrap`, in this process."""
        workers = parallel_workers(len(pending), PARALLEL_PARSE_FROM)
        if workers < 2:
            return
        global _PARSE_SHARED
        with contextlib.ExitStack() as files:
            # Each worker hands its share back through an unnamed file, not the pool's
            # pipe: at 10,000 posts ~100 MB of bodies took 0.4 s through the pipe, 64 kB
            # at a time with worker and parent taking turns, and 0.1 s through files.
            outs: list[IO[bytes] | None] = [None] * workers
            with contextlib.suppress(OSError):
                outs = [files.enter_context(tempfile.TemporaryFile()) for _ in range(workers)]
            _PARSE_SHARED = (pending, read, parse, ctx, self._rows, workers, outs)
            try:
                with fork_pool(workers) as pool:
                    shares = pool.map(_parse_share, range(workers), chunksize=1)
            finally:
                _PARSE_SHARED = None
            for share, out in zip(shares, outs, strict=True):
                if share is None and out is not None:
                    out.seek(0)
                    share = pickle.load(out)
                for shown, key, packed in share or ():
                    self._parsed[shown] = (key, packed)

    def save(self) -> None:
        """Write what changed: new and re-parsed files, new stats, files gone. Once."""
        if self._saved:
            return
        self._saved = True
        gone = [(path,) for path in self._rows if path not in self.digests]
        try:
            db = self._connection()
            with db:
                db.execute("INSERT OR REPLACE INTO info VALUES ('salt', ?)", (self.salt,))
                db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?)",
                               [(path, *row) for path, row in self._new.items()])
                db.executemany("UPDATE files SET stat = ? WHERE path = ?",
                               [(stat, path) for path, stat in self._touched.items()])
                db.executemany("DELETE FROM files WHERE path = ?", gone)
        except sqlite3.Error:
            pass  # rolled back: the rows of changed files keep their old stat, so they are
            # read and parsed again next time; this run's bodies are still in memory


_SCHEMA = """
CREATE TABLE IF NOT EXISTS info (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, stat TEXT, digest TEXT, card TEXT,
                                  meta BLOB, body BLOB);
"""


def _pack(result: Any, problems: list[Problem]) -> tuple[str, bytes, bytes | None]:
    """(card, pickled model and problems, body as UTF-8) of a parse result, as stored.
    A post's card is the digest of its model without the body: while every card is
    unchanged, only pages that show a changed body can change. The model is pickled once,
    for the card and the row both."""
    card, body = "", None
    if result is not None and isinstance(result[0], Post):
        post, extra = result
        body = str(post.body_html).encode()
        bare = _dumps(dataclasses.replace(post, body_html=post.body_html.placeholder()))
        card = digest(bare)
        result = bare, extra
    return card, _dumps((result, problems)), body


def _shared(key: tuple[str, str]) -> Any:
    """Stands for a municipality, county or theme in a stored model; `_Unpickler` puts
    the register's or vocabulary's own object in its place."""
    raise pickle.UnpicklingError(f"{key} is read back only by the parse cache")


# Register entries and themes are stored by key, not by value: each post held copies of
# its municipalities, counties and themes (descriptions, synonyms), and read back made new
# ones. By key, a post is ~25 % smaller and read back ~35 % faster, and shares them.
_BY_KEY = copyreg.dispatch_table | {
    Municipality: lambda m: (_shared, (("M", m.code),)),
    County: lambda c: (_shared, (("C", c.code),)),
    Theme: lambda t: (_shared, (("T", t.slug),)),
}


def _dumps(value: Any) -> bytes:
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _BY_KEY
    pickler.dump(value)
    return buffer.getvalue()


class _Unpickler(pickle.Unpickler):
    """Reads what `_dumps` wrote; a key it does not know raises KeyError."""

    def __init__(self, file: IO[bytes], shared: dict[tuple[str, str], Any]) -> None:
        super().__init__(file)
        self.shared = shared

    def find_class(self, module: str, name: str) -> Any:
        if module == __name__ and name == "_shared":
            return self.shared.__getitem__
        return super().find_class(module, name)


def _text_digest(text: str) -> str:
    return digest(text.encode("utf-8", "surrogatepass"))


PARALLEL_PARSE_FROM = 400
"""Files to parse below which parsing stays in one process."""


Parsed = list[tuple[str, str, tuple[str, bytes, bytes | None] | None]]
"""What a parse worker hands back: (path, digest of its text, what is stored), with None
for a file whose text the cache has."""

_PARSE_SHARED: tuple[list[str], Callable[[str], Any], Callable[..., Any], Any,
                     dict[str, tuple[str, str, str, bytes]], int,
                     list[IO[bytes] | None]] | None = None


def _parse_share(index: int) -> Parsed | None:
    """Read and parse a worker's share. Written to the worker's file if it has one (None
    is returned then), else returned. Files that cannot be read are left out: the build
    reads them again to report why."""
    assert _PARSE_SHARED is not None
    pending, read, parse, ctx, rows, workers, outs = _PARSE_SHARED
    done: Parsed = []
    for shown in pending[index::workers]:
        source = read(shown)
        if not hasattr(source, "text"):
            continue
        key = _text_digest(source.text)
        row = rows.get(shown)
        if row is not None and row[1] == key:
            done.append((shown, key, None))
            continue
        problems: list[Problem] = []
        result = parse(source, ctx, problems)
        done.append((shown, key, _pack(result, problems)))
    out = outs[index]
    if out is not None:
        try:
            pickle.dump(done, out, protocol=pickle.HIGHEST_PROTOCOL)
            out.flush()
            return None
        except OSError:  # a full disk: the pipe it is
            pass
    return done


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
    def open(cls, root: Path, output: Path) -> PageCache:
        name = digest(str(output).encode())
        path = root / CACHE_DIR / f"pages-{name}.pickle"
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
    stat_key of every file in content/, layouts/, assets/ and static/ and of site.yaml, sitegen
    itself (the salt) and the build's flags. Also each file's stat_key by its path
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
