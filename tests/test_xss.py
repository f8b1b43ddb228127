"""Script injection: well-known XSS vectors written into every place user text appears
(title, summary, authors, plan, national input, follow-up note, theme description, post
and page bodies, Markdown links and aliases). The built site is parsed file by file: no
script but the layouts' own same-origin ones, no event-handler attribute, no script URL,
and feeds and sitemap are well-formed XML."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import markupsafe
import pytest
from markupsafe import Markup

from sitegen import templating
from sitegen.build import build
from sitegen.site import alias_problem

REPO = Path(__file__).resolve().parent.parent
BASE = REPO / "tests" / "sites" / "hostile-base"

# Written from the common classes: tag injection, attribute breakout, event handlers,
# script URLs (and their encodings), markup-context escapes (title, textarea, CDATA,
# comments), parser differentials (svg/math), and template syntax.
VECTORS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "</title><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    '" onmouseover="alert(1)',
    "' onfocus='alert(1)' autofocus='",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="&#x6A;avascript:alert(1)">x</a>',
    '<iframe src="javascript:alert(1)"></iframe>',
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    '<form action="javascript:alert(1)"><button>x</button></form>',
    '<object data="javascript:alert(1)"></object>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<style>@import 'javascript:alert(1)';</style>",
    "]]><script>alert(1)</script>",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<!--<script>alert(1)//-->",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "%3Cscript%3Ealert(1)%3C/script%3E",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "{{ config }}{% raw %}<script>alert(1)</script>{% endraw %}",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "java&#x09;script:alert(1)",
    "&#106;avascript:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "data:text/html,<script>alert(1)</script>",
]

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "poster",
                  "background", "srcset", "cite"}
FORBIDDEN_TAGS = {"iframe", "object", "embed", "base", "frame", "frameset", "applet", "svg",
                  "math", "style", "textarea", "form", "foreignobject", "use", "animate", "set"}
OWN_SVG = {"karta", "stapeldiagram", "karta-ruta", "stapel-ruta"}
"""The classes of the layouts' own SVG: the map, the ledger's charts and their swatches
(drawn by sitegen, user text only escaped inside <title> and <text>)."""
OWN_SCRIPT = re.compile(r"^/(assets|pagefind|__sitegen)/[\w./-]+$")
SAFE_DATA = re.compile(r"^data:image/(png|gif|jpeg|webp);")


def dangerous_url(value: str) -> bool:
    squashed = re.sub(r"[\x00-\x20]", "", value).lower()
    if squashed.startswith("data:"):
        return not SAFE_DATA.match(squashed)
    return squashed.startswith(("javascript:", "vbscript:", "livescript:", "file:"))


class Checker(HTMLParser):
    """Collects every way a parsed page could run script."""

    def __init__(self, name: str, *, fragment: bool = False) -> None:
        super().__init__(convert_charrefs=True)
        self.name = name
        self.fragment = fragment
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        where = f"{self.name}: <{tag}>"
        own = not self.fragment and OWN_SCRIPT.match(values.get("src", ""))
        if tag == "script" and not own:
            self.problems.append(f"{where} script {values}")
        own_svg = tag == "svg" and not self.fragment and values.get(
            "class", "").split(" ")[0] in OWN_SVG
        if tag in FORBIDDEN_TAGS and not (tag == "form" and values.get("action") == "/sok/"
                                          ) and not own_svg:
            self.problems.append(f"{where} forbidden tag")
        for key, value in values.items():
            if key.startswith("on"):
                self.problems.append(f"{where} event attribute {key}={value!r}")
            if key in URL_ATTRIBUTES and dangerous_url(value):
                self.problems.append(f"{where} script URL {key}={value!r}")
            if key == "style" and ("expression" in value or "url(" in value):
                self.problems.append(f"{where} style {value!r}")
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            target = values.get("content", "").split("url=", 1)[-1]
            if not target.startswith("/") or dangerous_url(target):
                self.problems.append(f"{where} refresh to {target!r}")

    handle_startendtag = handle_starttag


def check_html(name: str, text: str, *, fragment: bool = False) -> list[str]:
    checker = Checker(name, fragment=fragment)
    checker.feed(text)
    checker.close()
    return checker.problems


def q(text: str) -> str:
    """A YAML scalar for any text (JSON strings are YAML)."""
    return json.dumps(text, ensure_ascii=False)


def body(vector: str) -> str:
    return (f"{vector}\n\n*{vector}*\n\n[länk]({vector})\n\n[länk](<{vector}>)\n\n"
            f"![bild]({vector})\n\n<{vector}>\n\n[ref]\n\n[ref]: {vector.split()[0]}\n\n"
            f"## {vector}\n\n| a |\n|---|\n| {vector} |\n\n> {vector}\n\n`{vector}`\n")


def hostile_site(root: Path) -> Path:
    shutil.copytree(BASE, root)
    shutil.copytree(REPO / "layouts", root / "layouts")
    shutil.copytree(REPO / "assets", root / "assets")
    themes = [
        "- name: Personalförsörjning\n  slug: personalforsorjning\n"
        f"  description: {q(VECTORS[0])}\n",
        "- name: Samverkan\n  slug: samverkan\n  description: Samarbete.\n",
    ]
    for index, vector in enumerate(VECTORS):
        themes.append(f"- name: Tema {index}\n  slug: tema-{index}\n  description: {q(vector)}\n")
    (root / "content" / "themes.yaml").write_text("".join(themes))
    posts = root / "content" / "posts"
    pages = root / "content" / "pages"
    for index, vector in enumerate(VECTORS):
        (posts / f"x-{index}.md").write_text(
            f"---\ntitle: {q(vector)}\ndate: 2016-03-{index % 28 + 1:02d}\n"
            f"municipalities: [Botkyrka]\nthemes: [Samverkan, Tema {index}]\n"
            f"summary: {q(vector)}\nauthors: [{q(vector)}]\n"
            f"aliases: [/gammal/{index}/]\n"
            f"plan:\n  - {q(vector)}\n  - text: {q(vector)}\n    themes: [Tema {index}]\n"
            f"national_input:\n  - {q(vector)}\n  - text: {q(vector)}\n"
            f"    themes: [Tema {index}]\n---\n{body(vector)}", "utf-8")
        (posts / f"y-{index}.md").write_text(
            f"---\ntitle: Återbesök {index}\ndate: 2017-03-{index % 28 + 1:02d}\n"
            f"category: ovrigt\n"
            f"followup:\n  of: x-{index}\n  items:\n    - item: 1\n      status: done\n"
            f"      note: {q(vector)}\n---\nText.\n", "utf-8")
        (pages / f"sida-{index}.md").write_text(
            f"---\ntitle: {q(vector)}\nsummary: {q(vector)}\n---\n{body(vector)}", "utf-8")
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = hostile_site(tmp_path_factory.mktemp("xss") / "site")
    build(root, with_search=False)
    return root / "output"


def test_every_vector_reaches_the_site(built: Path) -> None:
    """Sanity: the payloads really are in the pages (escaped), so the checks below test
    something."""
    page = (built / "kommunbesok" / "x-0" / "index.html").read_text("utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert len(list(built.rglob("index.html"))) > 3 * len(VECTORS)


def test_no_script_in_any_html_page(built: Path) -> None:
    problems: list[str] = []
    pages = sorted(built.rglob("*.html"))
    for path in pages:
        problems += check_html(path.relative_to(built).as_posix(), path.read_text("utf-8"))
    assert not problems, "\n".join(problems[:20])


def test_feeds_and_sitemap_are_well_formed_and_clean(built: Path) -> None:
    atom = "{http://www.w3.org/2005/Atom}"
    problems: list[str] = []
    feeds = sorted(built.rglob("*.xml"))
    assert len(feeds) > len(VECTORS)
    for path in feeds:
        name = path.relative_to(built).as_posix()
        tree = ElementTree.parse(path)  # raises on malformed XML
        for element in tree.iter():
            for key, value in element.attrib.items():
                if key.startswith("on") or (key == "href" and dangerous_url(value)):
                    problems.append(f"{name}: {element.tag} {key}={value!r}")
            if element.tag == f"{atom}content" and element.get("type") == "html":
                problems += check_html(name, element.text or "", fragment=True)
            if element.tag in (f"{atom}title", f"{atom}summary", f"{atom}name"):
                assert element.get("type") in (None, "text"), name
    assert not problems, "\n".join(problems[:20])


def links(data: object, keys: frozenset[str] | None) -> list[str]:
    """The strings of a JSON document under `keys` (every string: None)."""
    if isinstance(data, dict):
        return [s for k, v in data.items()
                for s in ([v] if isinstance(v, str) and (keys is None or k in keys)
                          else links(v, keys))]
    if isinstance(data, list):
        return [s for v in data for s in links(v, keys)]
    return [data] if isinstance(data, str) and keys is None else []


DATA_LINKS = frozenset({"adress", "path", "homepage"})
"""The open data's addresses: in them, as opposed to text fields, a vector would be a
link."""


def test_no_script_url_in_json_or_text(built: Path) -> None:
    found = sorted(built.rglob("*.json"))
    assert sum(path.parent.name == "data" for path in found) == 6
    checked = []
    for path in found:
        data = json.loads(path.read_text("utf-8"))
        values = links(data, DATA_LINKS if path.parent.name == "data" else None)
        assert not any(dangerous_url(v) for v in values), path
        checked += values
    assert len([v for v in checked if "/kommunbesok/x-" in v]) == len(VECTORS)


@pytest.mark.parametrize("vector", VECTORS)
def test_aliases_refuse_markup(vector: str) -> None:
    alias = f"/gammal/{vector}/"
    problem = alias_problem(alias)
    if problem is None:
        # Only plain URL-ish text gets through; it becomes a folder name, and the
        # redirect page points at the post's own URL, never at the alias.
        assert not any(ch in alias for ch in '<>"\' ')


def test_the_checker_catches_what_it_looks_for() -> None:
    bad = ('<img src=x onerror=alert(1)><a href="&#106;avascript:alert(1)">x</a>'
           '<script>alert(1)</script><script src="https://evil.example/x.js"></script>'
           '<iframe src="/x"></iframe><a href="data:text/html,x">y</a>')
    assert len(check_html("t", bad)) == 6
    assert check_html("t", '<script type="module" src="/assets/search.1234.js"></script>') == []


class _Shown:
    def __html__(self) -> str:
        return "<b>safe</b>"


class _Text(str):
    pass


@pytest.mark.parametrize("value", [
    *VECTORS, "", "Åre & Älvdalen", 'a "b" \'c\' <d> &amp;', Markup("<em>ok</em>"),
    _Text("<i>sub</i>"), _Shown(), 7, 2.5, None, True])
def test_templates_escape_exactly_as_markupsafe_does(value: object) -> None:
    # the layouts' escape is markupsafe's made faster for plain text; it must not differ.
    escape = templating.environment(None).fast_escape  # type: ignore[attr-defined]
    ours, theirs = escape(value), markupsafe.escape(value)
    assert (type(ours), ours) == (type(theirs), theirs)


def test_the_layouts_escape_through_the_fast_escape() -> None:
    env = templating.environment(REPO / "layouts")
    for name in ("post.html", "base.html", "macros.html", "atom.xml"):
        escape = env.get_template(name).root_render_func.__globals__["escape"]
        assert escape is env.fast_escape  # type: ignore[attr-defined]
    plain = templating.environment(REPO / "layouts", templating.PLAIN)
    assert plain.get_template("post.html").root_render_func.__globals__["escape"] is (
        markupsafe.escape)
