"""Import the old blog's plain-text export (one post per file).

Each file: the title line, the emptied `kl. av | Taggar:` line, paragraphs, bullet lines
(` • `), and the WordPress comment form glued to the end from "Kommentera". Plan items
and national input move into the frontmatter; everything else stays, word for word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sitegen.errors import Problem, Severity, SitegenError, display_path
from sitegen.importers.report import ImportReport
from sitegen.importers.writer import render_document, write_file
from sitegen.progress import Progress, silent
from sitegen.registry import Register, default_register
from sitegen.slugs import slugify

_BULLET = re.compile(r"^\s*•\s*")
_HEADER = re.compile(r"^kl\.\s.*\|\s*Taggar:", re.IGNORECASE)
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
    municipalities: list[str]
    plan: list[str] = field(default_factory=list)
    national_input: list[str] = field(default_factory=list)
    comment_form: bool = False
    warnings: list[tuple[int, str]] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return slugify(self.title)

    def document(self) -> str:
        meta: dict[str, Any] = {
            "title": self.title,
            "category": "kommunbesok" if self.municipalities else "ovrigt",
            "municipalities": self.municipalities,
            "plan": self.plan,
            "national_input": self.national_input,
        }
        return render_document(meta, self.body)


def import_text(source_dir: Path, site_root: Path, *, force: bool = False,
                progress: Progress = silent) -> ImportReport:
    """Import every `*.txt` file in `source_dir` (sorted) into `site_root/content/posts/`."""
    if not source_dir.is_dir():
        raise SitegenError([Problem(source_dir.as_posix(), 0, "mappen finns inte")])
    report = ImportReport()
    register = default_register()
    posts_dir = site_root / "content" / "posts"
    seen: dict[str, str] = {}
    files = sorted(source_dir.glob("*.txt"))
    for done, path in enumerate(files):
        progress("Importerar", done, len(files))
        shown = path.as_posix()
        try:
            text = path.read_text("utf-8")
        except UnicodeDecodeError as exc:
            raise SitegenError([Problem(shown, 0, f"filen är inte UTF-8: {exc.reason}")]) from exc
        post = parse_text_post(text, register)
        if not post.title:
            report.warnings.append(Problem(shown, 1, "ingen titel, filen hoppades över",
                                           Severity.WARNING))
            continue
        if post.slug in seen:
            report.warnings.append(Problem(
                shown, 1, f'samma slug "{post.slug}" som {seen[post.slug]}; filen hoppades över',
                Severity.WARNING))
            continue
        seen[post.slug] = shown
        if post.comment_form:
            report.comment_forms_dropped += 1
        for line, message in post.warnings:
            report.warnings.append(Problem(shown, line, message, Severity.WARNING))
        target = posts_dir / f"{post.slug}.md"
        report.missing_dates.append(display_path(target, site_root))
        write_file(target, post.document(), site_root, report, force=force)
    progress("Importerar", len(files), len(files))
    return report


def parse_text_post(text: str, register: Register | None = None) -> TextPost:
    """Parse one exported post. Pure: no I/O."""
    register = register or default_register()
    raw = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    title = raw[0].strip() if raw else ""
    start = 1
    # The header line, with blank lines around it.
    for i in range(1, min(len(raw), 5)):
        if _HEADER.match(raw[i].strip()):
            start = i + 1
            break
    end = len(raw)
    comment_form = False
    for i in range(start, len(raw)):
        if raw[i].strip() == "Kommentera":
            end = i
            comment_form = True
            break
    blocks = _blocks(raw, start, end)
    post = TextPost(title=title, body="", municipalities=[], comment_form=comment_form)
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
    post.body = "\n\n".join(out)
    post.municipalities = _municipalities(title, "\n".join(raw[start:end]), register)
    if not post.municipalities:
        post.warnings.append((1, "ingen kommun hittades i titeln eller texten; "
                                 "lägg till municipalities: för hand"))
    return post


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


def _municipalities(title: str, body: str, register: Register) -> list[str]:
    """The municipality the post is about: named in the title, else the one the text
    names most often (a genitive "Botkyrkas" counts)."""
    found = _mentions(title, register)
    if found:
        return [max(found, key=lambda name: (found[name], -title.find(name)))]
    counts = _mentions(body, register)
    if not counts:
        return []
    best = max(counts.values())
    # Ties are ambiguous: the post is about none of them for sure.
    leaders = [name for name, n in counts.items() if n == best]
    return leaders if len(leaders) == 1 else []


def _mentions(text: str, register: Register) -> dict[str, int]:
    counts: dict[str, int] = {}
    for name in register.names:
        pattern = re.compile(rf"(?<![\wåäöÅÄÖ-]){re.escape(name)}s?(?![\wåäöÅÄÖ-])")
        n = len(pattern.findall(text))
        if n:
            counts[name] = n
    return counts
