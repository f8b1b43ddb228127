"""Slugs and Swedish sorting.

The old blog's slug rule: lower-case the title, å/ä→a, ö→o, drop punctuation, spaces
become hyphens ("Åmål sticker ut!" → "amal-sticker-ut"). Keeping the rule keeps old
links working.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "æ": "ae", "ø": "o", "ü": "u", "é": "e"})
# Where two names fold to one slug (Håbo, Habo), the name with Swedish letters is
# spelled the long way instead, so both keep a readable address.
_LONG = str.maketrans({"å": "aa", "ä": "ae", "ö": "oe"})
_NOT_SLUG = re.compile(r"[^a-z0-9\s-]")
_SPACES = re.compile(r"[\s-]+")

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _ascii(text: str) -> str:
    if text.isascii():  # most text once å, ä and ö are folded: nothing to decompose
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def slugify(text: str, *, long_form: bool = False) -> str:
    """The old blog's slug for a title or a name."""
    lowered = unicodedata.normalize("NFC", text).casefold()
    lowered = lowered.translate(_LONG if long_form else _FOLD)
    lowered = _NOT_SLUG.sub("", _ascii(lowered))
    return _SPACES.sub("-", lowered).strip("-")


def unique_slugs(names: list[str]) -> dict[str, str]:
    """Slugs for a set of names that never collide: when two names share a slug, those
    that are not already plain ASCII take the long spelling (å→aa, ä→ae, ö→oe)."""
    by_slug: dict[str, list[str]] = {}
    for name in names:
        by_slug.setdefault(slugify(name), []).append(name)
    result: dict[str, str] = {}
    for slug, group in by_slug.items():
        for name in group:
            plain = len(group) == 1 or slugify(name) == name.casefold().replace(" ", "-")
            result[name] = slug if plain else slugify(name, long_form=True)
    return result


# Swedish alphabet order: a–z, then å, ä, ö. Accented Latin letters sort with their
# base letter (é with e, ü with y as in Swedish dictionaries).
_ORDER = "0123456789abcdefghijklmnopqrstuvwxyzåäö"
_RANK = {ch: i for i, ch in enumerate(_ORDER)}
_EXTRA = {"æ": "ä", "ø": "ö", "ü": "y"}


class _Ranks(dict[int, str]):
    """str.translate table: a character → its rank as one character (a space or hyphen
    lowest, then _ORDER), or "" for punctuation, which dictionary order ignores. Filled
    as characters are first seen."""

    def __missing__(self, code: int) -> str:
        ch = _EXTRA.get(chr(code), chr(code))
        base = ch if ch in _RANK else _ascii(ch)
        if base in _RANK:
            rank = chr(0x100 + _RANK[base] + 1)
        elif ch.isspace() or ch in "-–":
            rank = chr(0x100)
        else:
            rank = ""
        self[code] = rank
        return rank


_RANKS = _Ranks()


@lru_cache(maxsize=65536)
def swedish_key(text: str) -> tuple[str, str]:
    """Sort key following Swedish collation (Å, Ä, Ö after Z), case-insensitive,
    with the original string as a deterministic tie-breaker."""
    return unicodedata.normalize("NFC", text).casefold().translate(_RANKS), text
