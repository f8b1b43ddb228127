"""The typed site model: what the content stage reads and the templates see.

Stages pass these frozen dataclasses along; nothing here does I/O itself (a post's
Html body may be given a loader by the build's cache).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum

from sitegen import urls
from sitegen.registry import County, Municipality

MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
          "september", "oktober", "november", "december")


def swedish_date(date: dt.date | None) -> str:
    """ "8 mars 2016", or "Datum saknas" for a post whose date was lost."""
    if date is None:
        return "Datum saknas"
    return f"{date.day} {MONTHS[date.month - 1]} {date.year}"


class Status(StrEnum):
    """Follow-up status of one plan item, as a revisit records it."""

    DONE = "done"
    IN_PROGRESS = "in_progress"
    NOT_STARTED = "not_started"
    DROPPED = "dropped"
    UNASSESSED = "unassessed"
    """Not yet assessed: what `sitegen new` writes for each item of a revisit. Never a
    fact: the site shows no status from it, and only a draft may have it."""

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    Status.DONE: "Genomförd",
    Status.IN_PROGRESS: "Pågår",
    Status.NOT_STARTED: "Ej påbörjad",
    Status.DROPPED: "Avbruten",
    Status.UNASSESSED: "Ej bedömd",
}


@dataclass(frozen=True)
class Theme:
    name: str
    slug: str
    description: str = ""
    synonyms: tuple[str, ...] = ()
    keep: bool = False
    """Kept in the vocabulary though no post uses it yet (no warning)."""

    @property
    def url(self) -> str:
        return urls.theme(self)


@dataclass(frozen=True)
class Source:
    """Where a value was written: for `path:line` messages and for editors."""

    path: str
    line: int


class Html:
    """A post's rendered body. The build's cache keeps bodies on disk and gives posts an
    Html that reads its text only when a template shows it (str() or Jinja's `safe`),
    so a rebuild does not hold every body in memory. Within `reading_bodies()`, every
    body shown is recorded by its post's source path."""

    __slots__ = ("_key", "_load", "_text")

    def __init__(self, text: str | None = None, load: Callable[[], str] | None = None,
                 key: str = "") -> None:
        self._text = text
        self._load = load
        self._key = key

    def __str__(self) -> str:
        if _READS is not None and self._key:
            _READS.add(self._key)
        return self._value()

    def _value(self) -> str:
        if self._text is not None:
            return self._text
        return self._load() if self._load is not None else ""

    def __repr__(self) -> str:
        return "Html(...)"  # never loads: a post's repr stands for its model without the body

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Html) and str(self) == str(other)

    def __hash__(self) -> int:
        return hash(str(self))

    def __reduce__(self) -> tuple[type[Html], tuple[str | None, None, str]]:
        if self._text is None and self._load is None:
            return Html, (None, None, self._key)  # the cache gives it a loader when read back
        return Html, (self._value(), None, self._key)

    def placeholder(self) -> Html:
        """An Html without text, for the cache to store a post without its body."""
        return Html(key=self._key)

    def load_with(self, load: Callable[[], str]) -> None:
        """Give a placeholder (Html() read back from the cache) its loader."""
        assert self._text is None and self._load is None
        self._load = load


_READS: set[str] | None = None


@contextlib.contextmanager
def reading_bodies() -> Iterator[set[str]]:
    """Record the source paths of the posts whose bodies are shown meanwhile: when no
    more than bodies changed, only pages that showed a changed body can differ."""
    global _READS
    outer, _READS = _READS, set()
    try:
        yield _READS
    finally:
        _READS = outer


def note_reads(keys: Iterable[str]) -> None:
    """Record bodies shown earlier, by a fragment made once and shown again now."""
    if _READS is not None:
        _READS.update(keys)


@dataclass(frozen=True)
class PlanItem:
    id: str
    """Stable id within its post: given in the frontmatter, else the 1-based position."""
    text: str
    themes: tuple[Theme, ...]
    source: Source


@dataclass(frozen=True)
class NationalInput:
    text: str
    themes: tuple[Theme, ...]
    source: Source


@dataclass(frozen=True)
class ItemFollowUp:
    item_id: str
    status: Status
    note: str
    source: Source


@dataclass(frozen=True)
class FollowUp:
    """A revisit's account of an earlier post's plan."""

    of: str
    """Slug of the earlier post."""
    items: tuple[ItemFollowUp, ...]
    source: Source


@dataclass(frozen=True)
class Post:
    slug: str
    title: str
    date: dt.date | None
    category: str
    municipalities: tuple[Municipality, ...]
    themes: tuple[Theme, ...]
    body_html: Html
    summary: str
    authors: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    alias_lines: tuple[int, ...] = ()
    """The line of each alias in the post's file, in the same order."""
    draft: bool = False
    plan: tuple[PlanItem, ...] = ()
    national_input: tuple[NationalInput, ...] = ()
    followup: FollowUp | None = None
    source: Source = field(default_factory=lambda: Source("", 0))
    toc: tuple[tuple[str, str], ...] = ()
    """(anchor, heading text) of the body's second-level headings."""
    export_order: int | None = None
    """Its place in the old blog's export (1 = first), as the importer found it: the order
    of the posts whose date was lost (see site.post_order)."""
    facts: str = ""
    """Digest of what the post says besides its body: the file's name and frontmatter,
    and the summary (which may come from the body's first paragraph). The open data are
    made of these alone (with the registers and settings), so an edit of a body that
    leaves them alone leaves the data alone."""

    @property
    def url(self) -> str:
        return urls.post(self.category, self.slug)

    @property
    def date_text(self) -> str:
        return swedish_date(self.date)

    @property
    def date_iso(self) -> str:
        return self.date.isoformat() if self.date else ""

    @property
    def municipality_names(self) -> str:
        return ", ".join(m.name for m in self.municipalities)

    @property
    def is_visit(self) -> bool:
        return bool(self.municipalities)

    @property
    def counties(self) -> tuple[County, ...]:
        seen: dict[str, County] = {}
        for m in self.municipalities:
            seen.setdefault(m.county.code, m.county)
        return tuple(seen.values())

    @property
    def year(self) -> int | None:
        return self.date.year if self.date else None


@dataclass(frozen=True)
class Page:
    """A plain page from content/pages/: om bloggen, tillgänglighetsredogörelse."""

    slug: str
    title: str
    body_html: str
    summary: str
    source: Source
    order: int = 0
    """Place in the footer navigation (lower first)."""
    aliases: tuple[str, ...] = ()
    """Old URLs of the page that must keep working."""
    alias_lines: tuple[int, ...] = ()
    """The line of each alias in the page's file, in the same order."""

    @property
    def url(self) -> str:
        return urls.page(self.slug)
