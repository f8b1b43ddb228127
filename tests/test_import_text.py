"""The plain-text importer against the real seed posts (a copy in tests/fixtures/seeds)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from sitegen.build import build
from sitegen.cli import main
from sitegen.errors import SitegenError
from sitegen.importers import ImportReport, import_text, suggest
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
    # What is left of the order: the export's, which the committed posts keep.
    assert new_meta["export_order"] == old_meta["export_order"] == SLUGS.index(slug) + 1


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


# ---------------------------------------------------------------- the rest of the blog

EXPORT = ROOT / "tests" / "fixtures" / "text-export"
OLD_SITE = ROOT / "tests" / "fixtures" / "old-site"
URLS = [OLD_SITE / "sitemap.xml", OLD_SITE / "urls.txt"]


@pytest.mark.parametrize("header", [
    "kl. av | Taggar:", "kl. av | Taggar: , , ,", "kl. av |", "kl.  av  |  Taggar:  ", None])
def test_every_header_variant_stays_out_of_the_body(header: str | None) -> None:
    lines = ["Ett besök i Habo", ""] + ([header, ""] if header else []) + [
        "Första stycket.", "", "Kommentera", "", "E-postadressen publiceras inte."]
    post = parse_text_post("\n".join(lines))
    assert post.body == "Första stycket."
    assert post.header == (3 if header else 0)
    assert post.tags == [] and post.date is None and post.author == ""


def test_a_filled_header_gives_date_author_and_tags(tmp_path: Path) -> None:
    post = parse_text_post((EXPORT / "05_dialog-med-ivo.txt").read_text("utf-8"))
    assert post.date == dt.date(2016, 4, 12)
    assert post.author == "Anna Andersson"
    assert post.tags == ["Digitalisering", "Tillsyn", "Fika"]
    root = _site(tmp_path)
    report = import_text(EXPORT, root)
    meta, _body = _split(root / "content" / "posts" / "dialog-med-ivo-om-tillsynen.md")
    assert meta["date"] == dt.date(2016, 4, 12) and meta["authors"] == ["Anna Andersson"]
    assert meta["themes"] == ["Digitalisering", "Nationell styrning"]  # Tillsyn: a synonym
    assert "suggested" not in meta  # tags are the author's own: nothing to review
    assert report.unmapped_terms == {"Fika": 1}


def test_the_municipality_is_the_one_the_text_is_about(tmp_path: Path) -> None:
    # "Gävle Högskola" and "Högskolan i Gävle" name a school, not the place visited: the
    # text names Gävle three times that way and Uppsala twice.
    post = parse_text_post((EXPORT / "01_socialt-arbete.txt").read_text("utf-8"))
    assert suggest.mentions(post.body, default_register()) == {"Uppsala": 2}
    pick = suggest.municipality(post.title, post.body, default_register())
    assert (pick.name, pick.evidence, pick.doubt) == ("Uppsala", "Uppsala: 2 omnämnanden", "")
    root = _site(tmp_path)
    import_text(EXPORT, root)
    meta, _body = _split(root / "content" / "posts" /
                         "socialt-arbete-med-och-for-barn-och-unga.md")
    assert meta["municipalities"] == ["Uppsala"]
    assert meta["suggested"]["municipalities"] == "Uppsala: 2 omnämnanden"


def test_an_ambiguous_pick_is_reported() -> None:
    register = default_register()
    tie = suggest.municipality("Två kommuner", "Vi var i Mora och i Orsa.", register)
    assert tie.name == "" and "oklar" in tie.doubt
    close = suggest.municipality("Ett besök", "Mora, Mora, Mora och Orsa, Orsa.", register)
    assert close.name == "Mora" and "osäker" in close.doubt
    assert suggest.municipality("Besök i Orsa", "Mora, Mora, Mora.", register).name == "Orsa"


@pytest.fixture()
def blog(tmp_path: Path) -> tuple[Path, ImportReport]:
    """The committed posts and the rest of the export, imported with the old addresses."""
    root = _site(tmp_path)
    shutil.copytree(CONTENT, root / "content" / "posts")
    return root, import_text(EXPORT, root, urls=URLS)


def test_revisits_follow_up_the_earlier_visit_without_invented_statuses(
        blog: tuple[Path, ImportReport]) -> None:
    root, _report = blog
    text = (root / "content" / "posts" / "kommunbesok-2-i-tranas.md").read_text("utf-8")
    meta, _body = _split(root / "content" / "posts" / "kommunbesok-2-i-tranas.md")
    assert meta["followup"] == {"of": "kommunbesok-i-tranas", "items": []}
    assert '  #   - item: "2"  # Minska arbetsbelastningen genom fler administratörer.' in text
    assert "status: " not in text.replace("#     status:", "")  # never an invented status
    assert meta["suggested"]["followup"].startswith("återbesök enligt titeln")
    # The earlier visit may be a post already in content/posts/.
    meta, _body = _split(root / "content" / "posts" / "uppfoljningsbesok-i-botkyrka.md")
    assert meta["followup"]["of"] == "familjeradslag-i-botkyrka"
    assert "revisit" not in meta


def test_old_addresses_restore_category_slug_aliases_and_dates(
        blog: tuple[Path, ImportReport]) -> None:
    root, _report = blog
    posts = root / "content" / "posts"
    meta, _ = _split(posts / "dialog-med-ivo-om-tillsynen.md")
    assert meta["category"] == "dialoger"
    meta, _ = _split(posts / "tidsmatningen-visar-vagen.md")
    assert meta["category"] == "matning" and meta["date"] == dt.date(2016, 11, 3)
    assert meta["suggested"]["date"].startswith("från sitemapens lastmod 2016-11-03")
    meta, _ = _split(posts / "kunskap-och-kompetens-i-fokus.md")
    assert meta["category"] == "kunskap-kompetens"  # from the plain list
    assert meta["date"] == dt.date(2016, 9, 1)
    meta, _ = _split(posts / "kommunbesok-i-tranas.md")
    assert meta["date"] == dt.date(2016, 2, 15)  # the day in a date permalink is certain
    assert "date" not in meta.get("suggested", {})
    assert meta["aliases"] == ["/2016/02/15/kommunbesok-i-tranas/",
                               "/2016/02/kommunbesok-i-tranas/"]
    # A title edited after publishing: the old slug is kept, so the old URL is the URL.
    meta, _ = _split(posts / "personalforsorjning-i-ostersund.md")
    assert meta["title"] == "Personalförsörjningen i Östersund"
    assert not (posts / "personalforsorjningen-i-ostersund.md").exists()


def test_pages_become_pages(tmp_path: Path) -> None:
    root = _site(tmp_path)
    report = import_text(EXPORT, root, urls=URLS)
    meta, body = _split(root / "content" / "pages" / "om-bloggen.md")
    assert meta == {"title": "Om bloggen"}
    assert body.startswith("Den här bloggen är")
    assert not (root / "content" / "posts" / "om-bloggen.md").exists()
    assert "content/pages/om-bloggen.md" not in report.missing_dates


def test_the_report_says_what_matched_and_what_did_not(blog: tuple[Path, ImportReport]) -> None:
    _root, report = blog
    assert report.urls_unmatched == ["/kommunbesok/ett-inlagg-som-inte-finns-med/"]
    assert report.posts_without_url == [f"{EXPORT.as_posix()}/04_uppfoljningsbesok-i-botkyrka.txt"]
    assert any("liknande slug" in w.message for w in report.warnings)
    assert report.todo == [("content/posts/kommunbesok-i-ljusdal.md",
                            "inget tema hittades i texten, så inlägget skrevs i kategorin ovrigt; "
                            "lägg till themes: och ändra till category: kommunbesok för att göra "
                            "det till ett kommunbesök")]


def test_a_visit_without_any_theme_keeps_its_old_address(blog: tuple[Path, ImportReport]) -> None:
    root, _report = blog
    meta, _ = _split(root / "content" / "posts" / "kommunbesok-i-ljusdal.md")
    assert meta["category"] == "ovrigt" and meta["municipalities"] == ["Ljusdal"]
    assert meta["aliases"] == ["/kommunbesok/kommunbesok-i-ljusdal/"]


def test_the_export_builds_and_check_lists_the_suggestions(
        blog: tuple[Path, ImportReport], capsys: pytest.CaptureFixture[str]) -> None:
    root, report = blog
    shutil.copy(ROOT / "site.yaml", root / "site.yaml")
    for folder in ("layouts", "assets"):
        shutil.copytree(ROOT / folder, root / folder)
    result = build(root, with_search=False)
    assert result.posts == 5 + 9  # the committed posts and the export, less its page
    assert main(["--root", str(root), "check"]) == 0
    out = capsys.readouterr().out
    for path, _what in report.suggestions:
        assert f"{path}:" in out
    assert "varning: ogranskat förslag från importen: followup" in out
    assert main(["--root", str(root), "check", "--strict"]) == 1


def test_a_kept_file_is_not_listed_as_missing_its_date(tmp_path: Path) -> None:
    root = _site(tmp_path)
    target = root / "content" / "posts" / "personalforsorjningen-i-ostersund.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("---\ntitle: Redigerad\ndate: 2016-01-01\n---\n\nText.\n", "utf-8")
    report = import_text(EXPORT, root)
    assert "content/posts/personalforsorjningen-i-ostersund.md" in report.skipped_existing
    assert "content/posts/personalforsorjningen-i-ostersund.md" not in report.missing_dates


def test_a_sitemap_index_names_the_files_to_give_instead(tmp_path: Path) -> None:
    index = tmp_path / "sitemap_index.xml"
    index.write_text('<?xml version="1.0"?>\n<sitemapindex xmlns="http://www.sitemaps.org/'
                     'schemas/sitemap/0.9"><sitemap><loc>https://x.se/post-sitemap.xml</loc>'
                     "</sitemap><sitemap><loc>https://x.se/page-sitemap.xml</loc></sitemap>"
                     "</sitemapindex>\n", "utf-8")
    with pytest.raises(SitegenError, match=r"post-sitemap\.xml, page-sitemap\.xml"):
        import_text(EXPORT, _site(tmp_path / "site"), urls=[index])


def test_bad_lines_of_a_url_list_are_errors_at_their_lines(tmp_path: Path) -> None:
    listing = tmp_path / "urls.txt"
    listing.write_text("/ok/adress/\nmailto:x@y.se\n/ok/ 2016-13-45\n/a/ /b/ /c/\n", "utf-8")
    with pytest.raises(SitegenError) as caught:
        import_text(EXPORT, _site(tmp_path / "site"), urls=[listing])
    assert [p.line for p in caught.value.problems] == [2, 3, 4]
    assert not (tmp_path / "site" / "content" / "posts").exists()  # nothing written


def test_a_url_list_kept_in_the_export_folder_is_no_post(tmp_path: Path) -> None:
    export = tmp_path / "export"
    shutil.copytree(EXPORT, export)
    shutil.copy(OLD_SITE / "urls.txt", export / "urls.txt")
    report = import_text(export, _site(tmp_path / "site"), urls=[export / "urls.txt"])
    assert not any("addresses" in path for path in report.written)


def test_a_closed_pipe_ends_the_report_quietly(tmp_path: Path) -> None:
    export = tmp_path / "export"
    export.mkdir()
    for n in range(1500):  # a report longer than a pipe holds
        (export / f"{n:04}.txt").write_text(f"Inlägg nummer {n}\n\nkl. av |\n\nText.\n")
    process = subprocess.Popen([sys.executable, "-m", "sitegen", "--root", str(_site(
        tmp_path / "site")), "import", "text", str(export)], stdout=subprocess.PIPE,
        stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.readline().startswith(b"Skrivna filer: 1500")
    process.stdout.close()
    errors = process.stderr.read().decode()
    assert process.wait() == 0
    assert "Traceback" not in errors and "BrokenPipe" not in errors
    assert len(list((tmp_path / "site" / "content" / "posts").glob("*.md"))) == 1500
