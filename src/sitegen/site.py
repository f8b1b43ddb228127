"""The site model: posts, pages and registers joined into taxonomies, follow-ups and
aggregates. Pure: takes validated content, returns a Site or problems."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sitegen import urls
from sitegen.config import Redirect, SiteConfig
from sitegen.errors import Problem, did_you_mean
from sitegen.model import ItemFollowUp, NationalInput, Page, PlanItem, Post, Theme
from sitegen.model import Status as ItemStatus
from sitegen.outpaths import odd_character
from sitegen.registry import County, Municipality
from sitegen.related import Related, related_visits, visit_spans
from sitegen.slugs import swedish_key


@dataclass(frozen=True)
class Status:
    """The latest follow-up of one plan item, and the revisit that gave it."""

    followup: ItemFollowUp
    by: Post


@dataclass(frozen=True)
class PlanEntry:
    item: PlanItem
    post: Post
    status: Status | None


@dataclass(frozen=True)
class InputEntry:
    item: NationalInput
    post: Post


@dataclass(frozen=True)
class TermGroup:
    """A municipality, county or theme with the posts filed under it."""

    slug: str
    name: str
    posts: tuple[Post, ...]


@dataclass
class Site:
    config: SiteConfig
    posts: tuple[Post, ...]
    """Newest first; undated posts last, by title."""
    pages: tuple[Page, ...]
    themes: tuple[Theme, ...]
    statuses: dict[tuple[str, str], Status]
    """(post slug, plan item id) → latest follow-up status."""
    by_municipality: dict[Municipality, tuple[Post, ...]] = field(default_factory=dict)
    by_county: dict[County, tuple[Municipality, ...]] = field(default_factory=dict)
    by_theme: dict[Theme, tuple[Post, ...]] = field(default_factory=dict)
    followed_up_by: dict[str, tuple[Post, ...]] = field(default_factory=dict)
    """Slug of a post → the revisits that follow it up."""
    redirects: tuple[Redirect, ...] = ()
    """site.yaml's redirects, their old addresses normalized as aliases are."""
    related: dict[str, tuple[Related, ...]] = field(default_factory=dict)
    """Slug of a post → the visits related to it (sitegen.related)."""
    spans: dict[str, tuple[dt.date, dt.date]] = field(default_factory=dict)
    """Slug of a post → the first and last date of its visit and revisits, where they
    differ."""

    def aliases(self) -> list[tuple[str, int, Post | Page]]:
        """Every old address of a post or a page: (alias, its line, the post or page)."""
        return located_aliases(self.posts, self.pages)

    def plan_entries(self, posts: Iterable[Post]) -> list[PlanEntry]:
        return [PlanEntry(item, post, self.statuses.get((post.slug, item.id)))
                for post in posts for item in post.plan]

    def assessed_by(self, revisit: Post, earlier: Post) -> list[PlanEntry]:
        """The plan of `earlier` (the post `revisit` follows up), each item with the status
        `revisit` gave it, not a later revisit's; None where it gave none (or left it
        unassessed, which the site never shows)."""
        given = {item.item_id: item for item in (revisit.followup.items if revisit.followup
                                                  else ())
                 if item.status is not ItemStatus.UNASSESSED}
        return [PlanEntry(item, earlier, Status(given[item.id], revisit)
                          if item.id in given else None) for item in earlier.plan]

    def input_entries(self, posts: Iterable[Post]) -> list[InputEntry]:
        return [InputEntry(item, post) for post in posts for item in post.national_input]


def located_aliases(posts: Iterable[Post], pages: Iterable[Page],
                    ) -> list[tuple[str, int, Post | Page]]:
    items: list[Post | Page] = [*posts, *pages]
    return [(alias, line, item) for item in items
            for alias, line in zip(item.aliases, item.alias_lines, strict=True)]


UNPLACED = 1 << 62
"""The export place of an undated post that has none: after those that have one."""


def post_order(post: Post) -> tuple[int, int, tuple[str, str], str]:
    """Newest first; then the posts whose date was lost, in the old export's order
    (`export_order`: the order the old blog's export listed them in, which for the blog's
    own export was the order of publication), those without a place last. Ties are
    broken by title, then slug, so the order is total."""
    if post.date is not None:
        return (0, -post.date.toordinal(), swedish_key(post.title), post.slug)
    return (1, post.export_order or UNPLACED, swedish_key(post.title), post.slug)


