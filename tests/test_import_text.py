"""The plain-text importer against the real seed posts (a copy in tests/fixtures/seeds)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from sitegen.errors import SitegenError
from sitegen.importers import import_text, suggest
from sitegen.importers.textpost import parse_text_post
from sitegen.registry import default_register

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "tests" / "fixtures" / "seeds"
CONTENT = ROOT / "content" / "posts"
SLUGS = [
    "familjeradslag-i-botkyrka",
    "aterbesok-i-botkyrka",
    "amal-sticker-ut",
    "sandviken-samarbetar-med-hogskolor-och-universitet",
    "juvelen-i-kronan-skaraborgs-gemensamma-socialjour",
]


def _split(path: Path) -> tuple[dict[str, Any], str]:
    text = path.read_text("utf-8")
    assert text.startswith("---\n")
    front, body = text[4:].split("\n---\n", 1)
    meta = yaml.safe_load(front)
    assert isinstance(meta, dict)
    return meta, body.strip()


def _texts(items: list[Any]) -> list[str]:
    return [item if isinstance(item, str) else item["text"] for item in items]


def _site(root: Path) -> Path:
    """A site to import into: the theme vocabulary is what themes are suggested from."""
    (root / "content").mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "content" / "themes.yaml", root / "content" / "themes.yaml")
    return root


@pytest.fixture()
def imported(tmp_path: Path) -> Path:
    report = import_text(SEEDS, _site(tmp_path))
    assert len(report.written) == 5
    return tmp_path


@pytest.mark.parametrize("slug", SLUGS)
def test_import_reproduces_committed_post(imported: Path, slug: str) -> None:
    new_meta, new_body = _split(imported / "content" / "posts" / f"{slug}.md")
    old_meta, old_body = _split(CONTENT / f"{slug}.md")
    assert new_body == old_body
    assert new_meta["title"] == old_meta["title"]
    assert new_meta["municipalities"] == old_meta["municipalities"]
    assert new_meta.get("category") == old_meta.get("category") == "kommunbesok"
    assert _texts(new_meta.get("plan", [])) == _texts(old_meta.get("plan", []))
    assert _texts(new_meta.get("national_input", [])) == _texts(
        old_meta.get("national_input", []))
    assert "date" not in new_meta
    # The importer never invents a date; the committed post says it is lost.
    assert old_meta["date"] == "okänt"


def test_no_comment_form_and_no_date_survive(imported: Path) -> None:
    for path in sorted((imported / "content" / "posts").glob("*.md")):
        text = path.read_text("utf-8")
        assert "Kommentera" not in text
        assert "E-postadressen publiceras inte" not in text
        assert "Taggar:" not in text
        assert "\ndate:" not in text


def test_report_counts_forms_and_missing_dates(tmp_path: Path) -> None:
    report = import_text(SEEDS, tmp_path)
    assert report.comment_forms_dropped == 5
    assert len(report.missing_dates) == 5
    assert "Datum saknas" in report.format()
    assert "5 kommentarsformulär" in report.format()


def test_plan_and_input_lists_move_to_frontmatter(imported: Path) -> None:
    meta, body = _split(imported / "content" / "posts" / "familjeradslag-i-botkyrka.md")
    assert len(meta["plan"]) == 6
    assert meta["plan"][3] == "Återuppta arbetet med familjerådslag."
    assert len(meta["national_input"]) == 5
    # The heading lines are dropped; the post template renders these sections.
    assert "Plan för handling" not in body
    assert "input till nationell nivå" not in body
    # A bullet list under another heading stays in the body.
    assert "\n- YAP lyftes fram." in body


def test_lead_in_sentence_stays_and_bullets_move(imported: Path) -> None:
    meta, body = _split(imported / "content" / "posts" / "amal-sticker-ut.md")
    assert body.endswith("de diskuterade följande som innehåll:")
    assert len(meta["plan"]) == 7
    assert meta["national_input"][1].startswith("Åmål kan tänka sig")
    meta, body = _split(imported / "content" / "posts" /
                        "sandviken-samarbetar-med-hogskolor-och-universitet.md")
    assert "\n\nTill Sandvikens plan för handling togs följande punkter upp:\n\n" in body
    assert meta["plan"][2] == "Förebyggande arbete."
    assert len(meta["national_input"]) == 3


def test_headings_captions_and_dialogue(imported: Path) -> None:
    _meta, body = _split(imported / "content" / "posts" / "amal-sticker-ut.md")
    assert "\n## Familjeförskola\n" in body
    assert "\n## Samverkan över gränser\n" in body
    caption = "I Åmål är samarbetet med både barn- och vuxenpsykiatrin bra"
    assert body.count(caption) == 2
    assert f"## {caption}" not in body
    # A dialogue dash is text, not a Markdown list item.
    assert "\n\\- Det (allianserna) är det viktigaste redskap" in body
    meta, _body = _split(imported / "content" / "posts" /
                         "juvelen-i-kronan-skaraborgs-gemensamma-socialjour.md")
    assert meta["municipalities"] == ["Skövde"]
    assert _texts(meta["national_input"])[0].startswith("Det behövs enklare system")


def test_typos_are_kept(imported: Path) -> None:
    _meta, body = _split(imported / "content" / "posts" / "familjeradslag-i-botkyrka.md")
    assert "de som sökertjänsterna är inte behöriga" in body
    assert "som satser på brukarna" in body


def test_second_run_writes_nothing(tmp_path: Path) -> None:
    import_text(SEEDS, tmp_path)
    before = {p: p.read_bytes() for p in (tmp_path / "content" / "posts").glob("*.md")}
    report = import_text(SEEDS, tmp_path)
    assert report.written == []
    assert sorted(report.unchanged) == sorted(f"content/posts/{s}.md" for s in SLUGS)
    assert {p: p.read_bytes() for p in before} == before


def test_existing_different_file_is_kept_without_force(tmp_path: Path) -> None:
    target = tmp_path / "content" / "posts" / "amal-sticker-ut.md"
    target.parent.mkdir(parents=True)
    target.write_text("---\ntitle: Redigerad\n---\n\nRedaktörens text.\n", "utf-8")
    report = import_text(SEEDS, tmp_path)
    assert report.skipped_existing == ["content/posts/amal-sticker-ut.md"]
    assert "Redaktörens text." in target.read_text("utf-8")
    assert "--force" in report.format()
    report = import_text(SEEDS, tmp_path, force=True)
    assert "content/posts/amal-sticker-ut.md" in report.written
    assert "Redaktörens text." not in target.read_text("utf-8")


def test_committed_posts_are_kept_on_reimport(tmp_path: Path) -> None:
    # The committed posts carry the editors' themes: a re-import must not undo them.
    posts = tmp_path / "content" / "posts"
    shutil.copytree(CONTENT, posts)
    report = import_text(SEEDS, tmp_path)
    assert report.written == []
    assert len(report.skipped_existing) == 5


def test_municipality_from_text_and_crlf() -> None:
    text = ("Ett besök\r\n\r\nkl. av | Taggar:\r\n\r\nVi var i Skövde. Skövde har en socialjour."
            " Vi åkte via Mariestad.\r\n\r\nKommentera\r\n\r\nmer\r\n")
    post = parse_text_post(text)
    assert post.comment_form
    assert post.body == "Vi var i Skövde. Skövde har en socialjour. Vi åkte via Mariestad."
    pick = suggest.municipality(post.title, post.body, default_register())
    assert pick.name == "Skövde"
    assert pick.evidence == "Skövde: 2 omnämnanden, Mariestad: 1 omnämnande"
    assert "osäker" in pick.doubt  # two mentions against one: an editor should look


def test_no_municipality_is_no_guess(tmp_path: Path) -> None:
    post = parse_text_post("Tankar om yrket\n\nkl. av | Taggar:\n\nEn text utan kommun.\n")
    assert suggest.municipality(post.title, post.body, default_register()).name == ""
    source = tmp_path / "export"
    source.mkdir()
    (source / "a.txt").write_text("Tankar om yrket\n\nkl. av | Taggar:\n\nEn text utan kommun.\n")
    import_text(source, _site(tmp_path / "site"))
    meta, _body = _split(tmp_path / "site" / "content" / "posts" / "tankar-om-yrket.md")
    assert meta["category"] == "ovrigt"
    assert "municipalities" not in meta and "themes" not in meta and "suggested" not in meta


def test_missing_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SitegenError, match="mappen finns inte"):
        import_text(tmp_path / "saknas", tmp_path)
