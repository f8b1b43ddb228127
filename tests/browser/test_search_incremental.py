"""An index brought up to date shard by shard answers as a cold one does: the same
results, in the same order, for a set of queries, after an edit, an addition and a
deletion (in Chromium, through the search page's own index module). And an index whose
word chunks are cut small (sitegen.search.chunks) answers as Pagefind's own chunks do."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from conftest import copy_repo_site, set_shard_pages

from sitegen import search
from sitegen.build import build
from sitegen.search import chunks

QUERIES = ["botkyrka", "familjerådslagen", "glasbruksmuseet", "samverkan skolan",
           "kompetensförsörjning", "åmål", "amal", "utredning"]
ASK = """async ([queries]) => {
  const html = await (await fetch('/sok/')).text();
  const engine = html.split('data-engine="')[1].split('"')[0];
  const { openIndex } = await import(engine);
  const index = await openIndex('/pagefind/');
  const out = {};
  for (const q of queries) {
    const found = await index.search(q, {}, '');
    out[q] = (await found.next(100)).map((d) => d.url);
  }
  return out;
}"""


def answers(chromium: Any, serve_dir: Callable[..., str], output: Path,
            queries: list[str] = QUERIES) -> Any:
    context = chromium.new_context()
    try:
        page = context.new_page()
        page.goto(serve_dir(output) + "/om-bloggen/")
        return page.evaluate(ASK, [queries])
    finally:
        context.close()


def test_incremental_search_answers_like_cold(tmp_path: Path, chromium: Any,
                                              serve_dir: Callable[..., str]) -> None:
    root = copy_repo_site(tmp_path / "site")
    set_shard_pages(root, 2)  # 7 pages in 4 shards
    build(root)
    posts = root / "content" / "posts"
    edited = posts / "familjeradslag-i-botkyrka.md"
    edited.write_text(edited.read_text("utf-8") + "\nVi besökte också glasbruksmuseet.\n",
                      "utf-8")
    (posts / "ett-nytt-besok.md").write_text(
        "---\ntitle: Ett nytt besök\ndate: 2017-05-02\nmunicipalities: [Åmål]\n"
        "themes: [Samverkan]\n---\nSamverkan med skolan och glasbruksmuseet.\n", "utf-8")
    (posts / "sandviken-samarbetar-med-hogskolor-och-universitet.md").unlink()
    assert build(root).searched
    incremental = answers(chromium, serve_dir, root / "output")
    cold = copy_repo_site(tmp_path / "cold", items=("layouts", "assets"))
    shutil.copytree(root / "content", cold / "content")
    set_shard_pages(cold, 2)
    build(cold)
    assert answers(chromium, serve_dir, cold / "output") == incremental
    assert len(incremental["glasbruksmuseet"]) == 2
    assert not any("sandviken" in url for urls in incremental.values() for url in urls)


def test_small_chunks_answer_like_pagefinds_own(tmp_path: Path, chromium: Any,
                                                serve_dir: Callable[..., str],
                                                monkeypatch: Any) -> None:
    root = copy_repo_site(tmp_path / "site")
    build(root, with_search=False)
    sites = {}
    for split in (False, True):
        out = tmp_path / f"split-{split}"
        shutil.copytree(root / "output", out)
        monkeypatch.setattr(chunks, "TARGET", 300)  # a small site: cut it finely
        done = search.update_index(out, out / "pagefind", None, lambda: None, None,
                                   size=1000, split_chunks=split)
        assert isinstance(done, search.SearchResult)
        sites[split] = out
    count = [len(list(sites[s].glob("pagefind/0/index/*"))) for s in (False, True)]
    assert count[1] > 2 * count[0]
    # Whole words, and starts of words (Pagefind finds longer words in the chunks it loads).
    queries = [*QUERIES, "utred", "familj", "kompetens", "sam", "soc", "ö"]
    plain = answers(chromium, serve_dir, sites[False], queries)
    assert plain["utred"] and plain["soc"]
    assert answers(chromium, serve_dir, sites[True], queries) == plain
