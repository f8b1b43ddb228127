"""The page plan: site → every file to make, as data. No Jinja, no processes, no I/O.

A plan lists pages (an address, the template that renders it and the context it gets,
or the function and inputs that make that context when the page is rendered), files
that are not rendered from a template (assets, robots.txt, a JSON or CSV file), and
copies of the site's static/ files. Each path is claimed once and checked here: a
path outside the output folder, a static file where sitegen makes one, a redirect of
site.yaml to a page the site does not have. `build` and `check` execute the same plan.

The page types themselves are in `pagetypes`, one function each.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property, partial
from math import ceil
from pathlib import Path
from typing import Any

from sitegen import urls
from sitegen.errors import Problem, did_you_mean
from sitegen.lists import Entries, Lazy, Pager
from sitegen.outpaths import check_relative
from sitegen.site import Site

Context = Callable[[], dict[str, Any]]
"""Makes a page's template context: only when the page is fingerprinted or rendered."""


class Later:
    """A value of a page's context made only when the page is fingerprinted or rendered,
    `Later(function, *args)`: so one key of a context given as keywords (a map) costs
    nothing for a page a rebuild keeps."""

    __slots__ = ("args", "make")

    def __init__(self, make: Callable[..., Any], *args: Any) -> None:
        self.make = make
        self.args = args

    def __call__(self) -> Any:
        return self.make(*self.args)


@dataclass(frozen=True, slots=True)
class PageJob:
    """A page rendered from a template."""

    path: str
    """Output path: urls.served_by(url)."""
    url: str
    template: str
    context: dict[str, Any] | Context
    alias: bool = False
    """A redirect page for an old address (check leaves these out, to see what they
    would hide)."""

    def make_context(self) -> dict[str, Any]:
        context = self.context() if callable(self.context) else self.context
        if any(type(value) is Later for value in context.values()):
            context = {key: value() if type(value) is Later else value
                       for key, value in context.items()}
        return context


@dataclass(frozen=True, slots=True)
class FileJob:
    """A file written as it is made: an asset, robots.txt, a JSON or CSV file."""

    path: str
    data: bytes | Callable[[], bytes]
    key: Callable[[], str] | None = None
    """For a file that is costly to make: a digest of everything its bytes depend on
    besides sitegen, its libraries and the site's settings and themes (the caches' salt).
    A rebuild keeps the published file while the key is the same, without making it."""

    def make_data(self) -> bytes:
        return self.data() if callable(self.data) else self.data


@dataclass(frozen=True, slots=True)
class CopyJob:
    """A file of the site's static/ folder, copied as it is."""

    path: str
    source: Path


@dataclass(frozen=True)
class Asset:
    source: str
    """Name under assets/, e.g. style.css."""
    url: str
    """Content-hashed URL, e.g. /assets/style.3f2a9c1b7e.css."""
    data: bytes


@dataclass
class Plan:
    pages: list[PageJob] = field(default_factory=list)
    files: list[FileJob] = field(default_factory=list)
    copies: list[CopyJob] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    paths_safe: bool = True
    """Every page's path lies inside the output folder (else no page is rendered)."""

    @property
    def paths(self) -> list[str]:
        """Every file of the site, sorted."""
        return sorted({page.path for page in self.pages} | {file.path for file in self.files}
                      | {copy.path for copy in self.copies})

    def without_aliases(self) -> Plan:
        """The plan without the redirect pages of old addresses (for `check`)."""
        return replace(self, pages=[page for page in self.pages if not page.alias])


