"""The blog's real content: the five posts of the old blog build, keep their plans and
national input, and nothing of the WordPress comment form survives."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sitegen.build import build, load

COMMENT_FORM = ("Kommentera", "E-postadressen publiceras inte", "Obligatoriska fält",
                "Följande HTML-taggar")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import shutil

    repo = Path(__file__).resolve().parent.parent
    root = tmp_path_factory.mktemp("seeds")
    for item in ("content", "layouts", "assets"):
        shutil.copytree(repo / item, root / item)
    shutil.copy(repo / "site.yaml", root / "site.yaml")
    build(root, with_search=False)
    return root


def test_five_seed_posts_build_at_their_old_urls(built: Path) -> None:
    out = built / "output"
    for slug in ("familjeradslag-i-botkyrka", "aterbesok-i-botkyrka", "amal-sticker-ut",
                 "sandviken-samarbetar-med-hogskolor-och-universitet",
                 "juvelen-i-kronan-skaraborgs-gemensamma-socialjour"):
        assert (out / "kommunbesok" / slug / "index.html").is_file(), slug


def test_no_comment_form_anywhere_in_output(built: Path) -> None:
    for path in (built / "output").rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".json", ".txt"):
            text = path.read_text("utf-8", errors="replace")
            for phrase in COMMENT_FORM:
                assert phrase not in text, f"{path}: {phrase}"


def test_undated_legacy_posts_build_without_invented_dates(built: Path) -> None:
    """Their dates were lost, and they say so (date: okänt): no date, no warning."""
    loaded = load(built)
    assert all(post.date is None for post in loaded.site.posts)
    assert loaded.warnings == []
    page = (built / "output/kommunbesok/amal-sticker-ut/index.html").read_text("utf-8")
    assert "Datum saknas" in page


def test_plans_and_national_input_move_to_closing_sections(built: Path) -> None:
    site = load(built).site
    by_slug = {p.slug: p for p in site.posts}
    botkyrka = by_slug["familjeradslag-i-botkyrka"]
    assert len(botkyrka.plan) == 6
    assert botkyrka.plan[3].text == "Återuppta arbetet med familjerådslag."
    assert len(botkyrka.national_input) == 5
    assert len(by_slug["amal-sticker-ut"].plan) == 7
    assert len(by_slug["juvelen-i-kronan-skaraborgs-gemensamma-socialjour"].national_input) == 2
    page = (built / "output/kommunbesok/familjeradslag-i-botkyrka/index.html").read_text("utf-8")
    assert page.index("Plan för handling") < page.index("Medskick till nationell nivå")


def test_revisit_follows_up_the_first_botkyrka_visit(built: Path) -> None:
    site = load(built).site
    statuses = {key: s.followup.status.value for key, s in site.statuses.items()}
    assert statuses, "the revisit records at least one plan item's status"
    assert all(slug == "familjeradslag-i-botkyrka" for slug, _ in statuses)
    page = (built / "output/kommun/botkyrka/index.html").read_text("utf-8")
    assert "Pågår" in page and "Inte uppföljd" in page


def test_check_strict_passes_on_the_blog(repo_root: Path) -> None:
    """CI's guard on content/: `sitegen check --strict`, as an editor runs it. The posts
    whose dates were lost say so (`date: okänt`), so a warning fails it."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "sitegen", "--root", str(repo_root),
                           "check", "--strict"], capture_output=True, text=True)
    assert (done.returncode, done.stderr) == (0, ""), done.stdout
    assert done.stdout == "Inga problem i 5 inlägg och 2 sidor.\n"


EXPORT_ORDER = ["familjeradslag-i-botkyrka", "aterbesok-i-botkyrka", "amal-sticker-ut",
                "sandviken-samarbetar-med-hogskolor-och-universitet",
                "juvelen-i-kronan-skaraborgs-gemensamma-socialjour"]


def test_the_undated_posts_are_in_the_exports_order_and_say_so(built: Path) -> None:
    site = load(built).site
    assert [p.slug for p in site.posts] == EXPORT_ORDER
    home = (built / "output/index.html").read_text("utf-8")
    assert "Senaste besöken" not in home
    assert '<h2 id="utan-datum">Besök ur arkivet</h2>' in home
    assert "Besöken står i exportens ordning." in home
    places = [home.index(f'href="/kommunbesok/{slug}/"') for slug in EXPORT_ORDER]
    assert places == sorted(places)
    page = (built / "output/kommunbesok/amal-sticker-ut/index.html").read_text("utf-8")
    nav = page[page.index('class="prev-next"'):]
    assert ('<span class="label">Föregående i den gamla exporten</span> '
            '<a href="/kommunbesok/aterbesok-i-botkyrka/" rel="prev">') in nav
    assert ('<span class="label">Nästa i den gamla exporten</span> '
            '<a href="/kommunbesok/sandviken-samarbetar-med-hogskolor-och-universitet/" '
            'rel="next">') in nav


def test_a_long_post_has_contents_that_lead_to_its_sections(built: Path) -> None:
    page = (built / "output/kommunbesok/amal-sticker-ut/index.html").read_text("utf-8")
    toc = page[page.index('<nav class="toc"'):page.index("</nav>", page.index('class="toc"'))]
    targets = re.findall(r'href="#([^"]+)"', toc)
    assert len(targets) == 7  # five headings, the plan, the national input
    assert targets[-2:] == ["plan-for-handling", "medskick"]
    for target in targets:
        assert page.count(f'id="{target}"') == 1, target
    short = (built / "output/kommunbesok/aterbesok-i-botkyrka/index.html").read_text("utf-8")
    assert 'class="toc"' not in short  # one heading: no contents


def test_a_theme_with_input_but_no_posts_counts_its_input(built: Path) -> None:
    index = (built / "output/tema/index.html").read_text("utf-8")
    entry = index[index.index('href="/tema/nationell-styrning/"'):]
    entry = entry[:entry.index("</li>")]
    assert "4 medskick" in entry and "inlägg" not in entry
