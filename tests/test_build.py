"""The fixture site tests/sites/basic built end to end: pages, taxonomies, follow-ups,
aggregates, pagination, feeds, sitemap, aliases, drafts."""

from __future__ import annotations

import gc
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from sitegen.build import build
from sitegen.cli import main

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def built(make_site) -> Path:  # type: ignore[no-untyped-def]
    root: Path = make_site("basic")
    build(root, with_search=False)
    return root / "output"


def read(out: Path, path: str) -> str:
    return (out / path).read_text("utf-8")


def test_every_page_of_the_page_map_exists(built: Path) -> None:
    for path in ("index.html", "404.html", "robots.txt", "sitemap.xml", "atom.xml",
                 "kommunbesok/forsta-besoket-i-habo/index.html", "dialoger/en-dialog/index.html",
                 "kommun/index.html", "kommun/habo/index.html", "kommun/habo/atom.xml",
                 "lan/index.html", "lan/jonkopings-lan/index.html", "tema/index.html",
                 "tema/familjeradslag/index.html", "tema/familjeradslag/atom.xml",
                 "arkiv/index.html", "handlingsplaner/index.html", "medskick/index.html",
                 "om/index.html"):
        assert (built / path).is_file(), path


def test_habo_and_haabo_are_two_municipalities_in_two_counties(built: Path) -> None:
    assert "Jönköpings län" in read(built, "kommun/habo/index.html")
    haabo = read(built, "kommun/haabo/index.html")
    assert "Uppsala län" in haabo and "Besök i Håbo" in haabo


def test_drafts_are_never_built(built: Path) -> None:
    assert not (built / "kommunbesok/ett-utkast").exists()
    assert "Ett utkast" not in read(built, "kommun/habo/index.html")


def test_followup_status_shows_on_plan_with_text(built: Path) -> None:
    page = read(built, "kommun/habo/index.html")
    assert "Genomförd" in page
    assert "Familjerådslag används nu i varje utredning." in page
    first = read(built, "kommunbesok/forsta-besoket-i-habo/index.html")
    assert "Genomförd" in first and "Inte uppföljd" in first
    assert 'href="/kommunbesok/aterbesok-i-habo/"' in first
    revisit = read(built, "kommunbesok/aterbesok-i-habo/index.html")
    assert "Uppföljning av planen" in revisit and "Starta familjerådslag." in revisit


def test_municipality_lists_visits_oldest_first(built: Path) -> None:
    page = read(built, "kommun/habo/index.html")
    assert page.index("Första besöket i Habo") < page.index("Återbesök i Habo")


def test_theme_synonym_and_municipality_suffix_are_forgiven(built: Path) -> None:
    revisit = read(built, "kommunbesok/aterbesok-i-habo/index.html")
    assert 'href="/tema/personalforsorjning/"' in revisit
    assert 'href="/kommun/habo/"' in revisit


def test_theme_index_sorts_swedish_and_counts(built: Path) -> None:
    page = read(built, "tema/index.html")
    assert page.index("Familjerådslag") < page.index("Personalförsörjning") < page.index(
        "Ölands frågor")


def test_pagination_splits_long_lists(built: Path) -> None:
    # three posts have Personalförsörjning and per_page is 2
    first = read(built, "tema/personalforsorjning/index.html")
    second = read(built, "tema/personalforsorjning/sida/2/index.html")
    assert 'href="/tema/personalforsorjning/sida/2/"' in first
    assert 'rel="prev"' in second
    listed = 'class="post-list-title"><a href="/kommunbesok/forsta-besoket-i-habo/"'
    assert listed in second and listed not in first


def test_archive_groups_by_month_and_puts_undated_last(built: Path) -> None:
    page = read(built, "arkiv/index.html")
    assert page.index("Mars 2017") < page.index("Februari 2016") < page.index("Datum saknas")
    undated = read(built, "kommunbesok/utan-datum/index.html")
    assert "Datum saknas" in undated


def test_aggregates_group_by_theme_with_status(built: Path) -> None:
    plans = read(built, "handlingsplaner/index.html")
    assert plans.index("Familjerådslag") < plans.index("Utan tema")
    assert "Starta familjerådslag." in plans and "Rekrytera fler socionomer." in plans
    assert "Genomförd" in plans
    inputs = read(built, "medskick/index.html")
    assert "Fler utbildningsplatser." in inputs


