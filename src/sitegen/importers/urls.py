"""The old site's addresses from the maintainer's records (`--urls FILE`): a sitemap.xml
as WordPress and its SEO plugins write it (often with `lastmod`), or a plain list of
URLs, one a line. Each address is read for what it says: a post's category, slug and
date (/kommunbesok/x/, /2016/03/08/x/), a page (/om-bloggen/), or an archive.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path
from urllib.parse import unquote, urlparse

from sitegen.errors import Problem, SitegenError
from sitegen.importers import wxr
from sitegen.slugs import SLUG_PATTERN

_ARCHIVES = frozenset({"category", "tag", "author", "page", "feed", "comments", "search",
                       "wp-content", "wp-admin", "wp-includes", "wp-json", "kategori",
                       "etikett", "amp", "attachment", "type"})
_YEAR = re.compile(r"^(19|20)\d\d$")
_PART = re.compile(r"^\d{1,2}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class OldUrl:
    path: str
    """Decoded, with a trailing slash: /kommunbesok/familjeradslag-i-botkyrka/."""
    lastmod: dt.date | None
    source: str
    """Where it was listed: file:line (file alone for a sitemap)."""

    @property
    def parts(self) -> list[str]:
        return [p for p in self.path.strip("/").split("/") if p]

    @property
    def slug(self) -> str:
        return self.parts[-1] if self.parts else ""

    def kind(self, categories: tuple[str, ...]) -> str:
        """"post", "page", "archive" or "" (nothing to match: the start page, a query)."""
        parts = self.parts
        if not parts or "?" in self.path:
            return ""
        if parts[0] in _ARCHIVES or parts[-1] in ("feed", "amp") or all(
                _YEAR.match(p) or _PART.match(p) for p in parts):
            return "archive"
        if len(parts) == 1:
            return "" if parts[0] in categories else "page"
        return "post"

    def category(self, categories: tuple[str, ...]) -> str | None:
        parts = self.parts
        return parts[0] if len(parts) >= 2 and parts[0] in categories else None

    def date(self) -> dt.date | None:
        """The day in a date permalink (/2016/03/08/x/), which is the publication date."""
        parts = self.parts
        if len(parts) >= 4 and _YEAR.match(parts[0]) and _PART.match(parts[1]) and _PART.match(
                parts[2]):
            try:
                return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
            except ValueError:
                return None
        return None

    @property
    def usable_slug(self) -> bool:
        return bool(SLUG_PATTERN.match(self.slug))


def read_urls(path: Path) -> list[OldUrl]:
    """Every address in a sitemap or a URL list; bad lines are errors at their line."""
    shown = path.as_posix()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SitegenError([Problem(shown, 0, f"kan inte läsa filen: {exc.strerror}")]) from exc
    if raw.lstrip().startswith(b"<"):
        return _sitemap(raw, shown)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SitegenError([Problem(shown, 0, f"filen är inte UTF-8: {exc.reason}")]) from exc
    return _url_list(text, shown)


def _sitemap(raw: bytes, shown: str) -> list[OldUrl]:
    root = wxr.parse(raw, shown)
    local = root.tag.rsplit("}", 1)[-1]
    locs = [(child, (_child_text(child, "loc"))) for child in root]
    if local == "sitemapindex":
        names = ", ".join(loc.rsplit("/", 1)[-1] for _, loc in locs if loc) or "inga"
        raise SitegenError([Problem(shown, 1, "det här är ett sitemap-index, som bara pekar på "
                                              "andra filer; ge --urls de filerna i stället ("
                                              f"{names})")])
    if local != "urlset":
        raise SitegenError([Problem(shown, 1, f"okänd sitemap: rotelementet är <{local}>, "
                                              "inte <urlset>")])
    return [OldUrl(_path(loc), _lastmod(_child_text(child, "lastmod")), shown)
            for child, loc in locs if loc and _path(loc)]


def _child_text(element: ET.Element, name: str) -> str:
    for child in element:
        if child.tag.rsplit("}", 1)[-1] == name:
            return str(child.text or "").strip()
    return ""


def _url_list(text: str, shown: str) -> list[OldUrl]:
    urls: list[OldUrl] = []
    problems: list[Problem] = []
    for number, line in enumerate(text.split("\n"), 1):
        words = line.split()
        if not words or words[0].startswith("#"):
            continue
        path = _path(words[0])
        lastmod = _lastmod(words[1]) if len(words) > 1 else None
        if not path or len(words) > 2 or (len(words) == 2 and lastmod is None):
            problems.append(Problem(shown, number, "en rad ska vara en adress, eventuellt följd "
                                                   "av ett datum ÅÅÅÅ-MM-DD"))
            continue
        urls.append(OldUrl(path, lastmod, f"{shown}:{number}"))
    if problems:
        raise SitegenError(problems)
    return urls


def _path(url: str) -> str:
    parts = urlparse(url.strip())
    if parts.scheme not in ("", "http", "https") or not (parts.path or parts.query):
        return ""
    path = unquote(parts.path) or "/"
    if not path.startswith("/"):
        return ""
    if parts.query:
        return f"{path}?{parts.query}"
    return path if path.endswith("/") or "." in path.rsplit("/", 1)[-1] else path + "/"


def _lastmod(text: str) -> dt.date | None:
    if not _DATE.match(text):
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


_SIMILAR = 0.8


def match(slugs: list[str], urls: list[OldUrl], categories: tuple[str, ...],
          ) -> tuple[list[list[OldUrl]], list[bool]]:
    """For each post (by its slug, in order): the old addresses that are its, and
    whether they were found by a similar slug rather than the same one (a title edited
    after publishing). Each address goes to one post at most."""
    by_slug: dict[str, list[OldUrl]] = {}
    for url in urls:
        if url.kind(categories) in ("post", "page") and url.usable_slug:
            by_slug.setdefault(url.slug, []).append(url)
    found: list[list[OldUrl]] = [by_slug.pop(slug, []) for slug in slugs]
    similar = [False] * len(slugs)
    for index, slug in enumerate(slugs):
        if found[index] or not slug:
            continue
        scored = sorted(((SequenceMatcher(None, slug, other).ratio(), other)
                         for other in by_slug), reverse=True)
        if scored and scored[0][0] >= _SIMILAR and (
                len(scored) == 1 or scored[1][0] < scored[0][0] - 0.05):
            found[index] = by_slug.pop(scored[0][1])
            similar[index] = True
    return found, similar


def unmatched(urls: list[OldUrl], used: list[list[OldUrl]],
              categories: tuple[str, ...]) -> list[OldUrl]:
    """The addresses of posts and pages that no imported file took."""
    taken = {id(url) for group in used for url in group}
    return [url for url in urls if url.kind(categories) in ("post", "page")
            and id(url) not in taken]
