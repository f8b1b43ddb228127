"""Search in the live preview: the index is brought up to date in the background after a
save, and the search page finds the new text (in a real Chromium, over the real server)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from sitegen.serve import PreviewServer

from .search_page import wait_for_results

REPO = Path(__file__).resolve().parents[2]
WORD = "glasbruksmuseet"



def status(page: Any) -> str:
    return wait_for_results(page)


def test_the_preview_finds_a_just_saved_word(preview: tuple[PreviewServer, Path],
                                             page: Any) -> None:
    server, root = preview
    assert server.preview.index.wait(60)
    page.goto(f"{server.url}sok/?q={quote(WORD)}")
    assert status(page) == f"Inga träffar för ”{WORD}”."
    post = root / "content" / "posts" / "amal-sticker-ut.md"
    post.write_text(post.read_text("utf-8") + f"\nVi gick också till {WORD}.\n", "utf-8")
    # The open tab reloads after the build; the search page then waits for the index.
    page.wait_for_function(
        "() => /1 träff/.test(document.querySelector('[data-search-status]')?.textContent)",
        timeout=60_000)
    assert page.locator(".search-result h3").all_inner_texts() == ["Åmål sticker ut!"]
    # "Sökindexet uppdateras …" goes once the index is current (another update may have
    # been asked for meanwhile, so it may still be shown for a moment).
    page.locator("[data-search-updating]").wait_for(state="hidden", timeout=60_000)
    # A chunk asked for while the index was being replaced may have failed to load.
    page.console_errors.clear()
