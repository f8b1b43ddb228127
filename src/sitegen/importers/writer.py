"""Writing imported posts: frontmatter in the fixed key order, idempotent, and never
overwriting an editor's file without --force."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

import yaml

from sitegen.importers.report import ImportReport

KEY_ORDER = (
    "title", "date", "export_order", "category", "municipalities", "themes", "summary",
    "authors", "aliases", "draft", "order", "plan", "national_input", "followup", "suggested",
)


class Outcome(Enum):
    WRITTEN = "written"
    UNCHANGED = "unchanged"
    KEPT = "kept"
    """An existing file with other content, left alone (no --force)."""


@dataclass(frozen=True)
class Revisit:
    """A follow-up whose statuses an editor fills in: the earlier post and its plan."""

    of: str
    title: str
    items: tuple[tuple[str, str], ...]
    """(id, text) of each plan item of the earlier post."""


class _Dumper(yaml.SafeDumper):
    """Block lists indented under their key, as editors write them by hand."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _dump(data: dict[str, Any]) -> str:
    if not data:
        return ""
    text: str = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                          default_flow_style=False, width=100)
    return text


def render_document(meta: dict[str, Any], body: str) -> str:
    """Frontmatter (known keys in KEY_ORDER, empty values left out) and the body. A
    `followup` given as a Revisit is written with its plan items as comments: the
    importer never invents a status."""
    ordered: dict[str, Any] = {}
    for key in (*KEY_ORDER, *(k for k in meta if k not in KEY_ORDER)):
        value = meta.get(key)
        if value is not None and value != [] and value != "" and value != {}:
            ordered[key] = value
    revisit = ordered.pop("followup", None)
    suggested = ordered.pop("suggested", None)
    front = _dump(ordered)
    if isinstance(revisit, Revisit):
        front += _revisit_block(revisit)
    elif revisit is not None:
        front += _dump({"followup": revisit})
    if suggested:
        front += _dump({"suggested": suggested})
    body = body.strip("\n")
    return f"---\n{front}---\n\n{body}\n" if body else f"---\n{front}---\n"


def _revisit_block(revisit: Revisit) -> str:
    lines = [
        "followup:",
        f"  of: {revisit.of}",
        f"  # Planen i {json.dumps(revisit.title, ensure_ascii=False)}. Ta bort # framför de",
        "  # punkter återbesöket följde upp, skriv deras status (done, in_progress,",
        "  # not_started eller dropped) och en note, och ta bort raden items: [].",
        "  # items:",
    ]
    for item_id, text in revisit.items:
        short = " ".join(text.split())
        short = short if len(short) <= 70 else short[:69].rstrip() + "…"
        lines += [f"  #   - item: {json.dumps(item_id)}  # {short}",
                  "  #     status:", '  #     note: ""']
    lines.append("  items: []")
    return "\n".join(lines) + "\n"


def write_file(path: Path, text: str, site_root: Path, report: ImportReport, *,
               force: bool) -> Outcome:
    """Write `text` to `path` unless it is already there; record what happened."""
    shown = _shown(path, site_root)
    if path.exists():
        if path.read_text("utf-8") == text:
            report.unchanged.append(shown)
            return Outcome.UNCHANGED
        if not force:
            report.skipped_existing.append(shown)
            return Outcome.KEPT
    path.parent.mkdir(parents=True, exist_ok=True)
    # Atomic: an interrupted import never leaves half a post behind.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    report.written.append(shown)
    return Outcome.WRITTEN


def _shown(path: Path, site_root: Path) -> str:
    try:
        return path.relative_to(site_root).as_posix()
    except ValueError:
        return path.as_posix()
