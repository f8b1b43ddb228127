"""Execute a page plan: write its files, copy static/, render its pages.

One interface, `execute(plan, templates, sink, rebuild)`, holds what makes it fast: pages
are rendered on forked workers when there are many, each writing its pages to the sink
itself; the rebuild level (`rebuild.Rebuild`) says which pages are kept from the
published site unrendered, and which are fingerprinted first; and each rendered page
records the posts whose bodies it showed, for the next rebuild.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import jinja2

from sitegen import templating
from sitegen.errors import Problem
from sitegen.plan import FileJob, PageJob, Plan
from sitegen.progress import Progress, silent
from sitegen.rebuild import Rebuild
from sitegen.templating import Templates
from sitegen.workers import forked_map, parallel_workers


class Sink(Protocol):
    """Where made files go: the build's staging folder (output.Stage), or memory."""

    def put(self, path: str, data: bytes) -> bool:
        """Store a file; True if its bytes differ from the published site's."""
        ...

    def keep(self, path: str) -> bool:
        """Keep the published site's file; False if there is none to keep."""
        ...

    def copy(self, path: str, source: Path) -> bool:
        """Store a copy of the file at `source`; True if it differs from the published
        site's."""
        ...


class Collect:
    """A Sink that keeps every file in memory (for `sitegen check` and tests)."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def put(self, path: str, data: bytes) -> bool:
        self.files[path] = data
        return True

    def copy(self, path: str, source: Path) -> bool:
        return self.put(path, source.read_bytes())

    def keep(self, path: str) -> bool:
        return False


@dataclass(frozen=True, slots=True)
class JobResult:
    path: str
    fingerprint: str | None
    rendered: bool
    """False when the published file was kept."""
    changed: bool
    """The bytes differ from the published file's (or it had none)."""
    problem: Problem | None = None
    reads: frozenset[str] = frozenset()
    """Source paths of the posts whose bodies the page shows (when rendered)."""
    result: bool = False
    """The page (rendered) is marked as a search result (templating.marks_result)."""


@dataclass
class Executed:
    paths: list[str]
    """Every file of the site, sorted."""
    templates: dict[str, str]
    """Output path → the template that renders it (see templating.search_folders)."""
    changed: set[str] = field(default_factory=set)
    """Files whose bytes differ from the published site's (new files included)."""
    fingerprints: dict[str, str] = field(default_factory=dict)
    """Output path → fingerprint of what rendered it (when fingerprinted)."""
    reads: dict[str, frozenset[str]] = field(default_factory=dict)
    """Output path of each page rendered anew → posts whose bodies it shows."""
    pages: int = 0
    """Pages rendered anew (the rest were kept from the published site)."""
    results: dict[str, bool] = field(default_factory=dict)
    """Output path of each page rendered anew → whether it is a search result (so the
    search index need not read it back)."""
    problems: list[Problem] = field(default_factory=list)

    def add(self, result: JobResult) -> None:
        if result.fingerprint is not None:
            self.fingerprints[result.path] = result.fingerprint
        if result.rendered:
            self.reads[result.path] = result.reads
            self.results[result.path] = result.result
        if result.problem is not None:
            self.problems.append(result.problem)
        self.pages += result.rendered
        if result.changed:
            self.changed.add(result.path)


def execute(plan: Plan, templates: Templates, sink: Sink, rebuild: Rebuild,
            meanwhile: Callable[[], None] = lambda: None,
            progress: Progress = silent) -> Executed:
    """Make every file of `plan` into `sink`. This process does `meanwhile` while forked
    workers render (after rendering when there are none); `progress` hears how many
    pages are done."""
    done = Executed(plan.paths, {job.path: job.template for job in plan.pages},
                    problems=list(plan.problems))
    for file in plan.files:
        fingerprint, changed = _file(file, sink, rebuild)
        if fingerprint is not None:
            done.fingerprints[file.path] = fingerprint
        if changed:
            done.changed.add(file.path)
    for copy in plan.copies:
        if not copy.source.is_file():
            done.problems.append(Problem(f"static/{copy.path}", 0,
                                         "länken leder till en fil som inte finns"))
        elif sink.copy(copy.path, copy.source):
            done.changed.add(copy.path)
    if plan.paths_safe:
        pages = _Pages(templates, sink, rebuild)
        for result in pages.run_all(plan.pages, meanwhile, progress):
            done.add(result)
    # Several pages fail the same way when one template is broken: report it once.
    done.problems = sorted(set(done.problems))
    return done


