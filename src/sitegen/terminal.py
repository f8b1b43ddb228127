"""What the command line writes to the terminal, and how: lines with control characters
escaped, streams that survive a reader going away (`sitegen check | head`), and
progress bars for long builds and imports. Only the CLI uses this module; stages never
print (they report progress through a callback the CLI gives them)."""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import time
from typing import IO, Any

from sitegen.errors import printable


def say(text: str = "", file: IO[str] | None = None) -> None:
    """Print `text` line by line, each line made safe for a terminal."""
    out = file if file is not None else sys.stdout
    out.write("\n".join(printable(line) for line in text.split("\n")) + "\n")


class PipeSafe:
    """A text stream that, once its reader has gone (a closed pipe), quietly drops what
    is written to it instead of raising BrokenPipeError: the command finishes its work
    and exits with its own code, as if its output had been read. Everything else is the
    wrapped stream's."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream
        self.gone = False

    def write(self, text: str) -> int:
        if not self.gone:
            try:
                return self._stream.write(text)
            except BrokenPipeError:
                self._drop()
        return len(text)

    def flush(self) -> None:
        if not self.gone:
            try:
                self._stream.flush()
            except BrokenPipeError:
                self._drop()

    def _drop(self) -> None:
        """Point the file descriptor at /dev/null, so that what the stream still holds
        in its buffer (flushed later, or at exit) goes nowhere instead of raising."""
        self.gone = True
        try:
            fd = self._stream.fileno()
            null = os.open(os.devnull, os.O_WRONLY)
        except (OSError, ValueError):
            return
        os.dup2(null, fd)
        os.close(null)
        with contextlib.suppress(OSError):
            self._stream.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def guard_streams() -> None:
    """Make stdout and stderr PipeSafe (for the `sitegen` command; process-wide)."""
    if sys.stdout is not None and not isinstance(sys.stdout, PipeSafe):
        sys.stdout = PipeSafe(sys.stdout)
    if sys.stderr is not None and not isinstance(sys.stderr, PipeSafe):
        sys.stderr = PipeSafe(sys.stderr)


class Clock:
    """Seconds since the command started."""

    def __init__(self) -> None:
        self.start = time.monotonic()

    def elapsed(self) -> float:
        return time.monotonic() - self.start


class Reporter:
    """Shows a command's progress (a `progress.Progress` callback); `close` ends it."""

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        pass

    def close(self) -> None:
        pass


class Bars(Reporter):
    """Progress bars on a terminal: one bar a stage, erased when the stage ends, so the
    command ends with its summary line alone. Nothing shows before the command has run
    for `delay` seconds: a quick build stays one line."""

    def __init__(self, stream: IO[str], clock: Clock, delay: float) -> None:
        self.stream = stream
        self.clock = clock
        self.delay = delay
        self.stage = ""
        self.bar: Any = None

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        if stage != self.stage or self.bar is None:
            self.close()
            self.stage = stage
            # A terminal that reports no size (some consoles, a bare pty) is taken as
            # 80 × 24: tqdm draws nothing on one of 0 rows.
            size = shutil.get_terminal_size((80, 24))
            self.bar = _bar_class()(
                total=total, desc=stage, file=self.stream, leave=False,
                delay=max(0.0, self.delay - self.clock.elapsed()), mininterval=0.1,
                ncols=size.columns or 80, nrows=size.lines or 24,
                bar_format=_FORMAT if total else _UNKNOWN)
        if total is not None and self.bar.total != total:
            self.bar.total = total
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


_FORMAT = "{desc}: {percentage:3.0f} % |{bar}| {n_fmt} av {total_fmt} [{elapsed}, {remaining} kvar]"
_UNKNOWN = "{desc} … [{elapsed}]"


def _bar_class() -> type[Any]:
    """tqdm without its monitor thread: a second thread in the process turns the build's
    forked workers off (fork is unsafe with threads). Imported only for a terminal."""
    from tqdm import tqdm

    class Bar(tqdm):  # type: ignore[type-arg]
        monitor_interval = 0

    return Bar


class StageLines(Reporter):
    """--verbose where there is no terminal (a log, CI): a line as each stage ends."""

    def __init__(self, stream: IO[str], clock: Clock) -> None:
        self.stream = stream
        self.clock = clock
        self.stage = ""
        self.started = 0.0
        self.done = 0

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        if stage != self.stage:
            self.close()
            self.stage, self.started = stage, self.clock.elapsed()
        self.done = done

    def close(self) -> None:
        if self.stage:
            count = f" ({self.done})" if self.done else ""
            say(f"{self.stage}{count}: {self.clock.elapsed() - self.started:.2f} s", self.stream)
            self.stage = ""


def reporter(stream: IO[str], clock: Clock, *, quiet: bool, verbose: bool) -> Reporter:
    """Bars on a terminal (at once with --verbose, else after a second), stage lines
    with --verbose elsewhere, nothing with --quiet or in a pipe."""
    if quiet:
        return Reporter()
    if stream.isatty():
        return Bars(stream, clock, 0.0 if verbose else 1.0)
    return StageLines(stream, clock) if verbose else Reporter()
