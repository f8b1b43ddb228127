"""Incremental builds redo only what changed, and their output is byte for byte the
output of a cold build of the same input."""

from __future__ import annotations

import os
import shutil
import sqlite3
from importlib import metadata
from pathlib import Path

import pytest

from sitegen import cachekey, content, overview
from sitegen.build import BuildResult, build, load
from sitegen.errors import SitegenError
from sitegen.incremental import CACHE_DIR, PageCache, input_digest, site_salt
from sitegen.parsecache import ParseCache
from sitegen.registry import default_register


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and p.name != ".sitegen-output"}


def cold(root: Path, tmp_path: Path, name: str) -> dict[str, bytes]:
    out = tmp_path / name
    build(root, out, incremental_build=False, with_search=False)
    return snapshot(out)


@pytest.fixture
def site(make_site) -> Path:  # type: ignore[no-untyped-def]
    root: Path = make_site("basic")
    first = build(root, with_search=False)
    assert first.changed == first.files  # a first build writes everything
    return root


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The source paths of the posts parsed from here on (not read back from a cache)."""
    found: list[str] = []
    parse_post = content.parse_post

    def counted(source, ctx, problems):  # type: ignore[no-untyped-def]
        found.append(source.path)
        return parse_post(source, ctx, problems)

    monkeypatch.setattr(content, "parse_post", counted)
    return found


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new), "utf-8")


def test_noop_rebuild_renders_and_writes_nothing(site: Path) -> None:
    index = site / "output" / "index.html"
    inode = index.stat().st_ino
    result = build(site, with_search=False)
    assert (result.rendered, result.changed) == (0, 0)
    assert index.stat().st_ino == inode  # output/ was not even swapped


def test_one_post_edited_rerenders_few_pages_and_matches_cold(site: Path,
                                                              tmp_path: Path) -> None:
    untouched = site / "output" / "kommun" / "haabo" / "index.html"
    mtime = untouched.stat().st_mtime_ns
    edit(site / "content/posts/aterbesok-i-habo.md", "Vi kom tillbaka", "Vi kom äntligen tillbaka")
    result: BuildResult = build(site, with_search=False)
    assert 0 < result.rendered < result.files / 2
    assert result.changed >= 1
    assert "äntligen" in (site / "output/kommunbesok/aterbesok-i-habo/index.html").read_text()
    assert untouched.stat().st_mtime_ns == mtime  # unchanged files keep their mtime (rsync)
    assert snapshot(site / "output") == cold(site, tmp_path, "cold")


@pytest.mark.parametrize("change", ["template", "settings", "theme", "title", "delete"])
def test_every_kind_of_change_matches_a_cold_build(site: Path, tmp_path: Path,
                                                   change: str) -> None:
    if change == "template":
        edit(site / "layouts/base.html", "Hoppa till innehållet", "Till innehållet")
    elif change == "settings":
        edit(site / "site.yaml", "title: Testbloggen", "title: Provbloggen")
    elif change == "theme":
        edit(site / "content/themes.yaml", "Att rekrytera", "Att hitta")
    elif change == "title":
        edit(site / "content/posts/besok-i-habo-och-haabo.md", "title: Besök i Håbo",
             "title: Ett besök i Håbo")
    else:
        (site / "content/posts/en-dialog.md").unlink()
    result = build(site, with_search=False)
    assert result.changed >= 1
    assert snapshot(site / "output") == cold(site, tmp_path, "cold")


def test_search_index_is_rebuilt_only_when_an_indexed_page_changes(make_site,  # type: ignore[no-untyped-def]
                                                                   tmp_path: Path) -> None:
    root: Path = make_site("basic")
    assert build(root).searched
    entry = root / "output/pagefind/shards.json"
    assert entry.is_file()
    again = build(root)
    assert not again.searched and entry.is_file()
    edit(root / "content/posts/en-dialog.md", "inte är ett besök", "inte är något besök")
    assert build(root).searched
    assert (root / "output/pagefind/0/pagefind-entry.json").is_file()
    # a build without search after one with it drops the index, as a cold build would
    assert not build(root, with_search=False).searched
    assert not (root / "output/pagefind").exists()


def test_a_plan_edit_rerenders_a_terms_first_page_only(site: Path) -> None:
    # a term's plan and national input are on its first page only, so editing one item
    # must not re-render (change the fingerprint of) every page of the term
    post = site / "content/posts/besok-i-habo-och-haabo.md"
    edit(post, "themes: [Personalförsörjning]\n", "themes: [Personalförsörjning]\n"
         "national_input:\n  - text: Fler praktikplatser.\n    themes: [Personalförsörjning]\n")
    out = site / "output"

    def fingerprints() -> dict[str, str]:
        build(site, with_search=False)
        return PageCache.open(site, out.absolute()).fingerprints

    before = fingerprints()
    edit(post, "Fler praktikplatser.", "Fler praktikplatser i kommunen.")
    after = fingerprints()
    assert "Fler praktikplatser i kommunen." in (
        out / "tema/personalforsorjning/index.html").read_text("utf-8")
    assert before["tema/personalforsorjning/index.html"] != after[
        "tema/personalforsorjning/index.html"]
    assert before["tema/personalforsorjning/sida/2/index.html"] == after[
        "tema/personalforsorjning/sida/2/index.html"]


def test_a_series_of_edits_matches_cold_builds_and_keeps_the_replaced_site(
        site: Path, tmp_path: Path) -> None:
    # From the third build on, the site that was replaced is brought up to date and
    # written into; each step must still equal a cold build of the same input.
    out = site / "output"
    previous = site / ".output.previous"
    post = site / "content/posts/aterbesok-i-habo.md"
    original = post.read_text("utf-8")
    steps = [
        lambda: edit(post, "Vi kom tillbaka", "Vi kom tillbaka en gång till"),
        lambda: edit(site / "content/posts/besok-i-habo-och-haabo.md",
                     "title: Besök i Håbo", "title: Ett besök i Håbo"),
        lambda: post.unlink(),
        lambda: post.write_text(original, "utf-8"),
        lambda: edit(site / "layouts/base.html", "Hoppa till innehållet", "Till innehållet"),
    ]
    for number, step in enumerate(steps):
        before = snapshot(out)
        step()
        result = build(site, with_search=False)
        assert result.changed >= 1
        assert snapshot(out) == cold(site, tmp_path, f"cold-{number}")
        assert snapshot(previous) == before  # the replaced site, complete, beside it
    robots = out / "robots.txt"  # never changed: one file, shared by both sites
    assert robots.stat().st_nlink == 2 and (previous / "robots.txt").samefile(robots)


def test_a_body_edit_reaches_every_page_that_shows_the_body(site: Path,
                                                            tmp_path: Path) -> None:
    # A body-only edit re-renders just the pages whose context holds the post; a layout
    # that shows bodies on the home page makes the home page one of them.
    edit(site / "layouts/home.html", "{{ post_list(latest, 3) }}",
         "{{ post_list(latest, 3) }}{% for p in latest %}{{ p.body_html | safe }}{% endfor %}")
    build(site, with_search=False)
    edit(site / "content/posts/aterbesok-i-habo.md", "Vi kom tillbaka", "Vi kom åter")
    result = build(site, with_search=False)
    assert 0 < result.rendered < result.files / 2
    assert "Vi kom åter" in (site / "output/index.html").read_text("utf-8")
    assert snapshot(site / "output") == cold(site, tmp_path, "cold")


def test_a_file_changed_behind_an_unchanged_mtime_is_read_again(site: Path) -> None:
    # Same size and mtime (as rsync -t or cp -p leave them): the ctime still differs.
    post = site / "content/posts/aterbesok-i-habo.md"
    stat = post.stat()
    text = post.read_text("utf-8")
    post.write_text(text.replace("Vi kom tillbaka", "Vi kom tillbakA"), "utf-8")
    os.utime(post, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert post.stat().st_size == stat.st_size
    build(site, with_search=False)
    assert "Vi kom tillbakA" in (
        site / "output/kommunbesok/aterbesok-i-habo/index.html").read_text("utf-8")


def test_a_damaged_parse_cache_is_started_over(site: Path, tmp_path: Path) -> None:
    (site / ".sitegen-cache" / "parsed.sqlite").write_bytes(b"not a database" * 100)
    edit(site / "content/posts/en-dialog.md", "inte är ett besök", "inte är något besök")
    assert build(site, with_search=False).changed >= 1
    assert snapshot(site / "output") == cold(site, tmp_path, "cold")


def test_a_post_deleted_while_the_kept_site_was_gone_leaves_no_stale_page(
        site: Path, tmp_path: Path) -> None:
    post = site / "content/posts/en-dialog.md"
    page = site / "output/dialoger/en-dialog/index.html"
    edit(post, "inte är ett besök", "inte är något besök")
    build(site, with_search=False)
    shutil.rmtree(site / ".output.previous")  # e.g. cleaned away by hand
    assert page.is_file()
    post.unlink()
    build(site, with_search=False)  # a new staging folder; the replaced site is kept
    edit(site / "content/posts/aterbesok-i-habo.md", "Vi kom tillbaka", "Vi kom åter")
    build(site, with_search=False)  # written into the kept site
    assert not page.exists()
    assert snapshot(site / "output") == cold(site, tmp_path, "cold")


def test_a_damaged_row_of_the_parse_cache_is_parsed_again(site: Path, tmp_path: Path) -> None:
    with sqlite3.connect(site / ".sitegen-cache" / "parsed.sqlite") as db:
        changed = db.execute("UPDATE files SET meta = x'8004' WHERE path LIKE '%habo%'").rowcount
    assert changed >= 1
    edit(site / "content/posts/en-dialog.md", "inte är ett besök", "inte är något besök")
    assert build(site, with_search=False).changed >= 1
    assert snapshot(site / "output") == cold(site, tmp_path, "cold")


def test_a_body_edit_renders_only_the_pages_that_show_that_body(site: Path,
                                                                tmp_path: Path) -> None:
    # The post page and the feeds that carry the body; not the lists, term pages and
    # plan pages that hold the post but never show its body.
    build(site, with_search=False)
    post = site / "content/posts/aterbesok-i-habo.md"
    post.write_text(post.read_text("utf-8") + "\nEtt tillägg i slutet.\n", "utf-8")
    result = build(site, with_search=False)
    shown = {str(p.relative_to(site / "output")) for p in (site / "output").rglob("*")
             if p.is_file() and "Ett tillägg i slutet" in p.read_text("utf-8", "replace")}
    assert "kommunbesok/aterbesok-i-habo/index.html" in shown
    assert result.rendered == len(shown) == result.changed
    assert snapshot(site / "output") == cold(site, tmp_path, "cold")


def test_a_body_shown_in_a_card_reaches_every_list_that_shows_the_card(
        site: Path, tmp_path: Path) -> None:
    # A card is made once per build and reused on every list page (`fragment`); the
    # bodies it shows must count as read by each of those pages, not only the first.
    edit(site / "layouts/macros.html", '<p class="summary">{{ post.summary }}</p>',
         '<div class="summary">{{ post.body_html | safe }}</div>')
    build(site, with_search=False)
    post = site / "content/posts/aterbesok-i-habo.md"  # the body changes, the card not
    post.write_text(post.read_text("utf-8") + "\nEtt tillägg i slutet.\n", "utf-8")
    result = build(site, with_search=False)
    out = site / "output"
    lists = [p for p in out.rglob("*.html") if "post-list" in p.read_text("utf-8")
             and "/kommunbesok/aterbesok-i-habo/" in p.read_text("utf-8")]
    assert len(lists) >= 3  # home, the municipality, its county, themes…
    assert all("Ett tillägg i slutet" in p.read_text("utf-8") for p in lists)
    assert result.rendered < result.files / 2
    assert snapshot(out) == cold(site, tmp_path, "cold")


@pytest.fixture
def data_made(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times the open data were made from here on (one entry a build that made
    them)."""
    made: list[int] = []
    data_files = overview.data_files

    def counted(*args):  # type: ignore[no-untyped-def]
        made.append(1)
        return data_files(*args)

    monkeypatch.setattr(overview, "data_files", counted)
    return made