def chronological(posts: Iterable[Post]) -> tuple[Post, ...]:
    """Oldest first, undated last (a municipality's visits in the order they happened)."""
    dated = sorted((p for p in posts if p.date), key=lambda p: (p.date or dt.date.min, p.slug))
    return tuple(dated) + tuple(sorted((p for p in posts if not p.date), key=post_order))


def build_site(config: SiteConfig, posts: list[Post], pages: list[Page],
               themes: tuple[Theme, ...], *, invalid: frozenset[str] = frozenset(),
               ) -> Site | list[Problem]:
    """`invalid`: slugs of posts that failed validation (already reported); follow-ups
    of them are not reported again as pointing nowhere."""
    problems: list[Problem] = []
    ordered = tuple(sorted(posts, key=post_order))
    by_slug = {p.slug: p for p in ordered}
    redirects = tuple(dataclasses.replace(r, old=normalize_alias(r.old))
                      for r in config.redirects)
    problems += _check_urls(ordered, pages, redirects)
    statuses, followed = _resolve_followups(ordered, by_slug, problems, invalid)
    if problems:
        return problems
    by_municipality: dict[Municipality, list[Post]] = defaultdict(list)
    by_theme: dict[Theme, list[Post]] = defaultdict(list)
    for post in ordered:
        for municipality in post.municipalities:
            by_municipality[municipality].append(post)
        for theme in post.themes:
            by_theme[theme].append(post)
    by_county: dict[County, list[Municipality]] = defaultdict(list)
    for municipality in sorted(by_municipality, key=lambda m: swedish_key(m.name)):
        by_county[municipality.county].append(municipality)
    return Site(
        config=config,
        posts=ordered,
        pages=tuple(sorted(pages, key=lambda p: (p.order, swedish_key(p.title)))),
        themes=tuple(sorted(themes, key=lambda t: swedish_key(t.name))),
        statuses=statuses,
        by_municipality={m: chronological(ps) for m, ps in
                         sorted(by_municipality.items(), key=lambda kv: swedish_key(kv[0].name))},
        by_county={c: tuple(ms) for c, ms in
                   sorted(by_county.items(), key=lambda kv: swedish_key(kv[0].name))},
        by_theme={t: tuple(ps) for t, ps in by_theme.items()},
        followed_up_by={slug: chronological(ps) for slug, ps in followed.items()},
        redirects=redirects,
        related=related_visits(ordered),
        spans=visit_spans(ordered),
    )


def _check_urls(posts: tuple[Post, ...], pages: list[Page],
                redirects: tuple[Redirect, ...]) -> list[Problem]:
    """Two things on one URL is an error, wherever they come from. URLs are compared as
    the files that serve them, so `/x/` and `/x/index.html` are the same address."""
    problems = []
    owners: dict[str, str] = {}

    def claim(url: str, owner: str, path: str, line: int) -> None:
        served = urls.served_by(url)
        if served in owners:
            problems.append(Problem(path, line, f"adressen {url} används redan av "
                                                f"{owners[served]}"))
        else:
            owners[served] = owner

    site_pages = "webbplatsens egna sidor"
    claim(urls.HOME, site_pages, "", 0)
    categories = sorted({post.category for post in posts})
    for category in categories:
        claim(urls.category(category), site_pages, "", 0)
    for page in pages:
        if page.slug in urls.RESERVED:
            problems.append(Problem(page.source.path, 1, f'sidan kan inte heta "{page.slug}": '
                                                         "adressen används av webbplatsen"))
        claim(page.url, page.source.path, page.source.path, 1)
    for post in posts:
        if post.category in urls.RESERVED:
            problems.append(Problem(post.source.path, 1, f'kategorin "{post.category}" krockar '
                                                         "med webbplatsens egna adresser"))
        claim(post.url, post.source.path, post.source.path, 1)
    olds = [(alias, f"aliaset i {item.source.path}", item.source.path, line)
            for alias, line, item in located_aliases(posts, pages)]
    for redirect in redirects:
        why = alias_problem(redirect.old, "adressen") or alias_problem(redirect.new,
                                                                      "adressen")
        if why:
            problems.append(Problem("site.yaml", redirect.line, why))
        else:
            olds.append((redirect.old, "en omdirigering i site.yaml", "site.yaml",
                         redirect.line))
    for alias, owner, path, line in olds:
        if reserved_alias(alias, categories):
            parts = alias.strip("/").split("/")
            problems.append(Problem(path, line, f"aliaset {alias} krockar med webbplatsens "
                                                f"egna adresser under /{parts[0]}/"))
            continue
        claim(alias, owner, path, line)
    return problems


