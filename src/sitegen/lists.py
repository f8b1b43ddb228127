"""What list pages show: pagers, breadcrumbs, and the site's plan items and national
input gathered by post, by theme and under each theme. Pure; page types use these."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from operator import itemgetter
from typing import Any, Generic, NamedTuple, TypeVar

from sitegen import urls
from sitegen.model import MONTHS, NationalInput, PlanItem, Post, Theme
from sitegen.site import InputEntry, PlanEntry, Site, chronological
from sitegen.slugs import swedish_key
from sitegen.summaries import Summaries, summarize

T = TypeVar("T")


@dataclass(frozen=True)
class Pager(Generic[T]):
    """One page of a paginated list."""

    items: Sequence[T]
    number: int
    count: int
    base: str

    def url(self, number: int) -> str:
        return urls.paged(self.base, number)

    def window(self, around: int = 2) -> list[int | None]:
        """Page numbers to link: the first, the last and `around` on each side of the
        current one; None where numbers are left out."""
        shown = sorted({1, self.count, *range(max(1, self.number - around),
                                                   min(self.count, self.number + around) + 1)})
        result: list[int | None] = []
        for number in shown:
            if result and number - (result[-1] or 0) > 1:
                result.append(None)
            result.append(number)
        return result

    @property
    def prev_url(self) -> str | None:
        return self.url(self.number - 1) if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        return self.url(self.number + 1) if self.number < self.count else None


class Lazy:
    """A list of known length that is made when first needed."""

    def __init__(self, length: int, make: Callable[[], Sequence[Any]]) -> None:
        self.length = length
        self._make = make

    def __len__(self) -> int:
        return self.length

    @cached_property
    def items(self) -> Sequence[Any]:
        return self._make()


@dataclass(frozen=True)
class Crumb:
    title: str
    url: str


class Grouped(NamedTuple, Generic[T]):
    group: str
    """Theme name, or "Utan tema"."""
    group_url: str | None
    entry: T


Entry = TypeVar("Entry", PlanEntry, InputEntry)


class Entries:
    """The site's plan items and national input, made once, when a page first needs
    them, and shared by every page that lists them, so a page's fingerprint can reuse
    what another page's already digested. A rebuild that renders a few pages never
    makes them."""

    def __init__(self, site: Site) -> None:
        self.site = site

    @cached_property
    def plan(self) -> list[PlanEntry]:
        return self.site.plan_entries(self.site.posts)

    @cached_property
    def inputs(self) -> list[InputEntry]:
        return self.site.input_entries(self.site.posts)

    @cached_property
    def plan_of(self) -> dict[str, list[PlanEntry]]:
        """Post slug → its plan entries."""
        return _by_post(self.plan)

    @cached_property
    def inputs_of(self) -> dict[str, list[InputEntry]]:
        return _by_post(self.inputs)

    @cached_property
    def plan_by_theme(self) -> dict[Theme, list[PlanEntry]]:
        return _under_themes(self.plan)

    @cached_property
    def inputs_by_theme(self) -> dict[Theme, list[InputEntry]]:
        return _under_themes(self.inputs)

    @cached_property
    def by_slug(self) -> dict[str, Post]:
        return {p.slug: p for p in self.site.posts}

    @cached_property
    def summaries(self) -> Summaries:
        """Every count the municipality, county and theme pages show, made in one pass."""
        return summarize(self.site)


def _by_post(entries: list[Entry]) -> dict[str, list[Entry]]:
    found: dict[str, list[Entry]] = {}
    for entry in entries:
        found.setdefault(entry.post.slug, []).append(entry)
    return found


def _under_themes(entries: list[Entry]) -> dict[Theme, list[Entry]]:
    found: dict[Theme, list[Entry]] = {}
    for entry in entries:
        for theme in entry.item.themes:
            found.setdefault(theme, []).append(entry)
    return found


def by_theme(entries: list[PlanEntry] | list[InputEntry]) -> list[Grouped[Any]]:
    """Entries under each of their themes (those without one last, as "Utan tema"), by
    theme, then municipality, then post and line. Keys are made once per theme and post:
    at 10,000 posts there are 50,000 entries."""
    groups: dict[str, tuple[tuple[int, Any], str, str | None]] = {}
    places: dict[str, Any] = {}
    keyed: list[tuple[tuple[Any, ...], Grouped[Any]]] = []
    for entry in entries:
        post = entry.post
        place = places.get(post.slug)
        if place is None:
            place = places[post.slug] = swedish_key(
                post.municipalities[0].name if post.municipalities else "")
        themes: tuple[Theme | None, ...] = entry.item.themes or (None,)
        for theme in themes:
            slug = theme.slug if theme else ""
            group = groups.get(slug)
            if group is None:
                group = groups[slug] = (
                    (0, swedish_key(theme.name)) if theme else (1, swedish_key("")),
                    theme.name if theme else "Utan tema",
                    theme.url if theme else None)
            keyed.append(((group[0], place, post.slug, entry.item.source.line),
                          Grouped(group[1], group[2], entry)))
    keyed.sort(key=itemgetter(0))
    return [grouped for _, grouped in keyed]


def grouped_count(items: Iterable[PlanItem | NationalInput]) -> int:
    """How many entries by_theme makes of these items: one per theme, or one."""
    return sum(len(item.themes) or 1 for item in items)


def sorted_newest(posts: Iterable[Post]) -> list[Post]:
    chrono = chronological(posts)
    dated = [p for p in chrono if p.date]
    return list(reversed(dated)) + [p for p in chrono if not p.date]


def month_group(post: Post) -> str:
    if post.date is None:
        return "Datum saknas"
    return f"{MONTHS[post.date.month - 1].capitalize()} {post.date.year}"
