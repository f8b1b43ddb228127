"""Markdown to HTML with markdown-it-py.

Raw HTML in posts is not passed through: it is shown as text. Posts come from git and
the archive is public information, so a stray `<script>` must never reach a reader;
everything an editor needs (links, lists, tables, quotes, headings) is Markdown.
Link schemes are limited by markdown-it's own validator (no `javascript:`, `vbscript:`,
`file:` or non-image `data:`).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_block.heading import heading
from markdown_it.rules_block.paragraph import paragraph
from markdown_it.rules_block.state_block import StateBlock
from markdown_it.rules_core.state_core import StateCore
from markdown_it.token import Token

from sitegen.errors import FastPathBroken
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


@dataclass(frozen=True)
class FastPaths:
    """Which of markdown-it's steps make_parser shortcuts. Each gives markdown-it's own
    output, byte for byte (tested with each off, on every post we have and on thousands
    of mutated ones), and leans on markdown-it's rule chains, which check_internals
    holds to what they were written for."""

    obvious_blocks: bool = True
    """`_obvious_block` first in the block chain: 2,000 benchmark bodies 1.29 → 1.11 s of
    CPU (BENCHMARKS.md)."""
    plain_text: bool = True
    """`_inline` in place of markdown-it's core inline rule: 1.34 → 1.11 s."""


FAST_PATHS = FastPaths()
"""What builds use."""
PLAIN = FastPaths(obvious_blocks=False, plain_text=False)
"""markdown-it's own rules throughout."""

_BLOCK_RULES = ("table", "code", "fence", "blockquote", "hr", "list", "reference", "heading",
                "lheading", "paragraph")
"""The block rules (html_block aside, which matches nothing with html off) whose order
_obvious_block was written for: it skips those before heading and paragraph."""
_CORE_RULES = ("normalize", "block", "inline", "text_join")


