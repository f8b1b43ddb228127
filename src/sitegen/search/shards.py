"""The shard rule and the plan of what to index: pure functions over page paths.

The indexed pages (those a layout marks `data-pagefind-body`) are split into shards, each
a Pagefind bundle of its own that the search page merges. A page's shard is a stable hash
of its output path modulo the number of shards, and the number of shards is the smallest
power of two that keeps every shard at about `size` pages or fewer (site.yaml's
`search_shard_pages`). So a page stays
in its shard from build to build; only when the site grows or shrinks across a power of
two does the count change, and then every shard is indexed anew (as in a cold build).

Why a hash and not, say, the year: Pagefind ranks each shard with that shard's own
statistics (how many of its pages hold a word, their average length). A hash makes every
shard a random sample of the site, so those statistics agree with the whole site's; the
search page corrects what remains (see assets/search-engine.js).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass


def shard_count(pages: int, size: int) -> int:
    """The smallest power of two that splits `pages` into shards of at most `size`."""
    count = 1
    while pages > count * size:
        count *= 2
    return count


def shard_of(path: str, count: int) -> int:
    """The shard of the page at output path `path` (e.g. `kommunbesok/x/index.html`)."""
    digest = hashlib.blake2b(path.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % count


@dataclass(frozen=True)
class Plan:
    shards: tuple[tuple[str, ...], ...]
    """The pages of each shard (sorted output paths), by shard number."""
    dirty: frozenset[int]
    """Shards to index anew; the others are kept as they were published."""


def plan(pages: Iterable[str], previous: tuple[tuple[str, ...], ...] | None,
         changed: frozenset[str] | None, size: int) -> Plan:
    """Split `pages` into shards and say which must be indexed anew: all of them without
    a usable `previous` split (the published shards' pages) or without `changed` (the
    output paths whose bytes changed, unknown), else those holding a page that was
    changed, added or removed."""
    ordered = sorted(set(pages))
    count = shard_count(len(ordered), size) if ordered else 0
    split: list[list[str]] = [[] for _ in range(count)]
    for path in ordered:
        split[shard_of(path, count)].append(path)
    shards = tuple(tuple(group) for group in split)
    if previous is None or changed is None or len(previous) != count:
        return Plan(shards, frozenset(range(count)))
    pairs = enumerate(zip(shards, previous, strict=True))
    dirty = frozenset(n for n, (now, before) in pairs
                      if now != before or not changed.isdisjoint(now))
    return Plan(shards, dirty)
