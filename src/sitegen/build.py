"""The whole build, top to bottom, one named and timed stage a line:

config → content → site model → page plan → execute → search index → publish.

The caches (`incremental`) are opened first: when nothing changed since the last build,
it stops there. `load` (config, content, site model) is what `check` and `new` use too.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import ParamSpec, TypeVar

from sitegen import (
    buildlock,
    content,
    files,
    geometry,
    output,
    pagetypes,
    search,
    sources,
    templating,
    urls,
)
from sitegen.config import SiteConfig, load_config
from sitegen.errors import Problem, SitegenError
from sitegen.execute import Executed, execute
from sitegen.incremental import Caches, PageCache
from sitegen.model import Page, Post, swedish_date
from sitegen.parsecache import ParseCache
from sitegen.plan import Asset, Plan
from sitegen.progress import Progress, silent
from sitegen.rebuild import Rebuild
from sitegen.registry import default_register
from sitegen.site import Site, build_site
from sitegen.summaries import plural

P = ParamSpec("P")
T = TypeVar("T")


@dataclass
class LoadedSite:
    """Everything read from disk and validated: the input to the page plan."""

    site: Site
    warnings: list[Problem]
    errors: list[Problem] = field(default_factory=list)
    """Errors of single files, with `keep_going`: those files are left out of `site`."""


@dataclass
class BuildResult:
    site: Site | None
    """The site model; None when nothing changed and the build stopped before loading."""
    posts: int
    drafts: int
    files: int
    warnings: list[Problem]
    timings: dict[str, float] = field(default_factory=dict)
    """Seconds by stage; "search" is Pagefind's."""
    rendered: int = 0
    """Pages rendered anew; the rest were unchanged and kept from the previous build."""
    changed: int = 0
    """Files whose bytes differ from the previous output (new files included)."""
    searched: bool = False
    """Whether Pagefind ran (only over the shards of the index that hold a changed,
    added or removed page; not at all when no indexed page changed)."""


def build(root: Path, out: Path | None = None, *, drafts: bool = False,
          force: bool = False, with_search: bool = True, incremental_build: bool = True,
          progress: Progress = silent, wait: bool = True,
          waiting: Callable[[str], None] = lambda message: None,
          ready_for_edits: bool = False) -> BuildResult:
    """Build the site in `root` into `out` (default root/output). The result is the same
    byte for byte whether the build is cold or incremental. `progress` hears how far the
    build has come. One build at a time per site and output folder (buildlock): while
    another holds them, wait (and say so through `waiting`) or, unless `wait`, fail.
    `ready_for_edits` (the preview): a build that replaced no site it could keep (the
    first one) links a copy of what it published beside it, so the next build writes only
    what changed, as every later one does, instead of linking every file itself."""
    target = _output_folder(root, out, force)
    clock = _Clock()
    with contextlib.ExitStack() as locked:
        clock.time("lock", locked.enter_context,
                   buildlock.held(root, target, wait=wait, waiting=waiting))
        return _build(root, target, clock, drafts=drafts, force=force,
                      with_search=with_search, incremental_build=incremental_build,
                      progress=progress, ready_for_edits=ready_for_edits)


def _build(root: Path, target: Path, clock: _Clock, *, drafts: bool, force: bool,
           with_search: bool, incremental_build: bool, progress: Progress,
           ready_for_edits: bool = False) -> BuildResult:
    progress("Läser innehållet", 0, None)
    clock.time("sources", sources.confine, root)
    clock.time("recover", output.recover, target)
    caches = clock.time("caches", Caches, root, target, (drafts, with_search),
                        incremental_build)
    if caches.nothing_changed():
        return BuildResult(None, *caches.last_summary, clock.timings)
    with caches.parsed_saved(on_error_only=True):
        config, vocabulary = clock.time("config", read_config, root)
        found = clock.time("content", read_content, root, config, vocabulary,
                           caches.open_parse_cache())
        loaded = clock.time("site", model_site, found, drafts=drafts)
    plan, assets = clock.time("plan", plan_pages, root, loaded.site)
    level = clock.time("caches", caches.level, loaded.site, assets, output.owned(target))
    stage = clock.time("execute", _open_stage, target, force, root, caches, level)
    with _discarded_on_failure(stage, target), caches.parsed_saved():
        done = clock.time("execute", _execute, root, loaded.site, plan, assets, stage, level,
                          caches.save_parsed, progress)  # the parse cache is saved meanwhile
        changes = clock.time("search", _changes, root, loaded.site, stage, done,
                             caches.published, with_search)
        if changes.index is not None:
            progress("Bygger sökindexet (Pagefind)", 0, None)
            clock.time("search", _index, changes.index, stage)
        progress("Publicerar", 0, None)
        previous = clock.time("publish", _publish, stage, changes.paths,
                              keep=level.fingerprinter is not None
                              and bool(caches.published.paths))
    if previous is None and ready_for_edits and level.fingerprinter is not None:
        previous = clock.time("publish", _linked_aside, target)
    site = loaded.site
    result = BuildResult(site, len(site.posts), sum(p.draft for p in site.posts),
                         len(done.paths), loaded.warnings + caches.warnings, clock.timings,
                         done.pages, len(done.changed), changes.searched)
    clock.time("publish", caches.record, done, site, level, with_search, previous,
               (result.posts, result.drafts, result.files, result.warnings))
    return result


