"""`sitegen check`: everything `build` validates, plus the checks a build does not need
to succeed: internal links and #anchors, aliases that hide generated pages, external
images, themes no post uses. Nothing is written.

Links are resolved against the pages the site will really have: the site is rendered
in memory (without its alias redirects, so an alias that lands on a generated page is
seen) and every link is looked up among the rendered files and their `id`s.
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from markdown_it.token import Token

from sitegen import content, files, pagetypes, urls
from sitegen.build import load, site_templates
from sitegen.errors import Problem, Severity, SitegenError, did_you_mean
from sitegen.execute import Collect, execute
from sitegen.markdown import make_parser
from sitegen.model import Post
from sitegen.rebuild import COLD
from sitegen.site import Site, build_site
from sitegen.urls import served_by, url_of

# Made by the search step after rendering, so never among the rendered files.
_SEARCH_PREFIXES = (urls.SEARCH, urls.SEARCH_INDEX)
_ID = re.compile(r"""\sid=["']([^"']+)["']""")


@dataclass(frozen=True)
class CheckResult:
    problems: list[Problem]
    posts: int | None
    """Posts checked; None when content errors stopped the check before the links."""
    pages: int | None

    @property
    def errors(self) -> int:
        return sum(p.is_error for p in self.problems)

    @property
    def warnings(self) -> int:
        return len(self.problems) - self.errors

    def failed(self, *, strict: bool = False) -> bool:
        return self.errors > 0 or (strict and self.warnings > 0)


def check_site(root: Path) -> CheckResult:
    """Validate the site in `root` without writing anything: every problem of every
    file in one run. Files with errors are left out of the site, but their links are
    checked too (if their frontmatter could be read); only errors in the settings, the
    theme vocabulary or across files (two posts on one address) stop the check before
    the links."""
    try:
        loaded = load(root, drafts=True, keep_going=True)
    except SitegenError as exc:
        return CheckResult(sorted(exc.problems), None, None)
    site = loaded.site
    problems = set(loaded.warnings) | set(loaded.errors)
    published = build_site(site.config, [p for p in site.posts if not p.draft],
                           list(site.pages), site.themes)
    if isinstance(published, list):  # e.g. a published post following up a draft
        problems.update(published)
    files, render_problems = _render_without_aliases(root, site)
    problems.update(render_problems)
    if not render_problems:
        failed = _failed_files(root, site)
        problems.update(_LinkChecker(root, site, files, failed).run())
        problems.update(_alias_collisions(site, files))
    if not loaded.errors:  # a post with errors may be the one that uses a theme
        problems.update(_unused_themes(root, site))
    posts = len(content.content_names(root, "posts"))
    return CheckResult(sorted(problems), posts, len(content.content_names(root, "pages")))


def _failed_files(root: Path, site: Site) -> dict[str, tuple[str, bool]]:
    """The content files that failed validation, each with the address it would have and
    whether it is a draft, as far as its frontmatter tells (a file whose frontmatter
    cannot be read has no entry, but its name still keeps links to it from being
    called broken: see _LinkChecker.unknown)."""
    valid = {p.source.path for p in site.posts} | {p.source.path for p in site.pages}
    failed: dict[str, tuple[str, bool]] = {}
    for folder in ("posts", "pages"):
        for name in content.content_names(root, folder):
            path = f"content/{folder}/{name}"
            if path in valid:
                continue
            source = content.read_source(root / path, root)
            split = None if isinstance(source, Problem) else content.split_frontmatter(source)
            if split is None or isinstance(split, Problem):
                failed[path] = ("", False)
                continue
            meta = split[0].value
            category = meta.get("category")
            if not isinstance(category, str) or category not in site.config.categories:
                category = site.config.visit_category
            slug = name.removesuffix(".md")
            url = urls.page(slug) if folder == "pages" else urls.post(category, slug)
            failed[path] = (url, meta.get("draft") is True)
    return failed


# ---------------------------------------------------------------- rendering


def _render_without_aliases(root: Path, site: Site) -> tuple[dict[str, bytes], list[Problem]]:
    """The site's files in memory, without the redirect pages of old addresses, so that
    an alias over a generated page can be told from it (the server rules' files stay: a
    static file in their place is an error)."""
    assets = files.hash_assets(root / "assets")
    plan = pagetypes.plan_site(site, assets, files.static_files(root / "static"))
    sink = Collect()
    done = execute(plan.without_aliases(), site_templates(root, site, assets), sink, COLD)
    return sink.files, done.problems


# ---------------------------------------------------------------- links


@dataclass(frozen=True)
class _Ref:
    href: str
    line: int
    image: bool
    alt: str = ""
    """An image's text alternative (the text in its brackets)."""


def _refs(root: Path, path: str) -> list[_Ref]:
    """Links and images of one source file with their lines (images told apart, which
    content.Loaded does not do)."""
    source = content.read_source(root / path, root)
    if isinstance(source, Problem):
        return []
    split = content.split_frontmatter(source)
    if isinstance(split, Problem):
        return []
    _, body, offset = split
    refs: list[_Ref] = []
    for token in _MD.parse(body):
        if token.type != "inline":
            continue
        line = (token.map[0] if token.map else 0) + 1 + offset
        refs += _inline_refs(token.children or [], line)
    return refs


