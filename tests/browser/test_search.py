"""The search page /sok/ in a real Chromium, over the real Pagefind index of the built site."""

from __future__ import annotations

import datetime as dt
import json
import random
import re
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
RESULT_LINKS = ".search-result h3 a"


def titles(page: Any) -> list[str]:
    return [str(t) for t in page.locator(RESULT_LINKS).all_inner_texts()]


def open_search(page: Any, base: str, query: str) -> str:
    page.goto(f"{base}/sok/?{query}")
    return wait_for_results(page)


def open_filters(page: Any) -> None:
    """Open the filter panel and wait until its filters and counts are shown."""
    toggle = page.locator("[data-search-toggle]")
    if toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
    page.wait_for_function(
        "() => document.querySelector('.facet') && [...document.querySelectorAll("
        "'[data-count]')].every((c) => c.textContent !== '')")


def test_query_finds_both_botkyrka_posts(content_site: Path, serve_dir: Callable[..., str],
                                         page: Any, axe_check: Callable[..., Any]) -> None:
    base = serve_dir(content_site)
    status = open_search(page, base, "q=" + quote("familjerådslag"))
    # "Familjerådslag i Botkyrka" has the word in its title and text; the revisit shows
    # the plan it follows up, whose items mention familjerådslag. No other post does.
    assert sorted(titles(page)) == ["Familjerådslag i Botkyrka", "Återbesök i Botkyrka"]
    assert status == "2 träffar för ”familjerådslag”."
    assert page.locator(STATUS).get_attribute("aria-live") == "polite"
    assert page.locator("#sok-fraga").input_value() == "familjerådslag"
    marks = page.locator(".search-result .excerpt mark").all_inner_texts()
    assert marks and all(m.lower().startswith("familjerådslag") for m in marks)
    meta = page.locator(".search-result .meta").first.inner_text()
    assert meta == "Datum saknas · Botkyrka"
    assert page.locator("[data-search-nojs]").is_hidden()
    # Facets: in a panel opened with "Filtrera"; a fieldset per filter, counts for this query.
    assert page.locator("[data-search-facets]").is_hidden()
    open_filters(page)
    legends = page.locator(".facet legend").all_inner_texts()
    assert legends == ["Kommun", "Län", "Tema", "Typ av inlägg"]  # no dated posts: no "År"
    assert page.locator("label", has_text="Botkyrka").inner_text() == "Botkyrka (2)"
    assert page.locator("label", has_text="Åmål").inner_text() == "Åmål (0)"
    violations = axe_check(page)
    assert violations == [], "\n".join(map(str, violations))


def test_inflected_form_finds_the_stem(content_site: Path, serve_dir: Callable[..., str],
                                       page: Any) -> None:
    base = serve_dir(content_site)
    # "familjerådslagen" occurs in no post, and it is no prefix of a word that does: only
    # Swedish stemming (familjerådslagen → familjeråd) finds the posts with "familjerådslag".
    for path in content_site.rglob("*.html"):
        if "pagefind" not in path.parts:
            assert "familjerådslagen" not in path.read_text(encoding="utf-8").lower()
    status = open_search(page, base, "q=" + quote("familjerådslagen"))
    assert sorted(titles(page)) == ["Familjerådslag i Botkyrka", "Återbesök i Botkyrka"]
    assert status.startswith("2 träffar")
    # "utredningarna" is written only in the Åmål post, yet the stem finds the posts that
    # say "utredning" or "utredningen".
    open_search(page, base, "q=utredningarna")
    found = titles(page)
    assert "Åmål sticker ut!" in found
    assert "Familjerådslag i Botkyrka" in found


def test_kommun_filter_narrows_results(content_site: Path, serve_dir: Callable[..., str],
                                       page: Any) -> None:
    base = serve_dir(content_site)
    open_search(page, base, "q=samverkan")
    everywhere = titles(page)
    assert len(everywhere) >= 3
    open_filters(page)
    page.get_by_label(re.compile(r"^Åmål \(\d+\)$")).check()
    status = wait_for_results(page)
    page.wait_for_function("() => new URLSearchParams(location.search).get('kommun') === 'Åmål'")
    narrowed = titles(page)
    assert narrowed == ["Åmål sticker ut!"]
    assert status == "1 träff för ”samverkan” med valda filter."
    metas = page.locator(".search-result .meta").all_inner_texts()
    assert metas and all(m.endswith("Åmål") for m in metas)
    # Unticking brings every municipality back.
    page.get_by_label(re.compile(r"^Åmål \(\d+\)$")).uncheck()
    wait_for_results(page)
    page.wait_for_function("() => !location.search.includes('kommun')")
    assert sorted(titles(page)) == sorted(everywhere)


