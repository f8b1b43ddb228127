"""Every address of the site, and the file that serves it: the one place URLs are made.

The page plan, the model's `url` properties, the layouts (through the `urls` global),
`check`, the collision check, redirects and RESERVED all ask here. A new page type gets
its address here with `_own(...)`, which also reserves its first segment, so that no
post category, page or alias can take it.
"""

from __future__ import annotations

from typing import Protocol

_OWN: list[str] = []


def _own(url: str) -> str:
    """An address the site itself uses; its first segment becomes RESERVED."""
    _OWN.append(url)
    return url


HOME = "/"
MUNICIPALITIES = _own("/kommun/")
COUNTIES = _own("/lan/")
THEMES = _own("/tema/")
ARCHIVE = _own("/arkiv/")
PLANS = _own("/handlingsplaner/")
INPUTS = _own("/medskick/")
LEDGER = _own("/uppfoljning/")
"""The national plan ledger: every plan item's outcome by theme, county and year."""
DATA = _own("/data/")
"""The open data: CSV and JSON files, datapackage.json, and a page that explains them."""
SEARCH = _own("/sok/")
ASSETS = _own("/assets/")
SEARCH_INDEX = _own("/pagefind/")
"""Pagefind's bundle (/pagefind/pagefind.js), written by the search step."""
FEED = _own("/atom.xml")
SITEMAP = _own("/sitemap.xml")
ROBOTS = _own("/robots.txt")
NOT_FOUND = _own("/404.html")
QUERY_REDIRECTS = ASSETS + "redirects.json"
"""Old addresses with a query (/?p=12) and where they lead, read by assets/redirect.js."""
PAGE = "sida"
"""The segment of a list's later pages: /tema/x/sida/2/."""
FEED_NAME = "atom.xml"
"""A term's feed lies beside its page: /kommun/botkyrka/atom.xml."""


MAX_SEGMENT = 200
"""The longest segment of an address, in bytes of UTF-8: each is the name of a folder
or file in output/, and file systems take 255 bytes a name. `new` holds a post's slug
to it too, since the slug is also the post's file name, to which editors add for their
swap and backup files (`.slug.md.swp`, `slug.md~`)."""


def long_segment(url: str) -> str | None:
    """Why `url` cannot be written to output/ (a segment of its path is too long for a
    file system), or None."""
    for part in url.split("?")[0].split("/"):
        size = len(part.encode("utf-8", "surrogatepass"))
        if size > MAX_SEGMENT:
            return (f"ledet {part[:30]}… är för långt för ett filnamn ({size} byte, "
                    f"högst {MAX_SEGMENT})")
    return None


def _segment(url: str) -> str:
    return url.strip("/").split("/")[0]


RESERVED = frozenset({_segment(url) for url in _OWN} | {PAGE})
"""First URL segments the site itself uses; a post category or a page may not take them."""


class _Slugged(Protocol):
    @property
    def slug(self) -> str: ...


def post(category: str, slug: str) -> str:
    """A post, at the old blog's own address: /kommunbesok/familjeradslag-i-botkyrka/."""
    return f"/{category}/{slug}/"


def category(slug: str) -> str:
    """The list of a category's posts: /kommunbesok/."""
    return f"/{slug}/"


def page(slug: str) -> str:
    """A plain page of content/pages/: /om-bloggen/."""
    return f"/{slug}/"


def municipality(item: _Slugged) -> str:
    return f"{MUNICIPALITIES}{item.slug}/"


def county(item: _Slugged) -> str:
    return f"{COUNTIES}{item.slug}/"


def theme(item: _Slugged) -> str:
    return f"{THEMES}{item.slug}/"


def ledger_outcome(slug: str) -> str:
    """The plan items with one outcome: /uppfoljning/genomforda/."""
    return f"{LEDGER}{slug}/"


def data_file(name: str) -> str:
    """A file of the open data: /data/besok.csv."""
    return f"{DATA}{name}"


def feed(base: str) -> str:
    """The Atom feed of the list at `base` (a municipality's, a theme's)."""
    return base + FEED_NAME


def paged(base: str, number: int) -> str:
    """Page `number` of the list whose first page is `base`."""
    return base if number == 1 else f"{base}{PAGE}/{number}/"


def asset(name: str, digest: str) -> str:
    """A file of assets/ under a content-hashed name: style.css → /assets/style.<digest>.css."""
    stem, dot, ext = name.rpartition(".")
    return f"{ASSETS}{stem}.{digest}.{ext}" if dot else f"{ASSETS}{name}.{digest}"


def served_by(url: str) -> str:
    """The output file that serves a site URL ("/a/" → "a/index.html", "/" →
    "index.html"); a query URL (an old "/?p=12") is returned as it is."""
    if "?" in url:
        return url
    path = url.lstrip("/")
    return path + "index.html" if not path or path.endswith("/") else path


def url_of(file: str) -> str:
    """The site URL an output file serves ("a/index.html" → "/a/"): served_by reversed."""
    return "/" + file.removesuffix("index.html")


def folder(url: str) -> str:
    """The output folder of an address that is a folder: "/pagefind/" → "pagefind/"."""
    return url.lstrip("/")