# ---------------------------------------------------------------- config, content, site


def read_config(root: Path) -> tuple[SiteConfig, content.Vocabulary]:
    """site.yaml and the theme vocabulary; SitegenError with the problems of both, and
    of the map's geometry if it cannot draw every municipality of the register."""
    config = load_config(root)
    vocabulary = content.load_vocabulary(root)
    problems = geometry.startup_problems(default_register())
    if isinstance(config, list) or isinstance(vocabulary, list) or problems:
        problems += config if isinstance(config, list) else []
        problems += vocabulary if isinstance(vocabulary, list) else []
        raise SitegenError(problems)
    return config, vocabulary


@dataclass
class Content:
    """Every post and page that is valid, and every problem found."""

    config: SiteConfig
    vocabulary: content.Vocabulary
    posts: list[tuple[Post, content.Loaded]]
    pages: list[tuple[Page, content.Loaded]]
    problems: list[Problem]
    invalid: frozenset[str]
    """Slugs of the posts that failed (their problems are among `problems`)."""


def read_content(root: Path, config: SiteConfig, vocabulary: content.Vocabulary,
                 cache: ParseCache | None = None) -> Content:
    """Read and validate every post and page (a file the cache has is not parsed again).
    Problems are collected, not raised: `model_site` reports them with its own."""
    problems = content.folder_problems(root)
    ctx = content.new_context(config, default_register(), vocabulary)
    if cache is not None:
        cache.refer_to(ctx.register, vocabulary.themes)
    posts = content.load_all(root, ctx, problems, content.parse_post, "posts", cache=cache)
    pages = content.load_all(root, ctx, problems, content.parse_page, "pages", cache=cache)
    # Not part of parsing, whose results are cached: whether a date is ahead of today.
    problems += content.future_dates(root, [p for p, _ in posts], dt.date.today())
    valid = {p.slug for p, _ in posts}
    invalid = frozenset(name[:-3] for name in content.content_names(root, "posts")) - valid
    return Content(config, vocabulary, posts, pages, problems, invalid)


def model_site(found: Content, *, drafts: bool, keep_going: bool = False) -> LoadedSite:
    """The site model; SitegenError with every problem of the content and the model. The
    site-wide checks (URLs, follow-ups) run even when some files had errors, so one run
    reports everything; posts that failed are left out of them. With `keep_going`,
    errors of single files do not stop it: the site is made of the files without errors,
    and the errors come with it (for `check`, which goes on to the links)."""
    problems = found.problems
    kept = [p for p, _ in found.posts if drafts or not p.draft]
    site = build_site(found.config, kept, [p for p, _ in found.pages],
                      found.vocabulary.themes, invalid=found.invalid)
    if isinstance(site, list):
        raise SitegenError(problems + site)
    unmapped = geometry.visit_problems(site.by_municipality, geometry.default_geometry())
    if unmapped:  # the map's pages cannot be made, so not even `check` goes on
        raise SitegenError(problems + unmapped)
    if any(p.is_error for p in problems) and not keep_going:
        raise SitegenError(problems)
    return LoadedSite(site, [p for p in problems if not p.is_error],
                      [p for p in problems if p.is_error])


def load(root: Path, *, drafts: bool = False, cache: ParseCache | None = None,
         keep_going: bool = False) -> LoadedSite:
    """Config, content and site model: everything read from disk and validated; raise
    SitegenError with every error found (see model_site for `keep_going`)."""
    sources.confine(root)
    config, vocabulary = read_config(root)
    return model_site(read_content(root, config, vocabulary, cache), drafts=drafts,
                      keep_going=keep_going)


# ---------------------------------------------------------------- plan, execute


def plan_pages(root: Path, site: Site) -> tuple[Plan, dict[str, Asset]]:
    """The page plan, with the assets it publishes."""
    assets = files.hash_assets(root / "assets")
    return pagetypes.plan_site(site, assets, files.static_files(root / "static")), assets


def site_templates(root: Path, site: Site, assets: dict[str, Asset]) -> templating.Templates:
    """The layouts with the globals every page sees."""
    config = site.config
    return templating.Templates(root / "layouts", {
        "site": site,
        "config": config,
        "urls": urls,
        "absolute": lambda url: config.base_url + url,
        "date": swedish_date,
        "category_label": lambda slug: config.categories.get(slug, slug),
        "plural": plural,
    }, {name: asset.url for name, asset in assets.items()})


