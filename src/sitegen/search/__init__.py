"""The search index: Pagefind bundles over the staged site, before it is swapped in, so
the published site and its index always match.

Every page is `<html lang="sv">` and Pagefind runs with `--force-language sv`, so the
index is Swedish (with Swedish stemming). Which pages are results, and their filters,
sort keys and metadata, is marked in the layouts (`data-pagefind-*` on the post and page
articles): filters kommun, län, tema, år and typ ("Återbesök" for a follow-up, else the
category's label), the sort key datum (ISO date) and the result list's meta.

Pagefind cannot index incrementally, so the indexed pages are split into shards (see
`shards`), each a bundle of its own in `pagefind/<n>/`, listed in `pagefind/shards.json`
for the search page, which merges them. A build indexes anew only the shards that hold a
changed, added or removed page; the others are kept as published, byte for byte (and
inode for inode). Each shard lists its pages in `sitegen-pages.txt`, which is how the next
build knows what the published shards hold.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from sitegen import links, urls
from sitegen.errors import Problem
from sitegen.search import chunks, reads, shards
from sitegen.search.pagefind import (
    FAST_PATHS,
    LANGUAGE,
    VERSION,
    FastPaths,
    Indexed,
    index_pages,
    missing,
    pagefind_binary,
)
from sitegen.templating import marks_result

__all__ = ["BUNDLE", "FAST_PATHS", "LANGUAGE", "MANIFEST", "FastPaths", "IndexPlan",
           "SearchResult", "indexed_pages", "pagefind_binary", "plan_index", "update_index",
           "write_index"]

BUNDLE = urls.folder(urls.SEARCH_INDEX).rstrip("/")
"""Folder under the site root that holds the shards and the manifest."""
MANIFEST = "shards.json"
"""The list of shards the search page loads (in BUNDLE)."""
PAGES = "sitegen-pages.txt"
"""In each shard: its pages' output paths, one a line."""
FORMAT = 2
"""Bumped when the bundle layout changes: a published bundle of another format is not
reused. (2: word chunks split small, `chunks`.)"""
SCRATCH = ".sitegen-search"
"""Folder in the staged site where a shard's pages are linked for Pagefind (removed)."""
UNUSED = ("pagefind-ui", "pagefind-component-ui", "pagefind-modular-ui",
          "pagefind-highlight", "wasm.unknown")
"""Pagefind's ready-made interfaces and its language-neutral stemmer: the search page
uses neither, so they are not published."""


@dataclass(frozen=True)
class SearchResult:
    seconds: float
    """Wall time of bringing the index up to date."""
    pages: int
    """Pages in the index."""
    shards: int
    reindexed: int
    """Shards indexed anew (the rest were kept)."""


@dataclass(frozen=True)
class IndexPlan:
    """What bringing a site's index up to date takes (see plan_index)."""

    site: Path
    live: Path | None
    """The published bundle whose shards may be kept."""
    previous: tuple[tuple[str, ...], ...] | None
    """The published shards' pages (None: no usable published bundle)."""
    pages: int
    todo: shards.Plan

    @property
    def changes(self) -> bool:
        """Whether the index will differ from the published one."""
        return bool(self.todo.dirty) or self.previous != self.todo.shards


def plan_index(site: Path, live: Path | None, folders: Callable[[], frozenset[str] | None],
               changed: frozenset[str] | None, *, size: int,
               known: Mapping[str, bool] | None = None,
               published: Path | None = None) -> IndexPlan:
    """Which pages of `site` are indexed, in which shards, and which shards to index anew.

    `live`: the published bundle (a folder like `output/pagefind`) whose shards are kept
    where their pages did not change (None: index everything). `folders`: gives the top
    folders that may hold indexed pages (None: anywhere); asked only when every page is
    read. `changed`: output paths whose bytes differ from the pages `live` indexed,
    added and removed ones included (None: not known, index everything). `known`:
    output paths whose HTML the caller has seen → whether they are search results (the
    build's rendered pages), so they are not read back. `size`: pages a shard holds at
    most (site.yaml's `search_shard_pages`). `published`: the site `live` indexed; a
    changed page of which Pagefind reads the same there as in `site` (`reads`: say, only
    a neighbour's title changed in its links) does not make its shard be indexed anew."""
    previous = _published_split(live) if live is not None else None
    if previous is not None and changed is not None and published is not None:
        indexed = {path for shard in previous for path in shard}
        changed -= reads.unchanged_for_pagefind(changed & indexed, published, site)
    pages = indexed_pages(site, folders, previous, changed, known or {})
    todo = shards.plan(pages, previous, changed, size)
    return IndexPlan(site, live, previous, len(pages), todo)


