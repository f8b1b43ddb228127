"""Problems are values: a path, a line and a message. Stages collect them and the CLI
prints them; nothing below the CLI prints or exits."""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class Severity(StrEnum):
    ERROR = "fel"
    WARNING = "varning"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, located as precisely as we can."""

    path: str
    """Path as the user would type it, relative to the site root where possible."""
    line: int
    """1-based line number; 0 when the problem concerns the whole file."""
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        """One line for a terminal: control characters from file names and values are
        shown escaped, never passed to the terminal (nor split the line)."""
        where = f"{self.path}:{self.line}" if self.line else self.path
        prefix = "varning: " if self.severity is Severity.WARNING else ""
        return printable(f"{where}: {prefix}{self.message}")

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


class SitegenError(Exception):
    """Raised when a run must stop; carries every problem found so far."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def printable(text: str) -> str:
    """`text` safe to print on a terminal: control characters (ESC, BEL, newline …),
    format characters (bidi overrides, zero-width) and line separators are shown as
    Python escapes (`\\x1b`, `\\n`, `\\u202e`), so a file name or a YAML value can neither
    drive the terminal nor split a message in two."""
    if text.isprintable():
        return text
    return "".join(_escaped(ch) for ch in text)


def _escaped(ch: str) -> str:
    if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
        return ch
    escape = repr(ch)[1:-1]
    return escape if escape.startswith("\\") else f"\\u{ord(ch):04x}"


class FastPathBroken(RuntimeError):
    """A library internal that a fast path relies on is gone or differs (after an
    upgrade): turn that fast path's switch off (templating.FastPaths,
    markdown.FastPaths), or bring the fast path up to date."""


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """A ` – menade du "X"?` suffix for the closest candidate, or nothing."""
    pool = list(candidates)
    lowered = {c.casefold(): c for c in pool}
    close = difflib.get_close_matches(word.casefold(), list(lowered), n=1, cutoff=0.6)
    return f' – menade du "{lowered[close[0]]}"?' if close else ""


def display_path(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
