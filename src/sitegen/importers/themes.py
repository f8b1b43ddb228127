"""A small reader for content/themes.yaml, enough to map old tags to theme names.
The core validates the file properly; here a missing or odd file means no themes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from sitegen.slugs import slugify


@dataclass(frozen=True)
class ThemeName:
    name: str
    slug: str
    synonyms: tuple[str, ...]


def read_themes(site_root: Path) -> list[ThemeName]:
    path = site_root / "content" / "themes.yaml"
    if not path.is_file():
        return []
    data = yaml.safe_load(path.read_text("utf-8"))
    themes: list[ThemeName] = []
    if not isinstance(data, list):
        return themes
    for entry in data:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            continue
        name = entry["name"]
        slug = entry.get("slug") if isinstance(entry.get("slug"), str) else slugify(name)
        synonyms = entry.get("synonyms") or []
        themes.append(ThemeName(name, str(slug), tuple(str(s) for s in synonyms)))
    return themes


def theme_index(themes: list[ThemeName]) -> dict[str, ThemeName]:
    """Lookup by name, slug or synonym, case-insensitively."""
    index: dict[str, ThemeName] = {}
    for theme in themes:
        for key in (theme.name, theme.slug, *theme.synonyms):
            index.setdefault(key.casefold().strip(), theme)
    return index
