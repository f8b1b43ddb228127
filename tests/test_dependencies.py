"""Dependencies are honest: every import is declared with a bounded version, nothing
declared goes unused, and constraints.txt pins each of them to the version installed."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))
TOOLS = {"ruff", "mypy", "types-pyyaml", "types-tqdm"}
"""Test extras that are run or read by a tool, never imported."""


def _name(requirement: str) -> str:
    match = re.match(r"[A-Za-z0-9_.-]+", requirement)
    assert match, requirement
    return match[0].lower().replace("_", "-")


def _imports(folder: Path) -> set[str]:
    """Top-level modules imported by the Python files under `folder`."""
    found: set[str] = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add(node.module.split(".")[0])
    return found


def _distributions(modules: set[str]) -> set[str]:
    """The installed distributions that provide `modules` (the standard library and
    sitegen itself left out)."""
    providers = metadata.packages_distributions()
    local = {"sitegen", "tests", "benchmarks"} | {
        path.stem for folder in ("tests", "benchmarks") for path in (REPO / folder).rglob("*.py")}
    return {_name(dist) for module in modules - local - set(sys.stdlib_module_names)
            for dist in providers.get(module, [module])}


RUNTIME = {_name(r): r for r in PYPROJECT["project"]["dependencies"]}
TEST = {_name(r): r for r in PYPROJECT["project"]["optional-dependencies"]["test"]}


def test_every_dependency_has_a_bounded_version() -> None:
    for requirement in [*RUNTIME.values(), *TEST.values()]:
        assert "==" in requirement or "<" in requirement, requirement


def test_every_import_is_declared_and_every_declared_package_is_imported() -> None:
    used = _distributions(_imports(REPO / "src"))
    assert used == set(RUNTIME)
    tests = _distributions(_imports(REPO / "tests") | _imports(REPO / "benchmarks"))
    assert tests - set(RUNTIME) == set(TEST) - TOOLS


def test_constraints_pin_what_is_installed() -> None:
    pins = {}
    for line in (REPO / "constraints.txt").read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[_name(name)] = version.strip()
    for name in [*RUNTIME, *TEST, *(_name(d) for d in ("mdurl",))]:
        assert name in pins, f"{name} is not pinned in constraints.txt"
        assert metadata.version(name) == pins[name], name
    assert "python-frontmatter" not in pins
