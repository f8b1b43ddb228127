"""`sitegen serve` in a real Chromium: a save reloads the tab at the place the editor
was reading, also across a broken save, whose error page leads to the last good
version of the page; the preview's pages pass axe."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from sitegen.serve import PreviewServer

REPO = Path(__file__).resolve().parents[2]
POST = "content/posts/familjeradslag-i-botkyrka.md"
URL = "/kommunbesok/familjeradslag-i-botkyrka/"



def wait_until(page: Any, expression: str, value: Any) -> None:
    """Poll `expression` in the page until it gives `value` (the site's CSP forbids the
    eval that Playwright's wait_for_function needs)."""
    deadline = time.monotonic() + 30
    while True:
        try:
            if page.evaluate(expression) == value:
                return
        except Exception:  # a navigation in between
            pass
        assert time.monotonic() < deadline, f"{expression} never became {value!r}"
        time.sleep(0.05)


def reload_after(page: Any, change: Any) -> None:
    """Make `change` and wait for the tab to reload (a new document) by itself."""
    page.evaluate("window.__before_reload = true")
    change()
    wait_until(page, "window.__before_reload === undefined && document.readyState", "complete")


def test_scroll_position_is_kept_across_reloads(preview: tuple[PreviewServer, Path],
                                                page: Any) -> None:
    server, root = preview
    page.set_viewport_size({"width": 375, "height": 600})
    page.goto(server.url.rstrip("/") + URL)
    page.wait_for_load_state("load")
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height > 2000, "the page must be long enough to scroll"
    page.evaluate("window.scrollTo(0, 1500)")
    wait_until(page, "window.scrollY", 1500)
    source = root / POST
    good = source.read_text()

    # A save: the tab reloads where it was.
    reload_after(page, lambda: source.write_text(good.replace(
        "Personalförsörjningen i Botkyrka möter", "Personalförsörjningen i Botkyrka, sparad, "
        "möter")))
    assert "sparad" in page.content()
    wait_until(page, "window.scrollY", 1500)

    # A broken save: the error page, with the way to the last good version.
    reload_after(page, lambda: source.write_text(good.replace("  - Botkyrka\n", "  - Botkyrk\n",
                                                              1)))
    assert page.locator("h1").inner_text() == "Bygget misslyckades"
    page.console_errors.clear()  # the error page comes with status 500, as it should
    link = page.get_by_role("link", name="Visa den senaste fungerande versionen av sidan")
    assert link.get_attribute("href") == "/__sitegen/senaste" + URL
    # Fixed: back at the page, where the editor was before it broke.
    reload_after(page, lambda: source.write_text(good))
    assert page.locator("h1").inner_text() == "Familjerådslag i Botkyrka"
    wait_until(page, "window.scrollY", 1500)

    # A later visit by a link starts at the top as usual.
    page.goto(server.url.rstrip("/") + "/kommun/")
    page.goto(server.url.rstrip("/") + URL)
    page.wait_for_load_state("load")
    assert page.evaluate("window.scrollY") == 0


def test_last_good_page_returns_to_the_page_when_fixed(preview: tuple[PreviewServer, Path],
                                                       page: Any) -> None:
    server, root = preview
    source = root / POST
    good = source.read_text()
    page.goto(server.url.rstrip("/") + URL)
    reload_after(page, lambda: source.write_text(good.replace("  - Botkyrka\n",
                                                              "  - Botkyrk\n", 1)))
    page.console_errors.clear()  # the error page comes with status 500, as it should
    page.get_by_role("link", name="Visa den senaste fungerande versionen av sidan").click()
    page.wait_for_url("**/__sitegen/senaste" + URL)
    assert page.locator("h1").inner_text() == "Familjerådslag i Botkyrka"
    assert "Senaste fungerande versionen av " + URL in page.content()
    reload_after(page, lambda: source.write_text(good))
    page.wait_for_url(server.url.rstrip("/") + URL)
    assert page.locator("h1").inner_text() == "Familjerådslag i Botkyrka"