def make_parser(fast: FastPaths | None = None) -> MarkdownIt:
    """The parser posts and pages are rendered with (`fast`: FAST_PATHS unless given)."""
    fast = fast if fast is not None else FAST_PATHS
    md = MarkdownIt("commonmark", {"html": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    check_internals(md, fast)
    if fast.obvious_blocks:
        md.block.ruler.before("table", "obvious_block", _obvious_block)
    if fast.plain_text:
        md.core.ruler.at("inline", _inline)
    return md


def check_internals(md: MarkdownIt, fast: FastPaths) -> None:
    """Raise FastPathBroken if a markdown-it internal a switched-on shortcut relies on
    changed: the rules it skips or stands in for, or the functions it calls."""
    active = {chain: [rule for rule in rules if not rule.startswith("html_")]
              for chain, rules in md.get_active_rules().items()}
    broken = []
    if fast.obvious_blocks and (active["block"] != list(_BLOCK_RULES) or any(
            _params(rule)[:4] != ["state", "startLine", "endLine", "silent"]
            for rule in (heading, paragraph)) or not hasattr(StateBlock, "is_code_block")):
        broken.append(f"obvious_blocks: markdown-it's block rules are now {active['block']}")
    if fast.plain_text and (active["inline"] != list(INLINE_RULES)
                            or active["core"] != list(_CORE_RULES)
                            or _params(md.inline.parse) != ["src", "md", "env", "tokens"]):
        broken.append(f"plain_text: markdown-it's inline rules are now {active['inline']}, "
                      f"its core rules {active['core']}")
    if broken:
        raise FastPathBroken("; ".join(broken))


def _params(function: Callable[..., Any]) -> list[str]:
    return list(inspect.signature(function).parameters)


INLINE_RULES = ("text", "newline", "escape", "backticks", "strikethrough", "emphasis", "link",
                "image", "autolink", "entity")
"""The inline rules make_parser leaves on, html_inline aside: with html off it matches
nothing (and `<`, which starts it, is in _INLINE_MARKUP for autolinks anyway)."""
_INLINE_MARKUP = re.compile(r"[\n\\`~*_\[!<&]")
"""The characters that start one of them but text: newline, escape, backticks,
strikethrough, emphasis, link, image, autolink and entity."""


def _inline(state: StateCore) -> None:
    """markdown-it's core rule that parses the inline content of each block, except that
    text with no character that starts inline markup becomes its one text token directly,
    as the inline parser makes it: most paragraphs, items and headings, and ~15 % of
    Markdown time on posts. Output is the same (tested)."""
    parse = state.md.inline.parse
    for token in state.tokens:
        if token.type != "inline":
            continue
        if token.children is None:
            token.children = []
        if token.content and not _INLINE_MARKUP.search(token.content):
            text = Token("text", "", 0)
            text.content = token.content
            token.children.append(text)
        else:
            parse(token.content, state.md, state.env, token.children)


def _obvious_block(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """Hand a block that no earlier rule can claim straight to its rule. At every block
    markdown-it tries table, code, fence, blockquote, hr, list, reference and html_block
    (which matches nothing with html off) before heading and paragraph. A line that starts with a
    letter is a paragraph unless the next line makes it a table or a setext heading, so
    it is taken only when the next line is empty; a line that starts with # is a heading
    unless the next line makes it a table. Anything else is left to the usual rules, as
    is a # line that is no heading (#tagg). Output is the same (tested)."""
    if state.is_code_block(start):
        return False
    first = state.src[state.bMarks[start] + state.tShift[start]]
    following = start + 1
    if following < end:
        at = state.bMarks[following] + state.tShift[following]
        next_first = state.src[at] if at < state.eMarks[following] else ""
    else:
        next_first = ""
    if first.isalpha():
        return not next_first and paragraph(state, start, end, silent)
    if first == "#" and next_first not in ("|", "-", ":"):
        return heading(state, start, end, silent)
    return False


_TAGS = re.compile(r"<[^>]+>")
_ANCHORED = frozenset({"h2", "h3", "h4"})


def render_markdown(md: MarkdownIt, text: str, *, line_offset: int = 0) -> Rendered:
    """Render a post body; `line_offset` is the number of file lines before the body.
    One walk over the tokens before rendering gives headings h2–h4 their ids (slugs of
    their text, made unique as -1, -2 …), moves table alignment into a class and
    collects the table of contents, anchors, links and first paragraph."""
    tokens = md.parse(text)
    toc: list[tuple[str, str]] = []
    anchors: set[str] = set()
    links: list[Link] = []
    first_paragraph = ""
    for index, token in enumerate(tokens):
        kind = token.type
        if kind == "inline":
            line = (token.map[0] if token.map else 0) + 1 + line_offset
            links.extend(_links(token.children or [], line))
            if not first_paragraph and index > 0 and tokens[index - 1].type == "paragraph_open":
                first_paragraph = _plain(token)
        elif kind == "heading_open" and token.tag in _ANCHORED:
            inline = tokens[index + 1]
            anchor = _unique(_heading_slug("".join(
                child.content for child in inline.children or ()
                if child.type in ("text", "code_inline"))), anchors)
            token.attrSet("id", anchor)
            anchors.add(anchor)
            if token.tag == "h2":
                toc.append((anchor, inline.content))
        elif kind in ("th_open", "td_open"):
            _alignment_as_class(token)
    html = md.renderer.render(tokens, md.options, {})
    return Rendered(html, tuple(toc), frozenset(anchors), tuple(links), first_paragraph)


def _unique(slug: str, taken: set[str]) -> str:
    unique, number = slug, 1
    while unique in taken:
        unique = f"{slug}-{number}"
        number += 1
    return unique


def _alignment_as_class(cell: Token) -> None:
    """Table column alignment as a class, not a style attribute, which the site's
    Content-Security-Policy (style-src 'self') would block."""
    style = str(cell.attrGet("style") or "")
    if style.startswith("text-align:"):
        del cell.attrs["style"]
        cell.attrSet("class", "align-" + style.removeprefix("text-align:"))


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
