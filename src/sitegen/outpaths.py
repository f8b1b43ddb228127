"""Which paths sitegen may write inside an output folder: relative, without `..`, and
without characters that have no place in a path or URL we publish."""

from __future__ import annotations

import unicodedata


def odd_character(text: str) -> str | None:
    """Name the first character that has no place in a path or URL we write: control
    and format characters (NUL, bidi overrides, zero-width), separators other than the
    space, and look-alikes that Unicode folds to something else (fullwidth ／ or ．)."""
    for ch in text:
        category = unicodedata.category(ch)
        if (category[0] in "CZ" and ch != " ") or unicodedata.normalize("NFKC", ch) != ch:
            name = unicodedata.name(ch, "okänt tecken")
            return f"U+{ord(ch):04X} {name}"
    return None


def check_relative(path: str) -> str | None:
    """Why `path` may not be written inside the output folder, or None."""
    if not path or path.startswith("/") or "\\" in path or any(
            part in ("..", ".", "") for part in path.split("/")):
        return f"sökvägen {path!r} pekar utanför output/"
    odd = None if path.isascii() and path.isprintable() else odd_character(path)
    if odd:
        return f"sökvägen {path!r} innehåller ett otillåtet tecken ({odd})"
    return None
