"""A layout whose expressions raise is an error at the layout and line that raised it,
`layouts/x.html:line: mallfel: …`, in build and check alike: never a traceback, and the
previous output stays."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.cli import main


def _insert(path: Path, after: int, line: str) -> None:
    lines = path.read_text("utf-8").split("\n")
    lines.insert(after, line)
    path.write_text("\n".join(lines), "utf-8")


@pytest.mark.parametrize(("expression", "message"), [
    ("{{ 1/0 }}", "mallfel: division med noll"),
    ("{{ [].pop() }}", "mallfel: IndexError: pop from empty list"),
    ("{{ 1 + 'a' }}", "mallfel: TypeError: unsupported operand type(s) for +"),
    ('{% include "404.html" %}', "mallfel: mallen anropar sig själv utan slut"),
    ("{{ no_such_name }}", "mallfel: 'no_such_name' is undefined"),
])
@pytest.mark.parametrize("command", ["build", "check"])
def test_an_expression_that_raises_is_an_error_at_its_layout_and_line(
        make_site, capsys: pytest.CaptureFixture[str], expression: str, message: str,
        command: str) -> None:  # type: ignore[no-untyped-def]
    root: Path = make_site("basic")
    args = ["--root", str(root), command] + (["--no-search"] if command == "build" else [])
    if command == "build":
        assert main(args) == 0
        before = (root / "output" / "404.html").read_bytes()
    _insert(root / "layouts" / "404.html", 3, expression)

    assert main(args) == 1

    captured = capsys.readouterr()
    out = captured.out + captured.err
    assert f"layouts/404.html:4: {message}" in out
    assert "Traceback" not in out
    if command == "build":
        assert (root / "output" / "404.html").read_bytes() == before
        assert not (root / ".output.staging").exists()


def test_an_error_in_a_macro_is_reported_where_the_macro_raises(
        make_site, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    root: Path = make_site("basic")
    macros = root / "layouts" / "macros.html"
    text = macros.read_text("utf-8")
    start = text.index("{% macro post_card")
    line = text[:start].count("\n") + 2  # the first line inside the macro
    _insert(macros, line - 1, "{{ {}['x'] }}")

    assert main(["--root", str(root), "build", "--no-search"]) == 1

    err = capsys.readouterr().err
    assert f"layouts/macros.html:{line}: mallfel: " in err
    assert "Traceback" not in err
