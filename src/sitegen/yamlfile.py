"""YAML with line numbers: every value of a document can say where it was written.

PyYAML's composer keeps a mark on every node; we construct values with the safe
constructor and keep a map from key paths to 1-based lines beside them.

Also the one place text files are read from disk: UTF-8 (a BOM is forgiven), Windows
and old Mac line endings become `\\n`, and binary, oversized or mis-encoded files become
Problems instead of exceptions.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from sitegen.errors import Problem
from sitegen.yamlerrors import yaml_problem

KeyPath = tuple[str | int, ...]

MAX_FILE_BYTES = 1_000_000
"""A post is a few kilobytes; past a megabyte it is a mistake (a pasted export, an
embedded image), and Markdown would take seconds per megabyte to say so."""


def read_text(path: Path, shown: str, *, limit: int = MAX_FILE_BYTES) -> str | Problem:
    """The text of a UTF-8 file with `\\n` line endings, or why it cannot be read."""
    try:
        with path.open("rb") as handle:
            # Read as much as the file holds: read(limit + 1) made a 1 MB buffer for
            # every file (44 against 13 µs a post). A file that grew since, or reports
            # no size (a pipe), is read on, up to the limit.
            size = os.fstat(handle.fileno()).st_size
            raw = handle.read(min(size, limit) + 1)
            if len(raw) > size:
                raw += handle.read(limit + 1 - len(raw))
    except OSError as exc:
        return Problem(shown, 0, f"kan inte läsas: {exc.strerror or exc}")
    if len(raw) > limit:
        return Problem(shown, 0, f"filen är för stor (mer än {limit // 1_000_000} MB); dela "
                                 "upp texten eller ta bort inklistrade data")
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        return Problem(shown, line, "filen är binär, inte text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return Problem(shown, line, "texten är inte UTF-8; spara filen som UTF-8")
    return text.replace("\r\n", "\n").replace("\r", "\n")


@dataclass
class Located:
    """A parsed YAML document and the line of each value in it."""

    value: Any
    path: str
    lines: dict[KeyPath, int] = field(default_factory=dict)

    def line(self, *key: Any) -> int:
        """Line of the value at `key`, or of its nearest written ancestor."""
        while key:
            try:
                if key in self.lines:
                    return self.lines[key]
            except TypeError:  # an unhashable key from a hostile document
                pass
            key = key[:-1]
        return self.lines.get((), 1)


def _walk(node: yaml.Node, at: KeyPath, offset: int, lines: dict[KeyPath, int],
          seen: set[int]) -> None:
    lines[at] = node.start_mark.line + 1 + offset
    # Aliases make the node graph a DAG (or a cycle); walk each node once, or a
    # "billion laughs" document would take forever.
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                _walk(value_node, (*at, key_node.value), offset, lines, seen)
                lines[(*at, key_node.value)] = key_node.start_mark.line + 1 + offset
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*at, index), offset, lines, seen)


class _Loader(yaml.SafeLoader):
    """Safe loader that refuses duplicate keys instead of keeping the last one, and
    turns a value the constructor chokes on (2016-02-30) into a located YAML error.
    Nesting is capped: no frontmatter needs it, and PyYAML slows down and finally
    recurses too deep on thousands of levels."""

    MAX_DEPTH = 100
    _depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        self._depth += 1
        try:
            if self._depth > self.MAX_DEPTH:
                raise yaml.composer.ComposerError(
                    None, None, f"för djupt nästlad (mer än {self.MAX_DEPTH} nivåer)",
                    self.peek_event().start_mark)  # type: ignore[no-untyped-call]
            node: yaml.Node | None = super().compose_node(parent, index)
            return node
        finally:
            self._depth -= 1

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        return _construct_checked(self, node, deep)


def _construct_checked(loader: Any, node: yaml.Node, deep: bool) -> Any:
    try:
        return yaml.constructor.SafeConstructor.construct_object(loader, node, deep)
    except yaml.YAMLError:
        raise
    except (ValueError, TypeError, OverflowError) as exc:
        raise yaml.constructor.ConstructorError(
            None, None, f"ogiltigt värde {node.value!r} ({exc})"
            if isinstance(node, yaml.ScalarNode) else f"ogiltigt värde ({exc})",
            node.start_mark) from exc


def _no_duplicates(loader: _Loader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        try:
            duplicate = key in seen
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "en nyckel måste vara text, inte en lista eller tabell",
                key_node.start_mark) from None
        if duplicate:
            raise yaml.constructor.ConstructorError(
                None, None, f'nyckeln "{key}" står två gånger', key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


def _timestamp_or_text(loader: _Loader, node: yaml.ScalarNode) -> object:
    """A date-shaped value that is no real date (2016-13-40) stays text, so the caller can
    say which key is wrong instead of PyYAML failing the whole file."""
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicates)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)

_FastLoader: type[Any] | None = None
if getattr(yaml, "__with_libyaml__", False):
    class _CLoader(yaml.CSafeLoader):
        """libyaml's parser with our constructors: about 7× faster on frontmatter. Used
        only for shallow documents (see `_shallow`); deep ones go through the Python
        loader, which caps nesting with a clear error."""

        def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
            return _construct_checked(self, node, deep)

    _CLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicates)
    _CLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)
    _FastLoader = _CLoader


_DEEP_INDENT = re.compile(r"^[ -]{100}", re.MULTILINE)


def _shallow(text: str) -> bool:
    """Cheap upper bound on nesting: indentation width and brackets open at once (counted
    only when there are many brackets at all)."""
    if _DEEP_INDENT.search(text):
        return False
    if text.count("[") + text.count("{") < 50:
        return True
    depth = deepest = 0
    for ch in text:
        if ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest < 50


_STR, _SEQ, _MAP, _BOOL, _INT, _NULL, _TIMESTAMP = (
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "seq", "map", "bool", "int", "null", "timestamp"))
_KEY_TAGS = frozenset(f"tag:yaml.org,2002:{name}"
                      for name in ("str", "int", "float", "bool", "null", "timestamp"))


class _Unusual(Exception):
    """A document `_plain` leaves to PyYAML's constructor: aliases, merge keys, tags."""


