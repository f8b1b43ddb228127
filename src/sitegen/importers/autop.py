"""Paragraphs for classic-editor HTML, as WordPress shows it (its `wpautop` filter).

The classic editor stored posts without <p>: a blank line ends a paragraph and a single
newline is a line break, but block tags (lists, tables, headings, <pre>, ...) stand on
their own, whether or not a blank line separates them from the text. A line of text
followed directly by `<ul>` is a paragraph and a list, never one paragraph with the
list in it; a newline next to a block tag is never a `<br>`; nothing inside <pre>
changes. Block-editor posts (with `<!-- wp:... -->` comments) are HTML already and
WordPress leaves them alone: so do we, and only the text between their blocks is
given paragraphs.
"""

from __future__ import annotations

import re

BLOCKS = (
    "table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|"
    "map|area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section|article|"
    "aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary"
)
_OPEN = re.compile(rf"(<(?:{BLOCKS})[\s/>])", re.IGNORECASE)
_CLOSE = re.compile(rf"(</(?:{BLOCKS})>)", re.IGNORECASE)
_ANY_BLOCK_TAG = rf"</?(?:{BLOCKS})(?:[\s/][^>]*)?>"
_HR = re.compile(r"(<hr\s*/?>)", re.IGNORECASE)
# Whole elements whose text no paragraph step may touch, put aside and back at the end.
_KEEP = re.compile(r"<(pre|script|style|textarea)[\s>].*?</\1>|<!--.*?-->",
                   re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^<>]*>")
_DOUBLE_BR = re.compile(r"<br\s*/?>\s*<br\s*/?>", re.IGNORECASE)
_PARAGRAPHS = re.compile(r"\n\s*\n")
_BR = "<br />"
# Block editor delimiters: <!-- wp:name {...} -->, <!-- /wp:name -->, <!-- wp:name /-->.
_DELIMITER = re.compile(r"<!--\s*(/?)wp:[\w/-]+(?:\s[^>]*?)?\s*(/?)-->", re.DOTALL)


def autop(html: str) -> str:
    """Classic-editor HTML with its paragraphs and line breaks made explicit."""
    if not html.strip():
        return ""
    kept: list[str] = []
    text = _KEEP.sub(lambda m: _aside(kept, m.group()), html.replace("\r\n", "\n")
                     .replace("\r", "\n"))
    text = _TAG.sub(lambda m: m.group().replace("\n", " "), text)
    text = _DOUBLE_BR.sub("\n\n", text)
    text = _separate_blocks(text)
    text = _wrap_paragraphs(text)
    text = _unwrap_blocks(text)
    text = _line_breaks(text)
    for index, original in enumerate(kept):
        text = text.replace(_marker(index), original).replace(_inline_marker(index), original)
    return text


def autop_freeform(source: str) -> tuple[str, int]:
    """Paragraphs for the text outside a block-editor post's blocks (all of a classic
    post), the blocks themselves untouched; the delimiters are removed and counted."""
    out: list[str] = []
    depth = 0
    position = 0
    count = 0
    for match in _DELIMITER.finditer(source):
        chunk = source[position:match.start()]
        out.append(autop(chunk) if depth == 0 else chunk)
        position = match.end()
        count += 1
        closing, self_closing = match.group(1), match.group(2)
        if closing:
            depth = max(0, depth - 1)
        elif not self_closing:
            depth += 1
    rest = source[position:]
    out.append(autop(rest) if depth == 0 else rest)
    return "\n\n".join(part for part in out if part.strip()), count


def _marker(index: int) -> str:
    # A block-level placeholder, so that the paragraph steps treat it like <pre>.
    return f'<pre data-autop-kept="{index}"></pre>'


def _inline_marker(index: int) -> str:
    return f"\0{index}\0"


def _aside(kept: list[str], original: str) -> str:
    kept.append(original)
    index = len(kept) - 1
    # A comment is inline (it may sit inside a paragraph); the others are blocks.
    return _inline_marker(index) if original.startswith("<!--") else _marker(index)


def _separate_blocks(text: str) -> str:
    text = _OPEN.sub(r"\n\n\1", text)
    text = _CLOSE.sub(r"\1\n\n", text)
    text = _HR.sub(r"\1\n\n", text)
    # <figcaption>, <source> and <track> belong to the element around them.
    text = re.sub(r"\s*(<figcaption[^>]*>)", r"\1", text, flags=re.IGNORECASE)
    text = re.sub(r"(</figcaption>)\s*", r"\1", text, flags=re.IGNORECASE)
    text = re.sub(r"\s*(<(?:source|track)[^>]*>)\s*", r"\1", text, flags=re.IGNORECASE)
    return re.sub(r"\n\n+", "\n\n", text)


def _wrap_paragraphs(text: str) -> str:
    pieces = [p.strip("\n") for p in _PARAGRAPHS.split(text) if p.strip()]
    return "".join(f"<p>{piece}</p>\n" for piece in pieces)


def _unwrap_blocks(text: str) -> str:
    """Take away the <p> around and beside block tags that the wrapping step added."""
    text = re.sub(r"<p>\s*</p>", "", text)
    text = re.sub(r"<p>([^<]+)</(div|address|form)>", r"<p>\1</p></\2>", text)
    text = re.sub(rf"<p>\s*({_ANY_BLOCK_TAG})\s*</p>", r"\1", text, flags=re.IGNORECASE)
    text = re.sub(r"<p>(<li.+?)</p>", r"\1", text, flags=re.IGNORECASE)
    text = re.sub(r"<p><blockquote([^>]*)>", r"<blockquote\1><p>", text, flags=re.IGNORECASE)
    text = text.replace("</blockquote></p>", "</p></blockquote>")
    text = re.sub(rf"<p>\s*({_ANY_BLOCK_TAG})", r"\1", text, flags=re.IGNORECASE)
    return re.sub(rf"({_ANY_BLOCK_TAG})\s*</p>", r"\1", text, flags=re.IGNORECASE)


def _line_breaks(text: str) -> str:
    """A newline inside a paragraph is a line break, except beside a block tag."""
    text = re.sub(r"<br\s*/?>", _BR, text, flags=re.IGNORECASE)
    text = re.sub(rf"(?<!{_BR})\s*\n", f"{_BR}\n", text)
    text = re.sub(rf"({_ANY_BLOCK_TAG})\s*{_BR}", r"\1", text, flags=re.IGNORECASE)
    text = re.sub(rf"{_BR}(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)(?:[\s/][^>]*)?>)",
                  r"\1", text, flags=re.IGNORECASE)
    return re.sub(r"\n</p>$", "</p>", text)
