"""The WordPress importer against small hand-written WXR exports."""

from __future__ import annotations

import datetime as dt
import itertools
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from sitegen.build import build
from sitegen.errors import SitegenError
from sitegen.importers import ImportReport, import_wordpress, wxr

ROOT = Path(__file__).resolve().parent.parent
WXR = ROOT / "tests" / "fixtures" / "wxr"


def _site(tmp_path: Path) -> Path:
    (tmp_path / "content").mkdir()
    shutil.copy(ROOT / "content" / "themes.yaml", tmp_path / "content" / "themes.yaml")
    return tmp_path


def _read(path: Path) -> tuple[dict[str, Any], str]:
    text = path.read_text("utf-8")
    front, body = text[4:].split("\n---\n", 1)
    meta = yaml.safe_load(front)
    assert isinstance(meta, dict)
    return meta, body.strip()


@pytest.fixture()
def site(tmp_path: Path) -> tuple[Path, ImportReport]:
    root = _site(tmp_path)
    report = import_wordpress(WXR / "blog-1.2-https.xml", root,
                              mapping=WXR / "mapping.yaml")
    return root, report


def test_published_post_metadata(site: tuple[Path, ImportReport]) -> None:
    root, _report = site
    meta, _body = _read(root / "content" / "posts" / "besok-i-testkommun.md")
    assert meta["title"] == "Besök i Testkommun: en dag med & utan regn"
    # 23:30 UTC on 7 March is 00:30 on 8 March in Stockholm.
    assert meta["date"] == dt.date(2016, 3, 8)
    assert meta["category"] == "kommunbesok"
    assert meta["authors"] == ["Anna Andersson"]
    assert meta["municipalities"] == ["Botkyrka", "Åmål"]  # tag, then mapping file
    assert meta["themes"] == ["Personalförsörjning"]  # through the synonym Rekrytering
    assert meta["aliases"] == ["/?p=101", "/2016/03/besok-i-testkommun/"]
    assert "draft" not in meta
    assert list(meta) == ["title", "date", "category", "municipalities", "themes", "summary",
                          "authors", "aliases"]


def test_frontmatter_date_is_iso(site: tuple[Path, ImportReport]) -> None:
    root, _report = site
    text = (root / "content" / "posts" / "besok-i-testkommun.md").read_text("utf-8")
    assert "\ndate: 2016-03-08\n" in text


def test_body_is_clean_markdown(site: tuple[Path, ImportReport]) -> None:
    root, _report = site
    meta, body = _read(root / "content" / "posts" / "besok-i-testkommun.md")
    assert meta["summary"] == "Inledningen som blir sammanfattning, med fet text."
    assert body.startswith("Inledningen som blir sammanfattning, med **fet** text.")
    assert "<!--" not in body and "wp:" not in body
    assert "\n## Rubrik i inlägget\n" in body
    assert "![Gruppbild](/wp-content/uploads/bild.jpg)" in body
    assert "\nBildtext om mötet\n" in body
    assert "> Ett citat från en socialsekreterare." in body
    assert "| År | Antal |" in body and "| 2015 | 12 |" in body
    assert "- Andra punkten med [länk](https://example.se/rapport)" in body
    assert "https://www.youtube.com/watch?v=abc123" in body
    assert "[caption" not in body and "[gallery" not in body and "contact-form" not in body
    assert "Texten [sic] står kvar." in body
    # Classic-editor text: a blank line is a paragraph, a newline a line break.
    assert "Klassisk stycketext utan p-tagg.\\\nAndra raden i samma stycke." in body


def test_comments_never_reach_the_site(site: tuple[Path, ImportReport]) -> None:
    root, report = site
    assert report.comments_dropped == 2
    assert report.pingbacks_dropped == 1
    for path in (root / "content").rglob("*.md"):
        text = path.read_text("utf-8")
        assert "HEMLIG KOMMENTAR" not in text and "PINGBACKTEXT" not in text


def test_report_counts(site: tuple[Path, ImportReport]) -> None:
    _root, report = site
    assert report.shortcodes == {"caption": 1, "gallery": 1, "embed": 1, "contact-form-7": 1}
    assert report.block_comments_removed == 4
    assert report.skipped_items == {"attachment": 1, "nav_menu_item": 1}
    # Fika is ignored and Dalsland mapped by the mapping file; this category is not.
    assert report.unmapped_terms == {"Övriga tankar": 1}
    text = report.format()
    assert "Övriga tankar (1)" in text
    assert "2 kommentarer, 1 pingbacks" in text
    assert "blog-1.2-https.xml:17: varning: ett galleri" in text


