"""Crash safety: a build killed with SIGKILL at any moment leaves output/ as the complete
old site or the complete new one, and the next build recovers from what it left."""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BASE = REPO / "tests" / "sites" / "hostile-base"
POSTS = 100
KILLS = 40

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")


def manifest(folder: Path) -> frozenset[tuple[str, str]]:
    return frozenset((p.relative_to(folder).as_posix(),
                      hashlib.sha256(p.read_bytes()).hexdigest())
                     for p in folder.rglob("*") if p.is_file())


def write_site(root: Path) -> None:
    shutil.copytree(BASE, root)
    shutil.copytree(REPO / "layouts", root / "layouts")
    shutil.copytree(REPO / "assets", root / "assets")
    posts = root / "content" / "posts"
    for index in range(POSTS):
        (posts / f"inlagg-{index:03d}.md").write_text(
            f"---\ntitle: Inlägg {index}\ndate: 2016-{index % 12 + 1:02d}-{index % 28 + 1:02d}\n"
            f"municipalities: [Botkyrka]\nthemes: [Samverkan]\n"
            f"plan:\n  - Punkt ett i {index}.\n---\n"
            + f"Stycke {index} med lite text om besöket.\n\n" * 20, "utf-8")


def run_build(root: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "sitegen", "--root", str(root), "build",
                             "--no-search"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, env={**os.environ, "PYTHONHASHSEED": "0"})


def set_title(root: Path, title: str) -> None:
    path = root / "content" / "posts" / "inlagg-000.md"
    lines = path.read_text("utf-8").split("\n")
    lines[1] = f"title: {title}"
    path.write_text("\n".join(lines), "utf-8")


def test_sigkill_at_random_points_leaves_old_or_new_site(tmp_path: Path) -> None:
    root = tmp_path / "site"
    write_site(root)
    out = root / "output"

    started = time.perf_counter()
    done = run_build(root)
    assert done.wait(120) == 0
    duration = time.perf_counter() - started
    old = manifest(out)
    set_title(root, "Inlägg noll, nytt namn")
    assert run_build(root).wait(120) == 0
    new = manifest(out)
    assert old != new
    set_title(root, "Inlägg 0")
    assert run_build(root).wait(120) == 0
    assert manifest(out) == old

    rng = random.Random(20160308)
    seen = {"old": 0, "new": 0}
    current, other = "Inlägg 0", "Inlägg noll, nytt namn"
    for _ in range(KILLS):
        set_title(root, other)
        process = run_build(root)
        time.sleep(rng.uniform(0, duration * 1.1))
        process.send_signal(signal.SIGKILL)
        process.wait(60)
        state = manifest(out)
        assert state in (old, new), "output/ is neither the old nor the new site"
        seen["old" if state == old else "new"] += 1
        if state == (new if other != "Inlägg 0" else old):
            current, other = other, current
        else:
            set_title(root, current)
    # Recovery: whatever the last kill left beside output/ must not break a build.
    set_title(root, "Inlägg 0")
    finished = run_build(root)
    assert finished.wait(120) == 0, finished.stderr.read() if finished.stderr else ""
    assert manifest(out) == old
    assert not (root / ".output.staging").exists()
    assert seen["old"] and seen["new"], seen  # kills landed both before and after the swap


def test_leftover_staging_from_a_killed_build(tmp_path: Path) -> None:
    root = tmp_path / "site"
    write_site(root)
    assert run_build(root).wait(120) == 0
    expected = manifest(root / "output")
    staging = root / ".output.staging"
    shutil.copytree(root / "output", staging)
    for path in sorted(staging.rglob("*.html"))[::2]:
        path.unlink()  # half-written or half-deleted
    assert run_build(root).wait(120) == 0
    assert manifest(root / "output") == expected
    assert not staging.exists()