FIRST_VISIT = "content/posts/forsta-besoket-i-habo.md"


@pytest.mark.parametrize("change, remade, differs", [
    # Only the body: the cards are the same, the files kept without asking their key.
    ("body", False, set()),
    # A heading: the card changes (the body's headings are in it), the data's key not.
    ("heading", False, set()),
    # The first paragraph is the post's summary, a field of besok.csv.
    ("summary", True, {"besok.csv", "besok.json"}),
    # A follow-up's status is a field of planpunkter.csv.
    ("status", True, {"planpunkter.csv", "planpunkter.json"}),
    # A template is no input of the data.
    ("template", False, set()),
])
def test_the_open_data_are_made_again_only_when_what_they_show_changed(
        site: Path, tmp_path: Path, data_made: list[int], change: str, remade: bool,
        differs: set[str]) -> None:
    data = site / "output" / "data"
    files = [p for p in data.iterdir() if p.name != "index.html"]  # not the page
    before = {p.name: (p.read_bytes(), p.stat().st_ino) for p in files}
    if change == "body":
        edit(site / FIRST_VISIT, "Det var svårt att", "Det var mycket svårt att")
    elif change == "heading":
        edit(site / FIRST_VISIT, "## Rekrytering", "## Rekrytering av socionomer")
    elif change == "summary":
        edit(site / FIRST_VISIT, "en kall dag", "en mycket kall dag")
    elif change == "status":
        edit(site / "content/posts/aterbesok-i-habo.md", "status: done", "status: in_progress")
    else:
        edit(site / "layouts/base.html", "Hoppa till innehållet", "Till innehållet")
    result = build(site, with_search=False)
    assert result.changed >= 1
    assert data_made == ([1] if remade else [])
    after = {p.name: (p.read_bytes(), p.stat().st_ino) for p in files}
    assert len(after) == 11
    assert {name for name in before if before[name][0] != after[name][0]} == differs
    # An unchanged file is the published one (hard-linked: rsync sees nothing new).
    assert all(after[name][1] == before[name][1] for name in before if name not in differs)
    assert snapshot(site / "output") == cold(site, tmp_path, "cold")


