"""The search page on a phone (375 px): the first results on the first screen, filters in a
panel behind "Filtrera", active filters as chips, back with the results and the scroll
position restored, and a way on when nothing is found."""

from __future__ import annotations

import random
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from conftest import copy_repo_site as copy_site
from conftest import set_shard_pages

from sitegen.build import build

from .search_page import STATUS, wait_for_results

REPO = Path(__file__).resolve().parents[2]
PHONE = {"width": 375, "height": 667}
RESULTS = ".search-result"


@pytest.fixture(scope="module")
def many_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """120 dated posts that all say "socialtjänsten", in 4 shards."""
    root = copy_site(tmp_path_factory.mktemp("many"), content=False)
    posts = root / "content" / "posts"
    posts.mkdir(parents=True)
    shutil.copy(REPO / "content" / "themes.yaml", root / "content" / "themes.yaml")
    rng = random.Random(7)
    towns = ["Botkyrka", "Åmål", "Hörby", "Kiruna", "Umeå", "Malmö"]
    words = ["socialtjänsten", "barn", "unga", "familjer", "skolan", "personal", "stöd"]
    for i in range(120):
        text = " ".join(rng.choice(words) for _ in range(60))
        posts.joinpath(f"besok-{i:03d}.md").write_text(
            f"---\ntitle: Besök nummer {i}\ndate: 2016-{1 + i % 12:02d}-{1 + i % 27:02d}\n"
            f"municipalities: [{towns[i % len(towns)]}]\nthemes: [Samverkan]\n---\n\n"
            f"socialtjänsten {text}.\n", "utf-8")
    set_shard_pages(root, 40)
    build(root, with_search=True)
    return root / "output"


@pytest.fixture
def phone(chromium: Any) -> Any:
    context = chromium.new_context(viewport=PHONE)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == []


def wait_for_params(page: Any, test: str) -> None:
    """Wait until `test`, JavaScript over `params` (the URL's query), is true."""
    page.wait_for_function(f"() => {{ const params = new URLSearchParams(location.search);"
                           f" return {test}; }}")


def test_hit_count_and_first_result_on_the_first_screen(
        content_site: Path, serve_dir: Callable[..., str], phone: Any,
        axe_check: Callable[..., Any]) -> None:
    base = serve_dir(content_site)
    phone.goto(f"{base}/sok/?q=" + quote("familjerådslag"))
    wait_for_results(phone)
    status = phone.locator(STATUS).bounding_box()
    heading = phone.locator(f"{RESULTS} h3").first.bounding_box()
    assert status["y"] + status["height"] <= PHONE["height"]
    assert heading["y"] + heading["height"] <= PHONE["height"], heading
    # The filters are closed on a phone, behind one button.
    assert phone.locator("[data-search-facets]").is_hidden()
    toggle = phone.get_by_role("button", name="Filtrera")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert axe_check(phone) == []


def test_filter_panel_chips_and_clear(content_site: Path, serve_dir: Callable[..., str],
                                      phone: Any, axe_check: Callable[..., Any]) -> None:
    base = serve_dir(content_site)
    phone.goto(f"{base}/sok/?q=samverkan")
    everything = wait_for_results(phone)
    # No filter data is fetched before the panel opens.
    fetched = phone.evaluate("() => performance.getEntriesByType('resource')"
                             ".map((e) => e.name).filter((n) => n.endsWith('.pf_filter'))")
    assert fetched == []
    toggle = phone.get_by_role("button", name="Filtrera")
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    phone.locator(".facet").first.wait_for()
    phone.get_by_label("Botkyrka (", exact=False).check()
    wait_for_params(phone, "params.get('kommun') === 'Botkyrka'")
    wait_for_results(phone)
    phone.get_by_label("Åmål (", exact=False).check()
    wait_for_params(phone, "params.getAll('kommun').length === 2")
    wait_for_results(phone)
    chips = [" ".join(c.split()) for c in phone.locator(".search-chip").all_inner_texts()]
    assert chips == ["Kommun: Botkyrka ×", "Kommun: Åmål ×"] or chips == [
        "Kommun: Botkyrka×", "Kommun: Åmål×"]
    assert phone.locator("[data-search-toggle]").inner_text() == "Filtrera (2)"
    assert axe_check(phone) == []
    # Removing a chip removes its filter and unticks its box.
    phone.get_by_role("button", name="Ta bort filtret Kommun: Botkyrka").click()
    wait_for_params(phone, "params.getAll('kommun').join() === 'Åmål'")
    wait_for_results(phone)
    assert not phone.get_by_label("Botkyrka (", exact=False).is_checked()
    assert phone.locator("[data-search-toggle]").inner_text() == "Filtrera (1)"
    # "Rensa filter" removes them all; the query stays.
    phone.get_by_role("button", name="Rensa filter").click()
    phone.wait_for_function("() => location.search === '?q=samverkan'")
    assert wait_for_results(phone) == everything
    assert phone.locator("[data-search-chips]").is_hidden()
    assert phone.locator("[data-search-toggle]").inner_text() == "Filtrera"


