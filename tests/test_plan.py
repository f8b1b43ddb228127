"""The page plan: site → every file to make, as pure data. `build` and `check` execute
the same plan; a page type is one function and one entry of PAGE_TYPES."""

from __future__ import annotations

import builtins
import os
from pathlib import Path
from typing import Any

import pytest

from sitegen import files, pagetypes, urls
from sitegen.build import build, load
from sitegen.plan import Planner, plan_site

REPO = Path(__file__).resolve().parent.parent
BASIC = REPO / "tests" / "sites" / "basic"


def _refused(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("the page plan did I/O")


def test_the_plan_is_made_without_io(monkeypatch: pytest.MonkeyPatch) -> None:
    site = load(BASIC).site
    assets = files.hash_assets(REPO / "assets")
    for module, name in [(builtins, "open"), (os, "stat"), (os, "scandir"), (os, "listdir"),
                         (os, "walk"), (os, "fork"), (Path, "read_bytes"), (Path, "stat")]:
        monkeypatch.setattr(module, name, _refused)
    plan = pagetypes.plan_site(site, assets, {})
    contexts = [page.make_context() for page in plan.pages]  # made without I/O too
    monkeypatch.undo()
    assert plan.pages and plan.files and not plan.problems
    assert all(isinstance(context, dict) and context for context in contexts)


def test_every_path_is_planned_once_and_the_build_makes_exactly_the_plan(
        make_site) -> None:  # type: ignore[no-untyped-def]
    root: Path = make_site("basic")
    result = build(root, with_search=False)
    assert result.site is not None
    plan = pagetypes.plan_site(result.site, files.hash_assets(root / "assets"),
                               files.static_files(root / "static"))
    claimed = [job.path for job in (*plan.pages, *plan.files, *plan.copies)]
    assert len(claimed) == len(set(claimed))
    built = {p.relative_to(root / "output").as_posix() for p in (root / "output").rglob("*")
             if p.is_file() and p.name != ".sitegen-output"}
    assert built == set(plan.paths)


def test_a_new_page_type_is_one_function(make_site) -> None:  # type: ignore[no-untyped-def]
    # What another page type (a ledger, an open-data file) takes: one function that plans
    # its pages and files. Its pages are in the sitemap like every other.
    site = load(BASIC).site

    def ledger(plan: Planner) -> None:
        plan.page("/uppfoljning/", "page.html", title="Uppföljning", crumbs=[])
        plan.file("data/inlagg.csv", lambda: "\n".join(p.slug for p in plan.site.posts).encode())

    plan = plan_site(site, {}, {}, (*pagetypes.PAGE_TYPES, ledger))
    assert "uppfoljning/index.html" in plan.paths and "data/inlagg.csv" in plan.paths
    sitemap = next(page for page in plan.pages if page.url == urls.SITEMAP)
    assert "/uppfoljning/" in sitemap.make_context()["urls"]
    csv = next(file for file in plan.files if file.path == "data/inlagg.csv")
    assert csv.make_data().decode().split("\n") == [p.slug for p in site.posts]


def test_check_leaves_out_only_the_redirect_pages() -> None:
    site = load(BASIC).site
    plan = pagetypes.plan_site(site, {}, {})
    without = plan.without_aliases()
    aliases = {page.path for page in plan.pages if page.alias}
    assert aliases and {p.path for p in without.pages} == {p.path for p in plan.pages} - aliases
    assert without.files == plan.files