def _inline_refs(children: list[Token], line: int) -> list[_Ref]:
    found = []
    for child in children:
        if child.type == "link_open":
            found.append(_Ref(str(child.attrGet("href") or ""), line, False))
        elif child.type == "image":
            found.append(_Ref(str(child.attrGet("src") or ""), line, True, child.content))
        elif child.type in ("softbreak", "hardbreak"):
            line += 1
    return found


_MD = make_parser()


class _LinkChecker:
    def __init__(self, root: Path, site: Site, files: dict[str, bytes],
                 failed: dict[str, tuple[str, bool]]) -> None:
        self.root = root
        self.site = site
        self.files = files
        self.base_url = site.config.base_url.rstrip("/")
        self.aliases = {a.split("?")[0] for a, _, _ in site.aliases()}
        self.aliases |= {r.old.split("?")[0] for r in site.redirects}
        self.url_by_source: dict[str, str] = {p.source.path: p.url for p in site.posts}
        self.url_by_source |= {p.source.path: p.url for p in site.pages}
        self.drafts = {p.url for p in site.posts if p.draft}
        self.sources: dict[str, Post | None] = {p.source.path: p for p in site.posts}
        self.sources |= {p.source.path: None for p in site.pages}
        self.failed = {path: draft for path, (url, draft) in failed.items() if url}
        self.url_by_source |= {path: url for path, (url, _) in failed.items() if url}
        self.unknown = {posixpath.basename(path).removesuffix(".md") for path in failed}
        """Slugs of the files that failed: the site lacks their pages for now, and a link
        to them is not called broken."""
        self._ids: dict[str, frozenset[str]] = {}
        self.urls = sorted({url_of(f) for f in files if f.endswith(".html")})

    def ids(self, file: str) -> frozenset[str]:
        if file not in self._ids:
            text = self.files[file].decode("utf-8", "replace")
            self._ids[file] = frozenset(_ID.findall(text))
        return self._ids[file]

    def run(self) -> list[Problem]:
        problems: list[Problem] = []
        for path in sorted(self.sources.keys() | self.failed.keys()):
            post = self.sources.get(path)
            is_draft = self.failed.get(path, post is not None and post.draft)
            for ref in _refs(self.root, path):
                message = self.check(path, ref, is_draft)
                if message:
                    problems.append(Problem(path, ref.line, message))
                if ref.image and not ref.alt.strip():
                    problems.append(Problem(
                        path, ref.line, "bilden saknar alternativtext: skriv inom hakparenteserna "
                        "vad den visar, t.ex. ![Karta över Habo](/bilder/karta.png)",
                        Severity.WARNING))
        return problems

    def check(self, path: str, ref: _Ref, from_draft: bool) -> str | None:
        href = ref.href.strip()
        if not href:
            return "tom länk: skriv en adress inom parentesen"
        parts = urlsplit(href)
        external = parts.scheme in ("http", "https") or href.startswith("//")
        internal_absolute = external and (href == self.base_url
                                          or href.startswith(self.base_url + "/"))
        if external and not internal_absolute:
            if ref.image:
                host = parts.netloc or href
                return (f'bilden "{href}" hämtas från en annan webbplats ({host}); ingen '
                        "begäran får lämna webbplatsen. Ta bort bilden eller länka till den")
            return None  # links out are fine; they are not fetched
        if parts.scheme and not internal_absolute:
            return None  # mailto:, tel:, data: images
        source_url = self.url_by_source[path]
        target = parts.path
        if internal_absolute:
            target = urlsplit(href[len(self.base_url):] or "/").path or "/"
        elif not target:
            target = source_url  # "#anchor" on the same page
        elif not target.startswith("/"):
            if unquote(target).endswith(".md"):
                return self.check_markdown_file(path, href, parts.fragment)
            target = urljoin(source_url, target)
        return self.check_target(href, unquote(target), parts.fragment, from_draft)

    def check_target(self, href: str, target: str, fragment: str,
                     from_draft: bool) -> str | None:
        if target.startswith(_SEARCH_PREFIXES) or target == urls.SEARCH.rstrip("/"):
            return None
        normal = posixpath.normpath(target) + ("/" if target.endswith("/") else "")
        normal = "/" if normal in ("//", "/./") else normal
        file = served_by(normal)
        if file not in self.files and not normal.endswith("/") \
                and served_by(normal + "/") in self.files:
            file = served_by(normal + "/")  # /kommun/x is served as /kommun/x/
        if file not in self.files:
            if normal in self.aliases or normal.rstrip("/") + "/" in self.aliases:
                return None  # an old address; its redirect page is made by build
            if posixpath.basename(normal.rstrip("/")) in self.unknown:
                return None  # a post with errors (reported): its page is not made yet
            hint = self.asset_hint(normal) or did_you_mean(normal, self.urls)
            return f'länken "{href}" pekar på {normal}, som inte finns på webbplatsen' + hint
        url = url_of(file)
        if url in self.drafts and not from_draft:
            return (f'länken "{href}" pekar på ett utkast (draft: true), som inte publiceras '
                    "med build")
        if fragment and file.endswith(".html"):
            anchor = unquote(fragment)
            ids = self.ids(file)
            if anchor not in ids:
                return (f'ankaret "#{anchor}" finns inte på {url}'
                        + did_you_mean(anchor, sorted(ids)))
        return None

    def check_markdown_file(self, path: str, href: str, fragment: str) -> str | None:
        """A link to another post's .md file, as an editor's Markdown tool writes it."""
        file_part = unquote(urlsplit(href).path)
        target = posixpath.normpath(posixpath.join(posixpath.dirname(path), file_part))
        url = self.url_by_source.get(target)
        if url is None:
            return f'länken "{href}" pekar på filen {target}, som inte finns'
        page = self.files.get(served_by(self.url_by_source[path]), b"").decode("utf-8", "replace")
        if f'href="{href}"' in page:
            # The renderer publishes the link as written, and no .md file is published.
            return (f'länken "{href}" fungerar inte på webbplatsen; skriv adressen {url}'
                    + (f"#{fragment}" if fragment else "") + " i stället")
        return self.check_target(href, url, fragment, False)

    def asset_hint(self, target: str) -> str:
        """Assets are published under content-hashed names: point at the real one."""
        if not target.startswith(urls.ASSETS):
            return ""
        name = target.removeprefix(urls.ASSETS)
        stem, dot, ext = name.rpartition(".")
        pattern = re.compile(re.escape(f"assets/{stem}.") + r"[0-9a-f]{10}"
                             + re.escape(f".{ext}") + "$") if dot else None
        hashed = [f for f in self.files if pattern and pattern.match(f)]
        if hashed:
            return (f" (filer i assets/ publiceras med innehållshashade namn, här "
                    f"{url_of(hashed[0])}; länka till en sida i stället)")
        return ""


