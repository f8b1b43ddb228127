"""Parse one post of the old blog's plain-text export. Pure: text in, TextPost out.

Each file: the title line; the header line the blog printed under it, in whichever
variant the export has ("kl. av | Taggar:", "kl. av | Taggar: , , ,", "kl. av |", a
filled one with date, author and tags, or none at all); paragraphs and bullet lines
(" • "); and the WordPress comment form glued to the end from "Kommentera". Plan items
and national input move into the frontmatter; everything else stays, word for word.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from sitegen.slugs import slugify

_BULLET = re.compile(r"^\s*•\s*")
# "[8 mars 2016] kl. [10:15] av [Anna] | [Taggar: a, b]", each part possibly empty.
_HEADER = re.compile(
    r"^(?P<date>.*?)\s*kl\.\s*(?P<time>\d{1,2}[.:]\d{2})?\s*av\b\s*(?P<author>[^|]*?)\s*"
    r"\|\s*(?:Taggar:\s*(?P<tags>.*))?$", re.IGNORECASE)
_MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
           "september", "oktober", "november", "december")
_SWEDISH_DATE = re.compile(rf"^(\d{{1,2}})\s+({'|'.join(_MONTHS)})\s+(\d{{4}})$", re.IGNORECASE)
# Paragraphs glued into one line by the export are joined by " <nbsp> ".
_GLUED = re.compile(r"[ \t]\xa0[ \t\xa0]*")
_PLAN_HEADING = re.compile(r"^(?:\w+s\s+)?plan\s+för\s+handling\s*:?$", re.IGNORECASE)
_PLAN_LEAD = re.compile(r"plan\s+för\s+handling.*:$", re.IGNORECASE)
_INPUT_HEADING = re.compile(
    r"^(?:[\wåäöÅÄÖ]+s\s+)?(?:medskick|synpunkter|input|inspel|önskemål)\s+"
    r"(?:till|från|på)\s+(?:den\s+)?nationell\w*\s+nivå\w*\s*:?$",
    re.IGNORECASE,
)
_FINAL_PUNCT = tuple(".!?:;,…”\"'’)–-")
_MAX_HEADING = 60


@dataclass
class _Block:
    kind: str
    """"para" (one or more lines) or "list" (bullet items)."""
    lines: list[str]
    line: int
    """1-based line of the block's first line in the source file."""


@dataclass
class TextPost:
    """One parsed post, before it is written."""

    title: str
    body: str
    plan: list[str] = field(default_factory=list)
    national_input: list[str] = field(default_factory=list)
    comment_form: bool = False
    date: dt.date | None = None
    """From a filled header line; the export usually lost it."""
    author: str = ""
    tags: list[str] = field(default_factory=list)
    header: int = 0
    """The header line's number, 0 when the file has none."""
    warnings: list[tuple[int, str]] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return slugify(self.title)

    @property
    def text(self) -> str:
        """All the post's words: what themes are counted in."""
        return "\n\n".join([self.title, self.body, *self.plan, *self.national_input])


def parse_text_post(text: str) -> TextPost:
    """Parse one exported post. Pure: no I/O."""
    raw = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    title = raw[0].strip() if raw else ""
    post = TextPost(title=title, body="")
    start = 1
    # The header line, with blank lines around it; a file may have none.
    for i in range(1, min(len(raw), 5)):
        if raw[i].strip() and _header(raw[i].strip(), post):
            post.header = i + 1
            start = i + 1
            break
        if raw[i].strip():
            break
    end = len(raw)
    for i in range(start, len(raw)):
        if raw[i].strip() == "Kommentera":
            end = i
            post.comment_form = True
            break
    post.body = _convert(_blocks(raw, start, end), post)
    return post


def _convert(blocks: list[_Block], post: TextPost) -> str:
    """The body's Markdown; the plan and national-input lists go into `post`."""
    out: list[str] = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        following = blocks[i + 1] if i + 1 < len(blocks) else None
        if block.kind == "para" and following is not None and following.kind == "list":
            last = block.lines[-1]
            if _PLAN_HEADING.match(last) or _PLAN_LEAD.search(last):
                target = post.plan
            elif _INPUT_HEADING.match(last):
                target = post.national_input
            else:
                target = None
            if target is not None:
                if target:
                    post.warnings.append((following.line, "en andra lista av samma slag; "
                                                          "punkterna lades till den första"))
                target.extend(_item(t) for t in following.lines)
                kept = block.lines if _PLAN_LEAD.search(last) and not _PLAN_HEADING.match(
                    last) else block.lines[:-1]
                if kept:
                    out.extend(_paragraphs(kept))
                i += 2
                continue
        if block.kind == "list":
            out.append("\n".join(f"- {_escape_inline(t)}" for t in block.lines))
        elif _is_heading(block, following):
            out.append(f"## {_escape_inline(block.lines[0])}")
        else:
            out.extend(_paragraphs(block.lines))
        i += 1
    return "\n\n".join(out)


def _header(line: str, post: TextPost) -> bool:
    """Read the header line into `post`; False if `line` is no header."""
    found = _HEADER.match(line)
    if found is None:
        return False
    post.author = found.group("author").strip(" ,")
    post.tags = [t.strip() for t in (found.group("tags") or "").split(",") if t.strip()]
    when = found.group("date").strip(" ,")
    if when:
        swedish = _SWEDISH_DATE.match(when)
        try:
            post.date = (dt.date(int(swedish.group(3)), _MONTHS.index(
                swedish.group(2).casefold()) + 1, int(swedish.group(1))) if swedish
                else dt.date.fromisoformat(when))
        except ValueError:
            post.date = None
    return True


def _blocks(raw: list[str], start: int, end: int) -> list[_Block]:
    blocks: list[_Block] = []
    current: _Block | None = None
    for n in range(start, end):
        line = raw[n]
        stripped = line.strip()
        if not stripped:
            current = None
            continue
        kind = "list" if _BULLET.match(line) else "para"
        content = _BULLET.sub("", line).strip() if kind == "list" else stripped
        if current is None or current.kind != kind:
            current = _Block(kind, [], n + 1)
            blocks.append(current)
        current.lines.append(content)
    # Paragraphs glued into one line become separate paragraph lines again.
    for block in blocks:
        if block.kind == "para":
            block.lines = [part.strip() for line in block.lines
                           for part in _GLUED.split(line) if part.strip()]
    return blocks


def _item(text: str) -> str:
    return text.strip()


def _paragraphs(lines: list[str]) -> list[str]:
    # Each source line is its own paragraph: captions printed twice, dialogue lines
    # and headings must not run together into one paragraph.
    return [_escape_line(line) for line in lines]


def _is_heading(block: _Block, following: _Block | None) -> bool:
    if block.kind != "para" or len(block.lines) != 1 or following is None:
        return False
    line = block.lines[0]
    return (
        len(line) <= _MAX_HEADING
        and line[0].isupper()
        and not line.endswith(_FINAL_PUNCT)
        and following.kind == "para"
    )


_LINE_MARKER = re.compile(r"^(\s*)([-+*#>]|\d+[.)])(?=\s|$)")
_INLINE = re.compile(r"([\\`*_<\[\]])")


def _escape_inline(text: str) -> str:
    return _INLINE.sub(r"\\\1", text)


def _escape_line(text: str) -> str:
    """Markdown-escape one line so it renders as exactly these words (a dialogue dash
    "- Jag tror ..." stays a dash, not a list)."""
    text = _escape_inline(text)
    return _LINE_MARKER.sub(lambda m: f"{m.group(1)}\\{m.group(2)}", text)