def test_drafts(site: tuple[Path, ImportReport]) -> None:
    root, report = site
    reasons = dict(report.drafts)
    assert reasons == {
        "content/posts/ett-utkast.md": "utkast",
        "content/posts/schemalagt-inlagg.md": "schemalagt (future)",
        "content/posts/privat-anteckning.md": "privat",
        "content/posts/losenordsskyddat.md": "lösenordsskyddat",
    }
    for name in reasons:
        meta, _body = _read(root / name)
        assert meta["draft"] is True
        assert "aliases" not in meta  # never public, so no old URL to keep
    meta, _body = _read(root / "content" / "posts" / "ett-utkast.md")
    assert meta["category"] == "ovrigt"  # empty slug: made from the title


def test_non_ascii_percent_encoded_slug(site: tuple[Path, ImportReport]) -> None:
    root, _report = site
    meta, _body = _read(root / "content" / "posts" / "amal-sticker-ut.md")
    assert meta["aliases"] == ["/kommunbesok/åmal-sticker-ut/", "/?p=106",
                               "/2016/06/åmal-sticker-ut/"]
    assert meta["category"] == "ovrigt"  # an unknown category and no municipality
    assert meta["authors"] == ["okand"]  # no wp:author entry: the login stays


def test_pages(site: tuple[Path, ImportReport]) -> None:
    root, report = site
    meta, body = _read(root / "content" / "pages" / "om-bloggen.md")
    # The page keeps its old addresses itself: no hand edit of site.yaml needed.
    assert meta == {"title": "Om bloggen", "order": 3, "aliases": ["/?page_id=200"]}
    assert body == "Sidans text."
    assert "/?page_id=200" not in report.site_aliases


def test_site_level_alias_suggestions(site: tuple[Path, ImportReport]) -> None:
    _root, report = site
    assert report.site_aliases["/tag/botkyrka/"] == "/kommun/botkyrka/"
    assert report.site_aliases["/tag/dalsland/"] == "/kommun/amal/"
    assert report.site_aliases["/tag/rekrytering/"] == "/tema/personalforsorjning/"
    assert report.site_aliases["/category/kommunbesok/"] == "/arkiv/"


def test_without_mapping_terms_are_unmapped(tmp_path: Path) -> None:
    report = import_wordpress(WXR / "blog-1.2-https.xml", _site(tmp_path))
    assert report.unmapped_terms == {"Dalsland": 1, "Fika": 1, "Övriga tankar": 1}


def test_wxr_1_1_http(tmp_path: Path) -> None:
    root = _site(tmp_path)
    report = import_wordpress(WXR / "blog-1.1-http.xml", root,
                              mapping=WXR / "mapping.yaml")
    meta, body = _read(root / "content" / "posts" / "samverkan-i-skovde.md")
    assert meta["date"] == dt.date(2015, 11, 10)
    assert meta["municipalities"] == ["Skövde"]
    assert meta["themes"] == ["Samverkan"]
    assert meta["category"] == "kommunbesok"  # not an old-blog category, but a visit
    assert meta["aliases"] == ["/2015/11/samverkan-i-skovde/", "/?p=7"]
    assert body == "Första stycket.\n\nAndra stycket."
    assert report.trackbacks_dropped == 1
    assert report.site_aliases["/category/skovde/"] == "/kommun/skovde/"


def test_wxr_1_0_pubdate_time_zone(tmp_path: Path) -> None:
    root = _site(tmp_path)
    import_wordpress(WXR / "blog-1.0-http.xml", root)
    meta, _body = _read(root / "content" / "posts" / "ett-gammalt-inlagg.md")
    # 22:30 at UTC-5 on 1 March is 04:30 on 2 March in Stockholm.
    assert meta["date"] == dt.date(2015, 3, 2)
    assert meta["category"] == "ovrigt"
    assert meta["aliases"] == ["/?p=3", "/2015/03/ett-gammalt-inlagg/"]


def test_malformed_xml_names_the_line(tmp_path: Path) -> None:
    export = WXR / "malformed.xml"
    with pytest.raises(SitegenError) as caught:
        import_wordpress(export, _site(tmp_path))
    assert str(caught.value) == f"{export.as_posix()}:8: ogiltig XML: mismatched tag"


