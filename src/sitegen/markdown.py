"""Markdown to HTML with markdown-it-py.

Raw HTML in posts is not passed through: it is shown as text. Posts come from git and
the archive is public information, so a stray `<script>` must never reach a reader;
everything an editor needs (links, lists, tables, quotes, headings) is Markdown.
Link schemes are limited by markdown-it's own validator (no `javascript:`, `vbscript:`,
`file:` or non-image `data:`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin

from sitegen.slugs import slugify


@dataclass(frozen=True)
class Link:
    href: str
    line: int
    """1-based line in the source file."""


@dataclass(frozen=True)
class Rendered:
    html: str
    toc: tuple[tuple[str, str], ...]
    """(anchor, text) of each second-level heading."""
    anchors: frozenset[str]
    links: tuple[Link, ...]
    first_paragraph: str


def _heading_slug(text: str) -> str:
    return slugify(text) or "avsnitt"


def make_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    anchors_plugin(md, min_level=2, max_level=4, slug_func=_heading_slug)
    return md


_TAGS = re.compile(r"<[^>]+>")


def render_markdown(md: MarkdownIt, text: str, *, line_offset: int = 0) -> Rendered:
    """Render a post body; `line_offset` is the number of file lines before the body."""
    tokens = md.parse(text)
    _alignment_as_class(tokens)
    html = md.renderer.render(tokens, md.options, {})
    toc: list[tuple[str, str]] = []
    anchors: set[str] = set()
    links: list[Link] = []
    first_paragraph = ""
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.attrGet("id"):
            anchor = str(token.attrGet("id"))
            anchors.add(anchor)
            if token.tag == "h2":
                toc.append((anchor, tokens[index + 1].content))
        elif token.type == "inline":
            line = (token.map[0] if token.map else 0) + 1 + line_offset
            links.extend(_links(token.children or [], line))
            if not first_paragraph and index > 0 and tokens[index - 1].type == "paragraph_open":
                first_paragraph = _plain(token)
    return Rendered(html, tuple(toc), frozenset(anchors), tuple(links), first_paragraph)


def _alignment_as_class(tokens: list[Token]) -> None:
    """Table column alignment as a class, not a style attribute, which the site's
    Content-Security-Policy (style-src 'self') would block."""
    for token in tokens:
        if token.type in ("th_open", "td_open"):
            style = str(token.attrGet("style") or "")
            if style.startswith("text-align:"):
                del token.attrs["style"]
                token.attrSet("class", "align-" + style.removeprefix("text-align:"))


def _links(children: list[Token], line: int) -> list[Link]:
    found = []
    for child in children:
        if child.type == "link_open":
            found.append(Link(str(child.attrGet("href") or ""), line))
        elif child.type == "image":
            found.append(Link(str(child.attrGet("src") or ""), line))
        elif child.type in ("softbreak", "hardbreak"):
            line += 1
    return found


def _plain(token: Token) -> str:
    parts = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return _TAGS.sub("", "".join(parts)).strip()


def summarize(text: str, limit: int = 220) -> str:
    """A plain-text summary cut at a word boundary."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:–-")
    return cut + " …"
