"""Sweden at a glance, built: the map on /kommun/, on county and municipality pages and
on the start page, the plan ledger /uppfoljning/ with its lists by outcome, and the open
data /data/ (validated with frictionless, row counts equal to the model's), on the
fixture site whose counts test_summaries.py works out by hand."""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import frictionless
import pytest

from sitegen.build import build, load
from sitegen.ledger import outcome_counts
from sitegen.opendata import published
from sitegen.site import Site
from sitegen.summaries import OUTCOMES, Outcome, StatusCounts, summarize

REPO_ROOT = Path(__file__).resolve().parent.parent
SITE = REPO_ROOT / "tests" / "sites" / "summaries"


def copy_site(target: Path) -> Path:
    """The fixture site with the repository's layouts and assets."""
    shutil.copytree(SITE, target)
    for folder in ("layouts", "assets"):
        shutil.copytree(REPO_ROOT / folder, target / folder)
    return target


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture site with one post a list page, so terms have later pages."""
    root = copy_site(tmp_path_factory.mktemp("overview") / "site")
    config = root / "site.yaml"
    config.write_text(config.read_text("utf-8") + "per_page: 1\n", "utf-8")
    build(root, with_search=False)
    return root


@pytest.fixture(scope="module")
def out(root: Path) -> Path:
    return root / "output"


@pytest.fixture(scope="module")
def site(root: Path) -> Site:
    return load(root).site


def page(out: Path, url: str) -> str:
    return (out / url.strip("/") / "index.html").read_text("utf-8")


def links_in(html: str, within: str) -> list[str]:
    """The hrefs of <a> elements inside the first element that starts with `within`."""
    start = html.index(within)
    tag = within[1:].split()[0]
    end = html.index(f"</{tag}>", start)
    return re.findall(r'<a href="([^"]+)"', html[start:end])


def test_the_municipalities_page_has_both_views_and_the_table(out: Path, site: Site) -> None:
    html = page(out, "/kommun/")
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="karta ') == 2
    assert 'class="karta karta-besok"' in html and 'class="karta karta-uppfoljning"' in html
    # Each visited municipality a link on each map, north to south; the table by county.
    north_to_south = ["/kommun/kiruna/", "/kommun/haabo/", "/kommun/botkyrka/",
                      "/kommun/habo/"]
    assert links_in(html, '<svg xmlns="http://www.w3.org/2000/svg" class="karta karta-besok"'
                    ) == north_to_south
    table = links_in(html, '<table class="karta-tabell" id="kommuner-tabell">')
    assert table == ["/kommun/habo/", "/kommun/kiruna/", "/kommun/botkyrka/",
                     "/kommun/haabo/"]  # Jönköpings, Norrbottens, Stockholms, Uppsala län
    assert len(table) == len(site.by_municipality)
    assert "<td>Besökt två gånger eller fler</td><td>Under hälften genomförd eller pågår</td>" \
        in html  # Botkyrka on both views
    for anchor in ("karta-besok", "karta-uppfoljning", "kommuner-tabell"):
        assert f'href="#{anchor}"' in html and f'id="{anchor}"' in html
    assert "Inte besökt <span class=\"count\">(286 kommuner)</span>" in html


def test_a_county_page_has_its_part_of_the_map_beside_its_table(out: Path) -> None:
    html = page(out, "/lan/stockholms-lan/")
    svg = '<svg xmlns="http://www.w3.org/2000/svg" class="karta karta-besok karta-lan"'
    assert links_in(html, svg) == ["/kommun/botkyrka/"]  # the county's visited one
    # The county's table of its visited municipalities gives the map's facts.
    assert '<table class="summary-table" id="lanets-kommuner">' in html
    assert 'href="#lanets-kommuner">Samma uppgifter som tabell</a>' in html
    assert "Inte besökt <span class=\"count\">(25 kommuner)</span>" in html
    assert html.index("lanets-kommuner") < html.index(svg)  # the table first, as before


def test_a_municipality_page_highlights_it_on_its_first_page_only(out: Path) -> None:
    first = page(out, "/kommun/botkyrka/")
    assert 'class="k-aterbesokt k-aktuell"' in first
    assert "<title>Botkyrka: 3 besök, 5 planpunkter: 1 genomförd, 1 pågår, 1 avbruten, " \
           "2 inte uppföljda</title>" in first
    assert 'href="/lan/stockholms-lan/#lanets-kommuner"' in first
    assert "/kommun/botkyrka/" not in links_in(first, '<svg xmlns')  # not a link to itself
    later = page(out, "/kommun/botkyrka/sida/2/")
    assert "<svg" not in later.split("<main", 1)[1]


def test_the_start_page_has_the_thumbnail_and_three_figures(out: Path, site: Site) -> None:
    html = page(out, "/")
    national = summarize(site).national
    assert re.search(r'<a class="overblick-karta" href="/kommun/"><svg [^>]*aria-hidden="true"'
                     r'[^>]*>.*?</svg><span>Kartan över besökta kommuner</span></a>', html)
    figures = re.search(r'<a class="overblick-siffror" href="/uppfoljning/">(.*?)</a>', html,
                        re.S)
    assert figures is not None
    numbers = re.findall(r"<strong>([^<]+)</strong>", figures.group(1))
    assert numbers == [str(national.municipalities), str(national.plan.total), "50\u00a0%"]
    assert national.plan.total == 8 and national.plan.followed_up == 4


def test_the_ledger_counts_every_item_and_lists_each_outcome(out: Path, site: Site) -> None:
    counts = summarize(site).national.plan
    assert outcome_counts(site) == counts == StatusCounts((2, 1, 0, 1, 4))
    html = page(out, "/uppfoljning/")
    for chart in ("per-tema", "per-lan", "per-ar"):
        assert f'aria-labelledby="{chart}-rubrik"' in html
    assert html.count("<summary>Visa som tabell</summary>") == 3
    for outcome in OUTCOMES:
        assert (f'<a href="/uppfoljning/{outcome.slug}/"><span class="status' in html)
        listed = []
        number = 1
        while True:
            url = f"/uppfoljning/{outcome.slug}/" + (f"sida/{number}/" if number > 1 else "")
            if not (out / url.strip("/") / "index.html").is_file():
                break
            items = page(out, url)
            assert f'<a href="/uppfoljning/{outcome.slug}/" aria-current="page">' in items
            listed += re.findall(r'<span class="item-text">([^<]+)</span>', items)
            number += 1
        assert len(listed) == counts[outcome], outcome
    done = page(out, "/uppfoljning/genomforda/")
    assert "Återbesök i Botkyrka" in done  # the note's revisit is linked
    assert 'href="/uppfoljning/"' in page(out, "/handlingsplaner/")


def test_the_open_data_are_valid_and_count_what_the_model_has(out: Path, site: Site) -> None:
    data = out / "data"
    report = frictionless.validate(data / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    posts = published(site)
    expected = {"besok": len(posts), "planpunkter": sum(len(p.plan) for p in posts),
                "medskick": sum(len(p.national_input) for p in posts), "kommuner": 290,
                "teman": len(site.themes)}
    for name, count in expected.items():
        text = (data / f"{name}.csv").read_text("utf-8")
        assert len(list(csv.DictReader(io.StringIO(text, newline="")))) == count
    # The page explains every file, with its row count, and links each.
    html = page(out, "/data/")
    for name, count in expected.items():
        assert f'href="/data/{name}.csv"' in html and f'href="/data/{name}.json"' in html
        assert re.search(rf'<h2 id="tabell-{name}">.*?</h2>\s*<p>[^<]* {count} rad', html,
                         re.S), name
    assert 'href="/data/datapackage.json"' in html
    assert 'href="https://creativecommons.org/publicdomain/zero/1.0/">CC0-1.0</a>' in html
    hrefs = set(re.findall(r'href="(/data/[^"#]+)"', html))
    assert {h.removeprefix("/data/") for h in hrefs} == {p.name for p in data.iterdir()
                                                         if p.name != "index.html"}


def test_the_sitemap_lists_the_new_pages_and_the_data(out: Path) -> None:
    sitemap = (out / "sitemap.xml").read_text("utf-8")
    for url in ["/kommun/", "/uppfoljning/", "/uppfoljning/inte-uppfoljda/", "/data/",
                "/data/besok.csv", "/data/planpunkter.json", "/data/datapackage.json"]:
        assert f"<loc>https://example.org{url}</loc>" in sitemap, url


def test_a_site_without_plans_has_empty_charts_and_lists(tmp_path: Path) -> None:
    root = copy_site(tmp_path / "site")
    for post in (root / "content" / "posts").iterdir():
        post.unlink()
    result = build(root, with_search=False)
    assert result.posts == 0
    out = root / "output"
    assert page(out, "/uppfoljning/").count("Inga planpunkter ännu.") == 3
    assert "Inga planpunkter har den statusen." in page(out, "/uppfoljning/genomforda/")
    assert "Inga kommunbesök ännu." in page(out, "/kommun/")
    assert "0" in re.findall(r"<strong>([^<]+)</strong>", page(out, "/"))
    shutil.rmtree(out)


def test_outcome_slugs_are_their_headings() -> None:
    assert [o.slug for o in OUTCOMES] == ["genomforda", "pagar", "ej-paborjade", "avbrutna",
                                          "inte-uppfoljda"]
    assert Outcome.NOT_FOLLOWED_UP.heading == "Inte uppföljda"
