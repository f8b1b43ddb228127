"""Reading a WordPress export (WXR 1.0–1.2) as XML: the tree, the namespaced keys the
importer asks for ("wp:post_id" in any WXR version), and the source line of every item."""

from __future__ import annotations

import datetime as dt
import email.utils
import re
import xml.etree.ElementTree as ET
from functools import lru_cache
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from defusedxml.ElementTree import fromstring  # type: ignore[import-untyped]

from sitegen.errors import Problem, SitegenError

_WP_NS = re.compile(r"^https?://wordpress\.org/export/1\.\d+/$")
_EXCERPT_NS = re.compile(r"^https?://wordpress\.org/export/1\.\d+/excerpt/$")
_NAMESPACES = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://wellformedweb.org/CommentAPI/": "wfw",
}
# An item's start tag, or a stretch in which "<item" is text, not a tag: CDATA (post
# bodies quoting XML), comments and processing instructions.
_ITEM_OR_TEXT = re.compile(r"<!\[CDATA\[.*?\]\]>|<!--.*?-->|<\?.*?\?>|<item[\s>]", re.DOTALL)


def parse(raw: bytes, shown: str) -> ET.Element:
    """The export's root element; malformed XML and entity tricks are errors at a line."""
    try:
        root: ET.Element = fromstring(raw)
    except ET.ParseError as exc:
        line, _column = exc.position
        message = re.sub(r":\s*line \d+, column \d+$", "", str(exc))
        raise SitegenError([Problem(shown, line, f"ogiltig XML: {message}")]) from None
    except DefusedXmlException as exc:
        raise SitegenError([Problem(shown, 1, f"ogiltig XML: otillåten konstruktion ({exc})")]
                           ) from None
    return root


@lru_cache(maxsize=512)
def key(tag: str) -> str:
    """"wp:post_id" for any WXR version's namespace, "content:encoded", "title"."""
    if not tag.startswith("{"):
        return tag
    ns, _, local = tag[1:].partition("}")
    if _WP_NS.match(ns):
        return f"wp:{local}"
    if _EXCERPT_NS.match(ns):
        return f"excerpt:{local}"
    prefix = _NAMESPACES.get(ns)
    return f"{prefix}:{local}" if prefix else local


def children(element: ET.Element, name: str) -> list[ET.Element]:
    return [child for child in element if key(child.tag) == name]


def first(element: ET.Element, name: str) -> ET.Element | None:
    found = children(element, name)
    return found[0] if found else None


def text(element: ET.Element, name: str) -> str:
    child = first(element, name)
    return (child.text or "").strip() if child is not None else ""


def authors(channel: ET.Element) -> dict[str, str]:
    """Login → display name of every author the export lists."""
    names: dict[str, str] = {}
    for author in children(channel, "wp:author"):
        login = text(author, "wp:author_login")
        display = text(author, "wp:author_display_name")
        if login:
            names[login] = display or login
    return names


def site_hosts(channel: ET.Element) -> frozenset[str]:
    """The old site's host names (with and without www.), from the channel's links."""
    hosts = set()
    for name in ("link", "wp:base_site_url", "wp:base_blog_url"):
        host = urlparse(text(channel, name)).hostname
        if host:
            hosts |= {host, host.removeprefix("www."), "www." + host.removeprefix("www.")}
    return frozenset(hosts)


def item_lines(source: str) -> list[int]:
    """The 1-based line of every <item> start tag, in document order, found in one pass:
    newlines are counted only between one match and the next."""
    lines: list[int] = []
    line, position = 1, 0
    for match in _ITEM_OR_TEXT.finditer(source):
        if match.group().startswith("<item"):
            line += source.count("\n", position, match.start())
            position = match.start()
            lines.append(line)
    return lines


def item_date(item: ET.Element, zone: ZoneInfo | None) -> dt.date | None:
    """The publication date in Stockholm: the GMT time, else pubDate, else the local time
    as written. WordPress writes 0000-00-00 or the epoch for posts never published."""
    gmt = text(item, "wp:post_date_gmt")
    moment: dt.datetime | None = None
    if gmt and not gmt.startswith("0000"):
        try:
            moment = dt.datetime.strptime(gmt, "%Y-%m-%d %H:%M:%S").replace(tzinfo=dt.UTC)
        except ValueError:
            moment = None
    if moment is None:
        pub = text(item, "pubDate")
        if pub:
            try:
                moment = email.utils.parsedate_to_datetime(pub)
            except (TypeError, ValueError):
                moment = None
            if moment is not None and moment.year < 1971:
                moment = None
    if moment is not None and moment.tzinfo is not None and zone is not None:
        return moment.astimezone(zone).date()
    local = text(item, "wp:post_date")
    if local and not local.startswith("0000"):
        try:
            return dt.datetime.strptime(local, "%Y-%m-%d %H:%M:%S").date()
        except ValueError:
            return None
    return moment.date() if moment is not None else None
