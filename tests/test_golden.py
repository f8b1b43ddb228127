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


@pytest.mark.parametrize("off", ["escape", "getattr", "globals", "all"])
def test_the_templates_fast_paths_change_nothing(make_site, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
                                                 off: str) -> None:
    # Each fast path of the layouts' environment is a switch: turned off, the site is
    # what Jinja's and MarkupSafe's own code make of it, byte for byte.
    fast = (templating.PLAIN if off == "all"
            else dataclasses.replace(templating.FAST_PATHS, **{off: False}))
    monkeypatch.setattr(templating, "FAST_PATHS", fast)
    assert templating.environment(None).fast == fast  # type: ignore[attr-defined]
    root: Path = make_site("basic")
    build(root, with_search=False, incremental_build=False)
    assert tree(root / "output") == tree(EXPECTED)


@pytest.mark.parametrize("off", ["no_html_rules", "obvious_blocks", "plain_text", "all"])
def test_the_markdown_shortcuts_change_nothing(make_site, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
                                               off: str) -> None:
    fast = (markdown.PLAIN if off == "all"
            else dataclasses.replace(markdown.FAST_PATHS, **{off: False}))
    monkeypatch.setattr(markdown, "FAST_PATHS", fast)
    root: Path = make_site("basic")
    build(root, with_search=False, incremental_build=False)
    assert tree(root / "output") == tree(EXPECTED)
