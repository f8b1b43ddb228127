"""The parse cache: validated content by file, in SQLite (`.sitegen-cache/parsed.sqlite`).

A post or page is a pure function of its file and the salt (see `cachekey`). A file
arrives by one of two paths:

- its stat (size, mtime, ctime, inode) is the stored row's: it is not even read, and
  its model is read back from the row;
- else it is read: a text whose digest is the row's is read back too (only its new
  stat is saved), any other text is parsed and stored. Many files are read and parsed
  on forked workers, which hand back only what is stored; a few, in this process.

A post's body is stored apart from its model and read back only when a template shows
it; saving writes only the rows that changed.
"""

from __future__ import annotations

import contextlib
import copyreg
import dataclasses
import io
import os
import pickle
import sqlite3
import tempfile
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import IO, Any

from sitegen.cachekey import digest, stat_key
from sitegen.errors import Problem, SitegenError
from sitegen.model import Post, Theme
from sitegen.registry import County, Municipality, Register
from sitegen.workers import forked_map, parallel_workers

UNREADABLE = (pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError,
              TypeError, IndexError, KeyError)
"""What pickle raises on damaged or outdated data."""

PARALLEL_PARSE_FROM = 400
"""Files to read below which they are read and parsed in this process."""

Read = Callable[[str], Any]
"""Reads the file at a path relative to the site: a SourceFile (with `.text`) or a
Problem."""
Parse = Callable[[Any], tuple[Any, list[Problem]]]
"""Parses a SourceFile: (the model or None, its problems)."""
Outcome = tuple[Any, list[Problem]] | Problem
Packed = tuple[str, bytes, bytes | None]
"""As stored: (card, pickled model and problems, body as UTF-8)."""
Row = tuple[str, str, str, bytes]
"""As stored: (stat, digest of the text, card, pickled model and problems)."""


class ParseCache:
    def __init__(self, path: Path, salt: str, stats: dict[str, str] | None = None) -> None:
        self.path = path
        self.root = path.parent.parent
        self.salt = salt
        self.known_stats = stats or {}
        """stat_key by source path, as the build found them a moment before."""
        self.digests: dict[str, str] = {}
        """Source path → digest of its text, for every file seen in this run."""
        self.cards: dict[str, str] = {}
        """Post source path → its card (see `_pack`)."""
        self._rows: dict[str, Row] = {}
        self._stats: dict[str, str] = {}
        """Stats taken before files were read, for the rows saved."""
        self._new: dict[str, tuple[str, str, str, bytes, bytes | None]] = {}
        self._touched: dict[str, str] = {}
        self._db: sqlite3.Connection | None = None
        self._pid = 0
        self._saved = False
        self._shared: dict[tuple[str, str], Any] = {}

    @classmethod
    def open(cls, path: Path, salt: str, stats: dict[str, str] | None = None) -> ParseCache:
        cache = cls(path, salt, stats)
        path.with_name("parsed.pickle").unlink(missing_ok=True)  # the earlier format
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

    def refer_to(self, register: Register, themes: Iterable[Theme]) -> None:
        """The register entries and themes that stored models refer to (see _dumps)."""
        self._shared = {("M", m.code): m for m in register.municipalities}
        self._shared.update({("C", c.code): c for c in register.counties})
        self._shared.update({("T", t.slug): t for t in themes})

    # ---------------------------------------------------------------- loading

    def load(self, names: list[str], read: Read, parse: Parse) -> list[Outcome]:
        """What each file at `names` gives: its model and problems, or why it cannot be
        read."""
        outcomes: dict[str, Outcome] = {}
        pending = []
        for shown in names:
            unchanged = self._unchanged(shown)
            if unchanged is not None:
                outcomes[shown] = unchanged
            else:
                pending.append(shown)
        workers = parallel_workers(len(pending), PARALLEL_PARSE_FROM)
        for shown, done in (_in_parallel(self, pending, read, parse, workers) if workers > 1
                            else ((shown, self._read(shown, read, parse)) for shown in pending)):
            outcomes[shown] = self._accept(shown, done, read, parse)
        return [outcomes[shown] for shown in names]

    def _unchanged(self, shown: str) -> Outcome | None:
        """The stored outcome of the file at `shown` if its stat is the row's."""
        stat = self.known_stats.get(shown)
        if stat is None:
            try:
                stat = stat_key(self.root / shown)
            except OSError:
                return None  # reading it says why
        row = self._rows.get(shown)
        if row is not None and row[0] == stat:
            restored = self._restore(shown, row)
            if restored is not None:
                self.digests[shown] = row[1]
                return restored
        self._stats[shown] = stat  # taken before the file is read: never newer than it
        return None

    def _read(self, shown: str, read: Read, parse: Parse, *, reparse: bool = False,
              ) -> tuple[str, Packed | None, Outcome | None] | Problem:
        """Read one file (in a worker or here): (digest of its text, what is stored or
        None if the text is the row's, the outcome when parsed)."""
        source = read(shown)
        if isinstance(source, Problem):
            return source
        key = digest(source.text.encode("utf-8", "surrogatepass"))
        row = self._rows.get(shown)
        if row is not None and row[1] == key and not reparse:
            return key, None, None
        outcome = parse(source)
        return key, _pack(*outcome), outcome

    def _accept(self, shown: str, done: tuple[str, Packed | None, Outcome | None] | Problem,
                read: Read, parse: Parse) -> Outcome:
        """Take what `_read` gave (here or in a worker)."""
        if isinstance(done, Problem):
            return done
        key, packed, outcome = done
        self.digests[shown] = key
        if packed is None:  # touched, not changed: the text is the row's
            restored = self._restore(shown, self._rows[shown])
            if restored is not None:
                self._touched[shown] = self._stats.get(shown, "")
                return restored
            again = self._read(shown, read, parse, reparse=True)  # a damaged row
            return self._accept(shown, again, read, parse)
        card, meta, body = packed
        if card:
            self.cards[shown] = card
        self._new[shown] = (self._stats.get(shown, ""), key, card, meta, body)
        if outcome is not None:
            return outcome
        restored = self._restore(shown, ("", key, card, meta))
        assert restored is not None, "a worker's result reads back"
        return restored

    def _restore(self, shown: str, row: Row) -> tuple[Any, list[Problem]] | None:
        """The outcome of a stored row (None if it cannot be read back); a post's body is
        read when shown."""
        try:
            result, problems = self._loads(row[3])
            if row[2]:  # a post, pickled on its own (see _pack)
                result = self._loads(result[0]), result[1]
        except UNREADABLE:
            return None
        if row[2]:
            self.cards[shown] = row[2]
            result[0].body_html.load_with(partial(self.body, shown))
        return result, problems

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

    # ---------------------------------------------------------------- saving

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


