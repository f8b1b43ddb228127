"""argparse in Swedish: usage, help, and argument errors.

argparse passes every text it shows through its module's `_` and `ngettext` (gettext's
functions, which need a compiled catalogue on disk). `SwedishParser` puts a Swedish
catalogue in their place while it parses or formats, and puts the originals back
after: nothing outside the parser changes. A text missing from the catalogue would be
shown in English; tests/test_cli.py checks that every text of the running Python's
argparse is here, so a new Python fails a test instead of speaking English.
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterator, Sequence
from typing import Any, NoReturn

CATALOGUE = {
    "usage: ": "användning: ",
    "positional arguments": "argument",
    "options": "flaggor",
    "optional arguments": "flaggor",
    "show this help message and exit": "visa den här hjälpen och avsluta",
    "%(prog)s: error: %(message)s\n": "%(prog)s: fel: %(message)s\n",
    "argument %(argument_name)s: %(message)s": "%(argument_name)s: %(message)s",
    "the following arguments are required: %s": "det här saknas: %s",
    "one of the arguments %s is required": "ett av de här behövs: %s",
    "unrecognized arguments: %s": "okända argument: %s",
    "ambiguous option: %(option)s could match %(matches)s":
        "flaggan %(option)s är tvetydig: den kan vara %(matches)s",
    "expected one argument": "ett värde behövs",
    "expected at most one argument": "högst ett värde",
    "expected at least one argument": "minst ett värde behövs",
    "invalid choice: %(value)r (choose from %(choices)s)":
        "ogiltigt val: %(value)r (välj bland %(choices)s)",
    "invalid %(type)s value: %(value)r": "ogiltigt värde (%(type)s): %(value)r",
    "not allowed with argument %s": "går inte ihop med %s",
    "ignored explicit argument %r": "flaggan tar inget värde: %r",
    "unexpected option string: %s": "oväntad flagga: %s",
    "unknown parser %(parser_name)r (choices: %(choices)s)":
        "okänt kommando %(parser_name)r (välj bland %(choices)s)",
    "can't open '%(filename)s': %(error)s": "kan inte öppna '%(filename)s': %(error)s",
    'argument "-" with mode %r': 'argumentet "-" med läget %r',
    # Mistakes in the parser's own definition, not the user's (shown to a developer).
    "%r is not callable": "%r går inte att anropa",
    "'required' is an invalid argument for positionals":
        "'required' gäller inte positionsargument",
    ".__call__() not defined": ".__call__() saknas",
    "cannot have multiple subparser arguments": "bara en grupp av kommandon är tillåten",
    "cannot merge actions - two groups are named %r":
        "kan inte slå ihop flaggor: två grupper heter %r",
    "conflicting subparser alias: %s": "kommandots alias finns redan: %s",
    "conflicting subparser: %s": "kommandot finns redan: %s",
    "dest= is required for options like %r": "dest= behövs för flaggor som %r",
    "invalid conflict_resolution value: %r": "ogiltigt värde på conflict_resolution: %r",
    "invalid option string %(option)r: must start with a character %(prefix_chars)r":
        "ogiltig flagga %(option)r: den ska börja med ett av tecknen %(prefix_chars)r",
    "mutually exclusive arguments must be optional":
        "argument som utesluter varandra måste vara flaggor",
}
PLURALS = {
    "expected %s argument": ("%s värde behövs", "%s värden behövs"),
    "conflicting option string: %s": ("flaggan finns redan: %s", "flaggorna finns redan: %s"),
}


def _gettext(message: str) -> str:
    return CATALOGUE.get(message, message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    one, many = PLURALS.get(singular, (singular, plural))
    return one if n == 1 else many


@contextlib.contextmanager
def swedish() -> Iterator[None]:
    """argparse speaks Swedish within; re-entrant."""
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._ = _gettext  # type: ignore[attr-defined]
    argparse.ngettext = _ngettext  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]


class SwedishParser(argparse.ArgumentParser):
    """An ArgumentParser whose every text is Swedish. Its subcommands' parsers are of
    the same class (argparse makes them with the parent's class). Some texts are made
    when the parser is (the help option, the group titles), the rest when it parses or
    formats."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        with swedish():
            super().__init__(*args, **kwargs)

    def add_subparsers(self, **kwargs: Any) -> Any:
        with swedish():
            return super().add_subparsers(**kwargs)

    def parse_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                   namespace: argparse.Namespace | None = None) -> argparse.Namespace:
        with swedish():
            return super().parse_args(args, namespace)

    def parse_known_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                         namespace: argparse.Namespace | None = None,
                         ) -> tuple[argparse.Namespace, list[str]]:
        with swedish():
            return super().parse_known_args(args, namespace)

    def format_usage(self) -> str:
        with swedish():
            return super().format_usage()

    def format_help(self) -> str:
        with swedish():
            return super().format_help()

    def error(self, message: str) -> NoReturn:
        with swedish():
            super().error(message)


def version_action(version: str) -> dict[str, Any]:
    """Keyword arguments of add_argument for `--version` with Swedish help."""
    return {"action": "version", "version": version, "help": "visa versionen och avsluta"}
