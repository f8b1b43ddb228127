"""links.sync_tree: a kept folder (the search index) brought up to date by touching only
the entries that differ from the published one."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sitegen import links


def _files(top: Path) -> dict[str, int]:
    """Relative path → inode of every file under `top`; folders end in '/' with 0."""
    found: dict[str, int] = {}
    for folder, dirs, files in os.walk(top):
        rel = Path(folder).relative_to(top)
        for name in dirs:
            found[f"{(rel / name).as_posix()}/"] = 0
        for name in files:
            found[(rel / name).as_posix()] = os.lstat(Path(folder, name)).st_ino
    return found


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")


@pytest.fixture
def trees(tmp_path: Path) -> tuple[Path, Path]:
    live, kept = tmp_path / "live", tmp_path / "kept"
    for name in ("0/a.pf_index", "0/b.pf_index", "1/a.pf_index", "shards.json"):
        _write(live / name, name)
    links.sync_tree(live, kept)  # the previous build: every file shared
    return live, kept


def test_an_unchanged_tree_is_not_touched(trees: tuple[Path, Path],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    live, kept = trees
    calls: list[str] = []
    monkeypatch.setattr(links.os, "link", lambda s, t: calls.append(str(t)))
    monkeypatch.setattr(links.os, "unlink", lambda p: calls.append(str(p)))
    links.sync_tree(live, kept)
    assert calls == []
    assert _files(kept) == _files(live)


def test_only_what_differs_is_relinked(trees: tuple[Path, Path],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    live, kept = trees
    # the next build re-indexed shard 1 (new files), dropped a chunk and added a shard
    (live / "1" / "a.pf_index").unlink()
    _write(live / "1" / "a.pf_index", "new")
    (live / "0" / "b.pf_index").unlink()
    _write(live / "2" / "c.pf_index", "added")
    # and the kept tree has shapes the live one does not: a file where a folder is, a
    # folder where a file is, a stray file
    (kept / "shards.json").unlink()
    _write(kept / "shards.json" / "x", "folder in the way")
    _write(kept / "3", "file in the way")
    _write(live / "3" / "d.pf_index", "folder now")
    _write(kept / "stray.txt", "stray")
    linked: list[str] = []
    real_link = os.link
    monkeypatch.setattr(links.os, "link", lambda s, t: (linked.append(
        Path(t).relative_to(kept).as_posix()), real_link(s, t)))
    links.sync_tree(live, kept)
    assert _files(kept) == _files(live)
    assert sorted(linked) == ["1/a.pf_index", "2/c.pf_index", "3/d.pf_index", "shards.json"]


def test_a_tree_gone_from_the_live_site_is_removed(trees: tuple[Path, Path]) -> None:
    live, kept = trees
    links.sync_tree(live / "missing", kept)
    assert not kept.exists()
