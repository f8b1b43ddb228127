"""YAML with line numbers: every value of a document can say where it was written.

PyYAML's composer keeps a mark on every node; we construct values with the safe
constructor and keep a map from key paths to 1-based lines beside them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from sitegen.errors import Problem

KeyPath = tuple[str | int, ...]


@dataclass
class Located:
    """A parsed YAML document and the line of each value in it."""

    value: Any
    path: str
    lines: dict[KeyPath, int] = field(default_factory=dict)

    def line(self, *key: str | int) -> int:
        """Line of the value at `key`, or of its nearest written ancestor."""
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return self.lines.get((), 1)


def _walk(node: yaml.Node, at: KeyPath, offset: int, lines: dict[KeyPath, int]) -> None:
    lines[at] = node.start_mark.line + 1 + offset
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                _walk(value_node, (*at, key_node.value), offset, lines)
                lines[(*at, key_node.value)] = key_node.start_mark.line + 1 + offset
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*at, index), offset, lines)


class _Loader(yaml.SafeLoader):
    """Safe loader that refuses duplicate keys instead of keeping the last one."""


def _no_duplicates(loader: _Loader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
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


def load_yaml(text: str, path: str, *, line_offset: int = 0) -> Located | Problem:
    """Parse one YAML document; a syntax error becomes a Problem at its line."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        value = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + line_offset) if mark else line_offset + 1
        what = exc.problem or exc.context or "okänt fel"
        return Problem(path, line, f"ogiltig YAML: {what}")
    except yaml.YAMLError as exc:
        return Problem(path, line_offset + 1, f"ogiltig YAML: {exc}")
    finally:
        loader.dispose()
    lines: dict[KeyPath, int] = {}
    if node is not None:
        _walk(node, (), line_offset, lines)
    return Located(value, path, lines)
