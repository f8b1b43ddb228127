"""Writing imported posts: frontmatter in the fixed key order, idempotent, and never
overwriting an editor's file without --force."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import yaml

from sitegen.importers.report import ImportReport

KEY_ORDER = (
    "title", "date", "category", "municipalities", "themes", "summary", "authors",
    "aliases", "draft", "order", "plan", "national_input", "followup",
)


class _Dumper(yaml.SafeDumper):
    """Block lists indented under their key, as editors write them by hand."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def render_document(meta: dict[str, Any], body: str) -> str:
    """Frontmatter (known keys in KEY_ORDER, empty values left out) and the body."""
    ordered: dict[str, Any] = {}
    for key in KEY_ORDER:
        value = meta.get(key)
        if value is None or value == [] or value == "":
            continue
        ordered[key] = value
    for key in meta:
        if key not in KEY_ORDER and meta[key] not in (None, [], ""):
            ordered[key] = meta[key]
    front = yaml.dump(
        ordered, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
        default_flow_style=False, width=100,
    )
    body = body.strip("\n")
    return f"---\n{front}---\n\n{body}\n" if body else f"---\n{front}---\n"


def write_file(path: Path, text: str, site_root: Path, report: ImportReport, *,
               force: bool) -> None:
    """Write `text` to `path` unless it is already there; record what happened."""
    shown = _shown(path, site_root)
    if path.exists():
        if path.read_text("utf-8") == text:
            report.unchanged.append(shown)
            return
        if not force:
            report.skipped_existing.append(shown)
            return
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


def _shown(path: Path, site_root: Path) -> str:
    try:
        return path.relative_to(site_root).as_posix()
    except ValueError:
        return path.as_posix()
