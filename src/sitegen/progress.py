"""How long work says how far it has come: a callback the caller gives (the CLI draws
bars on a terminal from it); stages never print."""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[str, int, "int | None"], None]
"""progress(stage, done, total): `stage` is what is being done, in Swedish ("Renderar
sidor"); `done` how much of it is done; `total` how much there is, None when unknown.
A new stage begins when `stage` changes."""


def silent(stage: str, done: int, total: int | None) -> None:
    """The progress callback that shows nothing."""