def test_a_build_with_errors_saves_what_it_parsed(make_site,  # type: ignore[no-untyped-def]
                                                  parsed: list[str]) -> None:
    # Once the errors are fixed, the next build parses only the files that changed.
    root: Path = make_site("invalid-names")
    with pytest.raises(SitegenError):
        build(root, with_search=False)
    parsed.clear()
    with pytest.raises(SitegenError):
        build(root, with_search=False)
    assert parsed == []


def test_a_cache_folder_that_cannot_be_made_is_a_warning_and_the_build_goes_on(
        make_site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root: Path = make_site("basic")
    (root / ".sitegen-cache").write_text("en fil, inte cachen", "utf-8")
    result = build(root, with_search=False)
    assert [p.message for p in result.warnings if p.path == ".sitegen-cache"] == [
        "en fil med det namnet ligger i vägen för mappen; bygget görs utan cache, så nästa "
        "bygge blir inte snabbare"]
    assert (root / ".sitegen-cache").read_text("utf-8") == "en fil, inte cachen"
    assert snapshot(root / "output") == cold(root, tmp_path, "cold")
    again = build(root, with_search=False)  # no cache, so built again, the same
    assert again.site is not None and snapshot(root / "output") == cold(root, tmp_path, "c2")


def test_posts_read_back_share_the_registers_and_vocabularys_objects(site: Path) -> None:
    # Stored by key, not by value: read back, a post's municipality is the register's own
    # object (not a copy) and equal to what parsing gives.
    salt = site_salt(site)
    cache = ParseCache.open(site / CACHE_DIR / "parsed.sqlite", salt,
                            input_digest(site, salt, (False, True))[1])
    read_back = load(site, cache=cache).site
    parsed = load(site).site
    assert read_back.posts == parsed.posts
    municipalities = {m.code: m for m in default_register().municipalities}
    themes = {t.slug: t for t in read_back.themes}
    visits = [p for p in read_back.posts if p.municipalities]
    assert visits and all(m is municipalities[m.code] and m.county is municipalities[m.code].county
                          for p in visits for m in p.municipalities)
    assert all(t is themes[t.slug] for p in read_back.posts for t in p.themes)
    assert all(t is themes[t.slug] for p in read_back.posts for i in p.plan for t in i.themes)


def test_the_versions_the_caches_are_keyed_on_are_the_installed_ones() -> None:
    versions = cachekey.versions()
    assert set(versions) == {"sitegen", "python", *cachekey.RENDERING_LIBRARIES}
    for module, distribution in cachekey.RENDERING_LIBRARIES.items():
        assert versions[module] == metadata.version(distribution)


@pytest.mark.parametrize("what", ["sitegen", "python", *cachekey.RENDERING_LIBRARIES])
def test_a_changed_version_renders_every_page_again(make_site, parsed: list[str],  # type: ignore[no-untyped-def]
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    what: str) -> None:
    # An upgraded library (markdown-it-py's renderer, Jinja, Pagefind …) may change what
    # any page looks like: nothing cached before it may be reused, not even a parsed post.
    root: Path = make_site("basic")
    first = build(root, with_search=False)
    versions = cachekey.versions()
    monkeypatch.setattr(cachekey, "versions", lambda: {**versions, what: versions[what] + "+1"})
    parsed.clear()
    again = build(root, with_search=False)
    assert again.site is not None and again.rendered == first.rendered > 0
    assert sorted(parsed) == sorted(f"content/posts/{p.name}"
                                    for p in (root / "content/posts").glob("*.md"))
