"""HTML of imported posts to Markdown that renders as the same words and structure.

markdownify does the conversion; our converter escapes what would otherwise turn text
into Markdown (a cell that says "# 1" must not become a heading, a "|" must not split
a table cell, a backslash must stay a backslash) and fences code that itself holds
backticks. Titles and excerpts become plain text.
"""

from __future__ import annotations

import html
import re
from typing import Any

from markdownify import MarkdownConverter

from sitegen.markdown import without_tags

# At the start of a line these begin a heading, quote, list item, thematic break,
# setext underline or code fence; as text, they take a backslash.
_LINE_START = re.compile(r"^(\s*)(#{1,6}(?=\s|$)|>|[-+*](?=\s|$)|(\d{1,9})[.)](?=\s|$)|"
                         r"={2,}|-{2,}|`{3,}|~{3,})", re.MULTILINE)
_FENCE = re.compile(r"^(`{3,})$")
_ENTITY = re.compile(r"&(?=#?\w+;)")
_INLINE_TAGS = ("a|abbr|b|bdi|bdo|big|br|cite|code|del|dfn|em|font|i|ins|kbd|mark|q|s|samp|"
                "small|span|strike|strong|sub|sup|time|tt|u|var|wbr")
_INLINE_TAG = re.compile(rf"</?(?:{_INLINE_TAGS})(?:\s[^<>]*)?/?>", re.IGNORECASE)


class _Converter(MarkdownConverter):
    """markdownify with escaping that keeps text text, and fences that fit their code."""

    def escape(self, text: str, parent_tags: set[str]) -> str:
        if not text:
            return ""
        text = text.replace("\\", "\\\\")
        text = text.replace("*", "\\*").replace("_", "\\_").replace("`", "\\`")
        text = text.replace("~~", "\\~\\~").replace("](", "]\\(").replace("![", "!\\[")
        text = _ENTITY.sub("\\&", text)
        if "td" in parent_tags or "th" in parent_tags:
            text = text.replace("|", "\\|")
        return _LINE_START.sub(_escape_marker, text)

    def convert_pre(self, el: Any, text: str, parent_tags: set[str]) -> str:
        if not text:
            return ""
        longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
        fence = "`" * max(3, longest + 1)
        return f"\n\n{fence}\n{text.strip(chr(10))}\n{fence}\n\n"


def _escape_marker(match: re.Match[str]) -> str:
    space, marker, digits = match.group(1), match.group(2), match.group(3)
    if digits is not None:  # "1." → "1\.": the number stays a number
        return f"{space}{digits}\\{marker[len(digits):]}"
    return f"{space}\\{marker}"


_CONVERTER = _Converter(heading_style="ATX", bullets="-", newline_style="BACKSLASH",
                        strip=["script", "style"], escape_misc=False)


def to_markdown(source: str) -> str:
    """Markdown for HTML that already has its paragraphs (see autop): trailing spaces
    and runs of blank lines go, except inside code blocks, which stay as they were."""
    text: str = _CONVERTER.convert(source)
    out: list[str] = []
    fence = ""
    for line in text.split("\n"):
        if fence:
            out.append(line)
            if line.strip() == fence:
                fence = ""
            continue
        line = line.rstrip()
        opening = _FENCE.match(line)
        if opening:
            fence = opening.group(1)
        elif not line and (not out or not out[-1]):
            continue
        out.append(line)
    return "\n".join(out).strip()


def plain(text: str) -> str:
    """Plain text from an excerpt that may hold tags or entities."""
    text = without_tags(without_comments(text))
    return " ".join(html.unescape(text).split())


def title_text(text: str) -> str:
    """A title as readers saw it: inline markup (<em>, <strong>, ...) goes, entities are
    decoded, and anything else that looks like a tag ("<html>", "<3") stays as text."""
    text = _INLINE_TAG.sub("", without_comments(text))
    return " ".join(html.unescape(text).split())


def without_comments(text: str) -> str:
    """`text` without HTML comments: re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL) in
    linear time (that expression reads to the end of the text from every `<!--` that is
    never closed)."""
    kept, start = [], 0
    while (opening := text.find("<!--", start)) >= 0:
        closing = text.find("-->", opening + 4)
        if closing < 0:
            break
        kept.append(text[start:opening])
        start = closing + 3
    kept.append(text[start:])
    return "".join(kept)
