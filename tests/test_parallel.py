"""Parsing and rendering on several processes give exactly what one process gives:
the same files byte for byte and the same problems. The thresholds are lowered so the
small fixture sites take the parallel path."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from sitegen import content, execute, incremental, parsecache, workers
from sitegen.build import build
from sitegen.errors import SitegenError


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
            if p.is_file()}


@pytest.fixture
def parallel(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parsecache, "PARALLEL_PARSE_FROM", 2)
    monkeypatch.setattr(execute, "PARALLEL_FROM", 2)
    monkeypatch.setattr(workers.os, "cpu_count", lambda: 3)
    # other tests in the same run may leave threads (servers, browsers) behind; the
    # workers here are forked from a test that starts none of them itself
    monkeypatch.setattr(workers.threading, "active_count", lambda: 1)


def test_parallel_build_equals_sequential(make_site, tmp_path: Path, parallel: None) -> None:  # type: ignore[no-untyped-def]
    root: Path = make_site("basic")
    assert workers.parallel_workers(10, 2) == 3
    build(root, tmp_path / "parallel", with_search=False)
    build(root, tmp_path / "sequential", with_search=False, incremental_build=False)
    assert tree(tmp_path / "parallel") == tree(tmp_path / "sequential")


def test_parallel_rebuild_of_touched_and_edited_files_equals_sequential(  # type: ignore[no-untyped-def]
        make_site, tmp_path: Path, parallel: None) -> None:
    # Workers read the files themselves: a touched file (new mtime, same text) is read
    # back from the cache, an edited one parsed again.
    root: Path = make_site("basic")
    build(root, with_search=False)
    posts = sorted((root / "content/posts").glob("*.md"))
    for post in posts:
        os.utime(post, (1_000_000_000, 1_000_000_000))
    posts[0].write_text(posts[0].read_text("utf-8") + "\nEtt tillägg.\n", "utf-8")
    build(root, with_search=False)
    build(root, tmp_path / "sequential", with_search=False, incremental_build=False)
    assert "Ett tillägg." in "".join(
        p.read_text("utf-8") for p in (root / "output").rglob("index.html"))
    assert tree(root / "output") == tree(tmp_path / "sequential")


def test_parallel_parse_reports_the_same_problems(make_site, parallel: None) -> None:  # type: ignore[no-untyped-def]
    root: Path = make_site("invalid-names")
    with pytest.raises(SitegenError) as in_parallel:
        build(root, with_search=False)
    with pytest.raises(SitegenError) as in_one:
        build(root, with_search=False, incremental_build=False)
    assert in_parallel.value.problems == in_one.value.problems
    assert len(in_parallel.value.problems) == 7


def test_parse_workers_hand_back_through_the_pipe_when_no_file_can_be_made(  # type: ignore[no-untyped-def]
        make_site, tmp_path: Path, parallel: None, monkeypatch: pytest.MonkeyPatch) -> None:
    def refused() -> None:
        raise OSError(28, "No space left on device")

    here, in_parent = os.getpid(), []
    parse_post = content.parse_post

    def parse(source, ctx, problems):  # type: ignore[no-untyped-def]
        if os.getpid() == here:
            in_parent.append(source.path)  # what the workers' shares lacked
        return parse_post(source, ctx, problems)

    monkeypatch.setattr(content, "parse_post", parse)
    root: Path = make_site("basic")
    build(root, tmp_path / "files", with_search=False)
    shutil.rmtree(root / incremental.CACHE_DIR)
    monkeypatch.setattr(parsecache.tempfile, "TemporaryFile", refused)
    build(root, tmp_path / "pipe", with_search=False)
    assert in_parent == []
    build(root, tmp_path / "sequential", with_search=False, incremental_build=False)
    assert tree(tmp_path / "pipe") == tree(tmp_path / "sequential") == tree(tmp_path / "files")


def test_the_parse_cache_is_saved_while_the_workers_render(  # type: ignore[no-untyped-def]
        make_site, parallel: None, monkeypatch: pytest.MonkeyPatch) -> None:
    rendering: list[bool] = []
    save = parsecache.ParseCache.save

    def watched(cache: parsecache.ParseCache) -> None:
        rendering.append(execute._SHARED is not None)  # set while render workers run
        save(cache)

    monkeypatch.setattr(parsecache.ParseCache, "save", watched)
    root: Path = make_site("basic")
    build(root, with_search=False)
    assert rendering[0] is True
    with sqlite3.connect(root / incremental.CACHE_DIR / "parsed.sqlite") as db:
        stored = {path for path, in db.execute("SELECT path FROM files WHERE body IS NOT NULL")}
    assert stored == {p.relative_to(root).as_posix()
                      for p in (root / "content/posts").glob("*.md")}


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"  # a zombie has finished; only its exit status is left


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG")
def test_workers_end_when_the_build_that_forked_them_is_killed(tmp_path: Path) -> None:
    # A worker that outlived a killed build could go on writing pages into the staging
    # folder that the next build takes over.
    pids = tmp_path / "pids"
    script = textwrap.dedent(f"""
        import os, signal, time
        from sitegen.workers import forked_map

        def work(_):
            with open({str(pids)!r}, "a") as f:
                f.write(f"{{os.getpid()}}\\n")
            time.sleep(60)

        with forked_map(work, range(2), 2):
            while not os.path.exists({str(pids)!r}) or len(open({str(pids)!r}).read().split()) < 2:
                time.sleep(0.02)
            os.kill(os.getpid(), signal.SIGKILL)
    """)
    done = subprocess.run([sys.executable, "-c", script], timeout=60)
    assert done.returncode == -signal.SIGKILL
    workers = [int(pid) for pid in pids.read_text().split()]
    assert len(workers) == 2
    deadline = time.monotonic() + 10
    while any(map(_alive, workers)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(map(_alive, workers))


KILLED_WORKER = """
import os, shutil, signal, sys
from sitegen import execute, parsecache, workers
from sitegen.cli import main

parsecache.PARALLEL_PARSE_FROM = 2
execute.PARALLEL_FROM = 2
workers.os.cpu_count = lambda: 2  # also on a machine with one core

def killed(*args):
    os.kill(os.getpid(), signal.SIGKILL)  # as the out-of-memory killer does

setattr({module}, {function!r}, killed)
shutil.rmtree(os.path.join({root!r}, ".sitegen-cache"))  # parse and render everything
sys.exit(main(["--root", {root!r}, "build", "--no-search"]))
"""


@pytest.mark.parametrize("module, function", [("execute", "_run_share"),
                                              ("parsecache", "_read_share")],
                         ids=["render", "parse"])
def test_a_killed_worker_fails_the_build_and_keeps_the_output(  # type: ignore[no-untyped-def]
        make_site, module: str, function: str) -> None:
    # multiprocessing.Pool forked a new worker and waited forever for the lost work; the
    # timeout is the hang guard (the build fails as soon as the worker is gone)
    root: Path = make_site("basic")
    build(root, with_search=False)
    before = tree(root / "output")
    script = KILLED_WORKER.format(module=module, function=function, root=str(root))
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith("sitegen: en arbetsprocess avslutades oväntat"), done.stderr
    assert "Traceback" not in done.stderr
    assert tree(root / "output") == before
    assert not (root / ".output.staging").exists()
