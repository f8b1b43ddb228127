"""What the search page's browser tests share: waiting for a search to finish. (The
repository's content built with search is the fixture `content_site` in conftest.)"""

from __future__ import annotations

from typing import Any

STATUS = "[data-search-status]"


def wait_for_results(page: Any) -> str:
    """Wait until the live region reports a finished search; return its text."""
    page.wait_for_function(
        "(sel) => { const s = document.querySelector(sel);"
        " return s && !s.hasAttribute('aria-busy') && /träff|Inga/.test(s.textContent); }",
        arg=STATUS)
    return str(page.locator(STATUS).inner_text())
