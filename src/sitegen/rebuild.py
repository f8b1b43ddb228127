"""The rebuild levels, and the one place that says which applies and why.

- NOTHING: every input's stat (content/, layouts/, assets/, static/, site.yaml), the
  salt (sitegen, Python, the libraries, see `cachekey`) and the build's flags are what
  the last build recorded, and output/ is still the folder it wrote. Nothing is done,
  not even loading.
- BODIES: the site's structure (every post's card, its model without the body, and the
  site-wide inputs) is the published build's: no more than posts' bodies changed. A
  body is shown only through its post's Html, which records every page that shows it,
  so only the pages that showed a changed body can differ: only they get a context,
  a fingerprint and, if it changed, a render. Every other page is kept as published,
  and so is every file with a key (plan.FileJob: the open data), whose key the cards
  cover.
- FINGERPRINTS: anything else, with the caches: every page's context is made and
  fingerprinted, and only pages whose fingerprint changed are rendered; a file with a
  key is made only when its key changed.
- EVERYTHING: no caches (a cold build, a cache folder that cannot be used, an output
  folder sitegen did not make): every page is rendered.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from sitegen.fingerprint import Fingerprinter


class Level(Enum):
    NOTHING = "nothing changed"
    BODIES = "only bodies changed"
    FINGERPRINTS = "fingerprint every page"
    EVERYTHING = "render every page"


@dataclass(frozen=True)
class Rebuild:
    """How this build treats the published site's pages."""

    level: Level
    reason: str
    fingerprinter: Fingerprinter | None = None
    """At BODIES and FINGERPRINTS."""
    previous: Mapping[str, str] = field(default_factory=dict)
    """Output path → fingerprint, as the published site was built."""
    showing: frozenset[str] = frozenset()
    """At BODIES: the pages that showed a changed body."""

    def keeps_unseen(self, path: str) -> bool:
        """Whether the page at `path` is kept without a context or a fingerprint."""
        return self.level is Level.BODIES and path not in self.showing

    def fingerprint(self, template: str, url: str, context: dict[str, Any]) -> str | None:
        if self.fingerprinter is None:
            return None
        return self.fingerprinter.page(template, url, context)

    def fingerprint_file(self, path: str, key: Callable[[], str]) -> str | None:
        """The fingerprint of a file with a key (see plan.FileJob); None without caches
        (the key is then not asked)."""
        if self.fingerprinter is None:
            return None
        return self.fingerprinter.file(path, key())

    def pages_to_look_at(self, pages: int) -> int:
        """Of `pages` planned, how many get a context (and maybe a render)."""
        return len(self.showing) if self.level is Level.BODIES else pages


COLD = Rebuild(Level.EVERYTHING, "built without caches")
"""Every page rendered: a cold build, `sitegen check`."""


def before_loading(*, caches: bool, inputs_same: bool) -> Rebuild | None:
    """NOTHING, when it applies: then the build stops here. None: load the site and
    ask `after_loading`."""
    if caches and inputs_same:
        return Rebuild(Level.NOTHING, "every input is as the last build recorded")
    return None


def after_loading(*, caches: bool, output_ours: bool, structure: str,
                  published_structure: str, fingerprinter: Fingerprinter | None,
                  previous: Mapping[str, str],
                  showing: Callable[[], frozenset[str]]) -> Rebuild:
    """The level of a build that loaded the site. `structure` is the loaded site's (""
    when a post's card is unknown), `published_structure` the published site's;
    `showing` gives the pages that showed a body that changed since it was published."""
    if not caches:
        return COLD
    if not output_ours or fingerprinter is None:
        return Rebuild(Level.EVERYTHING, "the output folder is not one sitegen made")
    if structure and structure == published_structure:
        return Rebuild(Level.BODIES, "no more than posts' bodies changed", fingerprinter,
                       previous, showing())
    return Rebuild(Level.FINGERPRINTS, "the site's structure changed", fingerprinter,
                   previous)
