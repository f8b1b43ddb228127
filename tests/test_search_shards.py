"""The search index in shards: the shard rule, which shards a build indexes anew, shards
kept byte for byte, and an incremental index equal to a cold one."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import copy_repo_site as copy_site
from conftest import search_documents, set_shard_pages

from sitegen import links
from sitegen.build import build
from sitegen.search import shards
from sitegen.search.preview import PreviewIndex

REPO = Path(__file__).resolve().parent.parent


def test_shard_count_is_the_smallest_power_of_two_under_the_cap() -> None:
    assert [shards.shard_count(n, 1000) for n in (0, 1, 1000, 1001, 2000, 2001, 10_000)] == [
        1, 1, 1, 2, 2, 4, 16]


def test_a_page_keeps_its_shard_and_shards_are_even() -> None:
    paths = [f"kommunbesok/besok-{i}/index.html" for i in range(4000)]
    first = [shards.shard_of(p, 8) for p in paths]
    assert first == [shards.shard_of(p, 8) for p in paths]  # stable
    sizes = [first.count(n) for n in range(8)]
    assert min(sizes) > 400 and max(sizes) < 600  # about 500 each
    # Doubling the count splits each shard in two (the low bits of the same hash).
    assert all(shards.shard_of(p, 16) % 8 == s for p, s in zip(paths, first, strict=True))


def test_plan_marks_the_shards_that_changed() -> None:
    pages = [f"p{i}/index.html" for i in range(12)]
    cold = shards.plan(pages, None, None, size=4)
    assert len(cold.shards) == 4 and cold.dirty == {0, 1, 2, 3}
    assert shards.plan(pages, cold.shards, frozenset(), size=4).dirty == set()
    edited = pages[5]
    where = shards.shard_of(edited, 4)
    assert shards.plan(pages, cold.shards, frozenset({edited, "x.css"}), 4).dirty == {where}
    added = "ny/index.html"
    grown = shards.plan([*pages, added], cold.shards, frozenset({added}), size=4)
    assert grown.dirty == {shards.shard_of(added, 4)}
    removed = shards.plan(pages[1:], cold.shards, frozenset({pages[0]}), size=4)
    assert removed.dirty == {shards.shard_of(pages[0], 4)}
    # Crossing a power of two re-splits everything, as a cold build would.
    many = [f"q{i}/index.html" for i in range(17)]
    assert shards.plan(many, cold.shards, frozenset(), size=4).dirty == set(range(8))
    assert shards.plan(pages, cold.shards, None, size=4).dirty == {0, 1, 2, 3}


# ---------------------------------------------------------------- builds in shards

def files(folder: Path) -> dict[str, tuple[int, bytes]]:
    return {str(p.relative_to(folder)): (p.stat().st_ino, p.read_bytes())
            for p in sorted(folder.rglob("*")) if p.is_file()}


def shard_of_post(output: Path, slug: str) -> str:
    for listed in (output / "pagefind").glob("*/sitegen-pages.txt"):
        if f"kommunbesok/{slug}/index.html" in listed.read_text().splitlines():
            return listed.parent.name
    raise AssertionError(slug)


def test_an_edit_reindexes_only_its_shard(tmp_path: Path) -> None:
    root = copy_site(tmp_path / "site")
    set_shard_pages(root, 2)  # 7 pages: 4 shards
    out = root / "output"
    assert build(root).searched
    manifest = json.loads((out / "pagefind" / "shards.json").read_text())
    assert [s["path"] for s in manifest["shards"]] == ["0/", "1/", "2/", "3/"]
    assert sum(s["pages"] for s in manifest["shards"]) == 7
    before = {n: files(out / "pagefind" / n) for n in "0123"}
    edited = shard_of_post(out, "amal-sticker-ut")
    post = root / "content" / "posts" / "amal-sticker-ut.md"
    post.write_text(post.read_text("utf-8") + "\nHär nämns glasbruksmuseet.\n", "utf-8")
    result = build(root)
    assert result.searched
    for n in "0123":
        after = files(out / "pagefind" / n)
        if n == edited:
            assert after != before[n]
        else:
            assert after == before[n]  # the same files: same bytes, same inodes
    assert "glasbruksmuseet" in json.dumps(search_documents(out / "pagefind"), ensure_ascii=False)
    # Nothing indexed changed: Pagefind does not run and the bundle stays as it is.
    kept = files(out / "pagefind")
    (root / "static").mkdir()
    (root / "static" / "karta.txt").write_text("en fil som inget indexerat visar\n")
    again = build(root)
    assert again.changed and not again.searched
    assert files(out / "pagefind") == kept


def test_a_title_edit_reindexes_only_the_pages_pagefind_reads_anew(tmp_path: Path) -> None:
    # A new title changes the neighbours' pages too (their previous/next links, related
    # visits), outside the indexed article: their shards are kept as they are.
    root = copy_site(tmp_path / "site")
    set_shard_pages(root, 2)  # 7 pages: 4 shards
    out = root / "output"
    build(root)
    before = {n: files(out / "pagefind" / n) for n in "0123"}
    pages = {p: p.read_bytes() for p in out.glob("kommunbesok/*/index.html")}
    edited = shard_of_post(out, "amal-sticker-ut")
    post = root / "content" / "posts" / "amal-sticker-ut.md"
    post.write_text(post.read_text("utf-8").replace("title: ", "title: Ny rubrik, ", 1), "utf-8")
    assert build(root).searched
    neighbours = {p.parent.name for p, data in pages.items()
                  if p.read_bytes() != data and p.parent.name != "amal-sticker-ut"}
    elsewhere = {shard_of_post(out, slug) for slug in neighbours} - {edited}
    assert elsewhere, "no neighbour in another shard: the test shows nothing"
    for n in "0123":
        assert (files(out / "pagefind" / n) == before[n]) is (n != edited), n
    titles = {page["meta"]["title"] for page in search_documents(out / "pagefind").values()}
    assert any(title.startswith("Ny rubrik, ") for title in titles)


@pytest.mark.parametrize("change", ["edit", "add", "delete", "title"])
def test_incremental_index_equals_cold(tmp_path: Path, change: str) -> None:
    root = copy_site(tmp_path / "site")
    set_shard_pages(root, 2)  # 7 pages: 4 shards
    build(root)
    posts = root / "content" / "posts"
    if change == "edit":
        post = posts / "familjeradslag-i-botkyrka.md"
        post.write_text(post.read_text("utf-8").replace("Botkyrka", "Botkyrka kommun", 3),
                        "utf-8")
    elif change == "add":
        (posts / "ett-nytt-besok.md").write_text(
            "---\ntitle: Ett nytt besök\ndate: 2017-05-02\nmunicipalities: [Hörby]\n"
            "themes: [Samverkan]\n---\nVi besökte glasbruksmuseet.\n", "utf-8")
    elif change == "title":  # the neighbours' pages change where Pagefind reads nothing
        post = posts / "amal-sticker-ut.md"
        post.write_text(post.read_text("utf-8").replace("title: ", "title: Ny rubrik, ", 1),
                        "utf-8")
    else:
        (posts / "amal-sticker-ut.md").unlink()
    build(root)
    incremental = search_documents(root / "output" / "pagefind")
    split = root / "output" / "pagefind"
    pages = {p.parent.name: p.read_text() for p in split.glob("*/sitegen-pages.txt")}
    shutil.rmtree(root / "output")
    shutil.rmtree(root / ".sitegen-cache")
    build(root)
    assert search_documents(root / "output" / "pagefind") == incremental
    assert {p.parent.name: p.read_text() for p in split.glob("*/sitegen-pages.txt")} == pages
    assert len(incremental) == 7 + {"edit": 0, "add": 1, "delete": -1, "title": 0}[change]


# ---------------------------------------------------------------- the preview's index

def test_the_manifest_says_when_the_index_is_being_updated(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "a" / "index.html").write_text(
        '<html lang="sv"><body><main data-pagefind-body><h1>Ett</h1><p>glas</p></main>'
        "</body></html>")
    index = PreviewIndex(site, tmp_path / "index")
    index.refresh()  # not started yet: the update waits, the manifest already says so
    manifest = tmp_path / "index" / "pagefind" / "shards.json"
    assert json.loads(manifest.read_text()) == {"shards": [], "updating": True}
    index.start()
    try:
        assert index.wait(60)
        done = json.loads(manifest.read_text())
        assert "updating" not in done and done["shards"] == [{"path": "0/", "pages": 1}]
        # Nothing changed: the next update indexes nothing anew and keeps the files.
        served = tmp_path / "index" / "pagefind"
        before = {p: p.stat().st_ino for p in served.rglob("*.pf_*")}
        index.refresh()
        assert index.wait(60)
        assert {p: p.stat().st_ino for p in served.rglob("*.pf_*")} == before
        assert "updating" not in json.loads(manifest.read_text())
    finally:
        index.stop()


def test_an_update_starts_from_the_index_before_and_links_only_what_changed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    for n in range(100):  # two shards of the small preview's size
        (site / f"p{n}").mkdir(parents=True)
        (site / f"p{n}" / "index.html").write_text(
            f'<html lang="sv"><body><main data-pagefind-body><h1>Sida {n}</h1><p>glas '
            f"nummer {n}</p></main></body></html>")
    linked: list[str] = []
    real = links.sync_tree

    def counted(source: Path, target: Path) -> None:
        if target.parent.name.startswith("pagefind"):  # a shard (not its subfolders)
            linked.append(target.name)
        real(source, target)

    monkeypatch.setattr(links, "sync_tree", counted)
    index = PreviewIndex(site, tmp_path / "index")
    index.start()
    served = tmp_path / "index" / "pagefind"
    try:
        updates = []
        for text in ("", "kristallkrona", "ljusstake"):
            if text:
                page = site / "p7" / "index.html"
                page.write_text(page.read_text().replace("</p>", f" {text}</p>"))
            linked.clear()
            index.refresh()
            assert index.wait(60)
            updates.append((len(linked), json.loads((served / "shards.json").read_text())))
        assert [len(u[1]["shards"]) for u in updates] == [2, 2, 2]
        # Cold: nothing to link. First edit: the other shard is linked from the served
        # index. Second edit of the same shard: the index before already holds the other
        # shard as served, so nothing is linked.
        assert [count for count, _ in updates] == [0, 1, 0]
        assert "ljusstake" in search_documents(served)["/p7/"]["content"]
    finally:
        index.stop()

