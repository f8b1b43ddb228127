"""Nothing escapes output/, and sitegen never replaces a folder it did not make (unless
told to) nor, even when told to, the site itself or its sources."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from sitegen import outpaths, output
from sitegen.cli import main

REPO = Path(__file__).resolve().parent.parent
BASE = REPO / "tests" / "sites" / "hostile-base"


def copy_site(target: Path) -> Path:
    shutil.copytree(BASE, target)
    shutil.copytree(REPO / "layouts", target / "layouts")
    shutil.copytree(REPO / "assets", target / "assets")
    return target


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("path", [
    "../x", "a/../../x", "/etc/passwd", "a//b", "./a", "", "a\\..\\b", "a\x00b", "a\u202eb",
    "a\u200bb", "a\uff0fb", "\uff0e\uff0e/x", "a\nb", "a\u2028b",
])
def test_paths_outside_or_odd_are_refused(path: str) -> None:
    assert outpaths.check_relative(path) is not None


def test_a_normal_path_is_fine() -> None:
    assert outpaths.check_relative("kommun/botkyrka/index.html") is None
    assert outpaths.check_relative("kommunbesok/amal-sticker-ut/index.html") is None


def test_an_odd_file_name_in_assets_is_refused_and_nothing_written(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_site(tmp_path / "site")
    (root / "assets" / "a\u202eb.css").write_text("p {}")
    assert main(["--root", str(root), "build", "--no-search"]) == 1
    err = capsys.readouterr().err
    assert "otillåtet tecken (U+202E RIGHT-TO-LEFT OVERRIDE)" in err and "Traceback" not in err
    assert not (root / "output").exists()
    assert not output.staging_path(root / "output").exists()


def test_users_folder_survives_and_force_replaces_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_site(tmp_path / "site")
    mine = tmp_path / "mina-filer"
    mine.mkdir()
    (mine / "viktigt.txt").write_text("rör inte")
    (mine / "under").mkdir()
    (mine / "under" / "mer.txt").write_text("inte heller")
    before = snapshot(mine)

    assert main(["--root", str(root), "build", "--no-search", "--output", str(mine)]) == 1
    assert "inte skapad av sitegen" in capsys.readouterr().err
    assert snapshot(mine) == before
    assert not output.staging_path(mine.absolute()).exists()

    assert main(["--root", str(root), "build", "--no-search", "--output", str(mine),
                 "--force"]) == 0
    assert (mine / output.MARKER).is_file() and (mine / "index.html").is_file()
    assert not (mine / "viktigt.txt").exists()


@pytest.mark.parametrize("where", [".", "content", "content/posts", "layouts", "assets", ".."])
def test_site_and_sources_are_refused_even_with_force(
        where: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_site(tmp_path / "site")
    before = snapshot(tmp_path)
    target = root / where
    assert main(["--root", str(root), "build", "--no-search", "--output", str(target),
                 "--force"]) == 1
    err = capsys.readouterr().err
    assert "skrivs aldrig över" in err and "Traceback" not in err
    assert snapshot(tmp_path) == before


def test_a_folder_holding_a_site_is_refused_even_with_force(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_site(tmp_path / "site")
    other = copy_site(tmp_path / "annan")
    before = snapshot(other)
    assert main(["--root", str(root), "build", "--no-search", "--output", str(other),
                 "--force"]) == 1
    assert "innehåller en webbplats" in capsys.readouterr().err
    assert snapshot(other) == before


def test_permission_denied_is_a_problem(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    if os.geteuid() == 0:
        pytest.skip("root may write anywhere")
    root = copy_site(tmp_path / "site")
    locked = tmp_path / "last"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        code = main(["--root", str(root), "build", "--no-search", "--output",
                     str(locked / "output")])
    finally:
        locked.chmod(0o700)
    err = capsys.readouterr().err
    assert code == 1 and "kan inte skriva" in err and "Traceback" not in err


def test_write_error_is_a_problem_and_leaves_no_staging(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Works as root too: the file system's refusal is simulated."""
    def refuse(self: Path, data: bytes) -> int:
        raise PermissionError(13, "Permission denied", str(self))

    root = copy_site(tmp_path / "site")
    monkeypatch.setattr(Path, "write_bytes", refuse)
    assert main(["--root", str(root), "build", "--no-search"]) == 1
    err = capsys.readouterr().err
    assert "kan inte skriva: Permission denied" in err and "Traceback" not in err
    out = root / "output"
    assert not output.staging_path(out).exists() and not out.exists()


def test_leftover_staging_without_marker_is_cleared(tmp_path: Path) -> None:
    """A build killed while deleting the old site leaves a staging folder; the marker
    goes last, so what is left is still ours (or empty)."""
    out = tmp_path / "output"
    staging = output.staging_path(out)
    staging.mkdir()
    (staging / "half").mkdir()
    (staging / "half" / "x.html").write_text("x")
    (staging / output.MARKER).write_text("")
    output.discard(staging)
    assert not staging.exists()
    staging.mkdir()  # killed after the marker went: empty, still cleared
    stage = output.open_stage(out)
    assert isinstance(stage, output.Stage) and stage.folder == staging
    assert stage.put("index.html", b"x")
    output.swap_in(stage.folder, out)
    assert (out / "index.html").read_bytes() == b"x"
