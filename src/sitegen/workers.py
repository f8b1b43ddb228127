"""Forked worker processes, for parsing and rendering on every core.

Workers are forked, so they inherit what the build has made (the parser, the site model,
the compiled templates) without pickling it; only results travel back. Never inside a
process with other threads (`sitegen serve`), where fork() is unsafe.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import multiprocessing.pool
import os
import signal
import threading


def parallel_workers(jobs: int, threshold: int) -> int:
    """How many processes to fork for `jobs` pieces of work: one (no fork) for small
    jobs, and always one while this process has other threads (`serve`), where fork()
    is unsafe."""
    if jobs < threshold or threading.active_count() > 1 or not hasattr(os, "fork"):
        return 1
    return min(os.cpu_count() or 1, 8)


def fork_pool(workers: int) -> multiprocessing.pool.Pool:
    """A pool of forked workers that end when the build that forked them is killed."""
    return multiprocessing.get_context("fork").Pool(
        workers, initializer=_die_with_parent, initargs=(os.getpid(),))


def _die_with_parent(parent: int) -> None:
    """A worker of a killed build must not go on writing pages into a staging folder that
    the next build takes over: ask Linux to kill it with its parent (PR_SET_PDEATHSIG)."""
    prctl = getattr(ctypes.CDLL(None, use_errno=True), "prctl", None)
    if prctl is not None:
        prctl(1, signal.SIGKILL)
    if os.getppid() != parent:  # the parent was gone before prctl took effect
        os._exit(1)
