"""Ranking across shards: the search page's merged index must rank like one index would.

A generated site (the benchmark corpus generator: Swedish visit posts) is indexed twice,
in one shard and in four, and a fixed set of queries (inflected forms, municipality names
with and without å/ä/ö, theme words, two-word queries) is asked of both through the
search page's own index module (assets/search-engine.js) in Chromium. The top 3 must
agree for all but one query and the first hit for every one.
"""

from __future__ import annotations

import shutil
import sys
import unicodedata
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from sitegen import search
from sitegen.build import build

REPO = Path(__file__).resolve().parents[2]
POSTS = 400
SHARD = 101  # pages a shard holds at most: 4 shards of the 401 pages
FIXED = [
    # inflected forms (Swedish stemming)
    "familjerådslagen", "utredningarna", "placeringar", "socialsekreteraren",
    "nätverksmöte", "handledningen", "rekryteringen",
    # theme words
    "personalförsörjning", "arbetsmiljö", "digitalisering", "tidsmätning",
    # two-word queries
    "samverkan skolan", "familjehem handledning", "barnens delaktighet", "signs of safety",
]

ASK = """async ([engine, bundle, queries]) => {
  const { openIndex } = await import(engine);
  const index = await openIndex(bundle);
  const out = {};
  for (const q of queries) {
    const found = await index.search(q, {}, "");
    out[q] = { total: found.total, top: (await found.next(3)).map((d) => d.url) };
  }
  return out;
}"""


def fold(name: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", name.lower())
                   if not unicodedata.combining(c))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """The built site with a one-shard index in /single/ and a four-shard one in
    /pagefind/, and the queries."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import generate  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    root = tmp_path_factory.mktemp("ranking") / "site"
    posts, themes = generate.generate(POSTS, 3)
    generate.write_sitegen(root, posts, themes)
    shutil.rmtree(root / "layouts")
    shutil.rmtree(root / "assets")
    shutil.copytree(REPO / "layouts", root / "layouts")
    shutil.copytree(REPO / "assets", root / "assets")
    build(root, with_search=False)
    out = root / "output"
    for folder, size in (("single", 100_000), ("pagefind", SHARD)):
        done = search.update_index(out, out / folder, None, lambda: None, None, size=size)
        assert isinstance(done, search.SearchResult), done
        assert done.shards == (1 if folder == "single" else 4)
    # Municipalities the corpus visits most: three written with å, ä or ö (asked with and
    # without them) and two without.
    visits = Counter(m for p in posts for m in p.municipalities)
    ordered = [m for m, _ in visits.most_common()]
    marked = [m for m in ordered if fold(m) != m.lower() and " " not in m][:3]
    plain = [m for m in ordered if fold(m) == m.lower() and " " not in m][:2]
    queries = [*FIXED, *marked, *(fold(m) for m in marked), *plain]
    return out, queries


def test_merged_shards_rank_like_one_index(corpus: tuple[Path, list[str]],
                                           serve_dir: Callable[..., str], chromium: Any) -> None:
    out, queries = corpus
    assert len(queries) >= 20
    base = serve_dir(out)
    html = (out / "sok" / "index.html").read_text("utf-8")
    engine = html.split('data-engine="', 1)[1].split('"', 1)[0]
    answers = {}
    for bundle in ("/single/", "/pagefind/"):
        context = chromium.new_context()
        page = context.new_page()
        page.goto(f"{base}/om-bloggen/")  # a page of the site that does not search itself
        answers[bundle] = page.evaluate(ASK, [engine, bundle, queries])
        context.close()
    single, merged = answers["/single/"], answers["/pagefind/"]
    rows = []
    for q in queries:
        one, many = single[q]["top"], merged[q]["top"]
        assert one, f"{q!r} finds nothing"
        rows.append((q, one == many, one[:1] == many[:1], single[q]["total"],
                     merged[q]["total"], one, many))
    report = "\n".join(f"{q!r}: top 3 {'=' if top else '≠'}, first {'=' if first else '≠'}, "
                       f"{n1}/{n2} hits\n    {one}\n    {many}"
                       for q, top, first, n1, n2, one, many in rows)
    top3 = sum(row[1] for row in rows)
    first = sum(row[2] for row in rows)
    print(f"ranking: top 3 agree {top3}/{len(queries)}, first hit {first}/{len(queries)}\n"
          + report)
    assert top3 >= len(queries) - 1 and first == len(queries), (
        f"top 3 agree {top3}/{len(queries)}, first {first}/{len(queries)}\n{report}")
    # The search page shows the same first results.
    page = chromium.new_page()
    page.goto(f"{base}/sok/?q={quote(queries[0])}")
    page.wait_for_function("() => document.querySelectorAll('.search-result').length >= 3")
    shown = page.locator(".search-result h3 a").evaluate_all(
        "(links) => links.map((a) => a.getAttribute('href'))")
    assert shown[:3] == merged[queries[0]]["top"]
    page.close()