class Planner:
    """Collects the plan of one site: page types call `page`, `paginated` and `file`."""

    def __init__(self, site: Site, assets: dict[str, Asset]) -> None:
        self.site = site
        self.assets = assets
        self.entries = Entries(site)
        self.plan = Plan()
        self._claimed: dict[str, None] = {}
        """Every output path planned, in order."""
        self._listed: list[str] = []
        """Files that are not pages but belong in the sitemap (the open data)."""

    @cached_property
    def moved(self) -> list[tuple[str, str, str]]:
        """(old address, where it leads, title) of every post's and page's aliases and of
        site.yaml's redirects."""
        return [*((alias, item.url, item.title) for alias, _, item in self.site.aliases()),
                *((r.old, r.new, "Sidan har flyttat") for r in self.site.redirects)]

    @cached_property
    def landings(self) -> frozenset[str]:
        """URLs of the pages that load assets/redirect.js (their context gets
        `old_addresses`): a static host serves an old address with a query at its path,
        /?p=12 at the start page and /arkiv/?cat=3 at /arkiv/, or 404.html where the site
        has no page."""
        paths = {old.partition("?")[0] or urls.HOME for old, _, _ in self.moved if "?" in old}
        return frozenset(paths | {urls.NOT_FOUND}) if paths else frozenset()

    def page(self, url: str, template: str, make: Context | None = None, /, *,
             alias: bool = False, **context: Any) -> None:
        """The page at `url`: `template` with `context`, or with what `make` makes."""
        path = urls.served_by(url)
        given: dict[str, Any] | Context = make or context
        if url in self.landings:
            given = partial(_with_old_addresses, given)
        if not self._claim(path, "output/"):
            self.plan.paths_safe = False
        self.plan.pages.append(PageJob(path, url, template, given, alias))

    def paginated(self, base: str, template: str, items: Sequence[Any] | Lazy,
                  per_page: int | None = None, first_page: Context | None = None,
                  **context: Any) -> None:
        """One page per `per_page` items (a Lazy list is made when a page needs it).
        `first_page` makes a term's plan and national input (FIRST_PAGE_ONLY), shown on
        page 1 only; later pages get them empty, so an edit to one plan item re-renders
        page 1, not every page of the term."""
        per_page = per_page or self.site.config.per_page
        count = max(1, ceil(len(items) / per_page))
        for number in range(1, count + 1):
            self.page(urls.paged(base, number), template, partial(
                _page_context, items, per_page, number, count, base, first_page, context))

    def file(self, path: str, data: bytes | Callable[[], bytes], shown: str = "output/", *,
             key: Callable[[], str] | None = None, listed: bool = False) -> None:
        """A file that is not rendered from a template; a problem with its path is
        reported at `shown`. `key`: see FileJob; `listed`: the sitemap lists it."""
        if self._claim(path, shown):
            self.plan.files.append(FileJob(path, data, key))
            if listed:
                self._listed.append(path)

    def _claim(self, path: str, shown: str) -> bool:
        """Claim `path` for a file of the site; False (a problem at `shown`) if no file
        may be written there."""
        self._claimed[path] = None
        why = check_relative(path)
        if why:
            self.plan.problems.append(Problem(shown, 0, why))
        return why is None

    def copy_static(self, static: dict[str, Path]) -> None:
        """The files of static/, copied as they are, unless sitegen makes that file, a
        folder there, or a file where static/ has a folder."""
        if not static:
            return  # the folders of 14,000 pages are not gathered for nothing
        files = dict(self._claimed)
        folders = {parent for path in files for parent in _parents(path)}
        for path, source in static.items():
            shown = f"static/{path}"
            clash = _clash(path, files, folders)
            if clash is not None:
                self.plan.problems.append(Problem(
                    shown, 0, f"filen krockar med {clash}, som sitegen gör; byt namn på "
                              "filen eller flytta den"))
                continue
            if self._claim(path, shown):
                self.plan.copies.append(CopyJob(path, source))

    def sitemap(self) -> None:
        """sitemap.xml: every HTML page planned so far but the 404 page, the redirect
        pages and assets, and the files planned as listed, with the dates of posts."""
        aliases = {old for old, _, _ in self.moved}
        pages = [url for url in (urls.url_of(path) for path in self._claimed
                                 if path.endswith(".html")
                                 and path != urls.served_by(urls.NOT_FOUND))
                 if url not in aliases and not url.startswith(urls.ASSETS)]
        listed = sorted(pages + [urls.url_of(path) for path in self._listed])
        lastmod = {p.url: p.date for p in self.site.posts if p.date}
        self.page(urls.SITEMAP, "sitemap.xml", urls=listed, lastmod=lastmod)

    def check_redirects(self) -> None:
        """A redirect of site.yaml must lead to a page of the site (or an old address)."""
        olds = {old for old, _, _ in self.moved}
        for redirect in self.site.redirects:
            new = redirect.new.partition("#")[0]
            if urls.served_by(new) not in self._claimed and new not in olds:
                known = (urls.url_of(path) for path in self._claimed)
                self.plan.problems.append(Problem(
                    "site.yaml", redirect.line, f"omdirigeringen från {redirect.old} leder "
                    f"till {redirect.new}, som inte finns på webbplatsen"
                    + did_you_mean(redirect.new, known)))


FIRST_PAGE_ONLY = ("plan", "inputs", "map")
"""What a term's first page shows besides its posts (its plan, national input and map);
later pages get these empty."""


def _page_context(items: Sequence[Any] | Lazy, per_page: int, number: int, count: int,
                  base: str, first_page: Context | None, context: dict[str, Any],
                  ) -> dict[str, Any]:
    """The context of page `number` of `Planner.paginated`."""
    listed = items.items if isinstance(items, Lazy) else items
    pager = Pager(listed[(number - 1) * per_page: number * per_page], number, count, base)
    if number == 1:
        return {**context, **(first_page() if first_page else {}), "pager": pager}
    later: dict[str, list[Any]] = {key: [] for key in FIRST_PAGE_ONLY} if first_page else {}
    return {**context, **later, "title": f"{context['title']} – sida {number}", "pager": pager}


def _with_old_addresses(given: dict[str, Any] | Context) -> dict[str, Any]:
    context = given() if callable(given) else given
    return {**context, "old_addresses": True}


def _clash(path: str, files: dict[str, None], folders: set[str]) -> str | None:
    """The URL of what sitegen makes at `path` or along it: the same file, a folder
    where the path is a file, a file where it has a folder, or the search index's
    folder (written after everything else)."""
    if path in files:
        return urls.url_of(path)
    if path in folders:
        return urls.url_of(path + "/")
    index = urls.folder(urls.SEARCH_INDEX)
    if path.startswith(index):
        return urls.SEARCH_INDEX
    return next((urls.url_of(parent) for parent in _parents(path) if parent in files), None)


def _parents(path: str) -> list[str]:
    """The folders a file path lies in: "a/b/c.html" → ["a", "a/b"]."""
    parts = path.split("/")[:-1]
    return ["/".join(parts[:end]) for end in range(1, len(parts) + 1)]


def as_json(mapping: dict[str, str]) -> bytes:
    return json.dumps(mapping, ensure_ascii=False, sort_keys=True, indent=1).encode()


PageType = Callable[[Planner], None]
"""Plans the pages (and files) of one kind: posts, municipalities, feeds …"""


def plan_site(site: Site, assets: dict[str, Asset], static: dict[str, Path],
              page_types: Iterable[PageType]) -> Plan:
    """Every file of the site: the page types' pages and files, in order, the sitemap
    of their pages, then the copies of static/; and every problem with their paths."""
    planner = Planner(site, assets)
    for page_type in page_types:
        page_type(planner)
    planner.sitemap()
    planner.check_redirects()
    planner.copy_static(static)
    plan = planner.plan
    plan.problems = sorted(set(plan.problems))
    return plan
