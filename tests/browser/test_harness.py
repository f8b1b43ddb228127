"""Smoke test of the browser harness itself: server, console recorder, axe-core."""

from __future__ import annotations

from pathlib import Path

GOOD = """<!doctype html>
<html lang="sv">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Besök i Åmål</title>
</head>
<body>
<header><p>Nationell samordnare för den sociala barn- och ungdomsvården</p></header>
<main>
<h1>Åmål sticker ut!</h1>
<p>Kommunens plan för handling och medskick till nationell nivå.</p>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="Kommunhuset i Åmål">
<button type="button">Visa planen</button>
</main>
</body>
</html>
"""

BAD = """<!doctype html>
<html lang="sv">
<head><meta charset="utf-8"><title>Otillgänglig sida</title></head>
<body>
<main>
<h1>Otillgänglig sida</h1>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<button type="button"></button>
</main>
</body>
</html>
"""

NOT_FOUND = """<!doctype html>
<html lang="sv">
<head><meta charset="utf-8"><title>Sidan finns inte</title></head>
<body><main><h1>Sidan finns inte</h1></main></body>
</html>
"""

CONSOLE_ERROR = """<!doctype html>
<html lang="sv">
<head><meta charset="utf-8"><title>Fel i konsolen</title></head>
<body><main><h1>Fel i konsolen</h1></main>
<script>console.error("x");</script>
</body>
</html>
"""


def make_site(root: Path) -> Path:
    (root / "bra").mkdir()
    (root / "bra" / "index.html").write_text(GOOD, encoding="utf-8")
    (root / "dalig.html").write_text(BAD, encoding="utf-8")
    (root / "404.html").write_text(NOT_FOUND, encoding="utf-8")
    (root / "konsol.html").write_text(CONSOLE_ERROR, encoding="utf-8")
    return root


def test_accessible_page_has_no_axe_violations(tmp_path, serve_dir, page, axe_check):
    base = serve_dir(make_site(tmp_path))
    response = page.goto(f"{base}/bra/")
    assert response is not None and response.status == 200
    assert page.title() == "Besök i Åmål"
    violations = axe_check(page)
    assert violations == [], "\n".join(map(str, violations))


def test_inaccessible_page_has_the_expected_violations(tmp_path, serve_dir, page, axe_check):
    base = serve_dir(make_site(tmp_path))
    page.goto(f"{base}/dalig.html")
    violations = {v.id: v for v in axe_check(page)}
    assert {"image-alt", "button-name"} <= violations.keys(), violations
    assert violations["image-alt"].targets == ("img",)
    assert violations["button-name"].targets == ("button",)
    assert violations["image-alt"].impact == "critical"


def test_missing_path_gets_the_404_page(tmp_path, serve_dir, page):
    base = serve_dir(make_site(tmp_path))
    response = page.goto(f"{base}/finns/inte/")
    assert response is not None and response.status == 404
    assert page.locator("h1").inner_text() == "Sidan finns inte"
    # Chromium logs the 404 of the document itself as a console error; that one is expected.
    assert all("404" in e for e in page.console_errors), page.console_errors
    page.console_errors.clear()


def test_directory_without_index_is_404_not_a_listing(tmp_path, serve_dir, page):
    (make_site(tmp_path) / "tom").mkdir()
    response = page.goto(f"{serve_dir(tmp_path)}/tom/")
    assert response is not None and response.status == 404
    page.console_errors.clear()


def test_console_error_is_recorded(tmp_path, serve_dir, page):
    base = serve_dir(make_site(tmp_path))
    page.goto(f"{base}/konsol.html")
    assert len(page.console_errors) == 1
    assert page.console_errors[0].startswith("console.error: x")
    page.console_errors.clear()  # expected here; otherwise the fixture fails the test


def test_uncaught_exception_is_recorded(tmp_path, serve_dir, page):
    base = serve_dir(make_site(tmp_path))
    page.goto(f"{base}/bra/")
    page.evaluate("() => setTimeout(() => { throw new Error('boom'); })")
    page.wait_for_timeout(100)
    assert any("boom" in e for e in page.console_errors), page.console_errors
    page.console_errors.clear()


def test_off_site_request_is_recorded(tmp_path, serve_dir, page):
    base = serve_dir(make_site(tmp_path))
    page.goto(f"{base}/bra/")
    page.evaluate("() => fetch('https://cdn.example.invalid/lib.js').catch(() => null)")
    assert page.external_requests == ["https://cdn.example.invalid/lib.js"]
    page.external_requests.clear()
    page.console_errors.clear()  # the failed fetch is logged too