def test_entity_bomb_is_refused(tmp_path: Path) -> None:
    export = tmp_path / "bomb.xml"
    export.write_text('<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY a "aaaa">]>\n<r>&a;</r>\n',
                      "utf-8")
    with pytest.raises(SitegenError, match="ogiltig XML"):
        import_wordpress(export, _site(tmp_path))


def test_bad_mapping_entry(tmp_path: Path) -> None:
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("Dalsland: {municipality: Åmåll}\nX: {theme: Samverkn}\n", "utf-8")
    with pytest.raises(SitegenError) as caught:
        import_wordpress(WXR / "blog-1.1-http.xml", _site(tmp_path), mapping=mapping)
    message = str(caught.value)
    assert f'{mapping.as_posix()}:1: okänd kommun "Åmåll" – menade du "Åmål"?' in message
    assert f'{mapping.as_posix()}:2: okänt tema "Samverkn" – menade du "Samverkan"?' in message


def test_second_run_is_idempotent(tmp_path: Path) -> None:
    root = _site(tmp_path)
    first = import_wordpress(WXR / "blog-1.2-https.xml", root)
    second = import_wordpress(WXR / "blog-1.2-https.xml", root)
    assert second.written == []
    assert sorted(second.unchanged) == sorted(first.written)


def test_no_overwrite_without_force(tmp_path: Path) -> None:
    root = _site(tmp_path)
    target = root / "content" / "posts" / "samverkan-i-skovde.md"
    target.parent.mkdir(parents=True)
    target.write_text("---\ntitle: Egen\n---\n\nRedigerad.\n", "utf-8")
    report = import_wordpress(WXR / "blog-1.1-http.xml", root)
    assert report.skipped_existing == ["content/posts/samverkan-i-skovde.md"]
    assert target.read_text("utf-8").endswith("Redigerad.\n")
    report = import_wordpress(WXR / "blog-1.1-http.xml", root, force=True)
    assert report.written == ["content/posts/samverkan-i-skovde.md"]
    assert "Första stycket." in target.read_text("utf-8")


def test_the_suggested_redirects_build_into_redirect_pages(
        site: tuple[Path, ImportReport]) -> None:
    # The report's block, pasted into site.yaml as it says, makes every old archive
    # address lead somewhere the imported site has.
    root, report = site
    after = report.format().split("\nredirects:\n", 1)[1].splitlines()
    block = "\n".join(itertools.takewhile(lambda line: line.startswith("  "), after))
    (root / "site.yaml").write_text("title: T\nbase_url: https://example.org\nredirects:\n"
                                    + block + "\n", "utf-8")
    for folder in ("layouts", "assets"):
        shutil.copytree(ROOT / folder, root / folder)
    build(root, with_search=False)
    page = (root / "output" / "tag" / "botkyrka" / "index.html").read_text("utf-8")
    assert 'content="0; url=/kommun/botkyrka/"' in page
    assert (root / "output" / "category" / "kommunbesok" / "index.html").is_file()


# ---------------------------------------------------------------- real exports' cases

EDGE = WXR / "edge-cases.xml"
MEDIA = ROOT / "tests" / "fixtures" / "media" / "wp-content" / "uploads"


def _warnings(report: ImportReport) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for problem in report.warnings:
        found.setdefault(problem.line, []).append(problem.message)
    return found


@pytest.fixture()
def edge(tmp_path: Path) -> tuple[Path, ImportReport]:
    root = _site(tmp_path)
    return root, import_wordpress(EDGE, root)


def test_aliases_the_build_would_refuse_are_cleaned_or_dropped(
        edge: tuple[Path, ImportReport]) -> None:
    root, report = edge
    meta, _body = _read(root / "content" / "posts" / "evil-slug.md")
    assert meta["aliases"] == ["/?p=21"]  # both addresses with U+202E are gone
    assert any("U+202E" in m and "skrevs inte" in m for m in _warnings(report)[20])
    meta, _body = _read(root / "content" / "posts" / "dubbla-snedstreck.md")
    assert meta["aliases"][0] == "/greek/kalimera/"
    assert "aliaset //greek//kalimera/ skrevs som /greek/kalimera/" in _warnings(report)[32]
    for path in (root / "content").rglob("*.md"):
        assert "\u202e" not in path.read_text("utf-8")
        assert not any("//" in alias for alias in _read(path)[0].get("aliases", []))


