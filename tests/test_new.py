"""`sitegen new`: the skeleton, its follow-up, validation and refusal to overwrite; and
the editor's round trip new → check → build in a copy of the real site."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest

from sitegen.build import build, load
from sitegen.cli import main
from sitegen.model import Status
from sitegen.new import new_post


@pytest.fixture
def site(repo_root: Path, tmp_path: Path) -> Path:
    """A writable copy of the repository's site."""
    root = tmp_path / "site"
    root.mkdir()
    for name in ("content", "layouts", "assets"):
        shutil.copytree(repo_root / name, root / name)
    shutil.copy(repo_root / "site.yaml", root / "site.yaml")
    return root


TITLE = "Tredje besöket i Botkyrka"
NEW = "content/posts/tredje-besoket-i-botkyrka.md"


STATUS = re.compile(r'<span class="status status-[a-z_]+">[^<]*</span>')
WATCHED = ("kommun/botkyrka/index.html", "handlingsplaner/index.html",
           "kommunbesok/aterbesok-i-botkyrka/index.html",
           "kommunbesok/familjeradslag-i-botkyrka/index.html")


def test_revisit_skeleton_never_publishes_wrong_facts(
        site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """new → check → build: the skeleton of a revisit is a draft whose items are
    unassessed; the statuses the site publishes stay what they were, in the build and
    in the preview, until the editor has assessed every item and written the text."""
    today = dt.date.today().isoformat()
    assert main(["--root", str(site), "build", "--no-search"]) == 0
    before = {page: (site / "output" / page).read_bytes() for page in WATCHED}
    assert "Pågår" in before["kommun/botkyrka/index.html"].decode()

    code = main(["--root", str(site), "new", TITLE, "--kommun", "botkyrka kommun",
                 "--tema", "Rekrytering", "--tema", "Familjerådslag", "--datum", today])
    out = capsys.readouterr().out
    assert code == 0
    assert f"Skapade {NEW} (publiceras på /kommunbesok/tredje-besoket-i-botkyrka/)" in out
    assert "Inlägget är ett utkast tills du har bedömt varje planpunkt" in out
    text = (site / NEW).read_text()
    assert text.startswith(f'---\ntitle: "Tredje besöket i Botkyrka"\ndate: {today}\n'
                           "category: kommunbesok\n")
    # Names are written as the register and the vocabulary spell them.
    assert "municipalities:\n  - Botkyrka\n" in text
    assert "themes:\n  - Personalförsörjning\n  - Familjerådslag\n" in text
    for key in ("summary:", "plan:", "national_input:", "followup:"):
        assert f"\n{key}" in text
    # The latest earlier visit with a plan is followed up, every item unassessed.
    assert "  of: familjeradslag-i-botkyrka\n" in text
    assert text.count("status: unassessed") == 6 and "status: not_started" not in text
    assert "    # Återuppta arbetet med familjerådslag.\n    - item: \"4\"\n" in text
    assert "\ndraft: true\n---\n" in text

    # check: passes with a warning for each item and for the text; --strict fails.
    code = main(["--root", str(site), "check"])
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    warnings = [line for line in out if line.startswith(NEW)]
    assert len(warnings) == 7
    assert any('varning: planpunkt "4" är inte bedömd: skriv status (done, in_progress, '
               "not_started, dropped) eller ta bort punkten; det måste vara gjort innan "
               "draft: true tas bort" in line for line in warnings)
    assert any('varning: texten är inte skriven: "Skriv inlägget här." står kvar' in line
               for line in warnings)
    assert out[-1] == "Kontrollerade 6 inlägg och 2 sidor: 0 fel, 7 varningar; godkänd."
    assert main(["--root", str(site), "check", "--strict"]) == 1
    capsys.readouterr()

    post = next(p for p in load(site, drafts=True).site.posts
                if p.slug == "tredje-besoket-i-botkyrka")
    assert post.draft and post.followup is not None
    assert {i.status for i in post.followup.items} == {Status.UNASSESSED}

    # build: the draft is left out; every published status is as it was.
    assert main(["--root", str(site), "build", "--no-search"]) == 0
    assert {page: (site / "output" / page).read_bytes() for page in WATCHED} == before
    assert not (site / "output/kommunbesok/tredje-besoket-i-botkyrka").exists()

    # The preview shows the draft, but no status from it.
    preview = tmp_path / "preview"
    build(site, preview, drafts=True, with_search=False)
    for page in WATCHED:
        shown = (preview / page).read_text()
        assert STATUS.findall(shown) == STATUS.findall(before[page].decode()), page
    draft_page = (preview / "kommunbesok/tredje-besoket-i-botkyrka/index.html").read_text()
    assert "Ej bedömd" not in draft_page and "Ej påbörjad" not in draft_page
    assert "Ej bedömd" not in "".join(p.read_text() for p in preview.rglob("*.html"))

    # Without draft: true the build refuses, naming each thing left; output/ stays.
    source = site / NEW
    source.write_text(text.replace("\ndraft: true\n", "\n"))
    assert main(["--root", str(site), "build", "--no-search"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert sum("är inte bedömd" in line and "varning" not in line for line in err) == 6
    assert any("texten är inte skriven" in line and "eller behåll draft: true tills det är "
               "gjort" in line for line in err)
    assert err[-1] == "7 fel, 0 varningar"
    assert {page: (site / "output" / page).read_bytes() for page in WATCHED} == before

    # Assessed and written: published, with its statuses.
    done = text.replace("\ndraft: true\n", "\n").replace("status: unassessed", "status: done")
    source.write_text(done.replace("Skriv inlägget här.", "Vi besökte Botkyrka igen."))
    assert main(["--root", str(site), "build", "--no-search"]) == 0
    capsys.readouterr()
    municipality = (site / "output/kommun/botkyrka/index.html").read_text()
    assert municipality.count('status-done">Genomförd<') == 6


def test_future_date_is_a_warning(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    soon = dt.date.today() + dt.timedelta(days=7)
    later = dt.date.today() + dt.timedelta(days=8)
    posts = site / "content/posts"
    for name, date in (("snart", soon), ("senare", later)):
        (posts / f"{name}.md").write_text(f"---\ntitle: {name}\ncategory: ovrigt\n"
                                          f"date: {date}\n---\nText.\n")
    assert main(["--root", str(site), "check"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert (f"content/posts/senare.md:4: varning: datumet {later} ligger mer än en vecka "
            "fram i tiden; stämmer det?") in out
    assert not any("snart.md" in line for line in out)
    assert main(["--root", str(site), "check", "--strict"]) == 1


def test_unknown_date_is_acknowledged(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    post = site / "content/posts/utan-datum.md"
    post.write_text("---\ntitle: Utan datum\ncategory: ovrigt\n---\nText.\n")
    assert main(["--root", str(site), "check", "--strict"]) == 1
    assert ("content/posts/utan-datum.md:2: varning: datum saknas: inlägget sorteras sist "
            'och visar "Datum saknas". Är datumet förlorat, skriv date: okänt'
            in capsys.readouterr().out)
    post.write_text("---\ntitle: Utan datum\ndate: okänt\ncategory: ovrigt\n---\nText.\n")
    assert main(["--root", str(site), "check", "--strict"]) == 0
    assert capsys.readouterr().out == "Inga problem i 6 inlägg och 2 sidor.\n"
    assert main(["--root", str(site), "build", "--no-search"]) == 0
    assert "Datum saknas" in (site / "output/ovrigt/utan-datum/index.html").read_text()


def test_no_followup_without_an_earlier_visit(site: Path) -> None:
    made = new_post(site, "Besök i Kiruna", ["Kiruna"], ["Samverkan"],
                    today=dt.date(2017, 5, 2))
    assert made.followup_of is None
    text = made.path.read_text()
    assert "followup" not in text.replace("# ", "")
    assert "date: 2017-05-02\n" in text
    assert [p.slug for p in load(site, drafts=True).site.posts
                                           if p.slug == "besok-i-kiruna"] == [
        "besok-i-kiruna"]


def test_refuses_to_overwrite(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--root", str(site), "new", TITLE, "--kommun", "Botkyrka", "--tema", "Samverkan"]
    assert main(args) == 0
    (site / NEW).write_text("redaktörens text\n")
    capsys.readouterr()
    assert main(args) == 1
    err = capsys.readouterr().err
    assert err.splitlines()[0] == (f"{NEW}: filen finns redan; sitegen new skriver aldrig "
                                   "över ett inlägg. Redigera filen eller välj en annan titel")
    assert (site / NEW).read_text() == "redaktörens text\n"


def test_existing_post_is_refused(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = (site / "content/posts/familjeradslag-i-botkyrka.md").read_bytes()
    assert main(["--root", str(site), "new", "Familjerådslag i Botkyrka", "--kommun",
                 "Botkyrka", "--tema", "Samverkan"]) == 1
    assert "content/posts/familjeradslag-i-botkyrka.md: filen finns redan" in \
        capsys.readouterr().err
    assert (site / "content/posts/familjeradslag-i-botkyrka.md").read_bytes() == before


def test_unknown_names_with_did_you_mean(site: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--root", str(site), "new", TITLE, "--kommun", "Botkyrk", "--kommun", "Xyz",
                 "--tema", "Personalförsörjnig", "--kategori", "kommunbesk"])
    err = capsys.readouterr().err.splitlines()
    assert code == 1
    assert '--kommun: okänd kommun "Botkyrk" – menade du "Botkyrka"?' in err
    assert '--kommun: okänd kommun "Xyz"' in err
    assert '--tema: okänt tema "Personalförsörjnig" – menade du "Personalförsörjning"?' in err
    assert any(line.startswith('--kategori: okänd kategori "kommunbesk" – menade du '
                               '"kommunbesok"?') for line in err)
    assert err[-1] == "4 fel, 0 varningar"
    assert not (site / NEW).exists()


def test_visit_needs_a_municipality_and_a_theme(site: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--root", str(site), "new", TITLE]) == 1
    err = capsys.readouterr().err
    assert "--kommun: ett kommunbesök behöver minst en kommun" in err
    assert "--tema: ett kommunbesök behöver minst ett tema" in err
    assert not (site / NEW).exists()


def test_other_category_needs_no_municipality(site: Path) -> None:
    made = new_post(site, "Om dialogerna", [], [], category="dialoger",
                    today=dt.date(2016, 1, 1))
    assert made.url == "/dialoger/om-dialogerna/"
    assert "municipalities: []\n" in made.path.read_text()
    assert any(p.slug == "om-dialogerna" for p in load(site, drafts=True).site.posts)