def _plain(loader: Any, node: yaml.Node, at: KeyPath, offset: int,
           lines: dict[KeyPath, int], seen: set[int]) -> Any:
    """Construct the value of an everyday document (plain mappings, lists and scalars)
    and note its lines in one walk: what `construct_document` and `_walk` give in two,
    without PyYAML's bookkeeping for aliases and recursive structures."""
    lines[at] = node.start_mark.line + 1 + offset
    if id(node) in seen:
        raise _Unusual
    seen.add(id(node))
    tag = node.tag
    if isinstance(node, yaml.ScalarNode):
        return node.value if tag == _STR else loader.construct_object(node)
    if tag == _SEQ and isinstance(node, yaml.SequenceNode):
        return [_plain(loader, item, (*at, index), offset, lines, seen)
                for index, item in enumerate(node.value)]
    if tag != _MAP or not isinstance(node, yaml.MappingNode):
        raise _Unusual
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _KEY_TAGS:
            raise _Unusual
        key = key_node.value if key_node.tag == _STR else loader.construct_object(key_node)
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f'nyckeln "{key}" står två gånger', key_node.start_mark)
        path = (*at, key_node.value)
        mapping[key] = _plain(loader, value_node, path, offset, lines, seen)
        lines[path] = key_node.start_mark.line + 1 + offset
    return mapping


# ---------------------------------------------------------------- the everyday subset
# Frontmatter is nearly always the same few shapes: `key: "text"`, a date, a list in
# brackets, a list of items. Those are read here, line by line, with the values and lines
# PyYAML gives (tested against it on every post we have and on mutated ones); anything
# else (comments, tabs, escapes, multi-line or unusual scalars, anchors, tags, flow
# mappings, duplicate keys, errors) declines and goes to PyYAML. A benchmark post's
# frontmatter took 113 µs through libyaml and takes 59 µs here.

