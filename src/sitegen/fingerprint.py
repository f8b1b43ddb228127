"""Fingerprints of pages: a digest of everything a page's output depends on.

A page whose fingerprint is the one it had when the published site was built is kept
from that site, not rendered again (see `rebuild`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from typing import Any

from sitegen.cachekey import digest
from sitegen.model import Page, Post, Theme
from sitegen.registry import County, Municipality
from sitegen.site import InputEntry, PlanEntry

_SCALARS = frozenset({str, int, float, bool, type(None), dt.date})


class Fingerprinter:
    """Stable digests of template contexts. A Post or Page stands for its file digest,
    register entries and themes for their keys (both are in the site-wide salt); lists
    passed to many pages (a theme's plan items) are digested once per build."""

    def __init__(self, sources: dict[str, str], site_wide: str, salt: str = "") -> None:
        self.sources = sources
        self.site_wide = site_wide
        """Digest of what every page may show besides its context (see Caches.rebuild)."""
        self.salt = salt
        """The caches' salt: sitegen, its libraries, the settings and the themes (what
        a file with a key depends on besides its key; see plan.FileJob)."""
        self._memo: dict[int, tuple[Any, str]] = {}
        self._fields: dict[type, tuple[str, ...]] = {}

    def page(self, template: str, url: str, context: dict[str, Any]) -> str:
        value = self.value
        parts = [self.site_wide, template, url]
        for key in sorted(context):
            parts += (key, value(context[key]))
        return digest("\0".join(parts).encode())

    def file(self, path: str, key: str) -> str:
        return digest(f"{self.salt}\0{path}\0{key}".encode())

    def value(self, value: Any) -> str:
        kind = type(value)
        if kind in _SCALARS:
            return repr(value)
        if kind is Post or kind is Page:
            source = self.sources.get(value.source.path)
            return "P" + (source if source is not None else repr(value))
        if kind is Municipality or kind is County:
            return "M" + str(value.code)
        if kind is Theme:
            return "T" + str(value.slug)
        memo = self._memo.get(id(value))
        if memo is not None and memo[0] is value:
            return memo[1]
        if kind is PlanEntry:
            # fixed by its post's file, its id there and, for a status, the revisit's file
            status = value.status
            by = self.value(status.by) + status.followup.item_id if status else ""
            result = f"E{self.value(value.post)}{value.item.id}\x1f{by}"
        elif kind is InputEntry:
            result = f"I{self.value(value.post)}{value.item.source.line}"
        elif isinstance(value, enum.Enum):
            result = repr(value.value)
        else:
            result = self._compound(value)
        self._memo[id(value)] = (value, result)  # keeps `value` alive: ids stay unique
        return result

    def _compound(self, value: Any) -> str:
        if isinstance(value, list | tuple):
            parts = [self.value(item) for item in value]
        elif isinstance(value, dict):
            parts = [self.value(k) + ":" + self.value(v) for k, v in value.items()]
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            names = self._fields.get(type(value))
            if names is None:
                names = self._fields[type(value)] = tuple(
                    f.name for f in dataclasses.fields(value))
            parts = [self.value(getattr(value, name)) for name in names]
        elif callable(value):
            parts = [getattr(value, "__module__", ""), getattr(value, "__qualname__", "")]
        else:
            raise TypeError(f"cannot fingerprint {type(value).__name__}")
        return digest("\x1f".join(parts).encode())
