"""WordPress categories and tags → municipalities, themes and the old blog's category,
through the register, the theme vocabulary and its synonyms, or the maintainer's
mapping file; and the site-level redirects their archive addresses suggest."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from sitegen import urls
from sitegen.errors import Problem, SitegenError, did_you_mean
from sitegen.importers.themes import ThemeName
from sitegen.registry import Municipality, Register

_IGNORED = {"uncategorized", "okategoriserade", "okategoriserad"}


@dataclass
class Mapping:
    municipality: str | None = None
    theme: str | None = None
    ignore: bool = False


@dataclass(frozen=True)
class Term:
    domain: str
    """"category", "post_tag" or a custom taxonomy."""
    nicename: str
    name: str


@dataclass
class TermMapper:
    register: Register
    themes: dict[str, ThemeName]
    """Lookup by name, slug or synonym (casefolded)."""
    mapping: dict[str, Mapping]
    categories: tuple[str, ...]
    """The site's categories, which are also the first URL segment of a post."""
    site_aliases: dict[str, str] = field(default_factory=dict)
    """Old archive address → the page that now shows the same posts."""
    unmapped: dict[str, int] = field(default_factory=dict)

    def map(self, terms: list[Term]) -> tuple[list[str], list[str]]:
        """(municipalities, themes) the terms name, each once, in order."""
        municipalities: list[str] = []
        themes: list[str] = []
        for term in terms:
            if term.domain not in ("category", "post_tag"):
                continue
            archive = f"/{'category' if term.domain == 'category' else 'tag'}/{term.nicename}/"
            mapped = self.mapping.get(term.name.casefold()) or self.mapping.get(
                term.nicename.casefold())
            if mapped is not None:
                if mapped.municipality:
                    municipalities.append(mapped.municipality)
                    self._suggest(archive, self.register.lookup(mapped.municipality))
                elif mapped.theme:
                    themes.append(mapped.theme)
                    self._suggest_theme(archive, self.themes.get(mapped.theme.casefold()))
                continue
            if term.domain == "category" and (term.nicename in self.categories
                                              or term.nicename.casefold() in _IGNORED):
                if term.nicename in self.categories:
                    self.site_aliases.setdefault(archive, urls.ARCHIVE)
                continue
            found = self.register.lookup(term.name) or (
                self.register.lookup(term.nicename) if term.nicename else None)
            if found is not None:
                municipalities.append(found.name)
                self._suggest(archive, found)
                continue
            theme = self.themes.get(term.name.casefold().strip()) or (
                self.themes.get(term.nicename.casefold()) if term.nicename else None)
            if theme is not None:
                themes.append(theme.name)
                self._suggest_theme(archive, theme)
                continue
            key = term.name or term.nicename
            self.unmapped[key] = self.unmapped.get(key, 0) + 1
        return list(dict.fromkeys(municipalities)), list(dict.fromkeys(themes))

    def category(self, terms: list[Term]) -> str | None:
        """The old blog's category of a post, if its first category is one of them."""
        for term in terms:
            if term.domain == "category":
                return term.nicename if term.nicename in self.categories else None
        return None

    def _suggest(self, archive: str, municipality: Municipality | None) -> None:
        if municipality is not None and archive.rstrip("/") not in ("/category", "/tag"):
            self.site_aliases.setdefault(archive, municipality.url)

    def _suggest_theme(self, archive: str, theme: ThemeName | None) -> None:
        if theme is not None and archive.rstrip("/") not in ("/category", "/tag"):
            self.site_aliases.setdefault(archive, urls.theme(theme))


def read_mapping(path: Path, register: Register, themes: list[ThemeName]) -> dict[str, Mapping]:
    """The maintainer's mapping file: `term: {municipality: X} | {theme: Y} | ignore`."""
    shown = path.as_posix()
    try:
        node = yaml.compose(path.read_text("utf-8"), Loader=yaml.SafeLoader)
    except OSError as exc:
        raise SitegenError([Problem(shown, 0, f"kan inte läsa filen: {exc.strerror}")]) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        raise SitegenError([Problem(shown, line, f"ogiltig YAML: {exc}")]) from None
    if node is None:
        return {}
    if not isinstance(node, yaml.MappingNode):
        raise SitegenError([Problem(shown, node.start_mark.line + 1,
                                    "mappningsfilen ska vara en tabell: term: {municipality: X}"
                                    " | {theme: Y} | ignore")])
    theme_names = {t.name.casefold(): t.name for t in themes}
    result: dict[str, Mapping] = {}
    problems: list[Problem] = []
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 1
        term = str(key_node.value).strip()
        value = yaml.safe_load(yaml.serialize(value_node))
        if value == "ignore":
            result[term.casefold()] = Mapping(ignore=True)
        elif isinstance(value, dict) and set(value) == {"municipality"}:
            found = register.lookup(str(value["municipality"]))
            if found is None:
                problems.append(Problem(shown, line, f'okänd kommun "{value["municipality"]}"'
                                        + did_you_mean(str(value["municipality"]),
                                                       register.names)))
            else:
                result[term.casefold()] = Mapping(municipality=found.name)
        elif isinstance(value, dict) and set(value) == {"theme"}:
            name = theme_names.get(str(value["theme"]).casefold())
            if name is None:
                problems.append(Problem(shown, line, f'okänt tema "{value["theme"]}"'
                                        + did_you_mean(str(value["theme"]),
                                                       [t.name for t in themes])))
            else:
                result[term.casefold()] = Mapping(theme=name)
        else:
            problems.append(Problem(shown, line, f'"{term}": värdet ska vara '
                                    "{municipality: X}, {theme: Y} eller ignore"))
    if problems:
        raise SitegenError(problems)
    return result
