"""static/: files copied into the site as they are (images for posts, verification
files), checked like every other file of the site, and kept from one build to the next
when unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.build import build
from sitegen.cli import main

POST = "content/posts/aterbesok-i-habo.md"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and p.name != ".sitegen-output"}


def write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


@pytest.fixture
def site(make_site) -> Path:  # type: ignore[no-untyped-def]
    root: Path = make_site("basic")
    write(root / "static/bilder/karta.png", PNG)
    write(root / "static/.well-known/security.txt", b"Contact: mailto:webb@example.se\n")
    for hidden in ("static/.DS_Store", "static/.git/config", "static/bilder/.karta.png.swp"):
        write(root / hidden, b"x")
    post = root / POST
    post.write_text(post.read_text("utf-8") + "\n![Karta över Habo](/bilder/karta.png)\n",
                    "utf-8")
    return root


def test_static_files_are_copied_and_an_image_in_a_post_passes_check(
        site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    build(site, with_search=False)
    out = site / "output"
    assert (out / "bilder/karta.png").read_bytes() == PNG
    assert (out / "bilder/karta.png").stat().st_mtime_ns == \
        (site / "static/bilder/karta.png").stat().st_mtime_ns
    assert (out / ".well-known/security.txt").is_file()
    assert not any((out / hidden).exists() for hidden in
                   (".DS_Store", ".git", "bilder/.karta.png.swp"))
    page = (out / "kommunbesok/aterbesok-i-habo/index.html").read_text("utf-8")
    assert '<img src="/bilder/karta.png" alt="Karta över Habo" />' in page
    assert "/bilder/karta.png" not in (out / "sitemap.xml").read_text("utf-8")

    assert main(["--root", str(site), "check"]) == 0
    post = site / POST
    post.write_text(post.read_text("utf-8").replace("karta.png", "kartan.png"), "utf-8")
    capsys.readouterr()
    assert main(["--root", str(site), "check"]) == 1
    assert 'pekar på /bilder/kartan.png, som inte finns på webbplatsen' in capsys.readouterr().out


def test_an_image_without_a_text_alternative_is_a_warning(
        site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    post = site / POST
    text = post.read_text("utf-8").replace("![Karta över Habo]", "![ ]")
    post.write_text(text, "utf-8")
    line = text.splitlines().index("![ ](/bilder/karta.png)") + 1
    assert main(["--root", str(site), "check"]) == 0  # a warning: fails only --strict
    out = capsys.readouterr().out
    assert f"{POST}:{line}: varning: bilden saknar alternativtext" in out
    assert main(["--root", str(site), "check", "--strict"]) == 1


def test_a_static_file_in_place_of_one_sitegen_makes_is_an_error(
        site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    build(site, with_search=False)
    before = snapshot(site / "output")
    clashes = {"kommun/index.html": "/kommun/", "robots.txt": "/robots.txt",
               "tema": "/tema/",  # a file where sitegen makes a folder
               "atom.xml/bild.png": "/atom.xml",  # a folder where sitegen makes a file
               "pagefind/pagefind.js": "/pagefind/"}  # the search index's folder
    for path in clashes:
        write(site / "static" / path, b"egen fil")
    capsys.readouterr()
    assert main(["--root", str(site), "build", "--no-search"]) == 1
    err = capsys.readouterr().err
    for path, url in clashes.items():
        assert f"static/{path}: filen krockar med {url}, som sitegen gör" in err
    assert "Traceback" not in err
    assert snapshot(site / "output") == before


def test_static_files_are_rebuilt_only_when_they_change(site: Path, tmp_path: Path) -> None:
    build(site, with_search=False)
    out = site / "output"
    image = out / "bilder/karta.png"
    inode = image.stat().st_ino
    noop = build(site, with_search=False)
    assert (noop.rendered, noop.changed) == (0, 0)

    post = site / POST
    post.write_text(post.read_text("utf-8") + "\nEtt tillägg.\n", "utf-8")
    build(site, with_search=False)
    assert image.stat().st_ino == inode  # unchanged: the same file, not a new copy

    write(site / "static/bilder/karta.png", PNG + b"ny version")
    edited = build(site, with_search=False)
    assert edited.changed == 1 and image.read_bytes() == PNG + b"ny version"
    cold = tmp_path / "cold"
    build(site, cold, incremental_build=False, with_search=False)
    assert snapshot(out) == snapshot(cold)

    (site / "static/bilder/karta.png").unlink()
    build(site, with_search=False)
    assert not image.exists()


def test_a_broken_link_in_static_is_an_error_at_its_path(site: Path,
                                                           capsys: pytest.CaptureFixture[str],
                                                           ) -> None:
    build(site, with_search=False)
    before = snapshot(site / "output")
    (site / "static" / "bilder").mkdir(parents=True, exist_ok=True)
    (site / "static" / "bilder" / "borta.png").symlink_to(site / "finns-inte.png")
    assert main(["--root", str(site), "build", "--no-search"]) == 1
    err = capsys.readouterr().err
    assert "static/bilder/borta.png: länken leder till en fil som inte finns" in err
    assert "Traceback" not in err
    assert snapshot(site / "output") == before
