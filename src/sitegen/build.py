"""The whole build, top to bottom, one line per stage."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sitegen import (
    cachekey,
    content,
    files,
    incremental,
    output,
    pagetypes,
    rebuild,
    search,
    templating,
    urls,
)
from sitegen.config import load_config
from sitegen.errors import Problem, SitegenError
from sitegen.execute import Executed, execute
from sitegen.fingerprint import Fingerprinter
from sitegen.model import Page, Post, swedish_date
from sitegen.plan import Asset
from sitegen.progress import Progress, silent
from sitegen.rebuild import Rebuild
from sitegen.registry import default_register
from sitegen.site import Site, build_site


@dataclass
class LoadedSite:
    """Everything read from disk and validated: the input to rendering."""

    site: Site
    loaded: dict[str, content.Loaded]
    """Source path → links and anchors, for the link checks."""
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
    rendered: int = 0
    """Pages rendered anew; the rest were unchanged and kept from the previous build."""
    changed: int = 0
    """Files whose bytes differ from the previous output (new files included)."""
    searched: bool = False
    """Whether Pagefind ran (it is skipped when no indexed page changed)."""


def _salt(root: Path) -> str:
    inputs = [root / "site.yaml", root / "content" / "themes.yaml"]
    return cachekey.salt(p.read_bytes() if p.is_file() else b"" for p in inputs)


def load(root: Path, *, drafts: bool = False,
         cache: incremental.ParseCache | None = None, keep_going: bool = False) -> LoadedSite:
    """Read and validate everything; raise SitegenError with every error found. With a
    cache, files whose text is unchanged are not parsed again. With `keep_going`, errors
    of single files do not stop it: the site is made of the files without errors, and
    the errors come with it (for `check`, which goes on to the links)."""
    problems: list[Problem] = []
    config = load_config(root)
    vocabulary = content.load_vocabulary(root)
    if isinstance(config, list) or isinstance(vocabulary, list):
        problems += config if isinstance(config, list) else []
        problems += vocabulary if isinstance(vocabulary, list) else []
        raise SitegenError(problems)
    ctx = content.new_context(config, default_register(), vocabulary)
    parse_post: Callable[..., tuple[Post, content.Loaded] | None] = content.parse_post
    parse_page: Callable[..., tuple[Page, content.Loaded] | None] = content.parse_page
    prefill = stored = None
    if cache is not None:
        cache.refer_to(ctx.register, vocabulary.themes)
        parse_post, parse_page = cache.wrap(parse_post), cache.wrap(parse_page)
        store = cache
        stored = cache.stored

        def prefill(pending: list[str]) -> None:
            store.prefill(pending, lambda shown: content.read_source(root / shown, root),
                          content.parse_post, ctx)

    posts: list[tuple[Post, content.Loaded]] = content.load_all(
        root, ctx, problems, parse_post, "posts", before_parse=prefill, stored=stored)
    pages: list[tuple[Page, content.Loaded]] = content.load_all(
        root, ctx, problems, parse_page, "pages", stored=stored)
    problems += content.future_dates(root, [p for p, _ in posts], dt.date.today())
    # The site-wide checks (URLs, follow-ups) run even when some files had errors, so
    # one run reports everything; posts that failed are left out of them.
    valid = {p.slug for p, _ in posts}
    invalid = frozenset(name[:-3] for name in content.content_names(root, "posts")) - valid
    kept = [p for p, _ in posts if drafts or not p.draft]
    site = build_site(config, kept, [p for p, _ in pages], vocabulary.themes, invalid=invalid)
    if isinstance(site, list):
        raise SitegenError(problems + site)
    if any(p.is_error for p in problems) and not keep_going:
        raise SitegenError(problems)
    loaded = {p.source.path: extra for p, extra in posts} | {
        p.source.path: extra for p, extra in pages}
    return LoadedSite(site, loaded, [p for p in problems if not p.is_error],
                      [p for p in problems if p.is_error])


def _site_wide(root: Path, site: Site, assets: dict[str, Asset],
               cache: incremental.ParseCache) -> str:
    """What every page may show besides its own context: sitegen's code and the
    registers (the salt), templates, assets, settings, the plain pages and the themes."""
    sources = cache.digests
    layouts = root / "layouts"
    parts = [cache.salt] + [cachekey.digest(p.read_bytes()) + p.name
             for p in sorted(layouts.rglob("*")) if p.is_file()]
    parts += [a.url for a in assets.values()]
    parts += [repr(site.config), repr(site.themes)]
    parts += [sources.get(p.source.path) or repr(p) for p in site.pages]
    return cachekey.digest("\0".join(parts).encode())


def build(root: Path, out: Path | None = None, *, drafts: bool = False,
          force: bool = False, with_search: bool = True, incremental_build: bool = True,
          progress: Progress = silent) -> BuildResult:
    """Build the site in `root` into `out` (default root/output). The result is the same
    byte for byte whether the build is cold or incremental. `progress` hears how far the
    build has come."""
    return _build(root, out, drafts=drafts, force=force, with_search=with_search,
                  incremental_build=incremental_build, progress=progress)


def _build(root: Path, out: Path | None, *, drafts: bool, force: bool, with_search: bool,
           incremental_build: bool, progress: Progress) -> BuildResult:
    clock = _Clock()
    progress("Läser innehållet", 0, None)
    target = (out if out is not None else root / "output").absolute()
    refused = output.target_problems(target, force=force, root=root)
    if refused:
        raise SitegenError(refused)
    output.recover(target)
    cache = last = None
    unusable = incremental.cache_problem(root) if incremental_build else None
    if incremental_build and unusable is None:
        salt = _salt(root)
        last = incremental.LastBuild.open(root, target)
        inputs, stats = incremental.input_digest(root, salt, (drafts, with_search))
        if last.unchanged(inputs, target / output.MARKER):
            clock.lap("load")
            return BuildResult(None, *last.summary, clock.timings)
        cache = incremental.ParseCache.open(root, salt, stats)
    try:
        loaded = load(root, drafts=drafts, cache=cache)
    except SitegenError:
        if cache is not None:
            cache.save()  # once the errors are fixed, only what changed is parsed again
        raise
    if unusable is not None:
        loaded.warnings.append(unusable)
    clock.lap("load")

    assets = files.hash_assets(root / "assets")
    published = incremental.PageCache.open(root, target)
    structure = ""
    fingerprinter = None
    ours = output.owned(target)
    if cache is not None and ours:
        site_wide = _site_wide(root, loaded.site, assets, cache)
        structure = incremental.structure(site_wide, loaded.site.posts, cache.cards)
        fingerprinter = Fingerprinter(cache.digests, site_wide)
    reuse = rebuild.after_loading(
        caches=cache is not None, output_ours=ours, structure=structure,
        published_structure=published.structure, fingerprinter=fingerprinter,
        previous=published.fingerprints,
        showing=lambda: _showing_changed(loaded.site, cache, published))
    stage = output.open_stage(target, force=force, root=root,
                              previous=published.previous if fingerprinter else None)
    if isinstance(stage, list):
        raise SitegenError(stage)
    clock.lap("prepare")
    # The parse cache is saved while forked workers render.
    save = cache.save if cache is not None else (lambda: None)
    try:
        result, done, previous = _write(root, loaded, stage, assets, reuse, published,
                                        with_search, clock, save, progress)
    except OSError as exc:
        output.discard(stage.folder)
        raise SitegenError([output.write_problem(exc, target)]) from exc
    except BaseException:
        output.discard(stage.folder)
        raise
    finally:
        save()  # saved already, unless rendering stopped before it
    if fingerprinter is not None and cache is not None:
        published.fingerprints, published.paths = done.fingerprints, set(done.paths)
        # A page not rendered anew shows the bodies it showed when it was.
        published.reads = {page: posts for page, posts in (published.reads | done.reads).items()
                           if posts and page in published.paths}
        published.searched, published.previous = with_search, previous
        published.structure = structure
        published.posts = {p.source.path: cache.digests[p.source.path]
                           for p in loaded.site.posts}
        published.save(target)
    if last is not None:
        summary = (result.posts, result.drafts, result.files, result.warnings)
        last.save(inputs, output.identity(target / output.MARKER), summary)
    clock.lap("publish")
    return result


def _showing_changed(site: Site, cache: incremental.ParseCache | None,
                     published: incremental.PageCache) -> frozenset[str]:
    """The pages that showed a body that changed since the published build."""
    assert cache is not None
    changed = {p.source.path for p in site.posts
               if cache.digests.get(p.source.path) != published.posts.get(p.source.path)}
    return frozenset(page for page, posts in published.reads.items()
                     if not changed.isdisjoint(posts))


def _write(root: Path, loaded: LoadedSite, stage: output.Stage,
           assets: dict[str, Asset], reuse: Rebuild,
           published: incremental.PageCache, with_search: bool, clock: _Clock,
           meanwhile: Callable[[], None], progress: Progress,
           ) -> tuple[BuildResult, Executed, output.Previous | None]:
    """Render into the stage (doing `meanwhile` as it renders), index it and publish
    it. Also returns how the site set aside (the one replaced) differs from the
    published one."""
    site = loaded.site
    plan = pagetypes.plan_site(site, assets, files.static_files(root / "static"))
    done = execute(plan, site_templates(root, site, assets), stage, reuse, meanwhile, progress)
    if done.problems:
        raise SitegenError(done.problems)
    gone = published.paths - set(done.paths)
    if stage.synced:
        stage.drop(gone)
    changed = done.changed | gone
    index_changed = done.index_changed or any(p.endswith(".html") for p in gone)
    clock.lap("render")

    keep_index = (with_search and published.searched and not index_changed
                  and (stage.live / "pagefind").is_dir())
    if keep_index:
        stage.keep_tree("pagefind")
    else:
        stage.drop({output.INDEX})  # never let Pagefind write through links to output/
        if with_search or published.searched:
            changed.add(output.INDEX)
    posts = site.posts
    result = BuildResult(site, len(posts), sum(p.draft for p in posts), len(done.paths),
                         loaded.warnings, clock.timings, done.pages, len(done.changed),
                         with_search and not keep_index)
    live = stage.live
    if not changed:
        # Nothing changed: output/ is already this build, and the stage a copy of it.
        kept = output.set_aside(stage.folder, live)
        if not kept:
            output.discard(stage.folder)
        return result, done, _previous(live, frozenset()) if kept else None
    clock.lap("write")
    if result.searched:
        progress("Bygger sökindexet (Pagefind)", 0, None)
        folders = templating.search_folders(root / "layouts", done.templates)
        indexed = search.index_site(stage.folder, folders)
        if isinstance(indexed, Problem):
            raise SitegenError([indexed])
        clock.timings["search"] = indexed.seconds
    # The replaced site is kept to write the next build into only if how it differs is
    # known: the path list of what it published (the page cache) is valid.
    progress("Publicerar", 0, None)
    kept = output.swap_in(stage.folder, live, keep=reuse.fingerprinter is not None
                          and bool(published.paths))
    return result, done, _previous(live, frozenset(changed)) if kept else None


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
    }, {name: asset.url for name, asset in assets.items()})


def _previous(live: Path, changed: frozenset[str]) -> output.Previous:
    marker = output.previous_path(live) / output.MARKER
    return output.Previous(output.identity(marker), changed)


class _Clock:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = now - self._last
        self._last = now