def test_back_restores_the_results_shown_and_the_scroll_position(
        many_site: Path, serve_dir: Callable[..., str], phone: Any) -> None:
    base = serve_dir(many_site)
    phone.goto(f"{base}/sok/?q=socialtj%C3%A4nsten")
    assert wait_for_results(phone) == "120 träffar för ”socialtjänsten”."
    for shown in (20, 30):
        phone.get_by_role("button", name="Visa fler").click()
        phone.wait_for_function(
            f"() => document.querySelectorAll('.search-result').length === {shown}")
    target = phone.locator(f"{RESULTS} h3 a").nth(24)
    title = target.inner_text()
    target.scroll_into_view_if_needed()
    phone.mouse.wheel(0, 40)
    phone.wait_for_timeout(400)  # the position is kept after scrolling stops
    scrolled = phone.evaluate("() => window.scrollY")
    assert scrolled > 1000
    target.click()
    phone.wait_for_url("**/kommunbesok/**")
    phone.go_back()
    phone.wait_for_function("() => document.querySelectorAll('.search-result').length === 30")
    phone.wait_for_function(f"() => Math.abs(window.scrollY - {scrolled}) < 5")
    assert phone.locator(f"{RESULTS} h3 a").nth(24).inner_text() == title
    box = phone.locator(f"{RESULTS} h3 a").nth(24).bounding_box()
    assert 0 <= box["y"] < PHONE["height"]


@pytest.mark.parametrize(("typed", "meant", "page"), [
    ("Botkyrca", "Botkyrka", "/kommun/botkyrka/"),
    ("Sandvikken", "Sandviken", "/kommun/sandviken/"),
    ("Delaktihet", "Delaktighet", "/tema/delaktighet/"),
])
def test_a_misspelt_name_gets_a_suggestion(content_site: Path, serve_dir: Callable[..., str],
                                           phone: Any, typed: str, meant: str,
                                           page: str) -> None:
    # Pagefind also finds the longest known start of a word ("Sandvik…"), so a misspelt
    # name may find a page or two: the nearest name is suggested all the same.
    base = serve_dir(content_site)
    phone.goto(f"{base}/sok/?q={quote(typed)}")
    status = wait_for_results(phone)
    suggestion = phone.locator("[data-search-suggest]")
    assert suggestion.is_visible()
    assert suggestion.inner_text().startswith(f"Menade du {meant}?")
    assert suggestion.locator(f'a[href="{page}"]').count() == 1
    browse = suggestion.locator('a[href="/kommun/"], a[href="/tema/"], a[href="/arkiv/"]')
    assert browse.count() == (3 if status.startswith("Inga") else 0)
    suggestion.get_by_role("link", name=meant, exact=True).click()
    assert "Inga" not in wait_for_results(phone)
    assert phone.locator("#sok-fraga").input_value() == meant
    assert phone.locator("[data-search-suggest]").is_hidden()  # a known name: no suggestion


