"""What `sitegen serve` adds to the pages it serves: the reload script (which keeps the
reader's place across reloads), the page shown while the build is broken, the banner
on the last good version of a page, and the note on the search page. Pure: text in,
bytes out."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from sitegen.errors import Problem

SCRIPT_PATH = "/__sitegen/reload.js"
EVENTS_PATH = "/__sitegen/events"
LAST_GOOD = "/__sitegen/senaste"
"""Prefix of the paths that serve the last good build of a page while the build is
broken: /__sitegen/senaste/kommun/ is /kommun/ as it last built."""
SCRIPT_TAG = f'<script src="{SCRIPT_PATH}" defer></script>'.encode()

RELOAD_JS = f"""// sitegen serve: reload this tab when the preview is rebuilt, keeping its place.
(function () {{
  var lastGood = "{LAST_GOOD}";
  var path = location.pathname;
  var real = path.indexOf(lastGood + "/") === 0 ? path.slice(lastGood.length) : path;
  var key = "sitegen-scroll:" + real;
  // The error page is short: its scroll position says nothing about the page's.
  var broken = document.documentElement.hasAttribute("data-sitegen-error");
  var saved = broken ? null : sessionStorage.getItem(key);
  function restore() {{
    if (saved) {{
      var at = saved.split(",");
      window.scrollTo(Number(at[0]), Number(at[1]));
    }}
  }}
  if (saved) {{
    // Once: a later visit by a link starts at the top as usual.
    sessionStorage.removeItem(key);
    if ("scrollRestoration" in history) history.scrollRestoration = "manual";
    restore();
    window.addEventListener("load", restore);
  }}
  var source = new EventSource("{EVENTS_PATH}");
  source.addEventListener("reload", function (event) {{
    var state = {{}};
    try {{ state = JSON.parse(event.data); }} catch (e) {{}}
    if (!broken) sessionStorage.setItem(key, window.scrollX + "," + window.scrollY);
    if (state.ok && real !== path) {{
      location.replace(real + location.search + location.hash);
    }} else {{
      location.reload();
    }}
  }});
}})();
""".encode()

_STYLE = """
body { font: 1.05rem/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 50rem;
       padding: 0 1rem; color: #1a1a1a; background: #fff; }
h1 { color: #8b0000; }
li { margin: .6rem 0; }
code { background: #f3f3f3; padding: .1rem .3rem; font-weight: bold; }
a { color: #0b4f8a; }
details { margin-top: 1.5rem; }
summary { cursor: pointer; }
@media (prefers-color-scheme: dark) {
  body { color: #eee; background: #161616; }
  h1 { color: #ff9b9b; }
  code { background: #2c2c2c; }
  a { color: #9cc8ff; }
}
"""


def _items(problems: Sequence[Problem]) -> str:
    return "\n".join(
        f'<li><code>{html.escape(f"{p.path}:{p.line}" if p.line else p.path)}</code> '
        f"{html.escape(p.message)}</li>" for p in problems)


def error_page(problems: Sequence[Problem], last_good: str | None) -> bytes:
    """The page shown in place of every HTML page while the latest build is broken: the
    errors first, the warnings folded, and a link to the page as it last built
    (`last_good`, None when it never did)."""
    errors = [p for p in problems if p.is_error]
    warnings = [p for p in problems if not p.is_error]
    if last_good is not None:
        back = (f'<p><a href="{html.escape(last_good)}">Visa den senaste fungerande versionen '
                "av sidan</a> (den visas tills felen är rättade).</p>")
    else:
        back = "<p>Sidan har inte byggts tidigare, så det finns ingen äldre version av den.</p>"
    folded = ""
    if warnings:
        count = "1 varning" if len(warnings) == 1 else f"{len(warnings)} varningar"
        folded = (f"<details>\n<summary>{count} (hindrar inte bygget)</summary>\n<ul>\n"
                  f"{_items(warnings)}\n</ul>\n</details>")
    count = "1 fel" if len(errors) == 1 else f"{len(errors)} fel"
    return f"""<!doctype html>
<html lang="sv" data-sitegen-error>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Bygget misslyckades – sitegen serve</title>
<style>{_STYLE}</style>
</head>
<body>
<main>
<h1>Bygget misslyckades</h1>
<p>Förhandsgranskningen kunde inte byggas om: {count}. Rätta felen nedan och spara, så
laddas sidan om av sig själv.</p>
{back}
<h2>Fel</h2>
<ul>
{_items(errors)}
</ul>
{folded}
</main>
{SCRIPT_TAG.decode()}
</body>
</html>
""".encode()


def inject(page: bytes) -> bytes:
    """Add the reload script before </body> (or at the end)."""
    at = page.rfind(b"</body>")
    if at < 0:
        return page + SCRIPT_TAG
    return page[:at] + SCRIPT_TAG + b"\n" + page[at:]


CSS_PATH = "/__sitegen/preview.css"
PREVIEW_CSS = b"""/* sitegen serve: the preview's own notes (a file, for the site's CSP). */
.sitegen-note { margin: 0; padding: .75rem 1rem; background: #fff3cd; color: #1a1a1a;
                border-bottom: 2px solid #8a6d00; font: 1rem/1.4 system-ui, sans-serif; }
.sitegen-note a { color: #0b4f8a; }
.sitegen-note code { color: #1a1a1a; }
"""
_NOTE = f'<link rel="stylesheet" href="{CSS_PATH}"><p role="note" class="sitegen-note'
_BODY = re.compile(rb"<body[^>]*>")


def _after(pattern: re.Pattern[bytes], page: bytes, insert: bytes) -> bytes:
    found = pattern.search(page)
    if found is None:
        return insert + page
    return page[:found.end()] + insert + page[found.end():]


def last_good_banner(page: bytes, path: str) -> bytes:
    """The last good version of a page, marked as such at its top."""
    banner = (f'{_NOTE}">Senaste fungerande versionen av {html.escape(path)}. Bygget är '
              "trasigt just nu; sidan laddas om när felen är rättade.</p>").encode()
    return _after(_BODY, page, banner)
