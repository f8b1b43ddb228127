"""Accessibility of every page type of the repository's own site, in a real Chromium.

The site (content/, layouts/, assets/, site.yaml) is built once per module without the
search index and served over HTTP. Every page type passes axe-core's WCAG 2.0/2.1 A and AA
rules with zero violations at phone and desktop width, in light and dark mode; the pages
reflow at 320 px; the Content-Security-Policy is present and nothing violates it; the
keyboard reaches the skip link first and then every link in document order. The ``page``
fixture fails any test whose page logs a console error or requests anything off-site.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from sitegen.build import build

from .pages import PAGE_TYPES, SCHEMES, WIDTHS

REPO_ROOT = Path(__file__).resolve().parents[2]


# Collects CSP violations from the first moment of every document (init scripts are
# injected by the browser, not subject to the page's policy).
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`
    + ` (${e.sourceFile || ''}:${e.lineNumber || ''})`);
});
"""


@pytest.fixture(scope="module")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("a11y-site")
    for folder in ("content", "layouts", "assets"):
        shutil.copytree(REPO_ROOT / folder, root / folder)
    shutil.copy2(REPO_ROOT / "site.yaml", root / "site.yaml")
    build(root, with_search=False)
    return root / "output"


@pytest.fixture
def base_url(site_dir: Path, serve_dir: Any) -> str:
    return str(serve_dir(site_dir))


def open_page(page: Any, url: str, *, expect_status: int = 200) -> None:
    page.add_init_script(CSP_LISTENER)
    response = page.goto(url)
    assert response is not None and response.status == expect_status, url
    if expect_status == 404:
        # Chromium logs the document's own 404 as a console error: that one is expected.
        page.console_errors[:] = [e for e in page.console_errors
                                  if "status of 404" not in e]


def csp_violations(page: Any) -> list[str]:
    return list(page.evaluate("() => window.__cspViolations"))


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("kind", list(PAGE_TYPES))
def test_axe_finds_no_violations(page: Any, base_url: str, axe_check: Any, kind: str,
                                 scheme: str) -> None:
    page.emulate_media(color_scheme=scheme)
    path = PAGE_TYPES[kind]
    open_page(page, base_url + path, expect_status=404 if kind == "404" else 200)
    failures = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        violations = axe_check(page)
        failures += [f"{width}px {scheme}: {v}" for v in violations]
    assert not failures, f"{path}:\n" + "\n".join(failures)
    assert not csp_violations(page), csp_violations(page)


@pytest.mark.parametrize("kind", list(PAGE_TYPES))
def test_csp_meta_is_present_and_nothing_violates_it(page: Any, base_url: str,
                                                     kind: str) -> None:
    open_page(page, base_url + PAGE_TYPES[kind], expect_status=404 if kind == "404" else 200)
    policy = page.get_attribute('meta[http-equiv="Content-Security-Policy"]', "content")
    assert policy and "default-src 'self'" in policy and "'unsafe-inline'" not in policy
    # Every stylesheet actually applied (a blocked one would leave the page unstyled).
    sheets = page.evaluate("() => [...document.styleSheets].map(s => s.href)")
    assert sheets and all(s and s.startswith(base_url + "/assets/") for s in sheets), sheets
    assert page.evaluate("() => getComputedStyle(document.body).marginTop") == "0px"
    assert not csp_violations(page), csp_violations(page)


@pytest.mark.parametrize("kind", list(PAGE_TYPES))
def test_pages_reflow_at_320px_without_sideways_scrolling(page: Any, base_url: str,
                                                          kind: str) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    open_page(page, base_url + PAGE_TYPES[kind], expect_status=404 if kind == "404" else 200)
    overflow = page.evaluate("() => document.documentElement.scrollWidth - innerWidth")
    assert overflow <= 0, f"{PAGE_TYPES[kind]} is {overflow}px wider than a 320px screen"