def write_index(plan: IndexPlan, bundle: Path, *, workers: int | None = None,
                split_chunks: bool = True, fast: FastPaths = FAST_PATHS,
                ) -> SearchResult | Problem:
    """Carry out `plan` into the folder `bundle`: keep the published shards it keeps
    (hard links), index the others with Pagefind (several at once) and write the
    manifest. Nothing is ever written through a link to a published file.
    `split_chunks`: cut each new shard's word chunks small (`chunks.split`; off only to
    compare with Pagefind's own chunks). `fast`: how Pagefind is given the pages
    (`pagefind.FastPaths`)."""
    started = time.perf_counter()
    todo = plan.todo
    binary = pagefind_binary() if todo.dirty else None
    if todo.dirty and binary is None:
        return missing()
    _prepare(bundle, plan.live, frozenset(range(len(todo.shards))) - todo.dirty)
    if binary is not None:
        problem = _index_shards(binary, plan.site, bundle, todo, workers, split_chunks, fast)
        if problem is not None:
            return problem
    _write_manifest(bundle, plan.live, todo.shards)
    return SearchResult(time.perf_counter() - started, plan.pages, len(todo.shards),
                        len(todo.dirty))


def update_index(site: Path, bundle: Path, live: Path | None,
                 folders: Callable[[], frozenset[str] | None],
                 changed: frozenset[str] | None, *, size: int,
                 workers: int | None = None, split_chunks: bool = True,
                 ) -> SearchResult | Problem:
    """plan_index and write_index in one."""
    return write_index(plan_index(site, live, folders, changed, size=size), bundle,
                       workers=workers, split_chunks=split_chunks)


def indexed_pages(site: Path, folders: Callable[[], frozenset[str] | None],
                  previous: tuple[tuple[str, ...], ...] | None,
                  changed: frozenset[str] | None,
                  known: Mapping[str, bool] | None = None) -> set[str]:
    """The output paths of the pages marked as search results: the published ones,
    updated with the changed pages; every page of `site` looked at when either is not
    known. A page in `known` is not read."""
    known = known or {}

    def marked(path: str) -> bool:
        seen = known.get(path)
        return _marked(site / path) if seen is None else seen

    if previous is None or changed is None:
        return {path for path in _html_files(site, folders()) if marked(path)}
    pages = {path for shard in previous for path in shard}
    for path in changed:
        if path.endswith(".html"):
            if marked(path):
                pages.add(path)
            else:
                pages.discard(path)
    return pages


def _html_files(site: Path, folders: frozenset[str] | None) -> Iterator[str]:
    tops = sorted(folders) if folders is not None else [""]
    for top in tops:
        for folder, dirs, files in os.walk(site / top):
            relative = os.path.relpath(folder, site)
            if relative == ".":
                dirs[:] = [d for d in dirs if d not in (BUNDLE, SCRATCH)]
                relative = ""
            for name in files:
                if name.endswith(".html"):
                    yield f"{relative}/{name}" if relative else name


def _marked(file: Path) -> bool:
    try:
        return marks_result(file.read_bytes())
    except OSError:
        return False


