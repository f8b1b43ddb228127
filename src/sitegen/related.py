"""How posts stand to each other, for the post pages: the visits related to a post, the
dates a visit and its revisits span, and a post's neighbours in reading order.

Pure, and linear in the number of posts: what a post gets is bounded (RELATED visits,
found by walking a few lists only until they are found), so no post is compared with
every other one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from sitegen.model import Post, Theme

RELATED = 5
"""At most this many related visits under a post."""


class Via(StrEnum):
    """Why a visit is related: the nearest reason it has."""

    MUNICIPALITY = "kommun"
    COUNTY = "län"
    THEMES = "tema"


@dataclass(frozen=True)
class Related:
    post: Post
    via: Via
    themes: tuple[Theme, ...] = ()
    """The themes it shares with the post (via THEMES)."""


def related_visits(posts: Sequence[Post], limit: int = RELATED,
                   ) -> dict[str, tuple[Related, ...]]:
    """Slug → the visits related to that post, at most `limit`: visits to the same
    municipality first, then to the same county, then those that share the most themes
    with it; within each, in the site's order (newest first, undated last). `posts` is
    the site's order. Only posts with a related visit are in the result."""
    visits = [p for p in posts if p.is_visit]
    by_municipality = _index(visits, lambda p: (m.code for m in p.municipalities))
    by_county = _index(visits, lambda p: (c.code for c in p.counties))
    by_theme = _index(visits, lambda p: (t.slug for t in p.themes))
    place = {p.slug: i for i, p in enumerate(visits)}
    found: dict[str, tuple[Related, ...]] = {}
    for post in posts:
        chosen: dict[str, Related] = {post.slug: Related(post, Via.MUNICIPALITY)}
        wanted = limit + 1
        for m in post.municipalities:
            _take(chosen, by_municipality.get(m.code, ()), Via.MUNICIPALITY, wanted)
        # Every visit to the post's municipalities is chosen by now, or the list is full:
        # the walks below skip at most `limit` chosen visits each.
        for c in post.counties:
            _take(chosen, by_county.get(c.code, ()), Via.COUNTY, wanted)
        if len(chosen) < wanted and post.themes:
            _take_by_themes(post, chosen, by_theme, place, wanted)
        del chosen[post.slug]
        if chosen:
            found[post.slug] = tuple(chosen.values())
    return found


def _index(visits: list[Post], keys: Callable[[Post], Iterable[str]],
           ) -> dict[str, list[Post]]:
    index: dict[str, list[Post]] = {}
    for post in visits:
        for key in keys(post):
            index.setdefault(key, []).append(post)
    return index


def _take(chosen: dict[str, Related], candidates: Iterable[Post], via: Via,
          wanted: int) -> None:
    for candidate in candidates:
        if len(chosen) >= wanted:
            return
        if candidate.slug not in chosen:
            chosen[candidate.slug] = Related(candidate, via)


def _take_by_themes(post: Post, chosen: dict[str, Related], by_theme: dict[str, list[Post]],
                    place: dict[str, int], wanted: int) -> None:
    """From the first visits of each of the post's themes that are not chosen yet (as many
    as are still wanted), those sharing the most themes with the post, newest first."""
    need = wanted - len(chosen)
    mine = set(post.themes)
    pool: dict[str, Post] = {}
    for theme in post.themes:
        taken = 0
        for candidate in by_theme.get(theme.slug, ()):
            if taken >= need:
                break
            if candidate.slug not in chosen and candidate.slug not in pool:
                pool[candidate.slug] = candidate
                taken += 1
    shared = {slug: tuple(t for t in p.themes if t in mine) for slug, p in pool.items()}
    best = sorted(pool.values(), key=lambda p: (-len(shared[p.slug]), place[p.slug]))
    for candidate in best[:need]:
        chosen[candidate.slug] = Related(candidate, Via.THEMES, shared[candidate.slug])


def visit_spans(posts: Sequence[Post]) -> dict[str, tuple[dt.date, dt.date]]:
    """Slug → the first and last date of the visit it belongs to: a first visit and
    the revisits that follow it up (and theirs), for each post of a visit whose dated
    posts span more than one day."""
    of = {p.slug: p.followup.of for p in posts if p.followup}
    roots: dict[str, str] = {}

    def root(slug: str) -> str:
        path = []
        while slug in of and slug not in roots:  # the site model has no cycles
            path.append(slug)
            slug = of[slug]
        top = roots.get(slug, slug)
        for step in path:
            roots[step] = top
        return top

    members: dict[str, list[Post]] = {}
    for post in posts:
        members.setdefault(root(post.slug), []).append(post)
    spans: dict[str, tuple[dt.date, dt.date]] = {}
    for group in members.values():
        dates = [p.date for p in group if p.date is not None]
        if len(dates) > 1 and min(dates) < max(dates):
            for post in group:
                spans[post.slug] = (min(dates), max(dates))
    return spans


def neighbours(posts: Sequence[Post], index: int) -> tuple[Post | None, Post | None]:
    """The posts before and after posts[index] in the site's order, among the dated
    posts (newer, older) or among those whose date was lost (the export's order), never
    one of each: "older" than a dated post is no post whose date is unknown."""
    post = posts[index]

    def alike(other: Post | None) -> Post | None:
        return other if other is not None and (other.date is None) == (post.date is None) \
            else None

    return (alike(posts[index - 1] if index > 0 else None),
            alike(posts[index + 1] if index + 1 < len(posts) else None))
