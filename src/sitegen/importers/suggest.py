"""What an imported post is about, read from its text when the export does not say:
the municipality (the title first, then the name the text mentions most) and themes
(counted through the vocabulary's names and synonyms). Each pick carries its evidence,
which the importer writes into the post's `suggested:` for an editor to review.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from sitegen.importers.themes import ThemeName
from sitegen.registry import Register

# A name inside an institution's name is not the place visited ("Gävle Högskola",
# "Högskolan i Gävle", "Uppsala universitet", "Region Uppsala").
_AFTER = ("högskola", "högskolan", "universitet", "universitetet", "tingsrätt", "tingsrätten",
          "län", "läns", "landsting", "landstinget", "sjukhus", "sjukhuset", "stift", "hamn",
          "central", "centralstation", "kommuns")
_BEFORE = ("högskolan i", "högskolan väst i", "universitetet i", "region", "regionen",
           "landstinget i", "länsstyrelsen i", "tingsrätten i", "sjukhuset i")
_THEME_LIMIT = 4
_STEM_ENDINGS = ("arna", "erna", "orna", "ar", "er", "or", "en", "et", "na")


@dataclass(frozen=True)
class Pick:
    """A municipality found in a post: `name` ("" when none could be chosen)."""

    name: str
    evidence: str
    """"Uppsala: 5 omnämnanden, Gävle: 1" — empty when the title named it."""
    doubt: str = ""
    """Why an editor should look (a close runner-up, a single mention, a tie); empty
    when the pick is clear."""


def municipality(title: str, body: str, register: Register) -> Pick:
    """The municipality the post is about: named in the title, else the one the text
    names most often, ignoring names inside institutions' names."""
    in_title = mentions(title, register)
    if in_title:
        return Pick(max(in_title, key=lambda name: (in_title[name], -title.find(name))), "")
    counts = mentions(body, register)
    if not counts:
        return Pick("", "")
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    evidence = ", ".join(f"{name}: {n} omnämnande{'n' if n != 1 else ''}"
                         for name, n in ranked[:4])
    (leader, n1), second = ranked[0], (ranked[1][1] if len(ranked) > 1 else 0)
    if n1 == second:
        return Pick("", evidence, f"kommunen är oklar ({evidence})")
    doubt = ""
    if n1 < 2 or second * 2 >= n1:
        doubt = f"kommunen {leader} valdes ur texten men är osäker ({evidence})"
    return Pick(leader, evidence, doubt)


def mentions(text: str, register: Register) -> dict[str, int]:
    """How often the text names each municipality (a genitive "Botkyrkas" counts)."""
    counts: dict[str, int] = {}
    for name, pattern in _name_patterns(register).items():
        if name not in text:
            continue
        n = sum(1 for m in pattern.finditer(text) if not _institution(text, m))
        if n:
            counts[name] = n
    return counts


@lru_cache(maxsize=4)
def _name_patterns(register: Register) -> dict[str, re.Pattern[str]]:
    return {name: re.compile(rf"(?<![\w-]){re.escape(name)}s?(?![\w-])")
            for name in register.names}


def _institution(text: str, match: re.Match[str]) -> bool:
    after = text[match.end():match.end() + 20].lstrip().casefold()
    before = text[max(0, match.start() - 24):match.start()].rstrip().casefold()
    return (any(re.match(rf"{word}(?!\w)", after) for word in _AFTER)
            or any(before.endswith(words) for words in _BEFORE))


def themes(text: str, vocabulary: list[ThemeName]) -> list[tuple[str, int, list[str]]]:
    """(theme, hits, words found) for the themes the text is most about, most hits first:
    every theme with at least two hits and a quarter of the leader's, or, when none has
    two, every theme found once; at most four."""
    pattern, owners = _vocabulary_pattern(tuple(vocabulary))
    if not owners:  # no vocabulary: nothing to suggest
        return []
    words: dict[str, list[str]] = {}
    for match in pattern.finditer(text):
        theme = owners[_normal(match.group(1))]
        words.setdefault(theme, []).append(match.group().casefold())
    order = {theme.name: index for index, theme in enumerate(vocabulary)}
    found = sorted(((name, len(hits), list(dict.fromkeys(hits)))
                    for name, hits in words.items()), key=lambda t: (-t[1], order[t[0]]))
    if not found:
        return []
    leader = found[0][1]
    chosen = [t for t in found if t[1] >= 2 and t[1] * 4 >= leader] or found
    return chosen[:_THEME_LIMIT]


def theme_evidence(chosen: list[tuple[str, int, list[str]]]) -> str:
    return "; ".join(f"{name}: {n} träff{'ar' if n != 1 else ''} ({', '.join(words[:3])})"
                     for name, n, words in chosen)


@lru_cache(maxsize=8)
def _vocabulary_pattern(vocabulary: tuple[ThemeName, ...],
                        ) -> tuple[re.Pattern[str], dict[str, str]]:
    """One pattern for every name and synonym of the vocabulary (longest first, each in
    any of its forms), and the theme each of them belongs to: the text is read once."""
    owners: dict[str, str] = {}
    for theme in vocabulary:
        for term in (theme.name, *theme.synonyms):
            if term.strip():
                owners.setdefault(_normal(_stem(term)), theme.name)
    terms = sorted(owners, key=len, reverse=True)
    body = "|".join(r"[\s-]+".join(re.escape(w) for w in t.split()) for t in terms)
    return re.compile(rf"(?<!\w)({body})\w{{0,5}}(?!\w)", re.IGNORECASE), owners


def _normal(term: str) -> str:
    return " ".join(re.split(r"[\s-]+", term.casefold()))


def _stem(term: str) -> str:
    """A one-word term without its plural or definite ending ("Placeringar" →
    "Placering"), so that every form of the word is found."""
    term = " ".join(term.split())
    if " " in term or len(term) <= 7:
        return term
    for ending in _STEM_ENDINGS:
        if term.casefold().endswith(ending) and len(term) - len(ending) >= 6:
            return term[: -len(ending)]
    return term
