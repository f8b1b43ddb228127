"""Search (Pagefind): what the build marks for indexing, the Swedish index, and a missing
or failing Pagefind binary."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import copy_repo_site as copy_site

from sitegen import search
from sitegen.build import build
from sitegen.errors import SitegenError
from sitegen.search import pagefind

REPO = Path(__file__).resolve().parent.parent


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
    # The themes with the vocabulary's synonyms are searchable metadata ("IVO", …).
    assert meta.pop("teman").startswith("Personalförsörjning, Rekrytering, Personalomsättning, "
                                        "Kompetensförsörjning, Attraktiv arbetsgivare, "
                                        "Familjerådslag, Nätverksmöten")
    assert meta == {"datum": "Datum saknas", "kommuner": "Botkyrka"}
    # The header is furniture: not indexed as text, but its h1 is the result's title.
    start = html.index("<header data-pagefind-ignore>")
    header = html[start:html.index("</header>", start)]
    assert '<h1 data-pagefind-meta="title">Familjerådslag i Botkyrka</h1>' in header
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
    manifest = json.loads((built / "pagefind" / "shards.json").read_text())
    assert manifest["shards"] == [{"path": "0/", "pages": 7}]  # a small site: one shard
    built = built / "pagefind" / "0"
    entry = json.loads((built / "pagefind-entry.json").read_text())
    assert entry["version"] == "1.5.2"
    assert list(entry["languages"]) == ["sv"]
    posts_and_pages = [*(REPO / "content" / "posts").glob("*.md"),
                       *(REPO / "content" / "pages").glob("*.md")]
    assert entry["languages"]["sv"]["page_count"] == len(posts_and_pages)
    assert entry["languages"]["sv"]["wasm"] == "sv"  # the Swedish stemmer is bundled
    assert (built / "wasm.sv.pagefind").is_file()
    # Pagefind's ready-made interfaces are not used, so not published.
    assert not list(built.glob("pagefind-*ui*")) and (built / "pagefind.js").is_file()


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
    engine = re.search(r'data-engine="(/assets/search-engine\.[0-9a-f]{10}\.js)"', html)
    assert engine and 'data-bundle="/pagefind/"' in html
    engine_js = (built / engine.group(1).lstrip("/")).read_text(encoding="utf-8")
    assert "import(root.dataset.engine)" in js and "pagefind.js" in engine_js
    for code in (js, engine_js):
        assert "http" not in code.replace("history", "")  # nothing from elsewhere
    # The names a search that finds nothing may have meant: inert, in a template.
    names = re.search(r"<template data-search-names>(.*?)</template>", html, re.S)
    assert names and '<a href="/kommun/botkyrka/" data-kind="kommun">Botkyrka</a>' in names[1]
    assert 'data-kind="tema" data-synonyms="Rekrytering|Personalomsättning|' in names[1]


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


@pytest.mark.parametrize("fast", [pagefind.FAST_PATHS, pagefind.PLAIN], ids=["glob", "scratch"])
def test_search_runs_pagefind_in_swedish_over_the_shards_pages(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fast: pagefind.FastPaths) -> None:
    # Pagefind reads the shard's pages only, at their paths: named in a glob, or from a
    # scratch folder that holds only them.
    fake = tmp_path / "pagefind"
    log = tmp_path / "args"
    fake.write_text(f'#!/bin/sh\necho "$@" > {log}\nfind "$2" -type f | sort >> {log}\n'
                    'echo "Found 1 file matching"\necho "Indexed 1 page"\n')
    fake.chmod(0o755)
    monkeypatch.setattr(search, "pagefind_binary", lambda: fake)
    site = tmp_path / "site"
    (site / "a" / "b").mkdir(parents=True)
    (site / "a" / "b" / "index.html").write_text("<article data-pagefind-body>x</article>")
    (site / "a" / "index.html").write_text("<p>data-pagefind-body, as text only</p>")
    plan = search.plan_index(site, None, lambda: None, None, size=10)
    result = search.write_index(plan, site / "pagefind", fast=fast,
                                split_chunks=False)  # the fake writes no bundle to split
    assert isinstance(result, search.SearchResult)
    assert (result.pages, result.shards, result.reindexed) == (1, 1, 1)
    args = log.read_text().splitlines()[0].split()
    scratch = site / ".sitegen-search" / "0"
    read = ["--site", str(site), "--glob", "{a/b/index.html}"] if fast.glob else [
        "--site", str(scratch)]
    assert args == [*read, "--output-path", str(site / "pagefind" / "0"),
                    "--force-language", "sv"]
    if not fast.glob:
        assert log.read_text().splitlines()[1:] == [str(scratch / "a" / "b" / "index.html")]
    assert not scratch.exists()
    manifest = json.loads((site / "pagefind" / "shards.json").read_text())
    assert manifest == {"format": 2, "pagefind": "1.5.2", "language": "sv",
                        "shards": [{"path": "0/", "pages": 1}]}
    assert (site / "pagefind" / "0" / "sitegen-pages.txt").read_text() == "a/b/index.html\n"


def test_only_the_folders_of_result_pages_are_read(tmp_path: Path) -> None:
    site = tmp_path / "site"
    for folder in ("kommunbesok/x", "om-bloggen", "kommun/y"):
        (site / folder).mkdir(parents=True)
        (site / folder / "index.html").write_text("<main data-pagefind-body>x</main>")
    asked = []

    def folders() -> frozenset[str]:
        asked.append(True)
        return frozenset({"kommunbesok", "om-bloggen"})

    assert search.indexed_pages(site, folders, None, None) == {
        "kommunbesok/x/index.html", "om-bloggen/index.html"}
    # With the published split and the changed paths known, only changed pages are read.
    previous = (("kommunbesok/x/index.html",),)
    changed = frozenset({"om-bloggen/index.html", "kommun/y/index.html", "style.css"})
    assert search.indexed_pages(site, folders, previous, changed) == {
        "kommunbesok/x/index.html", "om-bloggen/index.html", "kommun/y/index.html"}
    assert len(asked) == 1


def test_pages_the_build_rendered_are_not_read_back(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # The build says which pages it rendered are results; only the others are read.
    site = tmp_path / "site"
    for folder in ("a", "b", "c"):
        (site / folder).mkdir(parents=True)
    (site / "a" / "index.html").write_text("<main data-pagefind-body>x</main>")
    (site / "b" / "index.html").write_text("<p>data-pagefind-body, as text only</p>")
    (site / "c" / "index.html").write_text("<main data-pagefind-body>x</main>")
    read: list[str] = []
    real = search._marked
    monkeypatch.setattr(search, "_marked", lambda file: read.append(file.parent.name)
                        or real(file))
    known = {"a/index.html": True, "b/index.html": False}
    plan = search.plan_index(site, None, lambda: None, None, size=10, known=known)
    assert plan.todo.shards == (("a/index.html", "c/index.html"),)
    assert read == ["c"]
    # Known or read, the same pages are results.
    assert search.indexed_pages(site, lambda: None, None, None) == {
        "a/index.html", "c/index.html"}


def test_the_build_knows_which_rendered_pages_are_results(tmp_path: Path) -> None:
    root = copy_site(tmp_path / "site")
    done: list[dict[str, bool]] = []
    real = search.plan_index

    def spy(*args: object, **kwargs: object) -> search.IndexPlan:
        done.append(kwargs["known"])  # type: ignore[arg-type]
        return real(*args, **kwargs)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search, "plan_index", spy)
        build(root, with_search=True)
    known = done[0]
    output = root / "output"
    assert known and known == {
        path: search._marked(output / path) for path in known}
    results = {path for path, marked in known.items() if marked}
    posts = len(list((root / "content" / "posts").glob("*.md")))
    assert len([p for p in results if p.count("/") == 2]) == posts


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
    entry = json.loads((output / "pagefind" / "0" / "pagefind-entry.json").read_text())
    posts_and_pages = [*(root / "content" / "posts").glob("*.md"),
                       *(root / "content" / "pages").glob("*.md")]
    assert themes and entry["languages"]["sv"]["page_count"] == len(posts_and_pages) + len(
        themes)