def _file(job: FileJob, sink: Sink, rebuild: Rebuild) -> tuple[str | None, bool]:
    """Write a file, or keep the published one while its key is the same (at BODIES,
    where nothing a key covers can have changed, without asking the key): (its
    fingerprint, whether its bytes differ from the published file's)."""
    fingerprint = None
    if job.key is not None:
        previous = rebuild.previous.get(job.path)
        if rebuild.keeps_unseen(job.path) and previous is not None and sink.keep(job.path):
            return previous, False
        fingerprint = rebuild.fingerprint_file(job.path, job.key)
        if fingerprint is not None and fingerprint == previous and sink.keep(job.path):
            return fingerprint, False
    return fingerprint, sink.put(job.path, job.make_data())


RENDERING = "Renderar sidor"
"""The progress stage of rendering."""

PARALLEL_FROM = 1500
"""Pages below which rendering stays in one process (forking costs more than it saves)."""
CHUNKS_PER_WORKER = 24
"""Workers take the jobs in runs of about 1/24 of a worker's share, one run at a time, so
they finish together: fixed shares ended up to 0.5 s apart at 10,000 posts, one worker
slowed by what this process does meanwhile."""

_SHARED: tuple[_Pages, list[PageJob]] | None = None
"""What forked workers inherit: the renderer of pages and the jobs."""


class _Pages:
    """Renders pages, or keeps them as the rebuild level allows."""

    def __init__(self, templates: Templates, sink: Sink, rebuild: Rebuild) -> None:
        self.templates = templates
        self.sink = sink
        self.rebuild = rebuild

    def run(self, job: PageJob) -> JobResult:
        path, rebuild = job.path, self.rebuild
        previous = rebuild.previous.get(path)
        if rebuild.keeps_unseen(path) and previous is not None and self.sink.keep(path):
            return JobResult(path, previous, False, False)
        context = job.make_context()
        fingerprint = rebuild.fingerprint(job.template, job.url, context)
        if fingerprint is not None and fingerprint == previous and self.sink.keep(path):
            return JobResult(path, fingerprint, False, False)
        try:
            data, reads = self.templates.render(job.template, job.url, context)
        except jinja2.TemplateError as exc:
            return JobResult(path, fingerprint, False, False,
                             templating.problem(exc, job.template))
        changed = self.sink.put(path, data)
        return JobResult(path, fingerprint, True, changed, reads=reads,
                         result=templating.marks_result(data))

    def run_all(self, jobs: list[PageJob], meanwhile: Callable[[], None],
                progress: Progress) -> list[JobResult]:
        workers = parallel_workers(self.rebuild.pages_to_look_at(len(jobs)), PARALLEL_FROM)
        if workers > 1:
            results = self._in_parallel(jobs, workers, meanwhile, progress)
        else:
            results = []
            for job in jobs:
                results.append(self.run(job))
                if len(results) % 100 == 0:
                    progress(RENDERING, len(results), len(jobs))
            meanwhile()
        progress(RENDERING, len(jobs), len(jobs))
        return results

    def _in_parallel(self, jobs: list[PageJob], workers: int, meanwhile: Callable[[], None],
                     progress: Progress) -> list[JobResult]:
        """Render on `workers` forked processes; each inherits the plan and the compiled
        templates, writes its pages to the sink itself and sends back only what happened
        to each. Results stay in job order."""
        global _SHARED
        _SHARED = (self, jobs)
        size = -(-len(jobs) // (workers * CHUNKS_PER_WORKER))
        runs = [(start, start + size) for start in range(0, len(jobs), size)]
        try:
            with forked_map(_run_share, runs, workers) as pending:
                meanwhile()
                shares = []
                for share in pending:
                    shares.append(share)
                    progress(RENDERING, min(len(jobs), len(shares) * size), len(jobs))
        finally:
            _SHARED = None
        return [result for share in shares for result in share]


def _run_share(run: tuple[int, int]) -> list[JobResult]:
    assert _SHARED is not None
    pages, jobs = _SHARED
    return [pages.run(job) for job in jobs[run[0]:run[1]]]