def _pack(result: Any, problems: list[Problem]) -> Packed:
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


# ---------------------------------------------------------------- on forked workers

Handed = tuple[str, Packed | None, None] | Problem
"""What a worker hands back for a file: `_read`'s result without the live outcome."""

_SHARED: tuple[ParseCache, list[str], Read, Parse, int, list[IO[bytes] | None]] | None = None
"""What forked workers inherit."""


def _in_parallel(cache: ParseCache, pending: list[str], read: Read, parse: Parse,
                 workers: int) -> list[tuple[str, Handed]]:
    """Read and parse the files at `pending` on `workers` forked processes."""
    global _SHARED
    with contextlib.ExitStack() as files:
        # Each worker hands its share back through an unnamed file, not the pool's
        # pipe: at 10,000 posts ~100 MB of bodies took 0.4 s through the pipe, 64 kB
        # at a time with worker and parent taking turns, and 0.1 s through files.
        outs: list[IO[bytes] | None] = [None] * workers
        with contextlib.suppress(OSError):
            outs = [files.enter_context(tempfile.TemporaryFile()) for _ in range(workers)]
        _SHARED = (cache, pending, read, parse, workers, outs)
        try:
            with forked_map(_read_share, range(workers), workers) as results:
                shares = list(results)
        finally:
            _SHARED = None
        done: list[tuple[str, Handed]] = []
        for share, out in zip(shares, outs, strict=True):
            if share is None and out is not None:
                out.seek(0)
                share = pickle.load(out)
            done += share or ()
        return done


def _read_share(index: int) -> list[tuple[str, Handed]] | None:
    """Read and parse a worker's share. Written to the worker's file if it has one (None
    is returned then), else returned."""
    assert _SHARED is not None
    cache, pending, read, parse, workers, outs = _SHARED
    done: list[tuple[str, Handed]] = []
    for shown in pending[index::workers]:
        result = cache._read(shown, read, parse)
        done.append((shown, result if isinstance(result, Problem) else (*result[:2], None)))
    out = outs[index]
    if out is not None:
        try:
            pickle.dump(done, out, protocol=pickle.HIGHEST_PROTOCOL)
            out.flush()
            return None
        except OSError:  # a full disk: the pipe it is
            pass
    return done
