"""Invalid fixture sites: each tests/sites/invalid-*/ holds a site and expected.txt, the
exact problems a build must print (path:line: message), all of them in one run."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.cli import main

SITES = sorted((Path(__file__).parent / "sites").glob("invalid-*"))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("site", SITES, ids=[s.name for s in SITES])
def test_invalid_site_reports_every_problem_and_keeps_output(
        site: Path, make_site, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    root: Path = make_site(site.name)
    old = root / "output"
    old.mkdir()
    (old / ".sitegen-output").write_text("")
    (old / "index.html").write_text("den förra webbplatsen")
    before = snapshot(old)

    code = main(["--root", str(root), "build", "--no-search"])

    err = capsys.readouterr().err
    expected = (site / "expected.txt").read_text("utf-8").splitlines()
    lines = err.splitlines()
    assert code == 1
    assert lines[:-1] == expected
    assert lines[-1] == f"{len(expected)} fel, 0 varningar"
    assert "Traceback" not in err
    assert snapshot(old) == before
    assert not (root / ".output.staging").exists()
