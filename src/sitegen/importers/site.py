"""What an import needs to know of the site it imports into: the register, the theme
vocabulary, the categories (site.yaml's, or the old blog's when there is no valid
site.yaml yet), and how a visit gets the municipality and themes the build requires."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sitegen.config import DEFAULT_CATEGORIES, load_config
from sitegen.importers import suggest
from sitegen.importers.themes import ThemeName, read_themes, theme_index
from sitegen.registry import Register, default_register

_NONE = {("municipalities",): "ingen kommun", ("themes",): "inget tema",
         ("municipalities", "themes"): "varken kommun eller tema"}


@dataclass
class Filled:
    """What `fill_in` found for one post."""

    evidence: dict[str, str] = field(default_factory=dict)
    """Key → why it was suggested: the post's `suggested:`."""
    doubts: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    """Keys a visit needs that the text did not give."""

    def todo(self, visit_category: str) -> str:
        what = ", ".join(f"{key}:" for key in self.missing)
        return (f"{_NONE[tuple(self.missing)]} hittades i texten, så inlägget skrevs i "
                "kategorin ovrigt; "
                f"lägg till {what} och ändra till category: {visit_category} för att göra "
                "det till ett kommunbesök")


@dataclass(frozen=True)
class ImportSite:
    register: Register
    themes: list[ThemeName]
    categories: tuple[str, ...]
    visit_category: str

    @property
    def theme_index(self) -> dict[str, ThemeName]:
        return theme_index(self.themes)

    def fill_in(self, meta: dict[str, Any], title: str, body: str, text: str) -> Filled:
        """Fill a visit's missing municipality (the title, else the text's most named)
        and themes (counted in `text`) into `meta`, with their evidence."""
        filled = Filled()
        if not meta.get("municipalities"):
            pick = suggest.municipality(title, body, self.register)
            if pick.doubt:
                filled.doubts.append(pick.doubt)
            if pick.name:
                meta["municipalities"] = [pick.name]
                if pick.evidence:
                    filled.evidence["municipalities"] = pick.evidence
        if not meta.get("themes"):
            chosen = suggest.themes(text, self.themes)
            if chosen:
                meta["themes"] = [name for name, _n, _words in chosen]
                filled.evidence["themes"] = suggest.theme_evidence(chosen)
        filled.missing = [key for key in ("municipalities", "themes") if not meta.get(key)]
        return filled


def summary(evidence: dict[str, str]) -> str:
    """One line of what a post's `suggested:` holds, for the report."""
    return "; ".join(f"{key}: {why}" for key, why in evidence.items())


def read_site(site_root: Path) -> ImportSite:
    config = load_config(site_root) if (site_root / "site.yaml").is_file() else None
    if config is None or isinstance(config, list):
        categories, visit = tuple(DEFAULT_CATEGORIES), "kommunbesok"
    else:
        categories, visit = tuple(config.categories), config.visit_category
    return ImportSite(default_register(), read_themes(site_root), categories, visit)
