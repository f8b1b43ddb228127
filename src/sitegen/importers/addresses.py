"""Old addresses and slugs of imported posts, held to the build's own rules: an alias the
importer writes is one `sitegen build` accepts, or it is not written."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import unquote, urlparse

from sitegen.site import alias_problem, normalize_alias, reserved_alias
from sitegen.slugs import SLUG_PATTERN, slugify
from sitegen.urls import served_by

_SLASHES = re.compile(r"/{2,}")


def old_path(link: str) -> str:
    """The site-relative path of an old permalink, decoded; "" for the start page and
    for query-only links (?p=12), which have their own aliases."""
    if not link:
        return ""
    path = unquote(urlparse(link).path)
    if not path.strip("/"):
        return ""
    return path if path.endswith("/") or "." in path.rsplit("/", 1)[-1] else path + "/"


def clean_alias(alias: str) -> tuple[str | None, str]:
    """(the alias as the build stores it, or None; why it changed or was dropped).
    Repeated slashes are folded, as web servers fold them when they look a path up
    ("//greek/x/" is requested as "/greek/x/"); anything else the build refuses (a
    control or bidi character such as U+202E, "..", a quote) drops the alias."""
    cleaned = _SLASHES.sub("/", alias) if "?" not in alias else _SLASHES.sub(
        "/", alias.split("?", 1)[0]) + "?" + alias.split("?", 1)[1]
    problem = alias_problem(cleaned)
    if problem:
        return None, problem
    cleaned = normalize_alias(cleaned)
    return cleaned, ("" if cleaned == normalize_alias(alias) else
                     f"aliaset {alias} skrevs som {cleaned}")


def is_latin(text: str) -> bool:
    """True if every letter of `text` is a Latin letter (å, é and ß included): such a
    slug keeps its words when folded to a-z."""
    for ch in text:
        if ch.isalpha() and not unicodedata.name(ch, "").startswith("LATIN"):
            return False
    return True


def slug_for(raw_name: str, title: str, fallback: str) -> tuple[str, str]:
    """(slug, note): the old slug when it is one already; the old slug folded to a-z
    when its letters are Latin; else a slug from the title; else `fallback`
    ("post-12"). A non-Latin slug ("δοκιμή-2") would otherwise fold to a bare
    number ("2"). `note` says when the old slug was not kept."""
    decoded = unquote(raw_name).strip()
    if decoded and SLUG_PATTERN.match(decoded):
        return decoded, ""
    if decoded and is_latin(decoded) and _has_letter(slugify(decoded.replace("-", " "))):
        return slugify(decoded.replace("-", " ")), ""
    from_title = slugify(title)
    if _has_letter(from_title):
        return from_title, (f'slugen "{decoded}" har inga latinska bokstäver; adressen '
                            "bildades av titeln" if decoded else "")
    why = f'slugen "{decoded}"' if decoded else "titeln"
    return fallback, f"{why} ger ingen adress med latinska bokstäver; skrevs som {fallback}"


def _has_letter(slug: str) -> bool:
    return any(ch.isalpha() for ch in slug)


class Claims:
    """The addresses imported posts and pages take, in import order: their own URLs
    first, then their aliases, so that no alias is written that the build would refuse
    as taken (two items with one old permalink, an old address that is now another
    post's) or as one of the site's own."""

    def __init__(self, categories: Iterable[str]) -> None:
        self.categories = frozenset(categories)
        self.owners: dict[str, str] = {}

    def url(self, url: str, owner: str) -> None:
        self.owners.setdefault(served_by(url), owner)

    def aliases(self, candidates: Iterable[str], owner: str) -> tuple[list[str], list[str]]:
        """(the aliases to write, a note for each one changed or dropped)."""
        kept: list[str] = []
        notes: list[str] = []
        for candidate in candidates:
            alias, why = clean_alias(candidate)
            if why:
                notes.append(why if alias else f"{why}; det skrevs inte")
            if alias is None:
                continue
            served = served_by(alias)
            taken = self.owners.get(served)
            if taken == owner:
                continue  # its own address, or an alias it already has
            if taken is not None:
                notes.append(f"aliaset {alias} skrevs inte: adressen används redan av {taken}")
            elif reserved_alias(alias, self.categories):
                notes.append(f"aliaset {alias} skrevs inte: det krockar med webbplatsens "
                             "egna adresser")
            else:
                self.owners[served] = owner
                kept.append(alias)
        return kept, notes
