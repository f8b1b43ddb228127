"""One build at a time per site and per output folder, between real processes: a second
build waits for the first (or, with --no-wait, fails at once), a lock never outlives a
killed holder, and two builds started together both publish the complete site."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import copy_site

from sitegen import buildlock
from sitegen.build import build
from sitegen.output import MARKER

HANG = 120
"""Seconds after which a build counts as hanging (the guard, not a timing)."""


def sitegen(root: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "sitegen", "--root", str(root), "build",
                             "--no-search", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_second_build_waits_for_the_first(make_site) -> None:  # type: ignore[no-untyped-def]
    root: Path = make_site("basic")
    with buildlock.held(root, root / "output"):  # a build in this process holds it
        second = sitegen(root)
        assert second.stderr is not None
        line = second.stderr.readline()  # blocks until the second build says it waits
        assert line.startswith("väntar på en annan byggning (process "), line
        assert str(os.getpid()) in line
        assert second.poll() is None  # still waiting
        assert not (root / "output").exists()
    _, err = second.communicate(timeout=HANG)
    assert second.returncode == 0, err
    assert (root / "output" / MARKER).is_file()


def test_no_wait_fails_at_once_and_touches_nothing(make_site) -> None:  # type: ignore[no-untyped-def]
    root: Path = make_site("basic")
    build(root, with_search=False)
    before = tree(root / "output")
    with buildlock.held(root, root / "output"):
        second = sitegen(root, "--no-wait")
        _, err = second.communicate(timeout=HANG)
    assert second.returncode == 1
    assert "en annan byggning pågår (process" in err
    assert "Traceback" not in err
    assert tree(root / "output") == before


def test_a_killed_holder_leaves_no_lock(make_site) -> None:  # type: ignore[no-untyped-def]
    root: Path = make_site("basic")
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys, time
        from pathlib import Path
        from sitegen import buildlock
        with buildlock.held(Path({str(root)!r}), Path({str(root / "output")!r})):
            print("held", flush=True)
            time.sleep(600)
    """)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait(timeout=HANG)
    assert buildlock.site_lock(root).exists()  # the file stays; its lock went with holder
    second = sitegen(root, "--no-wait")
    _, err = second.communicate(timeout=HANG)
    assert second.returncode == 0, err


@pytest.mark.parametrize("same", ["site", "output"])
def test_two_builds_started_together_both_publish_the_whole_site(  # type: ignore[no-untyped-def]
        make_site, tmp_path: Path, same: str) -> None:
    # Both start at a barrier (a file both wait for): one site built twice into its
    # output/, or two copies of a site built into one output folder. Before the lock,
    # one exited 0 with an output/ lacking assets/ and the marker, or both failed and
    # left a .output.staging that blocked every later build.
    first: Path = make_site("basic")
    second = first if same == "site" else copy_site(first, tmp_path / "copy")
    out = first / "output" if same == "site" else tmp_path / "shared-output"
    gate = tmp_path / "gate"
    script = textwrap.dedent(f"""
        import os, sys, time
        from sitegen.cli import main
        while not os.path.exists({str(gate)!r}):
            time.sleep(0.005)
        sys.exit(main(["--root", sys.argv[1], "build", "--no-search", "--output",
                       {str(out)!r}]))
    """)
    runs = [subprocess.Popen([sys.executable, "-c", script, str(root)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for root in (first, second)]
    time.sleep(1.0)  # both started and waiting at the gate
    gate.touch()
    for run in runs:
        _, err = run.communicate(timeout=HANG)
        assert run.returncode == 0, err
    reference = tmp_path / "reference"
    build(first, reference, with_search=False, incremental_build=False)
    assert tree(out) == tree(reference)
    assert not out.with_name(f".{out.name}.staging").exists()
