"""Posts of pathological text near the size limit (1 MB) build and check in linear time.

Each ran for minutes before (a regular expression or a markdown-it rule that tries every
`<` or `[` and reads on to the end of the text). The hang guard is the subprocess
timeout, far above the few seconds each takes and far below what a quadratic case takes
(300,000 `<` took 50 s); the figures are in benchmarks/pathological.py."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BASE = REPO / "tests" / "sites" / "hostile-base"
HANG = 60
"""Seconds after which a build or check counts as hanging."""

FRONT = "---\ntitle: Patologisk\ndate: 2016-03-08\nmunicipalities: [{}]\nthemes: [Samverkan]\n---\n"

CASES = {
    "lt": ("Botkyrka", "<" * 900_000),
    "lt-a": ("Botkyrka", "<a" * 400_000),
    "brackets": ("Botkyrka", "[" * 900_000),
    "stars": ("Botkyrka", "*" * 900_000),
    "nested-brackets": ("Botkyrka", "[" * 450_000 + "]" * 450_000),
    "images": ("Botkyrka", "![" * 450_000),
    "spaces-in-a-name": ('"Botkyrka' + " " * 900_000 + 'kommun"', "Text."),
}


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("pathological") / "site"
    shutil.copytree(BASE, root)
    shutil.copytree(REPO / "layouts", root / "layouts")
    shutil.copytree(REPO / "assets", root / "assets")
    return root


def sitegen(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sitegen", "--root", str(root), *args],
                          capture_output=True, text=True, timeout=HANG, check=False)


@pytest.mark.parametrize("case", CASES)
def test_pathological_post_builds_and_checks(case: str, base: Path, tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(base, root)
    municipality, body = CASES[case]
    post = root / "content" / "posts" / "patologisk.md"
    post.write_text(FRONT.format(municipality) + body + "\n", "utf-8")
    assert post.stat().st_size < 1_000_000

    built = sitegen(root, "build", "--no-search")
    assert built.returncode == 0, built.stderr
    page = (root / "output" / "kommunbesok" / "patologisk" / "index.html").read_text("utf-8")
    assert "Patologisk" in page
    checked = sitegen(root, "check")
    assert checked.returncode == 0, checked.stderr
    assert "Traceback" not in built.stderr + checked.stderr