def test_feeds_are_atom_with_absolute_links(built: Path) -> None:
    feed = ET.parse(built / "atom.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    titles = [e.findtext(f"{ATOM}title") for e in entries]
    assert titles[0] == "Återbesök i Habo" and titles[-1] == "Utan datum"
    links = [e.find(f"{ATOM}link").get("href") for e in entries]  # type: ignore[union-attr]
    assert all(link.startswith("https://example.org/") for link in links)  # type: ignore[union-attr]
    assert feed.findtext(f"{ATOM}updated") == "2017-12-31T00:00:00Z"  # archive_date wins
    habo = ET.parse(built / "kommun/habo/atom.xml").getroot()
    assert len(habo.findall(f"{ATOM}entry")) == 2


def test_sitemap_lists_pages_but_not_aliases_or_404(built: Path) -> None:
    root = ET.parse(built / "sitemap.xml").getroot()
    locs = [e.text for e in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert "https://example.org/kommunbesok/forsta-besoket-i-habo/" in locs
    assert "https://example.org/2016/02/forsta-besoket-i-habo/" not in locs
    assert not any("404" in (loc or "") for loc in locs)


def test_alias_redirects_to_post(built: Path) -> None:
    page = read(built, "2016/02/forsta-besoket-i-habo/index.html")
    assert 'url=/kommunbesok/forsta-besoket-i-habo/"' in page
    assert 'rel="canonical" href="https://example.org/kommunbesok/forsta-besoket-i-habo/"' in page


def test_css_is_content_hashed(built: Path) -> None:
    css = list((built / "assets").glob("style.*.css"))
    assert len(css) == 1
    assert f'href="/assets/{css[0].name}"' in read(built, "index.html")


def test_every_html_page_is_swedish(built: Path) -> None:
    for page in built.rglob("*.html"):
        assert '<html lang="sv"' in page.read_text("utf-8"), page


def test_same_input_gives_byte_identical_output(make_site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = make_site("basic")
    build(root, tmp_path / "a", with_search=False)
    build(root, tmp_path / "b", with_search=False)
    a = {p.relative_to(tmp_path / "a"): p.read_bytes() for p in (tmp_path / "a").rglob("*")
         if p.is_file()}
    b = {p.relative_to(tmp_path / "b"): p.read_bytes() for p in (tmp_path / "b").rglob("*")
         if p.is_file()}
    assert a == b and len(a) > 30


def test_internal_links_all_resolve(built: Path) -> None:
    import re

    missing = set()
    for page in built.rglob("*.html"):
        for href in re.findall(r'href="(/[^"#?]*)', page.read_text("utf-8")):
            target = built / href.lstrip("/")
            if not (target.is_file() or (target / "index.html").is_file()):
                missing.add((page.relative_to(built).as_posix(), href))
    # /sok/ is written by the search step; everything else must exist
    assert {m for m in missing if m[1] != "/sok/"} == set()


def test_a_fragment_a_layout_gets_wrong_is_an_error_with_a_suggestion(
        make_site, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    from sitegen.cli import main

    root: Path = make_site("basic")
    macros = root / "layouts/macros.html"
    macros.write_text(macros.read_text("utf-8").replace(
        'fragment("post_card", post, heading_level, places)', 'fragment("post_cards", post, [1])'),
        "utf-8")
    assert main(["--root", str(root), "build", "--no-search"]) == 1
    err = capsys.readouterr().err
    assert ("fragment('post_cards', …): fler argument än det första måste vara enkla "
            "värden") in err
    assert "Traceback" not in err and not (root / "output").exists()
    macros.write_text(macros.read_text("utf-8").replace(", [1])", ", 2)"), "utf-8")
    assert main(["--root", str(root), "build", "--no-search"]) == 1
    assert ("layouts/macros.html har inget makro 'post_cards' – menade du \"post_card\"?"
            in capsys.readouterr().err)


def test_a_broken_link_among_the_posts_is_an_error_at_its_path(
        make_site, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    root: Path = make_site("basic")
    (root / "content" / "posts" / "borta.md").symlink_to(root / "finns-inte.md")
    assert main(["--root", str(root), "build", "--no-search"]) == 1
    err = capsys.readouterr().err
    assert "content/posts/borta.md: kan inte läsas" in err and "Traceback" not in err


def test_a_build_changes_no_process_wide_state(make_site) -> None:  # type: ignore[no-untyped-def]
    # The collector policy is the command line's (cli.collector_paused): build() itself
    # neither switches the collector nor freezes what it made out of its sight.
    root: Path = make_site("basic")
    frozen, cwd = gc.get_freeze_count(), Path.cwd()
    for enabled in (True, False):
        (gc.enable if enabled else gc.disable)()
        try:
            build(root, with_search=False, incremental_build=False)
            assert gc.isenabled() is enabled
        finally:
            gc.enable()
    assert gc.get_freeze_count() == frozen and Path.cwd() == cwd


def test_the_command_line_pauses_the_collector_while_it_builds(
        make_site, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import sitegen.build

    during: list[bool] = []
    real = sitegen.build.build

    def watched(*args, **kwargs):  # type: ignore[no-untyped-def]
        during.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(sitegen.build, "build", watched)  # the command imports it when run
    root: Path = make_site("basic")
    assert gc.isenabled()
    assert main(["--root", str(root), "build", "--no-search"]) == 0
    assert during == [False] and gc.isenabled()  # in-process: switched back on after


def test_a_municipality_page_answers_at_a_glance(built: Path) -> None:
    page = read(built, "kommun/habo/index.html")
    glance = page[page.index('id="i-korthet"'):page.index("</section>",
                                                          page.index('id="i-korthet"'))]
    assert '<a href="#besok">2 besök</a>: februari 2016 och mars 2017' in glance
    assert '<a href="#plan">2 planpunkter</a>: 1 genomförd, 1 inte uppföljd' in glance
    assert '<a href="#medskick">1 medskick</a> till nationell nivå' in glance
    for anchor in ("besok", "plan", "medskick"):
        assert f'id="{anchor}"' in page
    # the plan under the visit that made it, each item with who followed it up
    plan = page[page.index('<h2 id="plan">'):]
    assert plan.index('id="plan-forsta-besoket-i-habo"') < plan.index("Rekrytera fler")
    assert ('Uppföljd vid <a href="/kommunbesok/aterbesok-i-habo/">Återbesök i Habo</a>: '
            "Familjerådslag används nu i varje utredning.") in plan
    assert "(Habo)" not in page  # the municipality is not repeated on every item


def test_a_joint_visit_names_the_other_municipality(built: Path) -> None:
    page = read(built, "kommun/amal/index.html")
    assert "Datum saknas" in page and "1 besök" in page


def test_a_county_page_has_each_municipalitys_summary_in_a_table(built: Path) -> None:
    page = read(built, "lan/jonkopings-lan/index.html")
    table = page[page.index("<table"):page.index("</table>")]
    assert '<caption id="kommuner-rubrik">Kommunerna i Jönköpings län</caption>' in table
    row = table[table.index('href="/kommun/habo/"'):]
    assert "2 <span" in row and "februari 2016 och mars 2017" in row
    assert "1 genomförd, 1 inte uppföljd" in row
    assert "1 besökt kommun, 2 besök, 2 planpunkter och 1 medskick" in page


def test_themes_count_posts_plan_items_and_input_apart(built: Path) -> None:
    index = read(built, "tema/index.html")
    entry = index[index.index('href="/tema/familjeradslag/"'):]
    entry = entry[:entry.index("</li>")]
    assert "2 inlägg · 1 planpunkt" in entry
    theme = read(built, "tema/familjeradslag/index.html")
    assert '<a href="#plan">1 planpunkt</a>' in theme
    # an item's tags leave out the theme whose page it is on
    plan = theme[theme.index('<h2 id="plan">'):]
    assert 'href="/tema/familjeradslag/"' not in plan


def test_a_revisit_shows_what_it_found_and_what_it_left(built: Path) -> None:
    page = read(built, "kommunbesok/aterbesok-i-habo/index.html")
    section = page[page.index('id="uppfoljning"'):page.index("</section>")]
    assert ": 1 av 2 punkter följdes upp." in section
    assert section.index("Starta familjerådslag.") < section.index(
        "Inte uppföljda vid återbesöket") < section.index("Rekrytera fler socionomer.")
    assert 'href="/kommunbesok/aterbesok-i-habo/"' not in page
    assert "Besök och återbesök: <time datetime=\"2016-02-10\">" in page


def test_a_post_lists_related_visits_and_dated_neighbours(built: Path) -> None:
    page = read(built, "kommunbesok/forsta-besoket-i-habo/index.html")
    related = page[page.index('id="relaterade"'):page.index("</section>",
                                                            page.index('id="relaterade"'))]
    assert related.index("Återbesök i Habo") < related.index("samma kommun")
    assert "Besök i Håbo" in related  # shares Personalförsörjning
    # the oldest dated post: nothing is "older" (the undated post is not)
    nav = page[page.index('class="prev-next"'):]
    assert "Nyare inlägg" in nav and "Äldre inlägg" not in nav and "exporten" not in nav


def test_a_dropped_item_is_avbruten(make_site) -> None:  # type: ignore[no-untyped-def]
    root: Path = make_site("basic")
    revisit = root / "content/posts/aterbesok-i-habo.md"
    revisit.write_text(revisit.read_text("utf-8").replace("status: done",
                                                          "status: avbruten"), "utf-8")
    build(root, with_search=False)
    page = read(root / "output", "kommun/habo/index.html")
    assert '<span class="status status-dropped">Avbruten</span>' in page
    assert "1 avbruten, 1 inte uppföljd" in page


def test_export_order_must_be_a_place_in_the_export(make_site, capsys) -> None:  # type: ignore[no-untyped-def]
    root: Path = make_site("basic")
    undated = root / "content/posts/utan-datum.md"
    undated.write_text(undated.read_text("utf-8").replace(
        "title: Utan datum\n", "title: Utan datum\nexport_order: 0\n"), "utf-8")
    assert main(["--root", str(root), "build", "--no-search"]) == 1
    assert ("content/posts/utan-datum.md:3: export_order ska vara ett heltal, 1 eller "
            "större (inläggets plats i den gamla bloggens export)") in capsys.readouterr().err
