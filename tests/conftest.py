"""Fixtures shared by the whole test suite."""

from __future__ import annotations

import contextlib
import gzip
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository root (the directory holding pyproject.toml)."""
    return REPO_ROOT


@pytest.fixture(scope="session")
def shared_dir(repo_root: Path) -> Path:
    """The ../shared directory next to the repo (design notes, data, seeds); skip if absent."""
    path = repo_root.parent / "shared"
    if not path.is_dir():
        pytest.skip(f"{path} is not present")
    return path


def copy_repo_site(target: Path, *, content: bool = True,
                   items: tuple[str, ...] = ("content", "layouts", "assets")) -> Path:
    """A copy of the repository's own site (site.yaml and `items`; without content/ when
    `content` is false) in `target`."""
    import shutil

    target.mkdir(parents=True, exist_ok=True)
    for item in items:
        if (REPO_ROOT / item).is_dir() and (content or item != "content"):
            shutil.copytree(REPO_ROOT / item, target / item)
    shutil.copy(REPO_ROOT / "site.yaml", target / "site.yaml")
    return target


def set_shard_pages(root: Path, pages: int) -> None:
    """Set site.yaml's search_shard_pages (so a small site's index is in several shards)."""
    config = root / "site.yaml"
    config.write_text(config.read_text("utf-8") + f"search_shard_pages: {pages}\n", "utf-8")


def search_documents(bundle: Path) -> dict[str, Any]:
    """Every indexed page's fragment in a sharded search index (url → what Pagefind
    stored), over all its shards."""
    found = {}
    for fragment in bundle.glob("*/fragment/*.pf_fragment"):
        data = gzip.decompress(fragment.read_bytes())
        page = json.loads(data[data.index(b"{"):])
        found[page["url"]] = page
    return found


@contextlib.contextmanager
def watched_preview(root: Path, log: Any) -> Iterator[Any]:
    """`sitegen serve` on `root` (its PreviewServer, first build done) on a free port of
    127.0.0.1, its watcher rebuilding on every save, until the block ends."""
    from sitegen.serve import PreviewServer

    server = PreviewServer(root, "127.0.0.1", 0, log)
    server.start()
    stop = threading.Event()
    watcher = threading.Thread(target=server.watch, args=(stop,), daemon=True)
    watcher.start()
    try:
        yield server
    finally:
        stop.set()
        server.close()
        watcher.join(timeout=10)
        assert not watcher.is_alive()


def copy_site(source: Path, target: Path) -> Path:
    """A copy of the site at `source` with the repository's layouts and assets, unless
    the site brings its own."""
    import shutil

    shutil.copytree(source, target, ignore=shutil.ignore_patterns("output", "expected*"))
    for folder in ("layouts", "assets"):
        if not (target / folder).exists():
            shutil.copytree(REPO_ROOT / folder, target / folder)
    return target


@pytest.fixture
def make_site(tmp_path: Path):  # type: ignore[no-untyped-def]
    """make_site("basic") copies tests/sites/basic (or the repo itself for "repo") into a
    fresh folder and returns its path."""

    def make(name: str) -> Path:
        if name == "repo":
            return copy_repo_site(tmp_path / "repo-site",
                                  items=("content", "layouts", "assets", "static"))
        return copy_site(REPO_ROOT / "tests" / "sites" / name, tmp_path / name)

    return make


@pytest.fixture(scope="session")
def text_samples(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Every Markdown and YAML file of the repository's tests and content, of ../shared
    when present, and of 300 generated benchmark posts: real input for the tests that
    hold a fast path of ours to the library it stands in for."""
    import subprocess
    import sys

    corpus = tmp_path_factory.mktemp("corpus")
    subprocess.run([sys.executable, str(REPO_ROOT / "benchmarks" / "generate.py"),
                    "--posts", "300", "--out", str(corpus)], check=True, capture_output=True)
    folders = [REPO_ROOT / "tests", REPO_ROOT / "content", REPO_ROOT.parent / "shared", corpus]
    return [path for folder in folders for pattern in ("*.md", "*.yaml")
            for path in sorted(folder.rglob(pattern)) if path.is_file()]


def mutated(texts: list[str], marks: list[str], count: int, seed: int) -> list[str]:
    """`count` texts, each one of `texts` with one to three of `marks` put in, swapped in or
    a character taken out at random places (seeded: the same every run)."""
    import random

    rng = random.Random(seed)
    found = []
    for _ in range(count):
        text = rng.choice(texts)
        for _ in range(rng.randint(1, 3)):
            at, mark = rng.randrange(len(text) + 1), rng.choice(marks)
            text = rng.choice([text[:at] + mark + text[at:], text[:at] + text[at + 1:],
                               text[:at] + mark + text[at + 1:]])
        found.append(text)
    return found


def split_post(path: Path) -> tuple[str | None, str]:
    """(frontmatter, body) of a Markdown file; no frontmatter, all body."""
    text = path.read_text("utf-8", errors="replace").replace("\r\n", "\n")
    end = text.find("\n---\n", 4)
    if text.startswith("---\n") and end > 0:
        return text[4:end + 1], text[end + 5:]
    return None, text


@pytest.fixture(scope="session")
def summaries_site() -> Any:
    """tests/sites/summaries, loaded: visits with plans and follow-ups of every kind (a joint
    visit across counties, every status, a later revisit overriding an earlier one, an
    undated visit, a post with input and no municipality). Its counts are worked out by
    hand in test_summaries.py."""
    from sitegen.build import load

    return load(REPO_ROOT / "tests" / "sites" / "summaries").site


@pytest.fixture(scope="session")
def site_summaries(summaries_site: Any) -> Any:
    """The summaries of `summaries_site`."""
    from sitegen.summaries import summarize

    return summarize(summaries_site)
