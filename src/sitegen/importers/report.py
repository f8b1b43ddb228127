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
    """Files written (or already there) without a `date:` because the source had none."""
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
    todo: list[tuple[str, str]] = field(default_factory=list)
    """(file, what an editor must still add by hand, and why)."""
    suggestions: list[tuple[str, str]] = field(default_factory=list)
    """(file, what the import filled in from the text) for an editor to review."""
    media_on_old_host: list[tuple[str, str]] = field(default_factory=list)
    """(file, address) of images and files that still load from the old site."""
    media_missing: list[tuple[str, str]] = field(default_factory=list)
    """(file, path under --media) of referenced files the media folder lacks."""
    media_copied: list[str] = field(default_factory=list)
    """Files copied into static/ (new or changed)."""
    media_kept: list[str] = field(default_factory=list)
    """Files in static/ with other content, left alone (no --force)."""
    media_command: str = ""
    """The command that would bring the files on the old host into static/."""
    urls_unmatched: list[str] = field(default_factory=list)
    """Old addresses (--urls) of posts and pages that no imported file matched."""
    posts_without_url: list[str] = field(default_factory=list)
    """Imported files that no old address (--urls) matched."""
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
        lines += [f"  skrev {path}" for path in self.written]
        lines += _section("Fanns redan med annat innehåll, lämnades orörda (använd --force för "
                          "att skriva över)", self.skipped_existing)
        lines += _section("Att göra för hand", [f"{p}: {what}" for p, what in self.todo])
        lines += _section("Förslag ur texten att granska (suggested: i filen; sitegen check "
                          "varnar tills raden är borta)",
                          [f"{p}: {what}" for p, what in self.suggestions])
        lines += _section("Importerade som utkast (draft: true)",
                          [f"{p}: {why}" for p, why in self.drafts])
        lines += _section("Datum saknas (lägg till date: för hand, eller date: okänt om det "
                          "är förlorat)", self.missing_dates)
        lines += self._counts()
        lines += self._media()
        lines += _section("Ingen gammal adress i --urls hittades för", self.posts_without_url)
        lines += _section("Gamla adresser utan importerat inlägg eller sida",
                          self.urls_unmatched)
        if self.site_aliases:
            lines.append("Föreslagna omdirigeringar för gamla arkivsidor, att lägga i "
                         "site.yaml (sitegen build gör sidor och serverregler av dem):")
            lines.append("redirects:")
            lines.extend(f"  {json.dumps(old, ensure_ascii=False)}: {json.dumps(new)}"
                         for old, new in sorted(self.site_aliases.items()))
        lines.extend(str(w) for w in self.warnings)
        return "\n".join(lines)

    def _counts(self) -> list[str]:
        lines = []
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
        return lines

    def _media(self) -> list[str]:
        lines = []
        if self.media_copied:
            lines.append(f"Bilder och filer kopierade till static/: {len(self.media_copied)}")
        lines += _section("Fanns redan i static/ med annat innehåll, lämnades orörda (använd "
                          "--force för att skriva över)", self.media_kept)
        lines += _section("Saknas i mediemappen (länken pekar kvar på den gamla webbplatsen)",
                          [f"{p}: {name}" for p, name in self.media_missing])
        lines += _section("Bilder och filer som fortfarande hämtas från den gamla webbplatsen "
                          "(sitegen check underkänner dem)",
                          [f"{p}: {url}" for p, url in self.media_on_old_host])
        if self.media_on_old_host and self.media_command:
            lines.append("  Kopiera dem till static/ och skriv om länkarna med en lokal "
                         "kopia av wp-content/uploads:")
            lines.append(f"  {self.media_command}")
        return lines


def _section(title: str, rows: list[str]) -> list[str]:
    """A heading with the number of rows, then the rows; nothing when there are none."""
    return [f"{title}: {len(rows)}", *(f"  {row}" for row in rows)] if rows else []


def _counts(table: dict[str, int]) -> str:
    return ", ".join(f"{key} ({n})" for key, n in sorted(table.items()))
