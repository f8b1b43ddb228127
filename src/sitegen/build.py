"""The whole build, top to bottom, one line per stage."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from sitegen import content, output, render, search
from sitegen.config import load_config
from sitegen.errors import Problem, SitegenError
from sitegen.model import Page, Post
from sitegen.registry import default_register
from sitegen.site import Site, build_site


@dataclass
class Loaded:
    """Everything read from disk and validated: the input to rendering."""

    site: Site
    loaded: dict[str, content.Loaded]
    """Source path → links and anchors, for the link checks."""
    warnings: list[Problem]


@dataclass
class BuildResult:
    site: Site
    files: int
    warnings: list[Problem]
    timings: dict[str, float] = field(default_factory=dict)


def load(root: Path, *, drafts: bool = False) -> Loaded:
    """Read and validate everything; raise SitegenError with every error found."""
    problems: list[Problem] = []
    config = load_config(root)
    vocabulary = content.load_vocabulary(root)
    if isinstance(config, list) or isinstance(vocabulary, list):
        problems += config if isinstance(config, list) else []
        problems += vocabulary if isinstance(vocabulary, list) else []
        raise SitegenError(problems)
    ctx = content.new_context(config, default_register(), vocabulary)
    posts: list[tuple[Post, content.Loaded]] = content.load_all(
        root, ctx, problems, content.parse_post, "posts")
    pages: list[tuple[Page, content.Loaded]] = content.load_all(
        root, ctx, problems, content.parse_page, "pages")
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
    return Loaded(site, loaded, [p for p in problems if not p.is_error])


def build(root: Path, out: Path | None = None, *, drafts: bool = False,
          force: bool = False, with_search: bool = True) -> BuildResult:
    """Build the site in `root` into `out` (default root/output)."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    target = out if out is not None else root / "output"
    output.recover(target)
    loaded = load(root, drafts=drafts)
    timings["load"] = time.perf_counter() - started
    assets = render.hash_assets(root / "assets")
    files, problems = render.render_site(loaded.site, root / "layouts", assets)
    if problems:
        raise SitegenError(problems)
    timings["render"] = time.perf_counter() - started - timings["load"]
    staging = output.prepare(files, target, force=force, root=root)
    if isinstance(staging, list):
        raise SitegenError(staging)
    mark = time.perf_counter()
    timings["write"] = mark - started - timings["load"] - timings["render"]
    if with_search:
        indexed = search.index_site(staging)
        if isinstance(indexed, Problem):
            output.discard(staging)
            raise SitegenError([indexed])
        timings["search"] = indexed.seconds
    output.swap_in(staging, target)
    return BuildResult(loaded.site, len(files), loaded.warnings, timings)
