"""Parsing and rendering on several processes give exactly what one process gives:
the same files byte for byte and the same problems. The thresholds are lowered so the
small fixture sites take the parallel path."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen import incremental, render
from sitegen.build import build
from sitegen.errors import SitegenError


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
            if p.is_file()}


@pytest.fixture
def parallel(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(incremental, "PARALLEL_PARSE_FROM", 2)
    monkeypatch.setattr(render, "PARALLEL_FROM", 2)
    monkeypatch.setattr(incremental.os, "cpu_count", lambda: 3)
    # other tests in the same run may leave threads (servers, browsers) behind; the
    # workers here are forked from a test that starts none of them itself
    monkeypatch.setattr(incremental.threading, "active_count", lambda: 1)


def test_parallel_build_equals_sequential(make_site, tmp_path: Path, parallel: None) -> None:  # type: ignore[no-untyped-def]
    root: Path = make_site("basic")
    assert incremental.parallel_workers(10, 2) == 3
    build(root, tmp_path / "parallel", with_search=False)
    build(root, tmp_path / "sequential", with_search=False, incremental_build=False)
    assert tree(tmp_path / "parallel") == tree(tmp_path / "sequential")


def test_parallel_parse_reports_the_same_problems(make_site, parallel: None) -> None:  # type: ignore[no-untyped-def]
    root: Path = make_site("invalid-names")
    with pytest.raises(SitegenError) as in_parallel:
        build(root, with_search=False)
    with pytest.raises(SitegenError) as in_one:
        build(root, with_search=False, incremental_build=False)
    assert in_parallel.value.problems == in_one.value.problems
    assert len(in_parallel.value.problems) == 7