class _Decline(Exception):
    """Not in the everyday subset: PyYAML reads the document."""


_RESOLVER = yaml.resolver.Resolver()
_ENTRY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*):(?: +(.*))?")
_QUOTED = re.compile(r'"([^"\\]*)"|\'([^\']*)\'')
# A plain scalar that cannot start anything else nor hold a comment, a flow collection
# or, inside brackets, a comma or a colon.
_PLAIN = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`][^#\[\]{}]*")
_FLOW_ITEM = re.compile(r' *("[^"\\]*"|\'[^\']*\'|[^\s\-?:,\[\]{}#&*!|>\'"%@`][^#\[\]{},:]*?)'
                        r' *(?:,|$)')
_DATE = re.compile(r"(\d{4})-(\d\d)-(\d\d)")
_DIGITS = re.compile(r"0|[1-9][0-9]*")
_NON_PRINTABLE = yaml.reader.Reader.NON_PRINTABLE
_Row = tuple[int, int, str]
"""(0-based line, indentation, the line without it)"""


@lru_cache(maxsize=4096)
def _plain_value(text: str) -> Any:
    """What PyYAML makes of a plain scalar, for the kinds frontmatter uses."""
    if not _PLAIN.fullmatch(text) or ": " in text or text.endswith(":"):
        raise _Decline
    tag = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    if tag == _STR:
        return text
    if tag == _INT and _DIGITS.fullmatch(text):
        return int(text)
    if tag == _BOOL:
        return yaml.constructor.SafeConstructor.bool_values[text.lower()]
    if tag == _NULL:
        return None
    date = _DATE.fullmatch(text) if tag == _TIMESTAMP else None
    if date is None:
        raise _Decline
    try:
        return dt.date(int(date[1]), int(date[2]), int(date[3]))
    except ValueError:
        return text  # as _timestamp_or_text: the caller names the wrong key


def _is_item(content: str) -> bool:
    """A row of a block sequence: `- …` or a lone `-`."""
    return content[:2] in ("- ", "-")


class _Everyday:
    """Reads the rows of one document, noting each value's line as `_plain` does."""

    def __init__(self, rows: list[_Row], offset: int) -> None:
        self.rows = rows
        self.offset = offset
        self.lines: dict[KeyPath, int] = {}

    def node(self, i: int, indent: int, at: KeyPath) -> tuple[Any, int]:
        """The block mapping or sequence whose first row is rows[i]."""
        line, _, content = self.rows[i]
        self.lines[at] = line + 1 + self.offset
        value: list[Any] | dict[str, Any]
        if _is_item(content):
            value, i = self.sequence(i, indent, at)
        else:
            value, i = self.mapping(i, indent, at)
        if i < len(self.rows) and self.rows[i][1] > indent:
            raise _Decline  # a continuation line, or indentation that does not fit
        return value, i

    def mapping(self, i: int, indent: int, at: KeyPath) -> tuple[dict[str, Any], int]:
        rows = self.rows
        found: dict[str, Any] = {}
        while i < len(rows) and rows[i][1] == indent:
            line, _, content = rows[i]
            entry = _ENTRY.fullmatch(content)
            if entry is None or entry[1] in found or _plain_value(entry[1]) != entry[1]:
                raise _Decline
            path = (*at, entry[1])
            i += 1
            if entry[2]:
                value = self.inline(entry[2], line, path)
            elif i < len(rows) and (rows[i][1] > indent or (
                    rows[i][1] == indent and _is_item(rows[i][2]))):
                value, i = self.node(i, rows[i][1], path)
            else:
                value = None
            found[entry[1]] = value
            self.lines[path] = line + 1 + self.offset
        return found, i

    def sequence(self, i: int, indent: int, at: KeyPath) -> tuple[list[Any], int]:
        rows = self.rows
        items: list[Any] = []
        while i < len(rows) and rows[i][1] == indent and _is_item(rows[i][2]):
            line, _, content = rows[i]
            rest = content[1:].lstrip(" ")
            path = (*at, len(items))
            if not rest:
                raise _Decline
            if _ENTRY.fullmatch(rest):  # an item that is a mapping, from this line on
                rows[i] = (line, indent + len(content) - len(rest), rest)
                value, i = self.node(i, rows[i][1], path)
            else:
                value, i = self.inline(rest, line, path), i + 1
            items.append(value)
            self.lines[path] = line + 1 + self.offset
        return items, i

    def inline(self, text: str, line: int, at: KeyPath) -> Any:
        """A value written on its key's or item's line: a scalar or a list in brackets."""
        quoted = _QUOTED.fullmatch(text)
        if quoted is not None:
            return quoted[1] if quoted[1] is not None else quoted[2]
        if not text.startswith("[") or not text.endswith("]"):
            return _plain_value(text)
        items: list[Any] = []
        inner, pos = text[1:-1], 0
        while inner.strip(" ") and pos < len(inner):
            item = _FLOW_ITEM.match(inner, pos)
            if item is None:
                raise _Decline
            self.lines[(*at, len(items))] = line + 1 + self.offset
            items.append(self.inline(item[1], line, at))
            pos = item.end()
        return items