def _published_split(live: Path) -> tuple[tuple[str, ...], ...] | None:
    """The pages of each published shard, or None if the published bundle is missing
    or was made by another format, Pagefind or language."""
    try:
        manifest = json.loads((live / MANIFEST).read_text("utf-8"))
        if (manifest.get("format"), manifest.get("pagefind"), manifest.get("language")) != (
                FORMAT, VERSION, LANGUAGE):
            return None
        split = []
        for number, shard in enumerate(manifest["shards"]):
            listed = (live / str(number) / PAGES).read_text("utf-8").splitlines()
            if shard["path"] != f"{number}/" or len(listed) != shard["pages"]:
                return None
            split.append(tuple(listed))
        return tuple(split)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _prepare(bundle: Path, live: Path | None, keep: frozenset[int]) -> None:
    """Make `bundle` hold exactly the published shards in `keep`: whatever else it holds
    (a shard to index anew, an older layout) is removed, and kept shards it lacks are
    linked from the published bundle."""
    bundle.mkdir(parents=True, exist_ok=True)
    for entry in list(bundle.iterdir()):
        if entry.name.isdigit() and int(entry.name) in keep and live is not None and \
                _same_file(entry / PAGES, live / entry.name / PAGES):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    for number in sorted(keep):
        target = bundle / str(number)
        if not target.exists():
            assert live is not None  # a kept shard is a published one
            links.sync_tree(live / str(number), target)


def _same_file(a: Path, b: Path) -> bool:
    with contextlib.suppress(OSError):
        one, two = a.stat(), b.stat()
        return (one.st_dev, one.st_ino) == (two.st_dev, two.st_ino)
    return False



def _index_shards(binary: Path, site: Path, bundle: Path, todo: shards.Plan,
                  workers: int | None, split_chunks: bool, fast: FastPaths) -> Problem | None:
    """Index the dirty shards, several at once (each Pagefind run is one process). Their
    pages are read where they are, or linked for Pagefind in a scratch folder beside
    `bundle` (`pagefind.FastPaths`)."""
    dirty = sorted(todo.dirty, key=lambda n: -len(todo.shards[n]))
    scratch = bundle.parent / SCRATCH

    def one(number: int) -> Indexed | Problem:
        out = bundle / str(number)
        if not todo.shards[number]:  # a hash may leave a shard of a small site empty
            _finish_shard(out, ())
            return Indexed(0.0, 0)
        done = index_pages(binary, site, todo.shards[number], scratch / str(number), out,
                           fast)
        if isinstance(done, Indexed):
            if split_chunks:
                try:
                    chunks.split(out)
                except (chunks.FormatError, OSError, ValueError, KeyError) as exc:
                    return Problem(str(out), 0, f"Pagefinds index har en oväntad form: {exc}")
            _finish_shard(out, todo.shards[number])
        return done

    count = workers or min(len(dirty), os.cpu_count() or 1)
    try:
        with ThreadPoolExecutor(max_workers=max(1, count)) as pool:
            results = list(pool.map(one, dirty))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return next((r for r in results if isinstance(r, Problem)), None)


def _finish_shard(out: Path, pages: tuple[str, ...]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for entry in out.iterdir():
        if entry.is_file() and entry.name.startswith(UNUSED):
            entry.unlink()
    (out / PAGES).write_text("".join(f"{path}\n" for path in pages), "utf-8")


def _write_manifest(bundle: Path, live: Path | None,
                    split: tuple[tuple[str, ...], ...]) -> None:
    """Write the manifest (the published one, linked, when it says the same)."""
    manifest = {"format": FORMAT, "pagefind": VERSION, "language": LANGUAGE,
                "shards": [{"path": f"{number}/", "pages": len(pages)}
                           for number, pages in enumerate(split)]}
    data = (json.dumps(manifest, ensure_ascii=False) + "\n").encode()
    target = bundle / MANIFEST
    target.unlink(missing_ok=True)  # never write through a link to the published file
    if live is not None:
        with contextlib.suppress(OSError):
            if (live / MANIFEST).read_bytes() == data:
                os.link(live / MANIFEST, target)
                return
    target.write_bytes(data)
