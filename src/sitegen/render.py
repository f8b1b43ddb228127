"""Render the site model to files: every page of the page map, feeds, sitemap, aliases.

Pure: takes the Site, the layouts folder and the hashed assets, returns path → bytes.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import posixpath
from collections.abc import Callable, Iterable, MutableMapping, Sequence
from dataclasses import dataclass
from functools import cached_property, partial
from operator import itemgetter
from pathlib import Path
from typing import Any, Generic, NamedTuple, Protocol, TypeVar

import jinja2
import jinja2.compiler
import jinja2.meta
import jinja2.nodes
import markupsafe
from markupsafe import Markup

from sitegen import urls
from sitegen.errors import Problem, did_you_mean
from sitegen.incremental import Fingerprinter, fork_pool, parallel_workers
from sitegen.model import (
    MONTHS,
    NationalInput,
    PlanItem,
    Post,
    Theme,
    note_reads,
    reading_bodies,
    swedish_date,
)
from sitegen.output import INDEX, check_relative
from sitegen.progress import Progress, silent
from sitegen.redirects import server_rules
from sitegen.site import InputEntry, PlanEntry, Site, chronological
from sitegen.slugs import swedish_key
from sitegen.urls import served_by, url_of

T = TypeVar("T")

FEED_ENTRIES = 20
AGGREGATE_PER_PAGE_FACTOR = 5
"""Plan and input lists show per_page × this many items a page: they are one-liners."""
SEARCH_MARK = "data-pagefind-body"
"""The attribute that makes a page a search result (Pagefind indexes only those)."""
FIRST_PAGE_ONLY = ("plan", "inputs")
"""What a term's first page lists besides its posts; later pages get these empty."""


@dataclass(frozen=True)
class Asset:
    source: str
    """Name under assets/, e.g. style.css."""
    url: str
    """Content-hashed URL, e.g. /assets/style.3f2a9c1b7e.css."""
    data: bytes


try:
    from markupsafe._speedups import _escape_inner
except ImportError:  # markupsafe without its C part: escape as it does
    def escape(value: Any) -> Markup:
        return markupsafe.escape(value)
else:
    def escape(value: Any) -> Markup:
        """markupsafe.escape, the same result ~2.5× as fast for plain text, which is most
        of what templates show: the Markup is made without Markup.__new__, a Python
        function. Every {{ … }} of a template calls it, ~3 million times at 10,000
        posts."""
        if type(value) is str:
            return str.__new__(Markup, _escape_inner(value))
        return markupsafe.escape(value)


class _Template(jinja2.Template):
    """A template whose {{ … }} escape with `escape`."""

    @classmethod
    def _from_namespace(cls, environment: jinja2.Environment,
                        namespace: Any, globals: Any) -> Any:
        if namespace.get("escape") is markupsafe.escape:  # else a Jinja that differs: as is
            namespace["escape"] = escape
        return super()._from_namespace(environment, namespace, globals)


class _CodeGenerator(jinja2.compiler.CodeGenerator):
    """Compiles `a.b` in templates to Python's own `getattr(a, "b", missing)`, and only
    where that finds nothing to `environment.getattr(a, "b")`, which then tries `a["b"]`
    and else gives Undefined: the same value as Jinja's code, without a call of a Python
    function for each of ~6 million lookups at 10,000 posts. Only where `a` is a name or
    a chain of names and attributes, which can be evaluated twice."""

    _in_fallback = 0

    def visit_Getattr(self, node: jinja2.nodes.Getattr, frame: Any) -> None:
        if self._in_fallback or not _plain_chain(node.node):
            super().visit_Getattr(node, frame)
            return
        self.write("(_attr if (_attr := getattr(")
        self.visit(node.node, frame)
        self.write(f", {node.attr!r}, missing)) is not missing else ")
        self._in_fallback += 1  # Jinja's own code, lookups inside it included
        try:
            super().visit_Getattr(node, frame)
        finally:
            self._in_fallback -= 1
        self.write(")")


def _plain_chain(node: jinja2.nodes.Node) -> bool:
    while isinstance(node, jinja2.nodes.Getattr):
        node = node.node
    return isinstance(node, jinja2.nodes.Name)


