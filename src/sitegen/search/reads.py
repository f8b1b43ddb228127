"""What Pagefind reads of a page: to tell whether a changed page changes the index.

A page's HTML can change where Pagefind reads nothing: a neighbour's new title in the
"previous/next" links or in the related visits, both outside the indexed article. Such a
page need not send its shard to Pagefind again. `view(html)` keeps, in document order,
every part of a page that Pagefind 1.5.2 reads (its parser, `fossick/parser.rs`):

- the `<html>` start tag (the language);
- every element with a `data-pagefind-*` attribute, whole, wherever it is: the indexed
  body (`data-pagefind-body`), and filters, meta and sort keys, which Pagefind reads
  anywhere in the page, even inside `<nav>` or `<head>`, and which may take the
  element's text;
- every `<title>` and `<h1>` element, whole, and every `<img>` tag (the title and image
  Pagefind falls back on);

and drops the rest: Pagefind keeps no text outside an indexed body. Two pages with the
same view give Pagefind the same input. Where the end of an element is in doubt (a
mis-nested tag), it is kept to the end of the page: a doubt can only make a page count
as changed, never hide a change.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                  "param", "source", "track", "wbr"})
"""Elements without an end tag."""
WHOLE = frozenset({"title", "h1"})
"""Elements kept whole whatever their attributes."""
TAG_ONLY = frozenset({"img", "html"})
"""Tags kept (without what follows them) whatever their attributes."""
LIMIT = 500
"""Changed pages looked at most: reading a page pair costs ~4 ms, so a change to every
page (a layout, the stylesheet's name) is indexed anew rather than read."""


def view(html: str) -> str:
    """The parts of `html` Pagefind reads, in order, joined by NUL."""
    reader = _Reader(html)
    reader.feed(html)
    reader.close()
    return "\0".join(html[start:end] for start, end in _merged(reader.spans))


def same_for_pagefind(old: Path, new: Path) -> bool:
    """Whether Pagefind reads the same of the pages in the files `old` and `new`."""
    try:
        before, after = old.read_bytes(), new.read_bytes()
    except OSError:
        return False
    if before == after:
        return True
    try:
        return view(before.decode("utf-8")) == view(after.decode("utf-8"))
    except UnicodeDecodeError:
        return False


def unchanged_for_pagefind(paths: frozenset[str], old: Path, new: Path) -> frozenset[str]:
    """Those of `paths` (pages under both `old` and `new`) that Pagefind reads the same
    of; none when there are more than LIMIT."""
    pages = [path for path in paths if path.endswith(".html")]
    if len(pages) > LIMIT:
        return frozenset()
    return frozenset(path for path in pages if same_for_pagefind(old / path, new / path))


class _Reader(HTMLParser):
    """Collects the spans of `view` as (start, end) offsets."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.html = html
        self.lines = [0] + [m.end() for m in re.finditer("\n", html)]
        self.spans: list[tuple[int, int]] = []
        self.depth: dict[str, int] = {}
        """Open elements by name."""
        self.kept: list[tuple[str, int, int]] = []
        """Kept elements not yet closed: name, depth of that name, where they start."""

    def _at(self) -> int:
        line, column = self.getpos()
        return self.lines[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID or tag == "html":
            self.handle_startendtag(tag, attrs)
            return
        self.depth[tag] = self.depth.get(tag, 0) + 1
        if tag in WHOLE or _marked(attrs):
            self.kept.append((tag, self.depth[tag], self._at()))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """A tag without content (`<img>`, `<br/>`) or `<html>`: kept as a tag alone."""
        if tag in TAG_ONLY or _marked(attrs):
            start = self._at()
            self.spans.append((start, start + len(self.get_starttag_text() or "")))

    def handle_endtag(self, tag: str) -> None:
        depth = self.depth.get(tag, 0)
        if tag in VOID or not depth:
            return  # a stray end tag: nothing opened it
        closing = self.html.find(">", self._at())
        end = len(self.html) if closing < 0 else closing + 1
        while self.kept and self.kept[-1][:2] == (tag, depth):
            self.spans.append((self.kept.pop()[2], end))
        self.depth[tag] = depth - 1

    def close(self) -> None:
        super().close()
        self.spans.extend((start, len(self.html)) for _, _, start in self.kept)
        self.kept.clear()


def _marked(attrs: list[tuple[str, str | None]]) -> bool:
    return any(name.startswith("data-pagefind") for name, _ in attrs)


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans in order, those inside or overlapping another made one."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged

