"""PyYAML's syntax errors in Swedish, at the line where the mistake starts, with a hint
for the common ones: an unclosed quote (reported where the quote opens, not where the
file ends), a tab in the indentation, a colon in an unquoted title, an unclosed list.

Both of PyYAML's parsers are understood (libyaml's words differ from the pure Python
one's); what neither rule knows gets a general Swedish message at PyYAML's line.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import yaml

from sitegen.errors import Problem

_OURS = ("nyckeln ", "en nyckel ", "ogiltigt värde", "för djupt nästlad")
"""Beginnings of the messages our own loader raises (already Swedish)."""
_KEY_VALUE = re.compile(r"^\s*(?:-\s+)?([\w-]+):\s+(.*)$")


def yaml_problem(exc: yaml.MarkedYAMLError, text: str, path: str, offset: int) -> Problem:
    """The Problem for a YAML error in `text` (whose first line is line `offset + 1`)."""
    problem = exc.problem or ""
    context = exc.context or ""
    mark = exc.problem_mark or exc.context_mark
    line = mark.line if mark else 0  # 0-based within text
    start = exc.context_mark.line if exc.context_mark else line
    lines = text.split("\n")

    def at(index: int, message: str) -> Problem:
        return Problem(path, index + 1 + offset, f"ogiltig YAML: {message}")

    if problem.startswith(_OURS):
        return at(line, problem)
    if "quoted scalar" in context and "end of stream" in problem:
        return at(start, _UNCLOSED)
    opened = _quote_opened_before(text, line)
    if opened is not None:
        return at(opened, f"{_UNCLOSED}; texten fortsätter till rad {line + 1 + offset}")
    if "\t" in (lines[line] if line < len(lines) else "") and (
            "cannot start any token" in problem or "'\\t'" in problem):
        return at(line, "tabb i indraget: YAML drar in med mellanslag; byt tabben mot "
                        "mellanslag")
    if "mapping values are not allowed" in problem:
        return _colon(lines, line, at)
    if "flow sequence" in context:
        return at(start, "hakparentesen [ stängs aldrig: avsluta listan med ] på samma rad")
    if "flow mapping" in context:
        return at(start, "klammerparentesen { stängs aldrig: avsluta med }")
    if "undefined alias" in problem or "alias" in context:
        return at(line, "* inleder ett alias i YAML: sätt citattecken runt texten")
    if "escape" in problem:
        return at(line, 'okänd escape-sekvens (\\) inom "…": skriv \\\\ för ett bakstreck, '
                        "eller använd enkla citattecken ' … '")
    if "could not find expected ':'" in problem or "expected ':'" in problem:
        return at(start, "kolon saknas efter nyckeln: skriv nyckel: värde")
    if "constructor for the tag" in problem:
        return at(line, "! inleder en typ i YAML: sätt citattecken runt texten")
    if "anchor" in context or "anchor" in problem:
        return at(line, "& inleder ett ankare i YAML: sätt citattecken runt texten")
    if "block end" in problem or "expected key" in problem or "indicator" in problem \
            or "block collection" in context:
        return at(line, "indraget stämmer inte: raden passar inte in i listan eller "
                        "tabellen ovanför; rada upp den med raderna på samma nivå")
    return at(line, "raden går inte att läsa som YAML; kontrollera indrag, kolon och "
                    "citattecken")


_UNCLOSED = ('citattecknet som börjar här stängs aldrig: avsluta texten med samma tecken '
             '(" eller \')')


def _quote_opened_before(text: str, line: int) -> int | None:
    """The line of a quoted text that runs over several lines to the error: the sign of a
    closing quote left out, which makes the next quote in the file close it instead."""
    found: int | None = None
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if token.start_mark.line > line:
                break
            if isinstance(token, yaml.ScalarToken) and token.style in ('"', "'") \
                    and token.start_mark.line < token.end_mark.line >= line - 1:
                found = int(token.start_mark.line)
    except yaml.YAMLError:
        pass
    return found


def _colon(lines: list[str], line: int, at: Callable[[int, str], Problem]) -> Problem:
    """A colon where a value was expected: mostly a colon inside an unquoted text
    (title: Botkyrka: ett återbesök), else a key without its colon on the line above,
    else indentation."""
    here = lines[line] if line < len(lines) else ""
    found = _KEY_VALUE.match(here)
    if found and ": " in found.group(2) and not found.group(2).startswith(("'", '"')):
        key, value = found.groups()
        quoted = value.replace('"', '\\"')
        return at(line, f'kolon i en text utan citattecken: sätt citattecken runt '
                          f'texten, t.ex. {key}: "{quoted}"')
    above = next((i for i in range(line - 1, -1, -1) if lines[i].strip()), None)
    if above is not None and ":" not in lines[above] and not lines[above].lstrip().startswith(
            ("-", "#")):
        return at(above, "kolon saknas efter nyckeln: skriv nyckel: värde")
    return at(line, "oväntat kolon: kontrollera indraget (nycklar på samma nivå börjar i "
                      "samma kolumn)")
