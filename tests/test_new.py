"""`sitegen new`: the skeleton, its follow-up, validation and refusal to overwrite; and
the editor's round trip new → check → build in a copy of the real site."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from sitegen.build import load
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


def test_round_trip_new_check_build(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--root", str(site), "new", TITLE, "--kommun", "botkyrka kommun",
                 "--tema", "Rekrytering", "--tema", "Samverkan", "--datum", "2026-11-23"])
    out = capsys.readouterr().out
    assert code == 0
    assert f"Skapade {NEW} (publiceras på /kommunbesok/tredje-besoket-i-botkyrka/)" in out
    text = (site / NEW).read_text()
    assert text.startswith('---\ntitle: "Tredje besöket i Botkyrka"\ndate: 2026-11-23\n'
                           "category: kommunbesok\n")
    # Names are written as the register and the vocabulary spell them.
    assert "municipalities:\n  - Botkyrka\n" in text
    assert "themes:\n  - Personalförsörjning\n  - Samverkan\n" in text
    for key in ("summary:", "plan:", "national_input:", "followup:"):
        assert f"\n{key}" in text
    # The latest earlier visit with a plan is followed up, one placeholder per item.
    assert "  of: familjeradslag-i-botkyrka\n" in text
    assert text.count("status: not_started") == 6
    assert "    # Återuppta arbetet med familjerådslag.\n    - item: \"4\"\n" in text

    code = main(["--root", str(site), "check"])
    out = capsys.readouterr().out
    assert code == 0
    assert NEW not in out  # no problem at all with the new post
    assert out.splitlines()[-1].startswith("Kontrollerade 6 inlägg")

    post = next(p for p in load(site).site.posts if p.slug == "tredje-besoket-i-botkyrka")
    assert post.date == dt.date(2026, 11, 23)
    assert post.followup is not None and post.followup.of == "familjeradslag-i-botkyrka"
    assert [i.item_id for i in post.followup.items] == ["1", "2", "3", "4", "5", "6"]
    assert {i.status for i in post.followup.items} == {Status.NOT_STARTED}

    code = main(["--root", str(site), "build", "--no-search"])
    capsys.readouterr()
    assert code == 0
    page = site / "output/kommunbesok/tredje-besoket-i-botkyrka/index.html"
    assert "Tredje besöket i Botkyrka" in page.read_text()


def test_no_followup_without_an_earlier_visit(site: Path) -> None:
    made = new_post(site, "Besök i Kiruna", ["Kiruna"], ["Samverkan"],
                    today=dt.date(2017, 5, 2))
    assert made.followup_of is None
    text = made.path.read_text()
    assert "followup" not in text.replace("# ", "")
    assert "date: 2017-05-02\n" in text
    assert [p.slug for p in load(site).site.posts if p.slug == "besok-i-kiruna"] == [
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
    assert any(p.slug == "om-dialogerna" for p in load(site).site.posts)