def reserved_alias(alias: str, categories: Iterable[str]) -> bool:
    """True if an old address lies among the site's own (/kommun/..., a category's
    /sida/2/ pages): a redirect page there would replace one of them."""
    parts = alias.strip("/").split("/")
    return "?" not in alias and (parts[0] in urls.RESERVED
                                 or (parts[0] in categories and parts[1:2] == [urls.PAGE]))


def alias_problem(alias: str, what: str = "aliaset") -> str | None:
    """Why an alias (or another address: `what`) cannot be a path inside the site."""
    if not alias.startswith("/") or alias.startswith("//"):
        return f'{what} "{alias}" ska vara en sökväg inom webbplatsen som börjar med /'
    parts = alias.split("?")[0].strip("/").split("/")
    if any(part in (".", "..") for part in parts) or "\\" in alias:
        return f'{what} "{alias}" får inte innehålla . eller .. eller \\'
    odd = odd_character(alias)
    if odd or any(ch in '<>"\'' or ch.isspace() for ch in alias):
        return f'{what} {alias!r} innehåller otillåtna tecken' + (f" ({odd})" if odd else "")
    encoded = _ENCODED_SEPARATOR.search(alias.split("?")[0])
    if encoded:
        return (f'{what} "{alias}" får inte innehålla {encoded.group()}: en webbserver '
                "avkodar %2e, %2f, %5c och kodade styrtecken till . / \\ och styrtecken, "
                "så adressen skulle aldrig nå sidan")
    long = urls.long_segment(alias)
    return f'{what}: {long}' if long else None


_ENCODED_SEPARATOR = re.compile(r"%(?:2e|2f|5c|[01][0-9a-f]|7f)", re.IGNORECASE)
"""Percent-encoded ., / and \\ (/%2e%2e/ is /../ to a server), and control characters."""


def normalize_alias(alias: str) -> str:
    """`/2016/03/x` and `/2016/03/x/` are the same old URL; `/?p=12` stays as it is."""
    if "?" in alias or alias.endswith((".html", ".htm", ".php")):
        return alias
    return alias.rstrip("/") + "/"


def _resolve_followups(
        posts: tuple[Post, ...], by_slug: dict[str, Post], problems: list[Problem],
        invalid: frozenset[str]) -> tuple[dict[tuple[str, str], Status], dict[str, list[Post]]]:
    statuses: dict[tuple[str, str], Status] = {}
    followed: dict[str, list[Post]] = defaultdict(list)
    # Oldest revisit first, so a later revisit's status wins.
    for post in reversed(posts):
        followup = post.followup
        if followup is None:
            continue
        earlier = by_slug.get(followup.of)
        if earlier is None and followup.of in invalid:
            continue
        if earlier is None:
            problems.append(Problem(followup.source.path, followup.source.line,
                                    f'followup.of pekar på "{followup.of}", som inte finns'
                                    + did_you_mean(followup.of, by_slug)))
            continue
        if earlier is post:
            problems.append(Problem(followup.source.path, followup.source.line,
                                    "ett inlägg kan inte följa upp sig självt"))
            continue
        followed[earlier.slug].append(post)
        ids = [item.id for item in earlier.plan]
        for item in followup.items:
            if item.item_id not in ids:
                hint = did_you_mean(item.item_id, ids) or (
                    f" (planen har punkterna {', '.join(ids)})" if ids else " (planen är tom)")
                problems.append(Problem(item.source.path, item.source.line,
                                        f'planpunkten "{item.item_id}" finns inte i '
                                        f'"{earlier.slug}"' + hint))
                continue
            if item.status is not ItemStatus.UNASSESSED:  # never shown as a fact
                statuses[(earlier.slug, item.item_id)] = Status(item, post)
    problems.extend(_cycles(posts, by_slug))
    return statuses, followed


def _cycles(posts: tuple[Post, ...], by_slug: dict[str, Post]) -> list[Problem]:
    problems = []
    reported: set[str] = set()
    for start in posts:
        seen: list[str] = []
        current: Post | None = start
        while current is not None and current.followup is not None:
            if current.slug in seen:
                cycle = seen[seen.index(current.slug):]
                if not reported.intersection(cycle):
                    reported.update(cycle)
                    source = current.followup.source
                    problems.append(Problem(source.path, source.line,
                                            "uppföljningarna går i cirkel: "
                                            + " → ".join([*cycle, current.slug])))
                break
            seen.append(current.slug)
            current = by_slug.get(current.followup.of)
    return problems
