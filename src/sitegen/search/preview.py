"""The live preview's search index, kept up to date in the background.

`sitegen serve` builds without search, so that a reload never waits for Pagefind; after
each build is shown, `PreviewIndex.refresh` asks this thread to bring the index up to
date: the pages whose files changed since it last looked (by inode, size and mtime: a
build keeps unchanged files as they are) are indexed anew, shard by shard, as a build
does. The index lives outside the preview site, in its own folder, so a build never
touches it; the server serves it at /pagefind/. While it is updated, its manifest says
`"updating": true` and the search page says "Sökindexet uppdateras …" and waits for it.

The index before the served one is kept beside it, and the next update starts from it:
only the shards that changed since are linked or indexed anew (at 10,000 posts a few
hundred files, not the 14,000 of every kept shard).
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

from sitegen.config import SiteConfig
from sitegen.errors import Problem
from sitegen.search import (
    BUNDLE,
    MANIFEST,
    SCRATCH,
    SearchResult,
    plan_index,
    write_index,
)

Stamp = tuple[int, int, int]

SMALL_SHARD = 64
"""Pages a shard of a small preview holds at most: an editor waits for one shard after a
save, so shards are small while there are few (at most 16 of them: the search page asks
every shard); a larger site gets the build's shards (site.yaml's `search_shard_pages`)."""


class PreviewIndex:
    """Indexes `site` (the preview's output) into `folder/pagefind/`, one update at a
    time, in a thread of its own. Requests that come while it works make one more
    update when it is done."""

    def __init__(self, site: Path, folder: Path,
                 log: Callable[[str], None] = lambda message: None) -> None:
        self.site = site
        self.folder = folder
        self.bundle = folder / BUNDLE
        self.log = log
        self.updates = 0
        """Updates finished (successful or not): for tests and the curious."""
        self.last: SearchResult | None = None
        """What the last successful update did. (It is not logged: a line from this
        thread would land in the middle of the build's "Bygger … klart" line; the search
        page says when the index is being updated.)"""
        self.shard_pages = SiteConfig.search_shard_pages
        """The site's shard size (site.yaml's `search_shard_pages`), for a large site."""
        self._seen: dict[str, Stamp] | None = None
        """The HTML files as they were when last indexed (None: not yet)."""
        self._wanted = threading.Event()
        self._stopping = threading.Event()
        self._idle = threading.Condition()
        self._busy = False
        self._files = threading.Lock()
        """Held while the manifest is marked and while a new index replaces the old."""
        self._thread = threading.Thread(target=self._loop, name="sitegen-search",
                                        daemon=True)

    def start(self) -> None:
        self._thread.start()

    def refresh(self, shard_pages: int | None = None) -> None:
        """Ask for an update (never waits for it); `shard_pages`: the site's
        `search_shard_pages`, when the build knows it (else as last given)."""
        if shard_pages is not None:
            self.shard_pages = shard_pages
        with self._idle:
            self._busy = True
        self._mark_updating()
        self._wanted.set()

    def wait(self, timeout: float) -> bool:
        """Wait until no update is asked for or running; False on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: not self._busy, timeout)

    def stop(self) -> None:
        self._stopping.set()
        self._wanted.set()
        if self._thread.is_alive():
            self._thread.join(timeout=60)

    def _loop(self) -> None:
        while True:
            self._wanted.wait()
            if self._stopping.is_set():
                return
            self._wanted.clear()
            try:
                self._update()
            except Exception as exc:  # the preview outlives a failed index update
                self.log(f"Sökindexet kunde inte uppdateras: {exc!r}")
            self.updates += 1
            with self._idle:
                if not self._wanted.is_set():
                    self._busy = False
                    self._idle.notify_all()

    def _update(self) -> None:
        now = _html_stamps(self.site)
        seen = self._seen
        changed = None if seen is None else frozenset(
            path for path in now.keys() | seen.keys() if now.get(path) != seen.get(path))
        live = self.bundle if (self.bundle / MANIFEST).is_file() else None
        small = len(now) <= 16 * SMALL_SHARD  # HTML files: at least the indexed pages
        plan = plan_index(self.site, live, lambda: None, changed,
                          size=SMALL_SHARD if small else self.shard_pages)
        fresh, spare = self.folder / f"{BUNDLE}.new", self.folder / f"{BUNDLE}.old"
        shutil.rmtree(fresh, ignore_errors=True)  # left by an update that failed
        if spare.is_dir():
            # The index before the served one: its shards that are still current are
            # kept as they are, so only what changed since is linked or indexed anew.
            spare.rename(fresh)
        done = write_index(plan, fresh)
        if isinstance(done, Problem):
            shutil.rmtree(fresh, ignore_errors=True)
            self._mark_updating(False)
            self.log(f"Sökindexet kunde inte uppdateras: {done}")
            return
        with self._files:
            if self.bundle.exists():
                self.bundle.rename(spare)
            fresh.rename(self.bundle)
        self._seen = now
        self.last = done

    def _mark_updating(self, updating: bool = True) -> None:
        """Say in the manifest that an update is (or is no longer) under way. A new file
        replaces the manifest: it may be a link to a kept one."""
        manifest = self.bundle / MANIFEST
        with self._files:
            try:
                data = json.loads(manifest.read_text("utf-8"))
            except (OSError, ValueError):
                data = {"shards": []}
            if updating:
                data["updating"] = True
            else:
                data.pop("updating", None)
            try:
                self.bundle.mkdir(parents=True, exist_ok=True)
                temporary = self.bundle / f".{MANIFEST}.tmp"
                temporary.write_text(json.dumps(data, ensure_ascii=False) + "\n", "utf-8")
                temporary.replace(manifest)
            except OSError as exc:
                self.log(f"Sökindexet: {manifest}: {exc.strerror or exc}")


def _html_stamps(site: Path) -> dict[str, Stamp]:
    """Inode, size and mtime of every HTML file of `site`, by path."""
    stamps: dict[str, Stamp] = {}
    for folder, dirs, files in os.walk(site):
        relative = os.path.relpath(folder, site)
        if relative == ".":
            dirs[:] = [d for d in dirs if d not in (BUNDLE, SCRATCH)]
        for name in files:
            if name.endswith(".html"):
                path = name if relative == "." else f"{relative}/{name}"
                try:
                    stat = os.stat(os.path.join(folder, name))
                except OSError:
                    continue
                stamps[path] = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
    return stamps
