"""Fixtures shared by the whole test suite."""

from __future__ import annotations

from pathlib import Path

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
            target = tmp_path / "repo-site"
            target.mkdir()
            import shutil

            for item in ("content", "layouts", "assets", "static"):
                if (REPO_ROOT / item).is_dir():
                    shutil.copytree(REPO_ROOT / item, target / item)
            shutil.copy(REPO_ROOT / "site.yaml", target / "site.yaml")
            return target
        return copy_site(REPO_ROOT / "tests" / "sites" / name, tmp_path / name)

    return make
