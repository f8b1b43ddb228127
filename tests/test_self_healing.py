"""A build repairs output/ when it is no longer what the last build published: files
deleted, overwritten in place (also where `.output.previous` shares their inode) or
replaced, even when no source changed."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from sitegen import tree as trees
from sitegen.build import build
from sitegen.incremental import LastBuild
from sitegen.output import previous_path


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def cold(root: Path, tmp_path: Path) -> dict[str, str]:
    reference = tmp_path / "reference"
    build(root, reference, with_search=False, incremental_build=False)
    return tree(reference)


def test_a_build_with_no_source_change_repairs_output(make_site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root: Path = make_site("basic")
    out = root / "output"
    build(root, with_search=False)
    build(root, with_search=False)  # a second build: .output.previous shares inodes
    (out / "index.html").unlink()
    with (out / "404.html").open("w") as f:  # in place: the inode stays
        f.write("skadad")
    result = build(root, with_search=False)
    assert result.site is not None  # it did not stop at "nothing changed"
    assert tree(out) == cold(root, tmp_path)
    # and then a build with nothing changed has nothing to do again
    assert build(root, with_search=False).site is None


def test_an_overwritten_shared_file_is_rewritten_after_a_change(  # type: ignore[no-untyped-def]
        make_site, tmp_path: Path) -> None:
    # After a change, the replaced site is kept as .output.previous, hard-linked with
    # the published files that did not change, and the next build writes into it: an
    # overwritten 404.html stayed after a title change.
    root: Path = make_site("basic")
    out = root / "output"
    post = sorted((root / "content" / "posts").glob("*.md"))[0]
    text = post.read_text("utf-8")
    build(root, with_search=False)
    post.write_text(text.replace("title: ", "title: Ny ", 1), "utf-8")
    build(root, with_search=False)
    shared, kept = out / "404.html", previous_path(out) / "404.html"
    assert os.stat(kept).st_ino == os.stat(shared).st_ino
    with shared.open("w") as f:  # in place: the previous site's copy changes too
        f.write("skadad")
    post.write_text(text, "utf-8")
    build(root, with_search=False)
    assert "skadad" not in shared.read_text("utf-8")
    assert tree(out) == cold(root, tmp_path)
    post.write_text(text.replace("title: ", "title: Igen ", 1), "utf-8")
    build(root, with_search=False)  # into whatever the last build kept beside output/
    assert tree(out) == cold(root, tmp_path / "again")


def test_a_file_replaced_with_the_same_size_and_time_is_noticed(  # type: ignore[no-untyped-def]
        make_site, tmp_path: Path) -> None:
    # replaced, not written in place: a new inode
    root: Path = make_site("basic")
    out = root / "output"
    build(root, with_search=False)
    page = out / "index.html"
    stat = page.stat()
    replacement = out / "index.html.new"
    replacement.write_bytes(b"x" * stat.st_size)
    os.utime(replacement, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    replacement.replace(page)
    build(root, with_search=False)
    assert tree(out) == cold(root, tmp_path)


def test_the_record_names_every_published_file(make_site) -> None:  # type: ignore[no-untyped-def]
    # the build records the files it names and the search index's: all of output/
    root: Path = make_site("basic")
    out = root / "output"
    build(root, with_search=True)
    recorded = LastBuild.open(root, out).tree
    assert set(recorded) == {p.relative_to(out).as_posix() for p in out.rglob("*")
                             if p.is_file()}
    assert any(path.startswith("pagefind/") for path in recorded)
    assert trees.intact(out, recorded)
