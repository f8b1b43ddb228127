"""Old WordPress addresses with a query (/?p=ID, /arkiv/?cat=3) reach the page at their
path on a static host (the start page, the archive); that page sends the reader on to
the post, in a real Chromium."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sitegen.build import build

REPO = Path(__file__).resolve().parents[2]


def site_with_old_address(root: Path) -> Path:
    for name in ("layouts", "assets", "content"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    post = root / "content/posts/amal-sticker-ut.md"
    text = post.read_text("utf-8")
    aliases = '\naliases: ["/?p=42", "/arkiv/?cat=7"]\ntitle:'
    post.write_text(text.replace("\ntitle:", aliases, 1), "utf-8")
    build(root, with_search=False)
    return root / "output"


def test_an_old_query_address_leads_to_its_post(tmp_path: Path, serve_dir: Callable[..., str],
                                                page: Any) -> None:
    base = serve_dir(site_with_old_address(tmp_path))
    page.goto(f"{base}/?p=42")
    page.wait_for_url(f"{base}/kommunbesok/amal-sticker-ut/")
    assert page.locator("h1").inner_text() == "Åmål sticker ut!"


def test_the_start_page_stays_for_an_unknown_old_address(
        tmp_path: Path, serve_dir: Callable[..., str], page: Any) -> None:
    base = serve_dir(site_with_old_address(tmp_path))
    page.goto(f"{base}/?p=43")
    page.wait_for_load_state("networkidle")
    assert page.url == f"{base}/?p=43"
    assert page.locator("main h1").count() == 1


def test_an_old_query_address_on_another_page_leads_to_its_post(
        tmp_path: Path, serve_dir: Callable[..., str], page: Any) -> None:
    base = serve_dir(site_with_old_address(tmp_path))
    page.goto(f"{base}/arkiv/?cat=7")
    page.wait_for_url(f"{base}/kommunbesok/amal-sticker-ut/")
    assert page.locator("h1").inner_text() == "Åmål sticker ut!"