class _Environment(jinja2.Environment):
    """Jinja's environment with the faster escape and attribute lookups above, and each
    template's globals in one dict: Jinja's ChainMap over the environment's globals was
    copied, in Python, key by key, into the context of every page (~25 µs a page). The
    environment's globals are complete before a template is loaded, as Jinja asks."""

    template_class = _Template
    code_generator_class = _CodeGenerator

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return {**self.globals, **(d or {})}


def hash_assets(folder: Path) -> dict[str, Asset]:
    assets: dict[str, Asset] = {}
    if not folder.is_dir():
        return assets
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.relative_to(folder).as_posix()
        data = path.read_bytes()
        assets[name] = Asset(name, urls.asset(name, hashlib.sha256(data).hexdigest()[:10]), data)
    return assets


def static_files(folder: Path) -> dict[str, Path]:
    """The files of the site's static/ folder by the output path they are copied to
    (static/bilder/karta.png → bilder/karta.png). Hidden files and folders (.DS_Store,
    .git) are left out, except .well-known/."""
    found: dict[str, Path] = {}
    if not folder.is_dir():
        return found
    for dirpath, dirnames, filenames in os.walk(folder):
        top = dirpath == str(folder)
        dirnames[:] = sorted(d for d in dirnames
                             if not d.startswith(".") or (top and d == ".well-known"))
        for name in sorted(filenames):
            if not name.startswith("."):
                source = Path(dirpath, name)
                found[source.relative_to(folder).as_posix()] = source
    return found


class MissingAsset(jinja2.TemplateRuntimeError):
    def __init__(self, name: str) -> None:
        super().__init__(f"assets/{name} saknas")
        self.name = name


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


def _page_context(items: Sequence[Any] | Lazy, per_page: int, number: int, count: int,
                  base: str, first_page: Context | None, context: dict[str, Any],
                  ) -> dict[str, Any]:
    """The context of page `number` of `Renderer.paginated`."""
    listed = items.items if isinstance(items, Lazy) else items
    pager = Pager(listed[(number - 1) * per_page: number * per_page], number, count, base)
    if number == 1:
        return {**context, **(first_page() if first_page else {}), "pager": pager}
    later: dict[str, list[Any]] = {key: [] for key in FIRST_PAGE_ONLY} if first_page else {}
    return {**context, **later, "title": f"{context['title']} – sida {number}", "pager": pager}


@dataclass(frozen=True)
class Crumb:
    title: str
    url: str


@dataclass(frozen=True)
class Reuse:
    """The previous build's pages: a page whose fingerprint is unchanged is kept from the
    published site instead of being rendered again."""

    fingerprinter: Fingerprinter
    previous: dict[str, str]
    """Output path → fingerprint, as the previous build wrote the published site."""
    only: frozenset[str] | None = None
    """When only posts' bodies changed: the pages that showed a changed body. Every other
    page is kept with its previous fingerprint, without building one."""


class Sink(Protocol):
    """Where rendered files go: the build's staging folder (output.Stage), or memory."""

    def put(self, path: str, data: bytes) -> bool:
        """Store a file; True if its bytes differ from the published site's."""
        ...

    def keep(self, path: str) -> bool:
        """Keep the published site's file; False if there is none to keep."""
        ...

    def copy(self, path: str, source: Path) -> bool:
        """Store a copy of the file at `source`; True if it differs from the published
        site's."""
        ...


class Collect:
    """A Sink that keeps every file in memory (for `sitegen check` and tests)."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def put(self, path: str, data: bytes) -> bool:
        self.files[path] = data
        return True

    def copy(self, path: str, source: Path) -> bool:
        return self.put(path, source.read_bytes())

    def keep(self, path: str) -> bool:
        return False


Context = Callable[[], dict[str, Any]]
"""Makes a page's template context: only when the page is fingerprinted or rendered."""
Job = tuple[str, str, str, dict[str, Any] | Context]
"""(output path, url, template, context or what makes it)"""


@dataclass(frozen=True)
class JobResult:
    path: str
    fingerprint: str | None
    rendered: bool
    """False when the published file was kept because its fingerprint was unchanged."""
    changed: bool
    """The bytes differ from the published file's (or it had none)."""
    indexed: bool
    """A changed page that the search index covers."""
    problem: Problem | None = None
    reads: frozenset[str] = frozenset()
    """Source paths of the posts whose bodies the page shows (when rendered)."""


