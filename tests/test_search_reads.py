"""What Pagefind reads of a page (search.reads): a change elsewhere does not make a
shard be indexed anew, and every change Pagefind could see does."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.search import reads

PAGE = """<!doctype html>
<html lang="sv"><head><title>Besök i Ale</title>
<link rel="stylesheet" href="/assets/style.1234.css">{head}</head>
<body><nav class="site"><a href="/">Start</a>{nav}</nav>
<!-- {comment} -->
<article data-pagefind-body><h1 data-pagefind-meta="title">Besök i Ale</h1>
<p>{text}</p>
<div hidden data-pagefind-ignore><span data-pagefind-filter="kommun[data-v]" data-v="Ale">
</span></div></article>
<section class="related"><h2>Relaterade besök</h2><ul><li><a href="/b/">{related}</a></li>
</ul></section>
<nav class="prev-next"><a href="/c/">{neighbour}</a></nav>{tail}
</body></html>"""

BASE = {"head": "", "nav": "", "comment": "", "text": "Vi träffade socialtjänsten.",
        "related": "Grannens titel", "neighbour": "Nästa inlägg", "tail": ""}


def page(**changes: str) -> str:
    return PAGE.format(**(BASE | changes))


@pytest.mark.parametrize("change", [
    {"related": "Grannens nya titel"},
    {"neighbour": "Ett annat nästa inlägg"},
    {"nav": '<a href="/sok/">Sök</a>'},
    {"comment": "byggd i dag"},
    {"head": '<script src="/assets/search.99.js"></script>'},
], ids=["related", "prev-next", "site-nav", "comment", "head-script"])
def test_changes_pagefind_does_not_read_leave_the_view(change: dict[str, str]) -> None:
    assert page(**change) != page()
    assert reads.view(page(**change)) == reads.view(page())


@pytest.mark.parametrize("change", [
    {"text": "Vi träffade skolan."},
    {"nav": '<span data-pagefind-filter="tema">Samverkan</span>'},
    {"head": '<meta data-pagefind-meta="bild[content]" content="/a.png">'},
    {"neighbour": '<img src="/bild.png" alt="">'},
    {"tail": "<h1>En rubrik utanför artikeln</h1>"},
    {"related": '<span data-pagefind-sort="datum">2016-01-01</span>'},
], ids=["body-text", "filter-in-nav", "meta-in-head", "image", "h1-outside", "sort-outside"])
def test_changes_pagefind_reads_change_the_view(change: dict[str, str]) -> None:
    assert reads.view(page(**change)) != reads.view(page())


def test_the_title_and_the_language_are_read() -> None:
    assert reads.view(page().replace("<title>Besök i Ale", "<title>Ale")) != reads.view(page())
    assert reads.view(page().replace('lang="sv"', 'lang="en"')) != reads.view(page())


def test_an_element_left_open_is_read_to_the_end() -> None:
    # Where its end is in doubt, the rest of the page counts: a doubt can only make a
    # page count as changed.
    open_meta = page(nav='<span data-pagefind-meta="x">')
    assert reads.view(open_meta.replace("Grannens titel", "Annan")) != reads.view(open_meta)


def test_more_changed_pages_than_the_limit_are_not_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    for folder in (old, new):
        for n in range(3):
            (folder / f"p{n}").mkdir(parents=True)
    for n in range(3):
        (old / f"p{n}" / "index.html").write_text(page())
        (new / f"p{n}" / "index.html").write_text(page(neighbour=f"Nästa {n}"))
    (new / "p2" / "index.html").write_text(page(text="Ny text"))
    paths = frozenset(f"p{n}/index.html" for n in range(3)) | {"style.css"}
    assert reads.unchanged_for_pagefind(paths, old, new) == {"p0/index.html", "p1/index.html"}
    monkeypatch.setattr(reads, "LIMIT", 2)
    assert reads.unchanged_for_pagefind(paths, old, new) == frozenset()


def test_a_page_missing_on_either_side_has_changed(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text(page())
    assert not reads.same_for_pagefind(tmp_path / "a.html", tmp_path / "b.html")
    assert not reads.same_for_pagefind(tmp_path / "b.html", tmp_path / "a.html")
