"""YAML with line numbers: every value of a document can say where it was written.

PyYAML's composer keeps a mark on every node; we construct values with the safe
constructor and keep a map from key paths to 1-based lines beside them.

Also the one place text files are read from disk: UTF-8 (a BOM is forgiven), Windows
and old Mac line endings become `\\n`, and binary, oversized or mis-encoded files become
Problems instead of exceptions.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
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


_STR, _SEQ, _MAP = (f"tag:yaml.org,2002:{name}" for name in ("str", "seq", "map"))
_KEY_TAGS = frozenset(f"tag:yaml.org,2002:{name}"
                      for name in ("str", "int", "float", "bool", "null", "timestamp"))


class _Unusual(Exception):
    """A document `_plain` leaves to PyYAML's constructor: aliases, merge keys, tags."""


def _plain(loader: Any, node: yaml.Node, at: KeyPath, offset: int,
           lines: dict[KeyPath, int], seen: set[int]) -> Any:
    """Construct the value of a plain document (plain mappings, lists and scalars)
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


def load_yaml(text: str, path: str, *, line_offset: int = 0) -> Located | Problem:
    """Parse one YAML document; a syntax error becomes a Problem at its line."""
    shallow = _shallow(text)
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