def _everyday(text: str, offset: int) -> tuple[Any, dict[KeyPath, int]] | None:
    """The value and lines of a document in the everyday subset; None if it is not."""
    if "#" in text or "\t" in text or "\ufeff" in text or _NON_PRINTABLE.search(text):
        return None
    rows = []
    for number, raw in enumerate(text.split("\n")):
        content = raw.strip(" ")
        if content:
            rows.append((number, len(raw) - len(raw.lstrip(" ")), content))
    if not rows:
        return None
    parser = _Everyday(rows, offset)
    try:
        value, end = parser.node(0, rows[0][1], ())
    except _Decline:
        return None
    return (value, parser.lines) if end == len(rows) else None


def load_yaml(text: str, path: str, *, line_offset: int = 0) -> Located | Problem:
    """Parse one YAML document; a syntax error becomes a Problem at its line."""
    shallow = _shallow(text)
    everyday = _everyday(text, line_offset) if shallow else None
    if everyday is not None:
        return Located(everyday[0], path, everyday[1])
    return _with_pyyaml(text, path, line_offset, shallow)


def _with_pyyaml(text: str, path: str, line_offset: int, shallow: bool) -> Located | Problem:
    try:
        loader = (_FastLoader if _FastLoader is not None and shallow else _Loader)(text)
    except yaml.reader.ReaderError as exc:
        return _reader_problem(exc, text, path, line_offset)
    try:
        node = loader.get_single_node()
        value: Any = None
        lines: dict[KeyPath, int] = {}
        if node is not None:
            try:
                value = _plain(loader, node, (), line_offset, lines, set())
            except _Unusual:
                value, lines = loader.construct_document(node), {}
                _walk(node, (), line_offset, lines, set())
    except yaml.MarkedYAMLError as exc:
        return yaml_problem(exc, text, path, line_offset)
    except yaml.reader.ReaderError as exc:
        return _reader_problem(exc, text, path, line_offset)
    except yaml.YAMLError as exc:
        return Problem(path, line_offset + 1, f"ogiltig YAML: {exc}")
    except RecursionError:
        return Problem(path, line_offset + 1, "ogiltig YAML: för djupt nästlad")
    finally:
        loader.dispose()
    return Located(value, path, lines)


def _reader_problem(exc: yaml.reader.ReaderError, text: str, path: str,
                    line_offset: int) -> Problem:
    line = text[: exc.position].count("\n") + 1 + line_offset
    char = exc.character
    shown = f"U+{char:04X}" if isinstance(char, int) else repr(char)
    return Problem(path, line, f"ogiltig YAML: tecknet {shown} är inte tillåtet")