def test_link_restores_query_and_filters(content_site: Path, serve_dir: Callable[..., str],
                                         page: Any) -> None:
    base = serve_dir(content_site)
    status = open_search(page, base, "q=personal&kommun=Botkyrka&l%C3%A4n=Stockholms+l%C3%A4n")
    assert page.locator("#sok-fraga").input_value() == "personal"
    open_filters(page)
    assert page.get_by_label(re.compile(r"^Botkyrka \(")).is_checked()
    assert page.get_by_label(re.compile(r"^Stockholms län \(")).is_checked()
    assert not page.get_by_label(re.compile(r"^Åmål \(")).is_checked()
    assert sorted(titles(page)) == ["Familjerådslag i Botkyrka", "Återbesök i Botkyrka"]
    assert status == "2 träffar för ”personal” med valda filter."


def test_back_and_forward_restore_searches(content_site: Path, serve_dir: Callable[..., str],
                                           page: Any) -> None:
    base = serve_dir(content_site)
    open_search(page, base, "q=" + quote("familjerådslag"))
    page.locator("#sok-fraga").fill("socionomer")
    page.locator("#sok-fraga").press("Enter")
    page.wait_for_function("() => location.search === '?q=socionomer'")
    status = wait_for_results(page)
    assert "för ”socionomer”" in status
    assert page.evaluate("() => document.activeElement.id") == "sok-fraga"  # focus stays
    page.go_back()
    page.wait_for_function("() => document.querySelector('#sok-fraga').value === 'familjerådslag'")
    page.wait_for_function(
        "(sel) => document.querySelector(sel).textContent.includes('”familjerådslag”')",
        arg=STATUS)
    assert sorted(titles(page)) == ["Familjerådslag i Botkyrka", "Återbesök i Botkyrka"]
    page.go_forward()
    page.wait_for_function(
        "(sel) => document.querySelector(sel).textContent.includes('”socionomer”')", arg=STATUS)
    assert page.locator("#sok-fraga").input_value() == "socionomer"


def test_nothing_found_says_so(content_site: Path, serve_dir: Callable[..., str],
                               page: Any) -> None:
    base = serve_dir(content_site)
    status = open_search(page, base, "q=zyxwvu")
    assert status == "Inga träffar för ”zyxwvu”."
    assert titles(page) == []


def test_without_javascript_the_page_says_so(chromium: Any, content_site: Path,
                                             serve_dir: Callable[..., str]) -> None:
    base = serve_dir(content_site)
    context = chromium.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{base}/sok/?q=familjer%C3%A5dslag")
        message = page.locator("[data-search-nojs]")
        assert message.is_visible()
        assert "JavaScript" in message.inner_text()
        assert message.locator('a[href="/kommun/"]').count() == 1
        assert message.locator('a[href="/tema/"]').count() == 1
    finally:
        context.close()


# ---------------------------------------------------------------- a generated, larger site

MUNICIPALITIES = ["Botkyrka", "Åmål", "Skövde", "Sandviken", "Kiruna", "Malmö", "Umeå",
                  "Gotland", "Härnösand", "Ljusdal"]
THEMES = ["Personalförsörjning", "Samverkan", "Delaktighet", "Utbildning", "Våld",
          "Placerade barn", "Familjerådslag"]
FILLER = ("socialtjänsten", "barn", "unga", "familjer", "utredning", "samverkan", "skolan",
          "personal", "stöd", "insatser", "möte", "kommunen", "arbetar", "behöver", "viktigt",
          "tillsammans")
POSTS = 300
RARE = "glasbruksmuseet"


