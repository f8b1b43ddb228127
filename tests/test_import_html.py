"""Classic-editor HTML (stored without <p>) becomes Markdown that renders as the same
words and the same structure: paragraphs as WordPress's wpautop makes them, tables,
lists and code blocks intact, no stray backslash, no text turned into markup.

tests/fixtures/wxr/classic.xml holds one post per case; each is imported, its Markdown
rendered by the site's own Markdown parser, and the result compared with what
WordPress showed (the source with its paragraphs made explicit)."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest

from sitegen.importers import import_wordpress
from sitegen.importers.autop import autop, autop_freeform
from sitegen.importers.html import title_text, to_markdown
from sitegen.importers.shortcodes import replace_shortcodes
from sitegen.markdown import make_parser, render_markdown

ROOT = Path(__file__).resolve().parent.parent
CLASSIC = ROOT / "tests" / "fixtures" / "wxr" / "classic.xml"
STRUCTURE = ("table", "tr", "th", "td", "ul", "ol", "li", "pre", "blockquote", "h2", "h3",
             "img", "a", "hr", "br")
_BLOCK = frozenset({"p", "div", "table", "thead", "tbody", "tr", "th", "td", "ul", "ol", "li",
                    "pre", "blockquote", "h1", "h2", "h3", "h4", "hr", "br", "figure"})


class _Reader(HTMLParser):
    """The text a reader sees (whitespace collapsed; a block's edges part words), the
    text of each <pre>, and how many of each structural tag there are. A line break
    inside a table cell is not counted: a Markdown table cell is one line."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.words: list[str] = []
        self.pres: list[str] = []
        self.tags: Counter[str] = Counter()
        self.in_pre = 0
        self.in_cell = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in STRUCTURE and not (tag == "br" and self.in_cell):
            self.tags[tag] += 1
        if tag in _BLOCK:
            self.words.append(" ")
        if tag in ("td", "th"):
            self.in_cell += 1
        if tag == "pre":
            self.in_pre += 1
            self.pres.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK:
            self.words.append(" ")
        if tag in ("td", "th"):
            self.in_cell -= 1
        if tag == "pre":
            self.in_pre -= 1

    def handle_data(self, data: str) -> None:
        self.words.append(data)
        if self.in_pre:
            self.pres[-1] += data


def read(html: str) -> _Reader:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader


def text_of(reader: _Reader) -> str:
    return " ".join("".join(reader.words).split())


def source_html(body: str) -> str:
    """What WordPress showed for a stored post body."""
    html, _count = autop_freeform(replace_shortcodes(body, lambda _n: None, lambda _m: None))
    return html


def posts_of(export: Path) -> dict[str, str]:
    """slug → stored body of every post in the export."""
    text = export.read_text("utf-8")
    return {name: body for body, name in re.findall(
        r"<content:encoded><!\[CDATA\[(.*?)\]\]></content:encoded>.*?<wp:post_name>(.*?)<",
        text, re.DOTALL)}


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("classic")
    (root / "content").mkdir()
    shutil.copy(ROOT / "content" / "themes.yaml", root / "content" / "themes.yaml")
    import_wordpress(CLASSIC, root)
    return root


def rendered(root: Path, slug: str) -> str:
    text = (root / "content" / "posts" / f"{slug}.md").read_text("utf-8")
    body = text.split("\n---\n", 1)[1]
    return render_markdown(make_parser(), body).html


CASES = sorted(posts_of(CLASSIC))


def test_every_case_of_the_fixture_is_tested() -> None:
    assert CASES == ["bild-med-bildtext", "blockredigerat", "kod-med-tomma-rader",
                     "rubriker-citat", "specialtecken", "stycke-och-tabell", "text-och-lista"]


@pytest.mark.parametrize("slug", CASES)
def test_same_words_and_structure_as_wordpress_showed(imported: Path, slug: str) -> None:
    before = read(source_html(posts_of(CLASSIC)[slug]))
    after = read(rendered(imported, slug))
    assert text_of(after) == text_of(before)
    assert after.pres == before.pres  # code blocks, blank lines and all
    assert after.tags == before.tags


@pytest.mark.parametrize("slug", CASES)
def test_no_stray_backslash(imported: Path, slug: str) -> None:
    before = text_of(read(source_html(posts_of(CLASSIC)[slug])))
    after = text_of(read(rendered(imported, slug)))
    assert after.count("\\") == before.count("\\")


def test_text_beside_a_list_is_its_own_paragraph() -> None:
    assert autop("Vi besökte Botkyrka:\n<ul>\n<li>ett</li>\n</ul>\nEfter.\nRad två.") == (
        "<p>Vi besökte Botkyrka:</p>\n<ul>\n<li>ett</li>\n</ul>\n<p>Efter.<br />\nRad två.</p>\n")


def test_no_line_break_beside_a_table() -> None:
    html = autop("<p>Före</p>\n<table>\n<tr>\n<td>a</td>\n</tr>\n</table>\nEfter")
    assert "<br" not in html
    assert html == ("<p>Före</p>\n<table>\n<tr>\n<td>a</td>\n</tr>\n</table>\n<p>Efter</p>\n")


def test_pre_is_left_alone() -> None:
    html = autop("Före\n<pre>rad 1\n\n\nrad 4\n</pre>\nEfter")
    assert "<pre>rad 1\n\n\nrad 4\n</pre>" in html
    assert to_markdown(html) == "Före\n\n```\nrad 1\n\n\nrad 4\n```\n\nEfter"


def test_two_line_breaks_end_a_paragraph() -> None:
    assert autop("Ett<br /><br />Två\nTre") == "<p>Ett</p>\n<p>Två<br />\nTre</p>\n"


def test_block_editor_blocks_are_untouched_and_the_text_between_gets_paragraphs() -> None:
    source = ("<!-- wp:paragraph -->\n<p>Block\nrad</p>\n<!-- /wp:paragraph -->\n\n"
              "Fri text\nrad två\n\n<!-- wp:separator /-->")
    html, count = autop_freeform(source)
    assert count == 3
    assert "<p>Block\nrad</p>" in html  # no <br>: the block editor wrote its own HTML
    assert "<p>Fri text<br />\nrad två</p>" in html


@pytest.mark.parametrize(("html", "markdown"), [
    ("<p># 1</p>", "\\# 1"),
    ("<p>1. juni</p>", "1\\. juni"),
    ("<p>- tankstreck</p>", "\\- tankstreck"),
    ("<p>&gt; pil</p>", "\\> pil"),
    ("<p>C:\\mapp\\*fil</p>", "C:\\\\mapp\\\\\\*fil"),
    ("<p>&amp;amp; och &amp;</p>", "\\&amp; och &"),
    ("<table><tr><th>a|b</th></tr></table>", "| a\\|b |\n| --- |"),
    ("<pre>```\nkod\n```</pre>", "````\n```\nkod\n```\n````"),
])
def test_text_that_looks_like_markdown_stays_text(html: str, markdown: str) -> None:
    assert to_markdown(html) == markdown
    assert text_of(read(render_markdown(make_parser(), markdown).html)) == text_of(read(html))


@pytest.mark.parametrize(("title", "shown"), [
    ("Om &lt;html&gt; i rubriker", "Om <html> i rubriker"),
    ("Om <html> i rubriker", "Om <html> i rubriker"),
    ("<em>Kursiv</em> rubrik &amp; mer", "Kursiv rubrik & mer"),
    ("Hjärta <3 och a<b", "Hjärta <3 och a<b"),
])
def test_titles_keep_text_that_only_looks_like_a_tag(title: str, shown: str) -> None:
    assert title_text(title) == shown
