"""Determinism: the same site built in two working directories, with different
PYTHONHASHSEED and files created in opposite orders, gives byte-identical output.
Nothing is excluded from the comparison (the search index is not built: --no-search)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BASE = REPO / "tests" / "sites" / "hostile-base"


def files_of(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def copy_in_order(source: Path, target: Path, *, reverse: bool) -> None:
    for path in sorted(files_of(source), reverse=reverse):
        destination = target / path.relative_to(source)
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(path.read_bytes())


def make_source(folder: Path) -> Path:
    shutil.copytree(BASE, folder)
    shutil.copytree(REPO / "layouts", folder / "layouts")
    shutil.copytree(REPO / "assets", folder / "assets")
    posts = folder / "content" / "posts"
    for index in range(12):
        (posts / f"besok-{index:02d}.md").write_text(
            f"---\ntitle: Besök {index}\n"
            + (f"date: 2016-0{index % 9 + 1}-1{index % 9}\n" if index % 4 else "")
            + f"municipalities: [{['Botkyrka', 'Habo', 'Håbo', 'Åmål'][index % 4]}]\n"
            f"themes: [Samverkan, Personalförsörjning]\n"
            f"plan:\n  - Punkt {index}.\n  - text: Andra punkten.\n    themes: [Samverkan]\n"
            f"national_input: [Medskick {index}]\n"
            + (f"followup:\n  of: besok-{index - 1:02d}\n  items:\n    - item: 1\n"
               f"      status: done\n" if index % 3 == 1 else "")
            + f"---\n## Rubrik {index}\n\nText.\n", "utf-8")
    return folder


def test_builds_are_byte_identical(tmp_path: Path) -> None:
    source = make_source(tmp_path / "source")
    roots = []
    for name, reverse, seed in (("a", False, "1"), ("b", True, "4242")):
        root = tmp_path / name / "arbetskopia"
        copy_in_order(source, root, reverse=reverse)
        done = subprocess.run(
            [sys.executable, "-m", "sitegen", "build", "--no-search"], cwd=root,
            env={**os.environ, "PYTHONHASHSEED": seed}, capture_output=True, text=True,
            timeout=120, check=False)
        assert done.returncode == 0, done.stderr
        roots.append(root / "output")
    first, second = roots
    names = [p.relative_to(first) for p in files_of(first)]
    assert names == [p.relative_to(second) for p in files_of(second)]
    different = [str(n) for n in names if (first / n).read_bytes() != (second / n).read_bytes()]
    assert not different
    assert len(names) > 30