RENDERING = "Renderar sidor"
"""The progress stage of rendering."""

PARALLEL_FROM = 1500
"""Pages below which rendering stays in one process (forking costs more than it saves)."""


_SHARED: tuple[Any, list[Job]] | None = None
"""What forked workers inherit: the renderer and the jobs."""

CHUNKS_PER_WORKER = 24
"""Workers take the jobs in runs of about 1/24 of a worker's share, one run at a time, so
they finish together: fixed shares ended up to 0.5 s apart at 10,000 posts, one worker
slowed by what this process does meanwhile."""


def _render_run(run: tuple[int, int]) -> list[JobResult]:
    assert _SHARED is not None
    renderer, jobs = _SHARED
    return [renderer._render_job(job) for job in jobs[run[0]:run[1]]]


def _in_parallel(renderer: Renderer, jobs: list[Job], workers: int,
                 meanwhile: Callable[[], None], progress: Progress) -> list[JobResult]:
    """Render on `workers` forked processes; each inherits the site model and the
    compiled templates, writes its pages to the sink itself and sends back only what
    happened to each. This process does `meanwhile` as they render."""
    global _SHARED
    _SHARED = (renderer, jobs)
    size = -(-len(jobs) // (workers * CHUNKS_PER_WORKER))
    runs = [(start, start + size) for start in range(0, len(jobs), size)]
    try:
        with fork_pool(workers) as pool:
            pending = pool.imap(_render_run, runs, chunksize=1)
            meanwhile()
            shares = []
            for share in pending:
                shares.append(share)
                progress(RENDERING, min(len(jobs), len(shares) * size), len(jobs))
    finally:
        _SHARED = None
    return [result for share in shares for result in share]


class Renderer:
    """Holds the Jinja environment and the site; one method per kind of page."""

    def __init__(self, site: Site, layouts: Path, assets: dict[str, Asset],
                 reuse: Reuse | None = None, sink: Sink | None = None,
                 static: dict[str, Path] | None = None,
                 meanwhile: Callable[[], None] = lambda: None,
                 progress: Progress = silent) -> None:
        self.site = site
        self.meanwhile = meanwhile
        self.progress = progress
        """What this process does while forked workers render (after rendering when
        there are none)."""
        self.assets = assets
        self.static = static or {}
        """Output path → file of the site's static/ folder, copied as it is."""
        self.reuse = reuse
        self.sink: Sink = sink if sink is not None else Collect()
        self.paths: dict[str, None] = {}
        """Every file of the site, in the order claimed (the sitemap lists them)."""
        self.fingerprints: dict[str, str] = {}
        self.reads: dict[str, frozenset[str]] = {}
        """Output path of each page rendered anew → source paths of the posts whose
        bodies it shows."""
        self.jobs: list[Job] = []
        self.rendered = 0
        self.changed: set[str] = set()
        self.index_changed = False
        self.templates: dict[str, str] = {}
        """Output path → the template that renders it."""
        self.problems: list[Problem] = []
        self.env = _Environment(
            loader=jinja2.FileSystemLoader(layouts),
            autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            auto_reload=False,  # templates do not change during a build: no stat per page
        )
        config = site.config
        self.env.globals.update(
            site=site,
            config=config,
            asset=self.asset_url,
            absolute=lambda url: config.base_url + url,
            date=swedish_date,
            category_label=lambda slug: config.categories.get(slug, slug),
            urls=urls,
            fragment=self.fragment,
        )
        self._fragments: dict[tuple[str, int, tuple[Any, ...]],
                              tuple[Any, Markup, frozenset[str]]] = {}

    # Entries are made once, when a page first needs them, and shared by every page that
    # lists them, so a page's fingerprint can reuse what another page's already digested.
    # A rebuild that renders a few pages never makes them.

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
    def _macros(self) -> Any:
        return self.env.get_template("macros.html").module

    def fragment(self, macro: str, item: Any, *args: Any) -> Markup:
        """What the macro `macro` of macros.html makes of `item`, made once per build (and
        process) and reused on every page that shows it: a post's card is on up to ten
        list pages, its feed entry in up to seven feeds. The macro sees only the site's
        globals, never a page's context, so its output cannot depend on the page."""
        key = (macro, id(item), args)
        try:
            made = self._fragments.get(key)
        except TypeError:
            raise jinja2.TemplateRuntimeError(
                f"fragment({macro!r}, …): fler argument än det första måste vara enkla "
                "värden (text, tal, sant/falskt)") from None
        if made is None:
            make = getattr(self._macros, macro, None)
            if not isinstance(make, jinja2.runtime.Macro):
                names = [n for n in dir(self._macros) if not n.startswith("_")]
                raise jinja2.TemplateRuntimeError(
                    f"fragment: layouts/macros.html har inget makro {macro!r}"
                    + did_you_mean(macro, names))
            with reading_bodies() as reads:
                html = Markup(make(item, *args))  # a macro's output, escaped already
            # the item is kept with its fragment, so its id stays unique
            made = self._fragments[key] = (item, html, frozenset(reads))
        note_reads(made[2])
        return made[1]

    def asset_url(self, name: str) -> str:
        asset = self.assets.get(name)
        if asset is None:
            raise MissingAsset(name)
        return asset.url

    # -------------------------------------------------------------- writing

    def emit(self, url: str, template: str, make: Context | None = None, /,
             **context: Any) -> None:
        """Queue `template` for the file that serves `url`, with `context` or what `make`
        makes; `render_all` renders the queue, on several cores when it is long."""
        path = served_by(url)
        self.paths[path] = None  # claimed now: the sitemap lists every path
        self.jobs.append((path, url, template, make or context))

    def put(self, path: str, data: bytes) -> None:
        """A file that is not rendered from a template (assets, robots.txt)."""
        if self._claim(path, "output/") and self.sink.put(path, data):
            self.changed.add(path)

    def copy_static(self) -> None:
        """The files of static/, copied as they are, unless sitegen makes that file, a
        folder there, or a file where static/ has a folder."""
        if not self.static:
            return  # the folders of 14,000 pages are not gathered for nothing
        folders = {parent for path in self.paths for parent in _parents(path)}
        for path, source in self.static.items():
            shown = f"static/{path}"
            clash = _clash(path, self.paths, folders)
            if clash is not None:
                self.problems.append(Problem(
                    shown, 0, f"filen krockar med {clash}, som sitegen gör; byt namn på "
                              "filen eller flytta den"))
            elif not source.is_file():
                self.problems.append(Problem(shown, 0, "länken leder till en fil som inte "
                                                       "finns"))
            elif self._claim(path, shown) and self.sink.copy(path, source):
                self.changed.add(path)

    def _claim(self, path: str, shown: str) -> bool:
        """Claim `path` for a file of the site; False (a problem at `shown`) if no file
        may be written there."""
        self.paths[path] = None
        why = check_relative(path)
        if why:
            self.problems.append(Problem(shown, 0, why))
        return why is None

    def _render_job(self, job: Job) -> JobResult:
        path, url, template, given = job
        reuse = self.reuse
        previous = reuse.previous.get(path) if reuse is not None else None
        if (reuse is not None and reuse.only is not None and path not in reuse.only
                and previous is not None and self.sink.keep(path)):
            return JobResult(path, previous, False, False, False)
        context = given() if callable(given) else given
        if url in self.landings:
            context = {**context, "old_addresses": True}
        fingerprint = reuse.fingerprinter.page(template, url, context) if reuse else None
        if fingerprint is not None and fingerprint == previous and self.sink.keep(path):
            return JobResult(path, fingerprint, False, False, False)
        try:
            with reading_bodies() as reads:
                data = self.env.get_template(template).render(url=url, **context).encode()
        except jinja2.TemplateError as exc:
            return JobResult(path, fingerprint, False, False, False,
                             _template_problem(exc, template))
        changed = self.sink.put(path, data)
        return JobResult(path, fingerprint, True, changed,
                         changed and SEARCH_MARK.encode() in data, reads=frozenset(reads))

    def _run_jobs(self) -> None:
        jobs, self.jobs = self.jobs, []
        bad = [Problem("output/", 0, why) for path, _, _, _ in jobs
               if (why := check_relative(path))]
        if bad:
            self.problems += bad
            return
        self.templates.update((path, template) for path, _, template, _ in jobs)
        only = self.reuse.only if self.reuse is not None else None
        workers = parallel_workers(len(jobs) if only is None else len(only), PARALLEL_FROM)
        if workers > 1:
            results = _in_parallel(self, jobs, workers, self.meanwhile, self.progress)
        else:
            results = []
            for job in jobs:
                results.append(self._render_job(job))
                if len(results) % 100 == 0:
                    self.progress(RENDERING, len(results), len(jobs))
            self.meanwhile()
        self.progress(RENDERING, len(jobs), len(jobs))
        for result in results:
            if result.fingerprint is not None:
                self.fingerprints[result.path] = result.fingerprint
            if result.rendered:
                self.reads[result.path] = result.reads
            if result.problem is not None:
                self.problems.append(result.problem)
            self.rendered += result.rendered
            if result.changed:
                self.changed.add(result.path)
            self.index_changed |= result.indexed

    def render_all(self) -> None:
        for asset in self.assets.values():
            self.put(asset.url.lstrip("/"), asset.data)
        self.home()
        self.posts()
        self.pages()
        self.municipalities()
        self.counties()
        self.themes()
        self.archive()
        self.search_page()
        self.aggregates()
        self.feeds()
        self.emit(urls.NOT_FOUND, "404.html", title="Sidan finns inte", crumbs=[],
                  description="Sidan finns inte. Hitta vidare via startsidan, arkivet, "
                              "kommunerna, temana eller sökningen.")
        self.aliases()
        self.redirect_targets()
        self.sitemap()
        self.put(served_by(urls.ROBOTS), (
            f"User-agent: *\nAllow: /\n\n"
            f"Sitemap: {self.site.config.base_url}{urls.SITEMAP}\n").encode())
        self.copy_static()
        self._run_jobs()

    # -------------------------------------------------------------- pages

    def home(self) -> None:
        site = self.site
        visits = [p for p in site.posts if p.is_visit][: site.config.home_count]
        self.emit(urls.HOME, "home.html", title=site.config.title, crumbs=[], latest=visits,
                  municipality_count=len(site.by_municipality),
                  visit_count=sum(p.is_visit for p in site.posts))

    def posts(self) -> None:
        posts = self.site.posts
        for index, post in enumerate(posts):
            self.emit(post.url, "post.html", partial(self._post_context, index))
        by_category: dict[str, list[Post]] = {}
        for post in posts:
            by_category.setdefault(post.category, []).append(post)
        for category, members in sorted(by_category.items()):
            label = self.site.config.categories[category]
            self.paginated(urls.category(category), "list.html", members, title=label,
                           crumbs=[], intro="",
                           description=f"Alla inlägg i kategorin {label}, nyast först.")

    @cached_property
    def _by_slug(self) -> dict[str, Post]:
        return {p.slug: p for p in self.site.posts}

    def _post_context(self, index: int) -> dict[str, Any]:
        site = self.site
        posts = site.posts
        post = posts[index]
        followup_of = self._by_slug[post.followup.of] if post.followup else None
        crumbs = [Crumb(site.config.categories[post.category], urls.category(post.category))]
        if post.municipalities:
            m = post.municipalities[0]
            crumbs = [Crumb("Kommuner", urls.MUNICIPALITIES), Crumb(m.county.name, m.county.url),
                      Crumb(m.name, m.url)]
        return dict(title=post.title, post=post, newer=posts[index - 1] if index > 0 else None,
                    older=posts[index + 1] if index + 1 < len(posts) else None,
                    plan=site.plan_entries((post,)), followup_of=followup_of,
                    followup_plan=site.plan_entries((followup_of,)) if followup_of else [],
                    revisits=site.followed_up_by.get(post.slug, ()), crumbs=crumbs,
                    description=post.summary)

    def pages(self) -> None:
        for page in self.site.pages:
            self.emit(page.url, "page.html", title=page.title, page=page,
                      description=page.summary, crumbs=[])

    def paginated(self, base: str, template: str, items: Sequence[Any] | Lazy,
                  per_page: int | None = None, first_page: Context | None = None,
                  **context: Any) -> None:
        """One page per `per_page` items (a Lazy list is made when a page needs it).
        `first_page` makes a term's plan and national input (FIRST_PAGE_ONLY), shown on
        page 1 only; later pages get them empty, so an edit to one plan item re-renders
        page 1, not every page of the term."""
        per_page = per_page or self.site.config.per_page
        count = max(1, math.ceil(len(items) / per_page))
        for number in range(1, count + 1):
            self.emit(urls.paged(base, number), template, partial(
                _page_context, items, per_page, number, count, base, first_page, context))

    def municipalities(self) -> None:
        site = self.site
        self.emit(urls.MUNICIPALITIES, "municipalities.html", title="Kommuner",
                  crumbs=[], by_county=site.by_county,
                  description="Alla besökta kommuner, län för län, med antal inlägg.", counts={
                      m: len(ps) for m, ps in site.by_municipality.items()})
        for municipality, posts in site.by_municipality.items():
            self.paginated(
                municipality.url, "municipality.html", posts,
                title=municipality.name, municipality=municipality,
                first_page=partial(self._term_lists, posts),
                crumbs=[Crumb("Kommuner", urls.MUNICIPALITIES),
                        Crumb(municipality.county.name, municipality.county.url)],
                feed=urls.feed(municipality.url),
                description=f"Kommunbesök i {municipality.name}: besök, plan för handling "
                            "och medskick till nationell nivå.")

    def counties(self) -> None:
        site = self.site
        self.emit(urls.COUNTIES, "counties.html", title="Län", crumbs=[], by_county=site.by_county,
                  description="Alla län med besökta kommuner och antal inlägg.",
                  counts={c: sum(len(site.by_municipality[m]) for m in ms)
                          for c, ms in site.by_county.items()})
        for county, municipalities in site.by_county.items():
            self.emit(county.url, "county.html", title=county.name, county=county,
                      municipalities=[(m, site.by_municipality[m]) for m in municipalities],
                      crumbs=[Crumb("Län", urls.COUNTIES)],
                      description=f"Kommunbesök i {county.name}.")

    def themes(self) -> None:
        site = self.site
        self.emit(urls.THEMES, "themes.html", title="Teman", crumbs=[], themes=site.themes,
                  description="Alla teman i besöksbloggen, med beskrivning och antal inlägg.",
                  counts={t: len(site.by_theme.get(t, ())) for t in site.themes})
        for theme in site.themes:
            posts = site.by_theme.get(theme, ())
            self.paginated(
                theme.url, "theme.html", posts, title=theme.name, theme=theme,
                first_page=partial(self._theme_lists, theme),
                crumbs=[Crumb("Teman", urls.THEMES)], feed=urls.feed(theme.url),
                description=theme.description or f"Inlägg om {theme.name}.")

    def _term_lists(self, posts: Sequence[Post]) -> dict[str, list[Any]]:
        return {"plan": [e for p in posts for e in self.plan_of.get(p.slug, ())],
                "inputs": [e for p in posts for e in self.inputs_of.get(p.slug, ())]}

    def _theme_lists(self, theme: Theme) -> dict[str, list[Any]]:
        return {"plan": self.plan_by_theme.get(theme, []),
                "inputs": self.inputs_by_theme.get(theme, [])}

    def archive(self) -> None:
        site = self.site
        self.paginated(urls.ARCHIVE, "archive.html", site.posts,
                       per_page=site.config.per_page * AGGREGATE_PER_PAGE_FACTOR,
                       title="Arkiv", crumbs=[], group=_month_group,
                       description="Alla inlägg efter år och månad, utan kommentarer.")

    def search_page(self) -> None:
        self.emit(urls.SEARCH, "search.html", title="Sök", crumbs=[],
                  description="Sök i alla kommunbesök och inlägg, med filter för kommun, "
                              "län, tema, år och typ av besök.")

    def aggregates(self) -> None:
        site = self.site
        per_page = site.config.per_page * AGGREGATE_PER_PAGE_FACTOR
        plan = Lazy(_grouped_count(i for p in site.posts for i in p.plan),
                    lambda: _by_theme(self.plan))
        self.paginated(urls.PLANS, "plans.html", plan, per_page=per_page,
                       title="Handlingsplaner", crumbs=[],
                       description="Alla kommuners planer för handling, med status, per tema.")
        inputs = Lazy(_grouped_count(i for p in site.posts for i in p.national_input),
                      lambda: _by_theme(self.inputs))
        self.paginated(urls.INPUTS, "inputs.html", inputs, per_page=per_page,
                       title="Medskick till nationell nivå", crumbs=[],
                       description="Alla kommuners medskick till nationell nivå, per tema.")

    def feeds(self) -> None:
        site = self.site
        self.feed(urls.FEED, site.config.title, urls.HOME, site.posts)
        for municipality, posts in site.by_municipality.items():
            self.feed(urls.feed(municipality.url), f"{municipality.name} – {site.config.title}",
                      municipality.url, sorted_newest(posts))
        for theme in site.themes:
            posts = site.by_theme.get(theme, ())
            self.feed(urls.feed(theme.url), f"{theme.name} – {site.config.title}", theme.url,
                      posts)

    def feed(self, url: str, title: str, alternate: str, posts: Sequence[Post]) -> None:
        entries = posts[:FEED_ENTRIES]
        archive = self.site.config.archive_date
        updated = max((p.date or archive for p in entries), default=archive)
        self.emit(url, "atom.xml", title=title, alternate=alternate, entries=entries,
                  updated=updated)

    @cached_property
    def moved(self) -> list[tuple[str, str, str]]:
        """(old address, where it leads, title) of every post's and page's aliases and of
        site.yaml's redirects."""
        return [*((alias, item.url, item.title) for alias, _, item in self.site.aliases()),
                *((r.old, r.new, "Sidan har flyttat") for r in self.site.redirects)]

    def aliases(self) -> None:
        for old, new, title in self.moved:
            if "?" not in old:  # query URLs (/?p=12): assets/redirect.js and the map below
                self.emit(old, "redirect.html", title=title, target=new, crumbs=[])
        query = {old: new for old, new, _ in self.moved if "?" in old}
        if query:
            self.put(served_by(urls.QUERY_REDIRECTS), _json(query))
        self.server_rules()

    def server_rules(self) -> None:
        """The same moves as HTTP 301 rules for servers (_redirects, nginx, Apache)."""
        for path, rules in server_rules((old, new) for old, new, _ in self.moved).items():
            self.put(path, rules)

    def redirect_targets(self) -> None:
        """A redirect of site.yaml must lead to a page of the site (or an old address)."""
        olds = {old for old, _, _ in self.moved}
        for redirect in self.site.redirects:
            new = redirect.new.partition("#")[0]
            if served_by(new) not in self.paths and new not in olds:
                urls = (url_of(path) for path in self.paths)
                self.problems.append(Problem(
                    "site.yaml", redirect.line, f"omdirigeringen från {redirect.old} leder "
                    f"till {redirect.new}, som inte finns på webbplatsen"
                    + did_you_mean(redirect.new, urls)))

    @cached_property
    def landings(self) -> frozenset[str]:
        """URLs of the pages that load assets/redirect.js (their context gets
        `old_addresses`): a static host serves an old address with a query at its path,
        /?p=12 at the start page and /arkiv/?cat=3 at /arkiv/, or 404.html where the site
        has no page."""
        paths = {old.partition("?")[0] or urls.HOME for old, _, _ in self.moved if "?" in old}
        return frozenset(paths | {urls.NOT_FOUND}) if paths else frozenset()

    def sitemap(self) -> None:
        aliases = {old for old, _, _ in self.moved}
        listed = sorted(
            url for url in (url_of(path) for path in self.paths
                            if path.endswith(".html") and path != served_by(urls.NOT_FOUND))
            if url not in aliases and not url.startswith(urls.ASSETS)
        )
        lastmod = {p.url: p.date for p in self.site.posts if p.date}
        self.emit(urls.SITEMAP, "sitemap.xml", urls=listed, lastmod=lastmod)


def _clash(path: str, files: dict[str, None], folders: set[str]) -> str | None:
    """The URL of what sitegen makes at `path` or along it: the same file, a folder
    where the path is a file, a file where it has a folder, or the search index's
    folder (written after everything else)."""
    if path in files:
        return url_of(path)
    if path in folders:
        return f"/{path}/"
    if path.startswith(INDEX):
        return urls.SEARCH_INDEX
    return next((url_of(parent) for parent in _parents(path) if parent in files), None)


def _parents(path: str) -> list[str]:
    """The folders a file path lies in: "a/b/c.html" → ["a", "a/b"]."""
    parts = path.split("/")[:-1]
    return ["/".join(parts[:end]) for end in range(1, len(parts) + 1)]


def sorted_newest(posts: Iterable[Post]) -> list[Post]:
    chrono = chronological(posts)
    dated = [p for p in chrono if p.date]
    return list(reversed(dated)) + [p for p in chrono if not p.date]


def _month_group(post: Post) -> str:
    if post.date is None:
        return "Datum saknas"
    return f"{MONTHS[post.date.month - 1].capitalize()} {post.date.year}"


class Grouped(NamedTuple, Generic[T]):
    group: str
    """Theme name, or "Utan tema"."""
    group_url: str | None
    entry: T


def _by_theme(entries: list[PlanEntry] | list[InputEntry]) -> list[Grouped[Any]]:
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


Entry = TypeVar("Entry", PlanEntry, InputEntry)


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


def _grouped_count(items: Iterable[PlanItem | NationalInput]) -> int:
    """How many entries _by_theme makes of these items: one per theme, or one."""
    return sum(len(item.themes) or 1 for item in items)


def search_folders(layouts: Path, templates: dict[str, str]) -> frozenset[str] | None:
    """The top folders of the pages whose templates may mark them as search results,
    so Pagefind reads only those (at 10,000 posts the other pages are half the site's
    bytes). None when such a page lies at the top: Pagefind reads it all. Called only
    when the index is built: parsing the layouts takes a tenth of a second."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(layouts))
    marks: dict[str, bool] = {}

    def may_mark(template: str) -> bool:
        """Whether `template`, or one it extends, includes or imports, holds SEARCH_MARK."""
        if template not in marks:
            marks[template] = False  # while it is looked at: a cycle adds nothing
            try:
                source = env.loader.get_source(env, template)[0]  # type: ignore[union-attr]
                refs = jinja2.meta.find_referenced_templates(env.parse(source))
                marks[template] = SEARCH_MARK in source or any(
                    ref is None or may_mark(ref) for ref in refs)
            except jinja2.TemplateError:
                marks[template] = True  # a broken layout fails the build anyway
        return marks[template]

    folders = set()
    for path, template in templates.items():
        if may_mark(template):
            folder, slash, _ = path.partition("/")
            if not slash:
                return None
            folders.add(folder)
    return frozenset(folders)


def _json(mapping: dict[str, str]) -> bytes:
    return json.dumps(mapping, ensure_ascii=False, sort_keys=True, indent=1).encode()


def _template_problem(exc: jinja2.TemplateError, template: str) -> Problem:
    if isinstance(exc, jinja2.TemplateSyntaxError):
        name = exc.filename or exc.name or template
        return Problem(f"layouts/{posixpath.basename(name)}", exc.lineno or 0,
                       f"mallfel: {exc.message}")
    if isinstance(exc, MissingAsset):
        return Problem(f"assets/{exc.name}", 0, "filen saknas men används av mallarna")
    if isinstance(exc, jinja2.TemplateNotFound):
        return Problem(f"layouts/{template}", 0, f"mallen saknas: {exc.name}")
    return Problem(f"layouts/{template}", 0, f"mallfel: {exc}")


@dataclass(frozen=True)
class Rendered:
    paths: list[str]
    """Every file of the site, sorted."""
    changed: set[str]
    """Files whose bytes differ from the published site's (new files included)."""
    index_changed: bool
    """A page the search index covers is new or changed."""
    templates: dict[str, str]
    """Output path → the template that renders it (see search_folders)."""
    fingerprints: dict[str, str]
    """Output path → fingerprint of what rendered it (only when reusing)."""
    reads: dict[str, frozenset[str]]
    """Output path of each page rendered anew → posts whose bodies it shows."""
    pages: int
    """Pages rendered anew (the rest were kept from the published site)."""
    problems: list[Problem]


def render_site(site: Site, layouts: Path, assets: dict[str, Asset],
                reuse: Reuse | None = None, sink: Sink | None = None,
                static: dict[str, Path] | None = None,
                meanwhile: Callable[[], None] = lambda: None,
                progress: Progress = silent) -> Rendered:
    renderer = Renderer(site, layouts, assets, reuse, sink, static, meanwhile, progress)
    renderer.render_all()
    # Several pages fail the same way when one template is broken: report it once.
    problems = sorted(set(renderer.problems))
    return Rendered(sorted(renderer.paths), renderer.changed, renderer.index_changed,
                    renderer.templates, renderer.fingerprints, renderer.reads,
                    renderer.rendered, problems)
