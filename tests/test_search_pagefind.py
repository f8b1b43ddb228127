"""How Pagefind is given a shard's pages: named in one glob where they are (the fast
path, `pagefind.FastPaths.glob`) or hard-linked into a scratch folder. Both give the same
index; the glob is taken only where it means exactly the pages listed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import copy_repo_site, search_documents

from sitegen import links, search
from sitegen.build import build
from sitegen.errors import Problem
from sitegen.search import pagefind


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's site built without search, plus a page at an address a glob
    would read as a pattern."""
    root = copy_repo_site(tmp_path_factory.mktemp("pagefind") / "site")
    build(root, with_search=False)
    out = root / "output"
    page = next(out.glob("kommunbesok/*/index.html"))
    (out / "udda[1]").mkdir()
    shutil.copy(page, out / "udda[1]" / "index.html")
    return out


def counted_links(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    made: list[str] = []
    real = links.link_or_copy

    def counting(source: Path, target: Path) -> None:
        made.append(str(source))
        real(source, target)

    monkeypatch.setattr(links, "link_or_copy", counting)
    return made


def test_a_glob_and_a_scratch_folder_give_the_same_index(
        site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    made = counted_links(monkeypatch)
    plan = search.plan_index(site, None, lambda: None, None, size=2)  # several shards
    assert len(plan.todo.shards) >= 4
    odd = next(n for n, pages in enumerate(plan.todo.shards) if "udda[1]/index.html" in pages)
    fast = search.write_index(plan, tmp_path / "glob")
    linked = sorted(made)
    made.clear()
    plain = search.write_index(plan, tmp_path / "plain", fast=pagefind.PLAIN)
    assert isinstance(fast, search.SearchResult) and isinstance(plain, search.SearchResult)
    # The glob was taken for every shard but the one with the odd address.
    assert linked == sorted(str(site / p) for p in plan.todo.shards[odd])
    assert len(made) == plan.pages
    assert search_documents(tmp_path / "glob") == search_documents(tmp_path / "plain")
    assert "/udda[1]/" in search_documents(tmp_path / "glob")
    assert len(search_documents(tmp_path / "glob")) == plan.pages
    for number in range(len(plan.todo.shards)):
        pages = (tmp_path / "glob" / str(number) / "sitegen-pages.txt").read_text()
        assert pages == (tmp_path / "plain" / str(number) / "sitegen-pages.txt").read_text()
    assert not (site / ".sitegen-search").exists() and not (tmp_path / ".sitegen-search").exists()


def test_the_glob_names_only_plain_paths_and_fits_in_one_argument() -> None:
    assert pagefind._glob(["a/index.html", "b-2/c_d.html"]) == "{a/index.html,b-2/c_d.html}"
    for odd in ("a b/index.html", "sidor/å/index.html", "a{b}/index.html", "a,b/index.html",
                "a*/index.html", "a?/index.html", "a\\b/index.html", "a[1]/index.html"):
        assert pagefind._glob(["a/index.html", odd]) is None, odd
    many = [f"kommunbesok/ett-ganska-langt-besok-nummer-{n}/index.html" for n in range(3000)]
    assert pagefind._glob(many) is None  # over MAX_GLOB: the scratch folder
    assert pagefind._glob(many[:1000]) is not None


def test_pagefind_finding_other_pages_than_listed_fails_loudly(site: Path, tmp_path: Path) -> None:
    binary = pagefind.pagefind_binary()
    assert binary is not None
    page = next(p for p in site.glob("kommunbesok/*/index.html"))
    listed = [str(page.relative_to(site)), "kommunbesok/finns-inte/index.html"]
    done = pagefind.index_pages(binary, site, listed, tmp_path / "scratch", tmp_path / "out")
    assert isinstance(done, Problem) and "hittade 1 av 2 sidor" in done.message