def _execute(root: Path, site: Site, plan: Plan, assets: dict[str, Asset],
             stage: output.Stage, level: Rebuild, meanwhile: Callable[[], None],
             progress: Progress) -> Executed:
    """Make the plan into the stage; raise SitegenError with every problem."""
    done = execute(plan, site_templates(root, site, assets), stage, level, meanwhile,
                   progress)
    if done.problems:
        raise SitegenError(done.problems)
    return done


def _open_stage(target: Path, force: bool, root: Path, caches: Caches,
                level: Rebuild) -> output.Stage:
    previous = caches.published.previous if level.fingerprinter is not None else None
    stage = output.open_stage(target, force=force, root=root, previous=previous)
    if isinstance(stage, list):
        raise SitegenError(stage)
    return stage


@dataclass(frozen=True)
class _Changes:
    paths: frozenset[str]
    """Where the stage differs from the published site (the index's folder included)."""
    index: search.IndexPlan | None
    """The search index to write (None: no search, or the published one is kept)."""

    @property
    def searched(self) -> bool:
        """Pagefind runs (over the shards that hold a changed, added or removed page)."""
        return self.index is not None and bool(self.index.todo.dirty)


def _changes(root: Path, site: Site, stage: output.Stage, done: Executed,
             published: PageCache, with_search: bool) -> _Changes:
    """Drop from the stage the published files this build does not make, and plan the
    search index: the published one is kept as a whole if it stays the same, else the
    shards whose pages did not change are (search.plan_index)."""
    gone = published.paths - set(done.paths)
    if stage.synced:
        stage.drop(gone)
    changed = done.changed | gone
    folder = urls.folder(urls.SEARCH_INDEX)
    if not with_search:
        stage.drop({folder})
        if published.searched:
            changed.add(folder)
        return _Changes(frozenset(changed), None)
    # What changed is known only when the published site was indexed and its path list
    # (the page cache) is valid; else every page is indexed anew.
    known = published.searched and bool(published.paths)
    index = search.plan_index(
        stage.folder, stage.live / folder,
        lambda: templating.search_folders(root / "layouts", done.templates),
        frozenset(changed) if known else None, size=site.config.search_shard_pages,
        known=done.results, published=stage.live)
    if not index.changes:
        stage.keep_tree(folder)
        return _Changes(frozenset(changed), None)
    changed.add(folder)
    return _Changes(frozenset(changed), index)


@contextlib.contextmanager
def _discarded_on_failure(stage: output.Stage, target: Path) -> Iterator[None]:
    """A build that fails or is interrupted leaves output/ as it was: the stage goes."""
    try:
        yield
    except OSError as exc:
        output.discard(stage.folder)
        raise SitegenError([output.write_problem(exc, target)]) from exc
    except BaseException:
        output.discard(stage.folder)
        raise


# ---------------------------------------------------------------- search, publish


def _index(index: search.IndexPlan, stage: output.Stage) -> None:
    """Write the planned index into the stage (its untouched shards linked from the
    published one, never written through)."""
    indexed = search.write_index(index, stage.folder / urls.folder(urls.SEARCH_INDEX))
    if isinstance(indexed, Problem):
        raise SitegenError([indexed])


def _publish(stage: output.Stage, changed: frozenset[str], *, keep: bool,
             ) -> output.Previous | None:
    """Swap the stage in as output/, or, when nothing changed, set it aside. The site it
    replaces is kept beside it (to write the next build into) when `keep` and how it
    differs from the published one is known."""
    live = stage.live
    if not changed:
        # Nothing changed: output/ is already this build, and the stage a copy of it.
        kept = output.set_aside(stage.folder, live)
        if not kept:
            output.discard(stage.folder)
        return _previous(live, frozenset()) if kept else None
    kept = output.swap_in(stage.folder, live, keep=keep)
    return _previous(live, changed) if kept else None


def _linked_aside(live: Path) -> output.Previous | None:
    """A copy of the published site kept beside it (output.link_aside), or None: it only
    saves the next build time, so a file system that refuses costs nothing else."""
    try:
        kept = output.link_aside(live)
    except OSError:
        output.discard(output.staging_path(live))
        return None
    return _previous(live, frozenset()) if kept else None


def _previous(live: Path, changed: frozenset[str]) -> output.Previous:
    marker = output.previous_path(live) / output.MARKER
    return output.Previous(output.identity(marker), changed)


def _output_folder(root: Path, out: Path | None, force: bool) -> Path:
    target = (out if out is not None else root / "output").absolute()
    refused = output.target_problems(target, force=force, root=root)
    if refused:
        raise SitegenError(refused)
    return target


class _Clock:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}

    def time(self, stage: str, run: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        started = time.perf_counter()
        try:
            return run(*args, **kwargs)
        finally:
            self.timings[stage] = self.timings.get(stage, 0.0) + time.perf_counter() - started
