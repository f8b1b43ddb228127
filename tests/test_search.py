"""Search (Pagefind): what the build marks for indexing, the Swedish index, and a missing
or failing Pagefind binary."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from sitegen import search
from sitegen.build import build
from sitegen.errors import SitegenError

REPO = Path(__file__).resolve().parent.parent


def copy_site(target: Path) -> Path:
    for name in ("content", "layouts", "assets"):
        shutil.copytree(REPO / name, target / name)
    shutil.copy(REPO / "site.yaml", target / "site.yaml")
    return target


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_site(tmp_path_factory.mktemp("site"))
    build(root, with_search=True)
    return root / "output"


def attrs(html: str, kind: str) -> list[tuple[str, str]]:
    """(name, value) of every `data-pagefind-<kind>="name[data-v]" data-v="value"`."""
    return re.findall(rf'data-pagefind-{kind}="([^"\[]+)\[data-v\]" data-v="([^"]*)"', html)


def read(output: Path, url: str) -> str:
    return (output / url.strip("/") / "index.html").read_text(encoding="utf-8")


def test_post_is_indexed_with_its_filters(built: Path) -> None:
    html = read(built, "/kommunbesok/familjeradslag-i-botkyrka/")
    assert html.count("data-pagefind-body") == 1
    assert '<html lang="sv">' in html
    filters = attrs(html, "filter")
    assert ("kommun", "Botkyrka") in filters
    assert ("län", "Stockholms län") in filters  # from the register, not the post
    assert ("typ", "Kommunbesök") in filters
    assert {v for k, v in filters if k == "tema"} == {
        "Personalförsörjning", "Familjerådslag", "Delaktighet", "Ensamkommande barn"}
    meta = dict(attrs(html, "meta"))
    assert meta == {"datum": "Datum saknas", "kommuner": "Botkyrka"}
    # The imported posts lost their dates: no year filter and no sort key.
    assert not [k for k, _ in filters if k == "år"]
    assert attrs(html, "sort") == []


def test_revisit_is_typed_aterbesok(built: Path) -> None:
    filters = attrs(read(built, "/kommunbesok/aterbesok-i-botkyrka/"), "filter")
    assert ("typ", "Återbesök") in filters
    assert ("typ", "Kommunbesök") not in filters


def test_plain_page_is_indexed(built: Path) -> None:
    html = read(built, "/om-bloggen/")
    assert "data-pagefind-body" in html
    assert attrs(html, "filter") == [("typ", "Sida")]


@pytest.mark.parametrize("url", ["/", "/kommun/", "/kommun/botkyrka/", "/lan/stockholms-lan/",
                                 "/tema/", "/tema/familjeradslag/", "/arkiv/", "/kommunbesok/",
                                 "/handlingsplaner/", "/medskick/", "/sok/"])
def test_list_pages_are_not_results(built: Path, url: str) -> None:
    assert "data-pagefind-body" not in read(built, url)


def test_one_swedish_index(built: Path) -> None:
    entry = json.loads((built / "pagefind" / "pagefind-entry.json").read_text())
    assert entry["version"] == "1.5.2"
    assert list(entry["languages"]) == ["sv"]
    posts_and_pages = [*(REPO / "content" / "posts").glob("*.md"),
                       *(REPO / "content" / "pages").glob("*.md")]
    assert entry["languages"]["sv"]["page_count"] == len(posts_and_pages)
    assert entry["languages"]["sv"]["wasm"] == "sv"  # the Swedish stemmer is bundled
    assert (built / "pagefind" / "wasm.sv.pagefind").is_file()


def test_search_page(built: Path) -> None:
    html = read(built, "/sok/")
    script = re.search(r'<script type="module" src="(/assets/search\.[0-9a-f]{10}\.js)">', html)
    assert script, "search.js is loaded as a hashed module"
    assert (built / script.group(1).lstrip("/")).is_file()
    assert '<label for="sok-fraga">' in html and 'id="sok-fraga"' in html
    assert 'role="status"' in html and 'aria-live="polite"' in html
    # Without JavaScript the page says so and points at the indexes.
    assert 'href="/kommun/"' in html and 'href="/tema/"' in html
    assert "<style" not in html and "<script>" not in html and " style=" not in html
    js = (built / script.group(1).lstrip("/")).read_text(encoding="utf-8")
    assert 'import("/pagefind/pagefind.js")' in js
    assert "http" not in js.replace("history", "")  # nothing from elsewhere


def test_missing_binary_is_a_clear_error_and_keeps_the_old_site(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_site(tmp_path)
    build(root, with_search=False)
    before = (root / "output" / "index.html").read_bytes()
    (root / "content" / "posts" / "amal-sticker-ut.md").write_text(
        (root / "content" / "posts" / "amal-sticker-ut.md").read_text(encoding="utf-8")
        .replace("title: Åmål sticker ut!", "title: Åmål sticker ut igen!"), encoding="utf-8")
    monkeypatch.setattr(search, "pagefind_binary", lambda: tmp_path / "finns-inte" / "pagefind")
    with pytest.raises(SitegenError) as caught:
        build(root, with_search=True)
    message = "\n".join(map(str, caught.value.problems))
    assert "Pagefind kunde inte startas" in message
    assert (root / "output" / "index.html").read_bytes() == before
    assert not (root / "output" / "pagefind").exists()
    assert "sticker ut igen" not in (root / "output" / "index.html").read_text(encoding="utf-8")
    # no staging folder left behind (the cache folder and the build lock are sitegen's own)
    assert {p.name for p in tmp_path.iterdir()} - {".sitegen-cache", ".output.lock"} == {
        "assets", "content", "layouts", "output", "site.yaml"}


def test_uninstalled_pagefind_is_a_clear_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_site(tmp_path)
    monkeypatch.setattr(search, "pagefind_binary", lambda: None)
    with pytest.raises(SitegenError) as caught:
        build(root, with_search=True)
    assert "Pagefind saknas" in str(caught.value.problems[0])
    assert "--no-search" in str(caught.value.problems[0])
    assert not (root / "output").exists()


def test_failing_binary_is_a_clear_error(tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_site(tmp_path / "site")
    fake = tmp_path / "pagefind"
    fake.write_text("#!/bin/sh\necho 'Error: could not read the site' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setattr(search, "pagefind_binary", lambda: fake)
    with pytest.raises(SitegenError) as caught:
        build(root, with_search=True)
    problem = caught.value.problems[0]
    assert str(problem) == "pagefind: Pagefind misslyckades: Error: could not read the site"
    assert not (root / "output").exists()
    assert {p.name for p in (tmp_path / "site").iterdir()} - {".sitegen-cache", ".output.lock"} == {
        "assets", "content", "layouts", "site.yaml"}


def test_search_runs_pagefind_in_swedish(tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "pagefind"
    log = tmp_path / "args"
    fake.write_text(f'#!/bin/sh\necho "$@" > {log}\necho "Indexed 3 pages"\n')
    fake.chmod(0o755)
    monkeypatch.setattr(search, "pagefind_binary", lambda: fake)
    result = search.index_site(tmp_path)
    assert isinstance(result, search.SearchResult) and result.pages == 3
    assert log.read_text().split() == [
        "--site", str(tmp_path), "--output-subdir", "pagefind", "--force-language", "sv"]


def test_pagefind_reads_only_the_folders_of_result_pages(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "pagefind"
    log = tmp_path / "args"
    fake.write_text(f'#!/bin/sh\necho "$@" > {log}\necho "Indexed 3 pages"\n')
    fake.chmod(0o755)
    monkeypatch.setattr(search, "pagefind_binary", lambda: fake)
    search.index_site(tmp_path, frozenset({"om-bloggen", "kommunbesok"}))
    assert log.read_text().split()[-2:] == ["--glob", "{kommunbesok,om-bloggen}/**/*.html"]
    search.index_site(tmp_path, frozenset({"kommunbesok"}))
    assert log.read_text().split()[-2:] == ["--glob", "kommunbesok/**/*.html"]


def test_a_layout_that_marks_more_pages_gets_them_indexed(tmp_path: Path) -> None:
    # Which folders Pagefind reads follows the layouts: marking the theme pages as
    # results makes every theme page a result too.
    root = copy_site(tmp_path / "site")
    layout = root / "layouts" / "theme.html"
    layout.write_text(layout.read_text("utf-8").replace(
        "{% block main %}", "{% block main %}<div data-pagefind-body>", 1).replace(
        "{% endblock %}", "</div>{% endblock %}"), "utf-8")
    build(root, with_search=True)
    output = root / "output"
    themes = [p for p in (output / "tema").rglob("index.html") if p.parent != output / "tema"]
    entry = json.loads((output / "pagefind" / "pagefind-entry.json").read_text())
    posts_and_pages = [*(root / "content" / "posts").glob("*.md"),
                       *(root / "content" / "pages").glob("*.md")]
    assert themes and entry["languages"]["sv"]["page_count"] == len(posts_and_pages) + len(
        themes)
