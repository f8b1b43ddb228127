"""The command line as an editor meets it: Swedish from usage to argument errors, no
traceback into a closed pipe, control characters escaped, progress on a terminal only,
and `new` refusing what the file system cannot hold."""

from __future__ import annotations

import argparse
import ast
import inspect
import os
import pty
import re
import select
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sitegen import __version__
from sitegen.argparse_sv import CATALOGUE, PLURALS
from sitegen.cli import main

# English words argparse would use ("argument" and "port" are Swedish words too).
ENGLISH = re.compile(r"\b(usage|positional|optional|options|arguments|show|help message|"
                     r"exit|error|required|invalid|choose|expected|unrecognized|ambiguous|"
                     r"allowed|ignored|COMMAND|DATE|TITLE|HOST)\b")


@pytest.fixture
def site(make_site) -> Path:  # type: ignore[no-untyped-def]
    return make_site("repo")  # type: ignore[no-any-return]


def run_main(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("argv", [
    ["--help"], ["build", "--help"], ["import", "--help"], ["new", "--help"],
    ["check", "--help"], ["serve", "--help"], ["-h"],
])
def test_help_is_swedish(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_main(argv, capsys)
    assert code == 0 and not err
    assert out.startswith("användning: sitegen")
    assert "visa den här hjälpen och avsluta" in out
    assert not ENGLISH.findall(out), ENGLISH.findall(out)
    # One word for a post.
    assert not re.search(r"\bpost(en|er|ens)?\b", out)


def test_new_help_names_the_date_format(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run_main(["new", "--help"], capsys)
    assert "--datum ÅÅÅÅ-MM-DD" in out and "TITEL" in out and "--kommun KOMMUN" in out
    assert "argument:" in out and "flaggor:" in out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_main(["--version"], capsys)
    assert (code, out) == (0, f"sitegen {__version__}\n")


@pytest.mark.parametrize(("argv", "message"), [
    ([], "sitegen: fel: det här saknas: KOMMANDO"),
    (["bygg"], "sitegen: fel: KOMMANDO: ogiltigt val: 'bygg' (välj bland 'build', 'import', "
               "'new', 'check', 'serve')"),
    (["new"], "sitegen new: fel: det här saknas: TITEL"),
    (["new", "X", "--kommun"], "sitegen new: fel: --kommun: ett värde behövs"),
    (["import", "xml", "f"], "sitegen import: fel: SORT: ogiltigt val: 'xml' (välj bland "
                             "'wordpress', 'text')"),
    (["check", "--format", "xml"], "sitegen check: fel: --format: ogiltigt val: 'xml'"),
    (["check", "--strikt"], "sitegen: fel: okända argument: --strikt"),
    (["build", "-q", "-v"], "sitegen build: fel: -v/--verbose: går inte ihop med -q/--quiet"),
    (["serve", "--port", "åtta"], 'sitegen serve: fel: --port: "åtta" är inget portnummer'),
    (["--rooot", ".", "build"], "sitegen: fel: KOMMANDO: ogiltigt val: '.'"),
])
def test_argument_errors_are_swedish(argv: list[str], message: str,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_main(argv, capsys)
    assert code == 2 and not out
    assert err.startswith("användning: sitegen")
    assert message in err, err
    assert not ENGLISH.findall(err), ENGLISH.findall(err)


def test_every_argparse_text_has_a_swedish_one() -> None:
    """argparse's texts are its `_("...")` and `ngettext("...", "...")` calls: a Python
    whose argparse says something new fails here rather than speaking English."""
    assert callable(getattr(argparse, "_", None))
    assert callable(getattr(argparse, "ngettext", None))
    tree = ast.parse(inspect.getsource(argparse))
    missing = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.args and isinstance(node.args[0], ast.Constant)):
            continue
        text = node.args[0].value
        known = {"_": CATALOGUE, "ngettext": PLURALS}.get(node.func.id)
        if known is not None and text not in known:
            missing.append(text)
    assert not missing
    # And the parser puts argparse's own functions back after use.
    before = argparse._  # type: ignore[attr-defined]
    main(["--version"])
    assert argparse._ is before  # type: ignore[attr-defined]


# ---------------------------------------------------------------- `new`


def test_new_refuses_a_title_too_long_for_a_file_name(
        site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    title = "Ett besök " + "väldigt " * 40
    code, _, err = run_main(["--root", str(site), "new", title, "--kommun", "Botkyrka",
                             "--tema", "Samverkan"], capsys)
    assert code == 1
    assert err.startswith("titel: titeln ger en för lång adress (329 tecken, högst 200); "
                          "korta titeln.")
    assert "Traceback" not in err
    assert sorted(p.name for p in (site / "content/posts").iterdir()) == sorted(
        p.name for p in (Path(__file__).parents[1] / "content/posts").iterdir())


def test_new_reports_a_folder_it_cannot_write(site: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    shutil.rmtree(site / "content/posts")
    (site / "content/posts").write_text("en fil i mappens ställe\n")
    code, _, err = run_main(["--root", str(site), "new", "Ett besök", "--kommun", "Botkyrka",
                             "--tema", "Samverkan"], capsys)
    assert code == 1
    assert err.startswith("content/posts/ett-besok.md: kan inte skrivas: ")
    assert (site / "content/posts").read_text() == "en fil i mappens ställe\n"


# ---------------------------------------------------------------- the terminal


def test_control_characters_are_escaped(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    posts = site / "content/posts"
    (posts / "ett\x1b[2Jbesök\x07.md").write_text("---\ntitle: X\ncategory: ovrigt\n"
                                                  "date: 2016-01-01\n---\nText.\n")
    (posts / "rad\nbrytning.md").write_text("---\ntitle: Y\ncategory: ovrigt\n"
                                            "date: 2016-01-01\n---\nText.\n")
    (posts / "kommun.md").write_text('---\ntitle: Z\ndate: 2016-01-01\nmunicipalities: '
                                     '["Bot\\ekyrka\\a"]\nthemes: [Samverkan]\n---\nText.\n')
    for argv in (["check"], ["build", "--no-search"]):
        code, out, err = run_main(["--root", str(site), *argv], capsys)
        text = out + err
        assert code == 1
        assert "\x1b" not in text and "\x07" not in text
        assert 'filnamnet "ett\\x1b[2Jbesök\\x07.md"' in text
        assert 'okänd kommun "Bot\\x1bkyrka\\x07"' in text
        line = next(line for line in text.splitlines() if "brytning" in line)
        assert line.startswith("content/posts/rad\\nbrytning.md:")
        assert 'filnamnet "rad\\nbrytning.md" är ingen giltig slug' in line


def sitegen(*args: str, **kwargs: object) -> subprocess.Popen[bytes]:
    env = {**os.environ, "COLUMNS": "100"}
    return subprocess.Popen([sys.executable, "-m", "sitegen", *args], env=env,
                            **kwargs)  # type: ignore[call-overload]


@pytest.mark.parametrize(("argv", "code"), [
    (["check", "--format", "json"], 0),
    (["check"], 0),
    (["build", "--no-search"], 0),
    (["build", "--no-search", "--verbose"], 0),
    (["new", "Besök i Kiruna", "--kommun", "Kiruna", "--tema", "Samverkan"], 0),
    (["import", "text", "SEEDS"], 0),
    (["--help"], 0),
    (["--version"], 0),
    (["new"], 2),
])
def test_closed_pipe_is_no_traceback(site: Path, repo_root: Path, argv: list[str],
                                     code: int) -> None:
    """The reader of both streams is gone before the command writes a byte (as when
    `| head` has read its lines): the command does its work and exits with its own code,
    silently."""
    argv = [str(repo_root / "tests/fixtures/seeds") if a == "SEEDS" else a for a in argv]
    proc = sitegen("--root", str(site), *argv, stdout=subprocess.PIPE,
                   stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    proc.stderr.close()
    assert proc.wait(timeout=120) == code
    if argv[0] == "build":
        assert (site / "output/index.html").is_file()


def test_closed_pipe_after_some_lines(site: Path) -> None:
    """`sitegen check --format json | head -3`, for real."""
    posts = site / "content/posts"
    for n in range(300):  # enough problems to fill the pipe
        (posts / f"trasig-{n}.md").write_text(f"---\ntitle: T{n}\nmunicipalities: [Xyz]\n---\n")
    head = subprocess.Popen(["head", "-3"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    proc = sitegen("--root", str(site), "check", "--format", "json", stdout=head.stdin,
                   stderr=subprocess.PIPE)
    assert head.stdin is not None
    head.stdin.close()
    _, err = proc.communicate(timeout=120)
    assert head.stdout is not None
    assert head.stdout.read().decode().startswith('{\n  "problems": [')
    head.wait(timeout=30)
    assert proc.returncode == 1
    assert b"Traceback" not in err and b"BrokenPipe" not in err


def test_serve_into_a_closed_pipe_keeps_serving(site: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = sitegen("--root", str(site), "serve", "--port", str(port), stdout=subprocess.PIPE,
                   stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
                    conn.sendall(f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                                 "Connection: close\r\n\r\n".encode())
                    assert conn.recv(100).startswith(b"HTTP/1.0 200")
                break
            except ConnectionRefusedError:
                assert time.monotonic() < deadline, "serve never answered"
                time.sleep(0.1)
        proc.send_signal(2)  # Ctrl-C
        assert proc.wait(timeout=30) == 0
        assert b"Traceback" not in proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


# ---------------------------------------------------------------- progress


def on_terminal(site: Path, *argv: str) -> str:
    """Run sitegen with stdout and stderr on a pseudo-terminal; what it showed."""
    leader, follower = pty.openpty()
    proc = sitegen("--root", str(site), *argv, stdin=subprocess.DEVNULL, stdout=follower,
                   stderr=follower)
    os.close(follower)
    shown = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 120)
        assert ready, "no output for two minutes"
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal's other end closed: the command ended
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    assert proc.wait(timeout=60) == 0
    return shown.decode("utf-8", "replace")


def test_progress_on_a_terminal_not_in_a_pipe(site: Path) -> None:
    shown = on_terminal(site, "build", "--no-search", "--verbose")
    # Bars for the stages, with a count, drawn over each other and erased at the end.
    assert re.search(r"Renderar sidor: +\d+ % \|.*\| \d+ av \d+", shown)
    assert "Läser innehållet …" in shown
    assert "\r" in shown
    assert re.search(r"Byggde 5 inlägg och \d+ filer till ", shown)
    assert "it/s" not in shown

    # Quiet on a terminal: no bars, no summary.
    quiet = on_terminal(site, "build", "--no-search", "--force", "--quiet")
    assert "Renderar" not in quiet and "Byggde" not in quiet

    # In a pipe: the summary only; --verbose adds a line a stage, never a bar.
    piped = subprocess.run([sys.executable, "-m", "sitegen", "--root", str(site), "build",
                            "--no-search"], capture_output=True, text=True, check=True)
    assert "Renderar" not in piped.stdout + piped.stderr and "\r" not in piped.stderr
    assert piped.stdout.startswith("Byggde 5 inlägg")
    piped = subprocess.run([sys.executable, "-m", "sitegen", "--root", str(site), "build",
                            "--no-search", "--verbose", "--output", str(site / "ut")],
                           capture_output=True, text=True, check=True)
    assert re.search(r"^Renderar sidor \(\d+\): \d+\.\d\d s$", piped.stderr, re.MULTILINE)
    assert "\r" not in piped.stderr and "\x1b" not in piped.stderr


def test_import_progress_on_a_terminal(site: Path, repo_root: Path) -> None:
    shutil.rmtree(site / "content/posts")
    shown = on_terminal(site, "import", "text", str(repo_root / "tests/fixtures/seeds"),
                        "--verbose")
    assert re.search(r"Importerar: +\d+ % \|.*\| \d+ av 5", shown)
    assert "Skrivna filer: 5" in shown