@pytest.fixture(scope="module")
def generated_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[int, dt.date]]:
    """300 dated posts; the rare word is in a known subset. Returns (output, {post: date})
    for the posts with the rare word."""
    root = copy_site(tmp_path_factory.mktemp("many"), content=False)
    (root / "content" / "posts").mkdir(parents=True)
    shutil.copy(REPO / "content" / "themes.yaml", root / "content" / "themes.yaml")
    rng = random.Random(3)
    rare: dict[int, dt.date] = {}
    for i in range(POSTS):
        kommun = MUNICIPALITIES[i % len(MUNICIPALITIES)]
        themes = rng.sample(THEMES, 2)
        date = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(3 * 365))
        words = [rng.choice(FILLER) for _ in range(120)]
        if rng.random() < 0.1:
            rare[i] = date
            words.insert(rng.randrange(len(words)), RARE)
        (root / "content" / "posts" / f"besok-{i:03d}.md").write_text(
            f"---\ntitle: Besök {i} i {kommun}\ndate: {date.isoformat()}\n"
            f"municipalities: [{kommun}]\nthemes: [{', '.join(themes)}]\n---\n\n"
            + " ".join(words) + ".\n", encoding="utf-8")
    # In shards of at most 100 pages (4 shards), so paging, counts, filters and sorting
    # are those of the merged index.
    set_shard_pages(root, 100)
    build(root, with_search=True)
    assert len(json.loads((root / "output/pagefind/shards.json").read_text())["shards"]) == 4
    return root / "output", rare


def test_many_posts_count_and_paging(generated_site: tuple[Path, dict[int, dt.date]],
                                     serve_dir: Callable[..., str], page: Any) -> None:
    output, rare = generated_site
    assert len(rare) > 10  # more than one page of results
    base = serve_dir(output)
    status = open_search(page, base, f"q={RARE}&sort=datum")
    assert status == f"{len(rare)} träffar för ”{RARE}”."
    assert page.locator("#sok-sortering").input_value() == "datum"
    assert len(titles(page)) == 10
    more = page.get_by_role("button", name="Visa fler")
    while more.is_visible():
        before = len(titles(page))
        more.click()
        page.wait_for_function(
            "(n) => document.querySelectorAll('.search-result').length > n", arg=before)
        # Focus moves to the first of the newly shown results.
        focused = page.evaluate("() => document.activeElement.textContent")
        assert focused == titles(page)[before]
    shown = [int(t.split()[1]) for t in titles(page)]
    assert sorted(shown) == sorted(rare)
    # Sorted by date, newest first (the sort key is the ISO date).
    assert [rare[i] for i in shown] == sorted(rare.values(), reverse=True)


def test_many_posts_year_filter_and_counts(generated_site: tuple[Path, dict[int, dt.date]],
                                           serve_dir: Callable[..., str], page: Any) -> None:
    output, _ = generated_site
    base = serve_dir(output)
    page.goto(f"{base}/sok/?kommun=Kiruna")
    status = wait_for_results(page)
    # Filters alone, without a query: every post from Kiruna.
    assert status == f"{POSTS // len(MUNICIPALITIES)} träffar med valda filter."
    open_filters(page)
    years = page.locator(".facet", has_text="År").locator("label").all_inner_texts()
    assert [y.split()[0] for y in years] == ["2017", "2016", "2015"]
    counts = [int(y.split("(")[1].rstrip(")")) for y in years]
    assert sum(counts) == POSTS // len(MUNICIPALITIES)


def test_a_long_facet_list_can_be_narrowed(generated_site: tuple[Path, dict[int, dt.date]],
                                           serve_dir: Callable[..., str], page: Any,
                                           axe_check: Callable[..., Any]) -> None:
    # Ten municipalities: the Kommun facet gets a box that narrows its list as one types;
    # a checked value stays in sight, and narrowing is not a search.
    output, _ = generated_site
    base = serve_dir(output)
    page.goto(f"{base}/sok/?kommun=Kiruna")
    status = wait_for_results(page)
    open_filters(page)
    kommun = page.get_by_role("group", name="Kommun", exact=True)
    narrow = kommun.get_by_label("Hitta kommun")
    assert page.get_by_role("group", name="Typ av inlägg").get_by_role(
        "searchbox").count() == 0  # short lists get no box
    narrow.fill("mö")
    visible = [t.split(" (")[0] for t in kommun.locator("li:visible label").all_inner_texts()]
    assert visible == ["Kiruna", "Malmö"]
    narrow.press("Enter")
    assert page.url.endswith("/sok/?kommun=Kiruna")
    assert page.locator(STATUS).inner_text() == status
    narrow.fill("")
    assert kommun.locator("li:visible").count() == len(MUNICIPALITIES)
    assert axe_check(page) == []