def test_duplicate_post_and_page_ids_keep_the_first_and_warn(
        edge: tuple[Path, ImportReport]) -> None:
    root, report = edge
    first, _ = _read(root / "content" / "posts" / "forsta-med-id-30.md")
    second, _ = _read(root / "content" / "posts" / "andra-med-id-30.md")
    assert "/?p=30" in first["aliases"] and "/?p=30" not in second["aliases"]
    # The second also claimed the first one's permalink: it stays the first one's.
    assert "/ovrigt/forsta-med-id-30/" not in second["aliases"]
    assert "post-ID 30 finns redan i exporten (rad 68" in _warnings(report)[80][0]
    kontakt, _ = _read(root / "content" / "pages" / "kontakt.md")
    press, _ = _read(root / "content" / "pages" / "press.md")
    assert kontakt["aliases"] == ["/?page_id=40"] and "aliases" not in press
    assert "post-ID 40 finns redan" in _warnings(report)[102][0]


def test_titles_keep_text_that_looks_like_a_tag(edge: tuple[Path, ImportReport]) -> None:
    root, _report = edge
    meta, _body = _read(root / "content" / "posts" / "om-html-i-rubriker.md")
    assert meta["title"] == "Om <html> och <body> i rubriker"


def test_non_latin_slugs_fall_back_to_the_title_or_the_post_id(
        edge: tuple[Path, ImportReport]) -> None:
    root, report = edge
    greek, _ = _read(root / "content" / "posts" / "post-23.md")
    assert greek["title"] == "Καλημέρα"
    assert greek["aliases"][0] == "/ovrigt/καλημέρα-2/"  # the old address still works
    cyrillic, _ = _read(root / "content" / "posts" / "besok-med-kyrillisk-slug.md")
    assert cyrillic["aliases"][0] == "/ovrigt/визит-3/"
    assert not list((root / "content" / "posts").glob("[0-9]*.md"))  # no bare /2/, /3/
    assert "skrevs som post-23" in _warnings(report)[44][0]


def test_media_shortcodes_become_links_to_their_files(edge: tuple[Path, ImportReport]) -> None:
    root, report = edge
    _meta, body = _read(root / "content" / "posts" / "ljud-och-bild.md")
    assert ("[Ljudfil: intervju.mp3](https://www.gammal.example.se/wp-content/uploads/2016/04/"
            "intervju.mp3)") in body
    assert "[Ljudfil: intervju.mp3](/wp-content/uploads/2016/04/intervju.mp3)" in body
    assert "[Videofil: film.mp4](https://www.gammal.example.se/wp-content/uploads" in body
    assert "<https://www.youtube.com/watch?v=abc123>" in body
    assert "[audio" not in body and "[video" not in body and "[playlist" not in body
    assert report.shortcodes == {"audio": 3, "video": 1, "youtube": 1, "playlist": 1}
    assert any("[audio] utan adress" in m for m in _warnings(report)[124])
    assert any("spellista" in m for m in _warnings(report)[124])


def test_without_media_every_file_on_the_old_host_is_listed_with_the_fix(
        edge: tuple[Path, ImportReport]) -> None:
    _root, report = edge
    files = [url for post, url in report.media_on_old_host
             if post == "content/posts/bilder-fran-besoket.md"]
    assert files == [
        "https://www.gammal.example.se/wp-content/uploads/2016/04/mote.png",
        "https://gammal.example.se/wp-content/uploads/2016/04/mote-300x200.png",
        "/wp-content/uploads/2016/04/karta%20%C3%B6ver%20l%C3%A4net.png",
        "http://www.gammal.example.se/wp-content/uploads/2016/04/saknas.png",
    ]  # not the image on another site: that was never the old site's
    assert len(report.media_on_old_host) == 7
    text = report.format()
    assert "fortfarande hämtas från den gamla webbplatsen" in text
    assert f"sitegen import wordpress {EDGE.as_posix()} --media" in text


