"""Revisits ("Återbesök i X", "Kommunbesök 2 i X", "Uppföljningsbesök i X") and the
earlier visit of the same municipality they follow up, found among the posts being
imported and those already in content/posts/."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

_REVISIT = re.compile(
    r"(?<!\w)(?:återbesök|uppföljningsbesök|uppföljande\s+besök|andra\s+besöket|"
    r"nytt\s+besök|kommunbesök\s+(?:2|ii|två|nr\.?\s*2))(?!\w)", re.IGNORECASE)


@dataclass(frozen=True)
class Visit:
    slug: str
    title: str
    municipalities: tuple[str, ...]
    plan: tuple[tuple[str, str], ...]
    """(id, text) of each plan item."""
    date: dt.date | None
    revisit: bool


def is_revisit(title: str) -> bool:
    return _REVISIT.search(title) is not None


def plan_items(plan: list[Any]) -> tuple[tuple[str, str], ...]:
    """(id, text) of a plan as the build numbers it: its position, or the id given."""
    items = []
    for index, entry in enumerate(plan):
        if isinstance(entry, str):
            items.append((str(index + 1), entry))
        elif isinstance(entry, dict) and isinstance(entry.get("text"), str):
            items.append((str(entry.get("id", index + 1)), entry["text"]))
    return tuple(items)


def existing_visits(site_root: Path) -> list[Visit]:
    """The visits already in content/posts/ (a file that cannot be read is skipped:
    the build reports it)."""
    visits = []
    for path in sorted((site_root / "content" / "posts").glob("*.md")):
        try:
            text = path.read_text("utf-8-sig")
            front = text.split("\n---", 1)[0].removeprefix("---\n") if text.startswith(
                "---\n") else ""
            meta = yaml.safe_load(front) if front else None
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        if not isinstance(meta, dict) or not isinstance(meta.get("title"), str):
            continue
        municipalities = meta.get("municipalities") or []
        date = meta.get("date")
        visits.append(Visit(
            path.stem, meta["title"], tuple(str(m) for m in municipalities
                                            if isinstance(municipalities, list)),
            plan_items(meta.get("plan") or [] if isinstance(meta.get("plan"), list) else []),
            date if isinstance(date, dt.date) else None,
            is_revisit(meta["title"]) or isinstance(meta.get("followup"), dict)))
    return visits


def earlier_visit(revisit: Visit, visits: list[Visit]) -> tuple[Visit | None, str]:
    """(the visit `revisit` follows up, or None; why none or why it is uncertain).
    The candidates: first visits to the same municipality (before it, when both have
    dates); among several, those with a plan, then the latest dated one."""
    wanted = set(revisit.municipalities)
    candidates = [v for v in visits if v.slug != revisit.slug and not v.revisit
                  and wanted.intersection(v.municipalities)
                  and not (revisit.date and v.date and v.date >= revisit.date)]
    if not candidates:
        return None, f"inget tidigare besök i {', '.join(sorted(wanted))} hittades"
    with_plan = [v for v in candidates if v.plan] or candidates
    if len(with_plan) == 1:
        return with_plan[0], ""
    dated = sorted((v for v in with_plan if v.date), key=lambda v: v.date or dt.date.min)
    if dated and len(dated) == len(with_plan):
        return dated[-1], ""
    names = ", ".join(v.slug for v in with_plan)
    return None, f"flera tidigare besök kan vara det som följs upp ({names})"
