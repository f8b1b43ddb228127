"""The whole build, top to bottom, one line per stage."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sitegen import content, incremental, output, render, search
from sitegen.config import load_config
from sitegen.errors import Problem, SitegenError
from sitegen.model import Page, Post
from sitegen.registry import default_register
from sitegen.site import Site, build_site


@dataclass
class LoadedSite:
    """Everything read from disk and validated: the input to rendering."""

    site: Site
    loaded: dict[str, content.Loaded]
    """Source path → links and anchors, for the link checks."""
    warnings: list[Problem]


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
    return incremental.code_salt(p.read_bytes() if p.is_file() else b"" for p in inputs)


def load(root: Path, *, drafts: bool = False,
         cache: incremental.ParseCache | None = None) -> LoadedSite:
    """Read and validate everything; raise SitegenError with every error found. With a
    cache, files whose text is unchanged are not parsed again."""
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
    prefill = None
    if cache is not None:
        parse_post, parse_page = cache.wrap(parse_post), cache.wrap(parse_page)
        store = cache

        def prefill(sources: list[content.SourceFile]) -> None:
            store.prefill(sources, content.parse_post, ctx)

    posts: list[tuple[Post, content.Loaded]] = content.load_all(
        root, ctx, problems, parse_post, "posts", before_parse=prefill)
    pages: list[tuple[Page, content.Loaded]] = content.load_all(
        root, ctx, problems, parse_page, "pages")
    if cache is not None:
        cache.save()
    # The site-wide checks (URLs, follow-ups) run even when some files had errors, so
    # one run reports everything; posts that failed are left out of them.
    valid = {p.slug for p, _ in posts}
    invalid = frozenset(path.stem for path in content.content_files(root, "posts")) - valid
    kept = [p for p, _ in posts if drafts or not p.draft]
    site = build_site(config, kept, [p for p, _ in pages], vocabulary.themes, invalid=invalid)
    if isinstance(site, list):
        raise SitegenError(problems + site)
    if any(p.is_error for p in problems):
        raise SitegenError(problems)
    loaded = {p.source.path: extra for p, extra in posts} | {
        p.source.path: extra for p, extra in pages}
    return LoadedSite(site, loaded, [p for p in problems if not p.is_error])


def _site_wide(root: Path, site: Site, assets: dict[str, render.Asset],
               cache: incremental.ParseCache) -> str:
    """What every page may show besides its own context: sitegen's code and the
    registers (the salt), templates, assets, settings, the plain pages and the themes."""
    sources = cache.digests
    layouts = root / "layouts"
    parts = [cache.salt] + [incremental.digest(p.read_bytes()) + p.name
             for p in sorted(layouts.rglob("*")) if p.is_file()]
    parts += [a.url for a in assets.values()]
    parts += [repr(site.config), repr(site.themes)]
    parts += [sources.get(p.source.path) or repr(p) for p in site.pages]
    return incremental.digest("\0".join(parts).encode())


def _keep_unchanged(files: render.Output, old_output: Path) -> int:
    """Replace new bytes equal to the previous output's by that file (kept as a hard link,
    so its mtime stays and rsync skips it). Returns how many files really changed."""
    changed = 0
    for path, data in files.items():
        if isinstance(data, Path):
            continue
        old = old_output / path
        try:
            same = old.stat().st_size == len(data) and old.read_bytes() == data
        except OSError:
            same = False
        if same:
            files[path] = old
        else:
            changed += 1
    return changed


def _index_changed(files: render.Output, previous: set[str]) -> bool:
    """True if a page Pagefind indexes is new, changed or gone."""
    for path, data in files.items():
        if isinstance(data, bytes) and path.endswith(".html") and b"data-pagefind-body" in data:
            return True
    return any(path.endswith(".html") and path not in files for path in previous)


def build(root: Path, out: Path | None = None, *, drafts: bool = False,
          force: bool = False, with_search: bool = True, incremental_build: bool = True,
          ) -> BuildResult:
    """Build the site in `root` into `out` (default root/output). The result is the same
    byte for byte whether the build is cold or incremental."""
    clock = _Clock()
    target = (out if out is not None else root / "output").absolute()
    refused = output.target_problems(target, force=force, root=root)
    if refused:
        raise SitegenError(refused)
    output.recover(target)
    cache = last = None
    if incremental_build:
        salt = _salt(root)
        last = incremental.LastBuild.open(root, target)
        inputs = incremental.input_digest(root, salt, (drafts, with_search))
        if last.unchanged(inputs, target / output.MARKER):
            clock.lap("load")
            return BuildResult(None, *last.summary, clock.timings)
        cache = incremental.ParseCache.open(root, salt)
    loaded = load(root, drafts=drafts, cache=cache)
    clock.lap("load")

    assets = render.hash_assets(root / "assets")
    pages_cache = incremental.PageCache.open(root, target, target / output.MARKER)
    reuse = None
    if cache is not None and output.owned(target):
        site_wide = _site_wide(root, loaded.site, assets, cache)
        reuse = render.Reuse(incremental.Fingerprinter(cache.digests, site_wide),
                             pages_cache.fingerprints, target)
    done = render.render_site(loaded.site, root / "layouts", assets, reuse)
    if done.problems:
        raise SitegenError(done.problems)
    files, fingerprints, rendered = done.files, done.fingerprints, done.pages
    changed = _keep_unchanged(files, target)
    clock.lap("render")

    previous = set(pages_cache.fingerprints)
    searched = False
    if with_search and ((target / "pagefind").is_dir() and pages_cache.searched
                        and not _index_changed(files, previous)):
        old_index = target / "pagefind"
        for path in sorted(old_index.rglob("*")):
            if path.is_file():
                files[path.relative_to(target).as_posix()] = path
    elif with_search:
        searched = True
    posts = loaded.site.posts
    result = BuildResult(loaded.site, len(posts), sum(p.draft for p in posts), len(files),
                         loaded.warnings, clock.timings, rendered, changed, searched)
    summary = (result.posts, result.drafts, result.files, result.warnings)
    own_paths = {p for p in files if not p.startswith("pagefind/")}
    if (changed == 0 and own_paths == pages_cache.paths and pages_cache.searched ==
            with_search and not searched):
        # Nothing changed: output/ is already this build. Keep the fingerprints (they
        # change with sitegen's code even when the pages do not).
        if reuse is not None and fingerprints != pages_cache.fingerprints:
            pages_cache.save(incremental.identity(target / output.MARKER), fingerprints,
                             own_paths, with_search)
        if last is not None:
            last.save(inputs, incremental.identity(target / output.MARKER), summary)
        return result

    staging = output.prepare(files, target, force=force, root=root)
    if isinstance(staging, list):
        raise SitegenError(staging)
    clock.lap("write")
    if searched:
        indexed = search.index_site(staging)
        if isinstance(indexed, Problem):
            output.discard(staging)
            raise SitegenError([indexed])
        clock.timings["search"] = indexed.seconds
    output.swap_in(staging, target)
    marker = incremental.identity(target / output.MARKER)
    if reuse is not None:
        pages_cache.save(marker, fingerprints, own_paths, with_search)
    if last is not None:
        last.save(inputs, marker, summary)
    return result


class _Clock:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = now - self._last
        self._last = now