def test_media_copies_every_referenced_file_and_rewrites_the_links(tmp_path: Path) -> None:
    root = _site(tmp_path)
    report = import_wordpress(EDGE, root, media=MEDIA)
    static = root / "static" / "wp-content" / "uploads" / "2016" / "04"
    assert sorted(p.name for p in static.iterdir()) == [
        "film.mp4", "intervju.mp3", "karta över länet.png", "mote.png"]
    assert (static / "mote.png").read_bytes() == (MEDIA / "2016" / "04" / "mote.png").read_bytes()
    _meta, body = _read(root / "content" / "posts" / "bilder-fran-besoket.md")
    # The resized copy is not in the folder: the full-size image stands in for it.
    assert ("[![Mötet i stadshuset](/wp-content/uploads/2016/04/mote.png)]"
            "(/wp-content/uploads/2016/04/mote.png)") in body
    assert "![Karta över länet](/wp-content/uploads/2016/04/karta%20%C3%B6ver%20l%C3%A4net.png)" \
        in body
    assert report.media_missing == [("content/posts/bilder-fran-besoket.md",
                                     "2016/04/saknas.png")]
    assert report.media_on_old_host == []
    _meta, body = _read(root / "content" / "posts" / "ljud-och-bild.md")
    assert "(/wp-content/uploads/2016/04/film.mp4)" in body
    again = import_wordpress(EDGE, root, media=MEDIA)
    assert again.media_copied == [] and again.written == []
    (static / "mote.png").write_bytes(b"redaktorens egen bild")
    kept = import_wordpress(EDGE, root, media=MEDIA)
    assert kept.media_kept == ["static/wp-content/uploads/2016/04/mote.png"]
    assert (static / "mote.png").read_bytes() == b"redaktorens egen bild"


def test_visits_get_themes_and_a_municipality_suggested_from_their_text(
        edge: tuple[Path, ImportReport]) -> None:
    root, report = edge
    meta, _body = _read(root / "content" / "posts" / "samtal-i-ljusdal.md")
    assert meta["municipalities"] == ["Ljusdal"]
    assert meta["themes"] == ["Personalförsörjning", "Familjerådslag"]
    assert meta["suggested"]["themes"].startswith("Personalförsörjning: 3 träffar")
    meta, _body = _read(root / "content" / "posts" / "kommunbesok-i-harjedalen.md")
    assert meta["municipalities"] == ["Härjedalen"]  # the title names it: not a guess
    assert list(meta["suggested"]) == ["themes"]
    meta, _body = _read(root / "content" / "posts" / "ett-besok-utan-spar.md")
    assert meta["category"] == "ovrigt" and "suggested" not in meta
    assert "/kommunbesok/ett-besok-utan-spar/" in meta["aliases"]  # the old link lives on
    assert report.todo == [("content/posts/ett-besok-utan-spar.md",
                            "varken kommun eller tema hittades i texten, så inlägget skrevs i "
                            "kategorin ovrigt; lägg till municipalities:, themes: och ändra "
                            "till category: kommunbesok för att göra det till ett kommunbesök")]
    assert [path for path, _ in report.suggestions] == [
        "content/posts/samtal-i-ljusdal.md", "content/posts/kommunbesok-i-harjedalen.md"]


def test_item_lines_skip_items_quoted_in_post_bodies() -> None:
    source = ("<rss>\n<channel>\n<item>\n<content:encoded><![CDATA[\n<item>\n<item>\n]]>"
              "</content:encoded>\n</item>\n<!-- <item> -->\n<item>\n</item>\n</channel>\n</rss>\n")
    assert wxr.item_lines(source) == [3, 10]


@pytest.mark.parametrize("export", ["blog-1.2-https.xml", "classic.xml", "edge-cases.xml"])
def test_every_fixture_builds_without_a_hand_edit(tmp_path: Path, export: str) -> None:
    root = _site(tmp_path)
    shutil.copy(ROOT / "site.yaml", root / "site.yaml")
    for folder in ("layouts", "assets"):
        shutil.copytree(ROOT / folder, root / folder)
    import_wordpress(WXR / export, root, media=MEDIA)
    result = build(root, with_search=False)
    assert result.posts == len(list((root / "content" / "posts").glob("*.md"))) - len(
        [p for p in (root / "content" / "posts").glob("*.md") if "draft: true" in p.read_text()])


def test_suggested_archive_redirects_are_held_to_the_build_rule(tmp_path: Path) -> None:
    export = tmp_path / "tags.xml"
    text = EDGE.read_text("utf-8").replace(
        '<category domain="post_tag" nicename="fika"><![CDATA[Fika]]></category>',
        '<category domain="post_tag" nicename="%ce%b1%ce%b8%ce%ae%ce%bd%ce%b1"><![CDATA['
        'Ljusdal]]></category><category domain="post_tag" nicename="%e2%80%aeljusdal">'
        "<![CDATA[Ljusdal kommun]]></category>")
    export.write_text(text, "utf-8")
    report = import_wordpress(export, _site(tmp_path))
    assert report.site_aliases["/tag/αθήνα/"] == "/kommun/ljusdal/"  # decoded, as served
    assert not any("\u202e" in old for old in report.site_aliases)
    assert any("U+202E" in w.message and w.line == 0 for w in report.warnings)