@pytest.mark.parametrize(("width", "height"), [(320, 640), (375, 667)])
def test_a_phone_sees_a_compact_header_and_a_municipality_at_a_glance(
        page: Any, base_url: str, width: int, height: int) -> None:
    """The header (name, search, menu) took 217 px of a 375 px phone; now the sender,
    the menu and the archive notice fit above a municipality's summary, which ends on
    the first screen."""
    page.set_viewport_size({"width": width, "height": height})
    open_page(page, base_url + "/kommun/botkyrka/")
    sizes = page.evaluate("""() => {
      const box = s => document.querySelector(s).getBoundingClientRect();
      return {chrome: box('.header-row').height + box('.site-nav').height,
              glance: box('.at-a-glance').bottom,
              form: getComputedStyle(document.querySelector('.search-form')).display,
              link: getComputedStyle(document.querySelector('.search-link')).display}; }""")
    assert sizes["chrome"] <= 175, sizes
    assert sizes["glance"] <= height, sizes
    assert (sizes["form"], sizes["link"]) == ("none", "block")  # a link to /sok/ instead
    page.set_viewport_size({"width": 1280, "height": 800})
    assert page.evaluate("() => getComputedStyle(document.querySelector('.search-link'))"
                         ".display") == "none"


def test_swedish_words_are_hyphenated(page: Any, base_url: str) -> None:
    open_page(page, base_url + "/tillganglighetsredogorelse/")
    assert page.evaluate("() => [document.documentElement.lang, "
                         "getComputedStyle(document.querySelector('h1')).hyphens]") == [
        "sv", "auto"]


def test_the_favicon_loads(page: Any, base_url: str) -> None:
    open_page(page, base_url + "/")
    href = page.get_attribute('link[rel="icon"]', "href")
    assert href and href.startswith("/assets/") and href.endswith(".svg")
    response = page.request.get(base_url + href)
    assert response.status == 200 and response.headers["content-type"] == "image/svg+xml"


def test_skip_link_is_first_and_moves_focus_to_main(page: Any, base_url: str) -> None:
    open_page(page, base_url + "/kommunbesok/aterbesok-i-botkyrka/")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => [document.activeElement.className, document.activeElement.getAttribute('href'),"
        " document.activeElement.textContent]")
    assert focused == ["skip", "#innehall", "Hoppa till innehållet"]
    box = page.evaluate("() => document.activeElement.getBoundingClientRect().top")
    assert box >= 0, "the focused skip link is off-screen"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "innehall"
    # The next Tab goes to the first link inside the main content, not back to the header.
    page.keyboard.press("Tab")
    assert page.evaluate("() => !!document.activeElement.closest('main')")


FOCUSABLE_LINKS = """() => [...document.querySelectorAll('a[href]')]
  .filter(a => a.getClientRects().length > 0 && getComputedStyle(a).visibility !== 'hidden')
  .map(a => a.getAttribute('href'))"""


@pytest.mark.parametrize("width", WIDTHS)
def test_keyboard_reaches_every_link_on_home_in_order(page: Any, base_url: str,
                                                      width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    open_page(page, base_url + "/")
    links = page.evaluate(FOCUSABLE_LINKS)
    reached: list[str] = []
    for _ in range(len(links) + 20):
        page.keyboard.press("Tab")
        info = page.evaluate(
            "() => { const e = document.activeElement;"
            " return e && e !== document.body ? [e.tagName, e.getAttribute('href'),"
            " e.matches(':focus-visible'), getComputedStyle(e).outlineStyle] : null; }")
        if info is None:
            break  # focus left the document: the end of the page
        tag, href, focus_visible, outline = info
        assert focus_visible and outline != "none", f"no visible focus on {tag} {href}"
        if tag == "A":
            if reached and href == reached[0] and len(reached) == len(links):
                break  # wrapped round
            reached.append(href)
    assert reached[0] == "#innehall"
    assert reached == links