# ---------------------------------------------------------------- aliases and themes


def _line_of(root: Path, path: str, needle: str) -> int:
    try:
        lines = (root / path).read_text("utf-8-sig").split("\n")
    except OSError:
        return 0
    for number, line in enumerate(lines, 1):
        if needle in line:
            return number
    return 0


def _alias_collisions(site: Site, files: dict[str, bytes]) -> list[Problem]:
    problems = []
    for alias, line, item in site.aliases():
        if "?" not in alias and served_by(alias) in files:
            problems.append(Problem(item.source.path, line,
                                    f"aliaset {alias} är en adress som webbplatsen själv "
                                    "använder; omdirigeringen skulle ersätta sidan där. "
                                    "Ta bort aliaset"))
    problems += [Problem("site.yaml", r.line, f"adressen {r.old} används av webbplatsen själv; "
                                              "omdirigeringen skulle ersätta sidan där. Ta "
                                              "bort den")
                 for r in site.redirects if "?" not in r.old and served_by(r.old) in files]
    return problems


def _unused_themes(root: Path, site: Site) -> list[Problem]:
    used = {t for p in site.posts for t in p.themes}
    used |= {t for p in site.posts for i in p.plan for t in i.themes}
    used |= {t for p in site.posts for i in p.national_input for t in i.themes}
    path = "content/themes.yaml"
    return [Problem(path, _line_of(root, path, f"name: {theme.name}"),
                    f'temat "{theme.name}" används inte av något inlägg; ta bort det, tagga '
                    "ett inlägg med det eller skriv keep: true om det ska finnas kvar",
                    Severity.WARNING)
            for theme in site.themes if theme not in used and not theme.keep]


# ---------------------------------------------------------------- output


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def summary(result: CheckResult, *, strict: bool = False) -> str:
    tally = (f"{_count(result.errors, 'fel', 'fel')}, "
             f"{_count(result.warnings, 'varning', 'varningar')}")
    if result.posts is None:
        return (f"Kontrollen stannade vid felen: {tally}. Länkar och ankare kontrolleras "
                "när felen i inställningarna, temaförteckningen eller mellan inläggen är "
                "rättade.")
    what = (f"{_count(result.posts, 'inlägg', 'inlägg')} och "
            f"{_count(result.pages or 0, 'sida', 'sidor')}")
    if not result.problems:
        return f"Inga problem i {what}."
    verdict = "underkänd" if result.failed(strict=strict) else "godkänd"
    strict_note = " (--strict: varningar räknas som fel)" if strict and result.warnings else ""
    return f"Kontrollerade {what}: {tally}; {verdict}{strict_note}."


def format_text(result: CheckResult, *, strict: bool = False) -> str:
    lines = [str(p) for p in result.problems]
    return "\n".join([*lines, summary(result, strict=strict)])


def format_json(result: CheckResult) -> str:
    return json.dumps({
        "problems": [{"path": p.path, "line": p.line,
                      "severity": "error" if p.is_error else "warning",
                      "message": p.message} for p in result.problems],
        "errors": result.errors,
        "warnings": result.warnings,
    }, ensure_ascii=False, indent=2)
