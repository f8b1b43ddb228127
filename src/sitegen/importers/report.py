"""What an import did, as a value the CLI prints (in Swedish) and tests inspect."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sitegen.errors import Problem


@dataclass
class ImportReport:
    """The outcome of one import run. Paths are relative to the site root."""

    written: list[str] = field(default_factory=list)
    """Files written (new, or overwritten with --force)."""
    unchanged: list[str] = field(default_factory=list)
    """Files that already held exactly what the import would write."""
    skipped_existing: list[str] = field(default_factory=list)
    """Files that exist with other content and were left alone (no --force)."""
    drafts: list[tuple[str, str]] = field(default_factory=list)
    """(file, reason) for every post imported as `draft: true`."""
    missing_dates: list[str] = field(default_factory=list)
    """Files written without a `date:` because the source had none."""
    comments_dropped: int = 0
    """Reader comments (`wp:comment` of type comment) left out."""
    pingbacks_dropped: int = 0
    trackbacks_dropped: int = 0
    comment_forms_dropped: int = 0
    """Comment-form tails ("Kommentera ...") cut from plain-text posts."""
    skipped_items: dict[str, int] = field(default_factory=dict)
    """Export items not imported, by kind (attachment, nav_menu_item, ...)."""
    shortcodes: dict[str, int] = field(default_factory=dict)
    """Shortcodes handled, by name (caption, gallery, embed, ...)."""
    block_comments_removed: int = 0
    """Gutenberg `<!-- wp:... -->` comments removed."""
    unmapped_terms: dict[str, int] = field(default_factory=dict)
    """Categories and tags that matched no municipality, theme or mapping: term → posts."""
    site_aliases: dict[str, str] = field(default_factory=dict)
    """Suggested site-level redirects from old archive URLs: old path → new path."""
    warnings: list[Problem] = field(default_factory=list)
    """Per-post warnings, located in the source."""

    def count(self, table: dict[str, int], key: str, n: int = 1) -> None:
        table[key] = table.get(key, 0) + n

    def format(self) -> str:
        """The report as Swedish text, one fact per line."""
        lines = [
            f"Skrivna filer: {len(self.written)}",
            f"Oförändrade filer: {len(self.unchanged)}",
        ]
        for path in self.written:
            lines.append(f"  skrev {path}")
        if self.skipped_existing:
            lines.append(
                f"Fanns redan med annat innehåll, lämnades orörda: {len(self.skipped_existing)}"
                " (använd --force för att skriva över)"
            )
            lines.extend(f"  {path}" for path in self.skipped_existing)
        if self.drafts:
            lines.append(f"Importerade som utkast (draft: true): {len(self.drafts)}")
            lines.extend(f"  {path}: {reason}" for path, reason in self.drafts)
        if self.missing_dates:
            lines.append(
                f"Datum saknas (lägg till date: för hand): {len(self.missing_dates)}"
            )
            lines.extend(f"  {path}" for path in self.missing_dates)
        dropped = [
            (self.comments_dropped, "kommentarer"),
            (self.pingbacks_dropped, "pingbacks"),
            (self.trackbacks_dropped, "trackbacks"),
            (self.comment_forms_dropped, "kommentarsformulär"),
        ]
        parts = [f"{n} {what}" for n, what in dropped if n]
        if parts:
            lines.append("Borttaget: " + ", ".join(parts))
        if self.skipped_items:
            lines.append("Överhoppat ur exporten: " + _counts(self.skipped_items))
        if self.shortcodes:
            lines.append("Kortkoder (shortcodes): " + _counts(self.shortcodes))
        if self.block_comments_removed:
            lines.append(f"Blockkommentarer borttagna: {self.block_comments_removed}")
        if self.unmapped_terms:
            lines.append(
                "Kategorier och etiketter utan kommun eller tema"
                " (lägg dem i mappningsfilen): " + _counts(self.unmapped_terms)
            )
        if self.site_aliases:
            lines.append("Föreslagna omdirigeringar för gamla arkivsidor, att lägga i "
                         "site.yaml (sitegen build gör sidor av dem):")
            lines.append("redirects:")
            lines.extend(f"  {json.dumps(old)}: {json.dumps(new)}"
                         for old, new in sorted(self.site_aliases.items()))
        lines.extend(str(w) for w in self.warnings)
        return "\n".join(lines)


def _counts(table: dict[str, int]) -> str:
    return ", ".join(f"{key} ({n})" for key, n in sorted(table.items()))
