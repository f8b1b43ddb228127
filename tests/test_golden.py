"""Golden output: the fixture site tests/sites/basic, built, must equal the checked-in
tree tests/sites/basic/expected/ byte for byte. After an intended change to layouts,
assets or rendering, regenerate it with

    SITEGEN_GOLDEN=update .venv/bin/python -m pytest tests/test_golden.py

and review the diff (`git diff tests/sites/basic/expected`) before committing it."""

from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from sitegen import markdown, templating
from sitegen.build import build

EXPECTED = Path(__file__).parent / "sites" / "basic" / "expected"


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def test_basic_site_matches_golden_output(make_site) -> None:  # type: ignore[no-untyped-def]
    root: Path = make_site("basic")
    build(root, with_search=False, incremental_build=False)
    built = tree(root / "output")
    if os.environ.get("SITEGEN_GOLDEN") == "update":
        shutil.rmtree(EXPECTED, ignore_errors=True)
        shutil.copytree(root / "output", EXPECTED)
    expected = tree(EXPECTED)
    assert sorted(built) == sorted(expected)
    for path, data in built.items():
        assert data == expected[path], f"{path} differs from the golden output"


@pytest.mark.parametrize("module, off", [
    *((templating, name) for name in ("escape", "globals", "all")),
    *((markdown, name) for name in ("obvious_blocks", "plain_text", "all"))],
    ids=lambda value: getattr(value, "__name__", value))
def test_the_fast_paths_change_nothing(make_site, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
                                       module: Any, off: str) -> None:
    # Each fast path of the layouts' environment and of markdown-it is a switch: turned
    # off, the site is what Jinja's, MarkupSafe's and markdown-it's own code make of it.
    fast = module.PLAIN if off == "all" else dataclasses.replace(module.FAST_PATHS,
                                                                 **{off: False})
    monkeypatch.setattr(module, "FAST_PATHS", fast)
    root: Path = make_site("basic")
    build(root, with_search=False, incremental_build=False)
    assert tree(root / "output") == tree(EXPECTED)