def test_nothing_found_offers_ways_on(content_site: Path, serve_dir: Callable[..., str],
                                      phone: Any, axe_check: Callable[..., Any]) -> None:
    base = serve_dir(content_site)
    phone.goto(f"{base}/sok/?q=zyxwvu")
    assert wait_for_results(phone) == "Inga träffar för ”zyxwvu”."
    suggestion = phone.locator("[data-search-suggest]")
    assert suggestion.inner_text() == "Bläddra bland kommunerna, teman eller i arkivet."
    assert axe_check(phone) == []


def test_a_theme_synonym_finds_the_themes_posts(content_site: Path,
                                                serve_dir: Callable[..., str],
                                                phone: Any) -> None:
    # "Kompetensförsörjning" is a synonym of Personalförsörjning in themes.yaml; no post
    # writes the word.
    for post in (REPO / "content" / "posts").glob("*.md"):
        assert "kompetensförsörjning" not in post.read_text("utf-8").lower()
    base = serve_dir(content_site)
    phone.goto(f"{base}/sok/?q=" + quote("kompetensförsörjning"))
    status = wait_for_results(phone)
    assert status.startswith("5 träffar")  # every post has the theme


def test_excerpts_are_the_posts_own_text(content_site: Path, serve_dir: Callable[..., str],
                                         phone: Any) -> None:
    base = serve_dir(content_site)
    for query in ("botkyrka", "samverkan"):  # the second's hits are in plan lists too
        phone.goto(f"{base}/sok/?q={query}")
        wait_for_results(phone)
        excerpts = phone.locator(f"{RESULTS} .excerpt").all_inner_texts()
        assert excerpts
        for excerpt in excerpts:
            assert not excerpt.startswith("Kommunbesök")
            assert "Datum saknas" not in excerpt and "Teman:" not in excerpt
            assert "Inte uppföljd" not in excerpt  # a plan item's status label


CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`);
});
"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_search_page_passes_axe_in_every_state(content_site: Path,
                                               serve_dir: Callable[..., str], phone: Any,
                                               axe_check: Callable[..., Any],
                                               scheme: str) -> None:
    base = serve_dir(content_site)
    phone.emulate_media(color_scheme=scheme)
    phone.add_init_script(CSP_LISTENER)
    failures = []
    for url, panel in [("/sok/", False), ("/sok/?q=samverkan&kommun=Botkyrka", True),
                       ("/sok/?q=Botkyrca", False)]:
        phone.goto(base + url)
        if url != "/sok/":
            wait_for_results(phone)
        else:
            phone.locator("[data-search-tools]").wait_for()
        if panel:
            phone.get_by_role("button", name="Filtrera").click()
            phone.locator(".facet").first.wait_for()
        for width in (375, 1280):
            phone.set_viewport_size({"width": width, "height": 900})
            failures += [f"{url} {width}px {scheme}: {v}" for v in axe_check(phone)]
        assert phone.evaluate("() => window.__cspViolations") == [], url
    assert failures == []


def test_counts_are_those_of_the_search_shown_when_a_filter_came_in_the_url(
        content_site: Path, serve_dir: Callable[..., str], phone: Any) -> None:
    # The filter's data loads while the first search runs; once it is there, the counts
    # are asked anew: every count of another filter adds up to the hits shown.
    base = serve_dir(content_site)
    phone.goto(f"{base}/sok/?q=rekrytering&kommun=Botkyrka")
    status = wait_for_results(phone)
    assert status == "2 träffar för ”rekrytering” med valda filter."
    phone.wait_for_timeout(500)  # the filter data has arrived by now; open afterwards
    phone.get_by_role("button", name="Filtrera").click()
    kinds = phone.get_by_role("group", name="Typ av inlägg")
    kinds.locator("[data-count]").first.wait_for()
    phone.wait_for_function(
        "() => [...document.querySelectorAll('fieldset')].find((f) => f.textContent"
        ".includes('Typ av inlägg')).querySelectorAll('[data-count]')[0].textContent !== ''")
    counts = [int(t.split("(")[-1].rstrip(")"))
              for t in kinds.locator("label").all_inner_texts()]
    assert sum(counts) == 2, kinds.locator("label").all_inner_texts()
