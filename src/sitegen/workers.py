"""Forked worker processes, for parsing and rendering on every core.

Workers are forked, so they inherit what the build has made (the parser, the site model,
the compiled templates) without pickling it; only results travel back. Never inside a
process with other threads (`sitegen serve`), where fork() is unsafe.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

from sitegen.errors import Problem, SitegenError

T = TypeVar("T")
R = TypeVar("R")

WORKER_DIED = ("en arbetsprocess avslutades oväntat (kanske stoppad av systemet för att "
               "minnet tog slut); bygget avbröts och den tidigare webbplatsen är orörd")


def parallel_workers(jobs: int, threshold: int) -> int:
    """How many processes to fork for `jobs` pieces of work: one (no fork) for small
    jobs, and always one while this process has other threads (`serve`), where fork()
    is unsafe."""
    if jobs < threshold or threading.active_count() > 1 or not hasattr(os, "fork"):
        return 1
    return min(os.cpu_count() or 1, 8)


@contextlib.contextmanager
def forked_map(function: Callable[[T], R], items: Sequence[T],
               workers: int) -> Iterator[Iterator[R]]:
    """`map(function, items)` on `workers` forked processes, started at once; the results
    come in order from the iterator it gives. The workers end when the build that forked
    them is killed. A worker that dies (the out-of-memory killer's SIGKILL) fails the map
    at once with SitegenError: multiprocessing.Pool would fork a new worker and wait
    forever for the lost work. All workers are forked before the executor starts its
    thread (its rule for the fork method)."""
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                             initializer=_die_with_parent,
                             initargs=(os.getpid(),)) as pool:
        results = pool.map(function, items)
        try:
            yield results
        except BrokenProcessPool as exc:
            raise SitegenError([Problem("sitegen", 0, WORKER_DIED)]) from exc


def _die_with_parent(parent: int) -> None:
    """A worker of a killed build must not go on writing pages into a staging folder that
    the next build takes over: ask Linux to kill it with its parent (PR_SET_PDEATHSIG)."""
    prctl = getattr(ctypes.CDLL(None, use_errno=True), "prctl", None)
    if prctl is not None:
        prctl(1, signal.SIGKILL)
    if os.getppid() != parent:  # the parent was gone before prctl took effect
        os._exit(1)
