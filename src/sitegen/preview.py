"""The live preview's state: one build at a time into the preview folder, its outcome,
and a counter that tells the open tabs when to reload.

A broken edit keeps the last good build on disk: `Preview.problems` holds what is wrong
until a build succeeds again. Warnings are printed once, not again on every save. Used by
the watcher (`serve`) and the request threads (`preview_http`).
"""

from __future__ import annotations

import contextlib
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from sitegen.build import BuildResult, build
from sitegen.errors import Problem, SitegenError, printable
from sitegen.search.preview import PreviewIndex


class Log(Protocol):
    def __call__(self, message: str, end: str = "\n") -> None: ...


def print_log(message: str, end: str = "\n") -> None:
    """The terminal's log: every line made printable, flushed at once."""
    print("\n".join(printable(line) for line in message.split("\n")), end=end, flush=True)


AroundBuild = Callable[[], contextlib.AbstractContextManager[object]]
"""What is entered around each of the preview's builds (see Preview)."""

SEARCH_DIR = Path(".sitegen-cache") / "preview-search"
"""The preview's search index (PreviewIndex), served at /pagefind/."""


class Preview:
    """The preview's state: the last build's outcome and a counter that tells the
    event streams when to reload. Shared by the watcher and the request threads."""

    def __init__(self, root: Path, out: Path, log: Log = print_log,
                 around_build: AroundBuild = contextlib.nullcontext) -> None:
        self.root = root
        self.out = out
        self.log = log
        self.around_build = around_build
        """Entered around each build: what the command line wants of the process while it
        builds (`sitegen serve` pauses the cycle collector, cli.collector_paused)."""
        self.problems: list[Problem] = []
        """Problems of the latest build when it failed (errors and warnings); empty when
        it succeeded."""
        self._shown: set[Problem] = set()
        """The warnings of the previous build, printed already."""
        self.version = 0
        self.stopping = threading.Event()
        self._changed = threading.Condition()
        self.index = PreviewIndex(out, root / SEARCH_DIR, log)

    def rebuild(self) -> bool:
        """Build once; on failure keep the last good site and remember the problems."""
        started = time.perf_counter()
        self.log("Bygger … ", end="")
        problems: list[Problem] = []
        result: BuildResult | None = None
        try:
            with self.around_build():
                result = build(self.root, self.out, drafts=True, with_search=False,
                               waiting=lambda message: self.log(message + " ", end=""),
                               ready_for_edits=True)
        except SitegenError as exc:
            problems = list(exc.problems)
        except Exception as exc:  # a preview server outlives a bug in one build
            self.log(traceback.format_exc().rstrip())
            problems = [Problem("sitegen", 0, f"oväntat fel: {exc!r}")]
        seconds = time.perf_counter() - started
        if problems or result is None:
            errors = [p for p in problems if p.is_error]
            self.log(f"misslyckades på {seconds:.1f} s: {len(errors)} fel. Den senaste "
                     "fungerande versionen ligger kvar; rätta felet och spara.")
            for problem in errors:
                self.log(str(problem))
            self._report_warnings([p for p in problems if not p.is_error])
        else:
            self.log(f"klart på {seconds:.1f} s ({result.posts} inlägg varav "
                     f"{result.drafts} utkast, {result.files} filer)")
            self._report_warnings(result.warnings)
            # in the background: the reload does not wait for it
            self.index.refresh(result.site.config.search_shard_pages if result.site else None)
        with self._changed:
            self.problems = problems
            self.version += 1
            self._changed.notify_all()
        return not problems

    def _report_warnings(self, warnings: list[Problem]) -> None:
        """Print the warnings the previous build did not have: repeating the same ones on
        every save would bury what changed."""
        fresh = [w for w in warnings if w not in self._shown]
        for warning in fresh:
            self.log(str(warning))
        if len(fresh) < len(warnings):
            same = len(warnings) - len(fresh)
            self.log(f"({same} {'varning' if same == 1 else 'varningar'} som förut visas "
                     "inte igen)")
        self._shown = set(warnings)

    def wait_for_change(self, seen: int, timeout: float) -> int:
        """The version after `seen`, or `seen` again after `timeout` or on stop."""
        with self._changed:
            self._changed.wait_for(lambda: self.version != seen or self.stopping.is_set(),
                                   timeout)
            return self.version

    def stop(self) -> None:
        self.index.stop()
        self.stopping.set()
        with self._changed:
            self._changed.notify_all()
