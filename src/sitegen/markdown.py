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
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.parser_inline import ParserInline
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
    """`_inline` in place of markdown-it's core inline rule: 1.34 → 1.11 s. It also keeps
    text whose markup cannot close (900,000 `<` or `[`) from markdown-it's inline
    rules, which try every such character: 6 s for the `<`, 20 s for the `[`; and text
    where no link can close (450,000 lines of `[`) from its link rules: 40 s."""


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
        md.core.ruler.at("inline", _inline_rule(_without_links()))
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
nothing (so `<` matters only as the start of an autolink)."""
_ALWAYS_MARKUP = re.compile(r"[\n\\`~*_]")
"""The characters that start one of them but text wherever they are: newline, escape,
backticks, strikethrough and emphasis. The others start an autolink (`<`), an entity
(`&`), a link (`[`) or an image (`!`) only when what would close it follows: see
`_one_text`."""


def _one_text(content: str, env: MutableMapping[str, Any]) -> bool:
    """Whether markdown-it's inline rules would make `content` one text token: no
    character in it starts inline markup, or only characters that cannot start any here
    for want of what would close it: `<` with no `>` after it (an autolink; html is off),
    `&` with no `;` (an entity), `[` and `!` where no link can close (`_links_close`)."""
    if _ALWAYS_MARKUP.search(content):
        return False
    for opener, closer in (("<", ">"), ("&", ";")):
        first = content.find(opener)
        if first >= 0 and content.find(closer, first + 1) >= 0:
            return False
    return not _links_close(content, env)


def _links_close(content: str, env: MutableMapping[str, Any]) -> bool:
    """Whether a link or image could close in `content`: a label needs `](` after its
    `[`, or `]` when the text defines references."""
    first = min((at for at in (content.find("["), content.find("!")) if at >= 0), default=-1)
    closer = "]" if "references" in env else "]("
    return first >= 0 and content.find(closer, first + 1) >= 0


def _without_links() -> ParserInline:
    """make_parser's inline parser without the link and image rules, for text in which no
    link can close. markdown-it tries a label at every `[` and reads on for its end: 0.1
    ms a `[` when there is none, 40 s for a post of 450,000 lines of `[`."""
    md = MarkdownIt("commonmark", {"html": False, "typographer": False})
    md.enable("strikethrough")
    md.disable(["link", "image"])
    return md.inline


def _inline_rule(without_links: ParserInline) -> Callable[[StateCore], None]:
    def _inline(state: StateCore) -> None:
        """markdown-it's core rule that parses the inline content of each block, except
        that text in which no character can start inline markup (`_one_text`) becomes
        its one text token directly, as the inline parser makes it: most paragraphs,
        items and headings, and ~15 % of Markdown time on posts; and text in which no
        link can close is parsed without the link rules. Output is the same (tested)."""
        for token in state.tokens:
            if token.type != "inline":
                continue
            if token.children is None:
                token.children = []
            if not token.content:
                state.md.inline.parse(token.content, state.md, state.env, token.children)
            elif _one_text(token.content, state.env):
                text = Token("text", "", 0)
                text.content = token.content
                token.children.append(text)
            else:
                parser = (state.md.inline if _links_close(token.content, state.env)
                          else without_links)
                parser.parse(token.content, state.md, state.env, token.children)
    return _inline


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


_ANCHORED = frozenset({"h2", "h3", "h4"})


def render_markdown(md: MarkdownIt, text: str, *, line_offset: int = 0) -> Rendered:
    """Render a post body; `line_offset` is the number of file lines before the body.
    One walk over the tokens before rendering gives headings h2–h4 their ids (slugs of
    their text, made unique as -1, -2 …), moves table alignment into a class and
    collects the table of contents, anchors, links and first paragraph."""
    tokens = md.parse(text)
    toc: list[tuple[str, str]] = []
    anchors: set[str] = set()
    counters: dict[str, int] = {}
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
                if child.type in ("text", "code_inline"))), anchors, counters)
            token.attrSet("id", anchor)
            anchors.add(anchor)
            if token.tag == "h2":
                toc.append((anchor, inline.content))
        elif kind in ("th_open", "td_open"):
            _alignment_as_class(token)
    html = md.renderer.render(tokens, md.options, {})
    return Rendered(html, tuple(toc), frozenset(anchors), tuple(links), first_paragraph)


def _unique(slug: str, taken: set[str], counters: dict[str, int]) -> str:
    """`slug`, or the first of slug-1, slug-2 … not taken. `counters` remembers where
    each slug's search stopped, so 100,000 equal headings take linear time, not
    quadratic (the result is the same: `taken` only grows)."""
    unique, number = slug, counters.get(slug, 1)
    if unique in taken:
        unique = f"{slug}-{number}"
        while unique in taken:
            number += 1
            unique = f"{slug}-{number}"
        counters[slug] = number + 1
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
    return without_tags("".join(parts)).strip()


def without_tags(text: str) -> str:
    """`text` without what looks like a tag: re.sub(r"<[^>]+>", "", text), in linear
    time. That expression tries every `<` and reads on to the end of the text when no `>`
    follows: 300,000 `<` took 50 s."""
    kept = []
    start = 0
    while True:
        opening = text.find("<", start)
        if opening < 0:
            break
        closing = text.find(">", opening + 1)
        if closing < 0:
            break  # no `>` after this `<`: none after any later `<` either
        if closing == opening + 1:  # "<>" is no tag; go on after the "<"
            kept.append(text[start:opening + 1])
            start = opening + 1
            continue
        kept.append(text[start:opening])
        start = closing + 1
    kept.append(text[start:])
    return "".join(kept)


def summarize(text: str, limit: int = 220) -> str:
    """A plain-text summary cut at a word boundary."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:–-")
    return cut + " …"
