"""Links among a site's sources: one that resolves outside the site's folder is an error
at its path before anything is read (a pull request can carry `static/env.txt ->
/proc/self/environ`), in every source folder, for build, check and new alike; a loop
is an error, not a traceback; links inside the site are followed as before. And a
missing content/posts/ is an error, not a site without posts."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sitegen.cli import main

SECRET = "HEMLIGT-9f2c"
"""Text of the file outside the site: it must never reach output/ or a message."""


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    folder = tmp_path / "utanfor"
    folder.mkdir()
    for name in ("hemlig.txt", "hemlig.md", "hemlig.html", "hemlig.css", "hemlig.yaml"):
        (folder / name).write_text(f"---\ntitle: {SECRET}\n---\n{SECRET}\n", "utf-8")
    return folder


def _run(root: Path, command: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    args = {"build": ["build", "--no-search"], "check": ["check"],
            "new": ["new", "Ett nytt besök", "--kommun", "Habo", "--tema", "Familjerådslag"]}
    code = main(["--root", str(root), *args[command]])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def _published(root: Path) -> str:
    output = root / "output"
    return "".join(p.read_text("utf-8", "replace") for p in output.rglob("*") if p.is_file())


# Each source a link can be in: (the link's path in the site, what it points at).
LINKS = {
    "static file": ("static/env.txt", "hemlig.txt"),
    "static file in a subfolder": ("static/bilder/x.txt", "hemlig.txt"),
    "asset": ("assets/extra.css", "hemlig.css"),
    "layout": ("layouts/hemlig.html", "hemlig.html"),
    "post": ("content/posts/hemlig.md", "hemlig.md"),
    "page": ("content/pages/hemlig.md", "hemlig.md"),
    "theme vocabulary": ("content/themes.yaml", "hemlig.yaml"),
    "site.yaml": ("site.yaml", "hemlig.yaml"),
    "static folder": ("static", ""),
    "folder of posts": ("content/posts", ""),
    "folder in layouts": ("layouts/delar", ""),
    "folder in static": ("static/mapp", ""),
    "folder in assets": ("assets/mapp", ""),
}


@pytest.mark.parametrize("case", LINKS)
@pytest.mark.parametrize("command", ["build", "check", "new"])
def test_a_link_out_of_the_site_is_an_error_before_anything_is_read(
        make_site, outside: Path, capsys: pytest.CaptureFixture[str], case: str,
        command: str) -> None:  # type: ignore[no-untyped-def]
    root: Path = make_site("basic")
    assert _run(root, "build", capsys)[0] == 0
    before = _published(root)
    link, target = LINKS[case]
    path = root / link
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_dir():
        os.rename(path, root / "flyttad")
    elif path.exists():
        path.unlink()
    destination = outside / target if target else outside
    path.symlink_to(destination)

    code, said = _run(root, command, capsys)

    assert code == 1
    assert f"{link}: länken leder utanför webbplatsen (till {destination})" in said
    assert SECRET not in said and "Traceback" not in said
    assert _published(root) == before
    if command == "new":
        assert not (root / "content/posts/ett-nytt-besok.md").exists()


@pytest.mark.parametrize("command", ["build", "check"])
@pytest.mark.parametrize("folder", ["content/posts", "static", "assets", "layouts"])
def test_a_loop_of_links_is_an_error_at_its_path(
        make_site, capsys: pytest.CaptureFixture[str], folder: str,
        command: str) -> None:  # type: ignore[no-untyped-def]
    root: Path = make_site("basic")
    (root / folder).mkdir(exist_ok=True)
    (root / folder / "a.md").symlink_to("b.md")
    (root / folder / "b.md").symlink_to("a.md")
    (root / folder / "egen.md").symlink_to("egen.md")

    code, said = _run(root, command, capsys)

    assert code == 1 and "Traceback" not in said
    for name in ("a.md", "b.md", "egen.md"):
        assert f"{folder}/{name}: länken går i en slinga" in said


def test_links_inside_the_site_are_followed(
        make_site, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    root: Path = make_site("basic")
    shared = root / "delat"
    (shared / "bilder").mkdir(parents=True)
    (shared / "bilder" / "karta.txt").write_text("kartan", "utf-8")
    (shared / "inlagg.md").write_text(
        (root / "content/posts/en-dialog.md").read_text("utf-8"), "utf-8")
    os.rename(root / "content/posts/en-dialog.md", root / "delat/en-dialog.md")
    (root / "content/posts/en-dialog.md").symlink_to("../../delat/en-dialog.md")
    (root / "static").mkdir()
    (root / "static/karta.txt").symlink_to("../delat/bilder/karta.txt")
    os.rename(root / "layouts", root / "delat/layouts")
    (root / "layouts").symlink_to("delat/layouts")

    code, said = _run(root, "build", capsys)

    assert code == 0, said
    assert (root / "output/karta.txt").read_text("utf-8") == "kartan"
    assert (root / "output/dialoger/en-dialog/index.html").is_file()
    assert _run(root, "check", capsys)[0] == 0


@pytest.mark.parametrize("command", ["build", "check"])
@pytest.mark.parametrize("shape", ["missing", "file", "link to a file", "broken link"])
def test_content_posts_must_be_a_folder(
        make_site, capsys: pytest.CaptureFixture[str], shape: str,
        command: str) -> None:  # type: ignore[no-untyped-def]
    root: Path = make_site("basic")
    posts = root / "content/posts"
    os.rename(posts, root / "inlagg")
    if shape == "file":
        posts.write_text("", "utf-8")
    elif shape == "link to a file":
        posts.symlink_to("../site.yaml")
    elif shape == "broken link":
        posts.symlink_to("../finns-inte")

    code, said = _run(root, command, capsys)

    assert code == 1 and "Traceback" not in said
    assert "content/posts: " in said
    assert not (root / "output").exists()


def test_an_empty_content_posts_is_a_site_without_posts(
        make_site, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    root: Path = make_site("basic")
    for post in (root / "content/posts").iterdir():
        post.unlink()
    (root / "content/pages/om.md").write_text("---\ntitle: Om\n---\nText.\n", "utf-8")
    code, said = _run(root, "build", capsys)
    assert code == 0, said
