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
