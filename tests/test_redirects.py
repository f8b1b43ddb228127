"""site.yaml's redirects: old addresses of the site itself (the old blog's category, tag
and date archives, which the WordPress importer suggests) lead on to their new pages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sitegen.build import build
from sitegen.cli import main
from sitegen.errors import SitegenError

REDIRECTS = """
redirects:
  /category/kommunbesok: /kommunbesok/
  /tag/habo/: /kommun/habo/
  /?cat=3: /tema/
"""


def with_redirects(root: Path, text: str) -> Path:
    (root / "site.yaml").write_text((root / "site.yaml").read_text("utf-8") + text, "utf-8")
    return root


def test_redirects_become_redirect_pages(make_site) -> None:  # type: ignore[no-untyped-def]
    root = with_redirects(make_site("basic"), REDIRECTS)
    build(root, with_search=False)
    out = root / "output"
    page = (out / "category" / "kommunbesok" / "index.html").read_text("utf-8")
    assert '<meta http-equiv="refresh" content="0; url=/kommunbesok/">' in page
    assert '<meta name="robots" content="noindex">' in page
    assert 'url=/kommun/habo/"' in (out / "tag" / "habo" / "index.html").read_text("utf-8")
    # a query address is served by the start page: the map and the script take it on
    assert json.loads((out / "assets" / "redirects.json").read_text())["/?cat=3"] == "/tema/"
    assert "redirect." in (out / "index.html").read_text("utf-8")
    sitemap = (out / "sitemap.xml").read_text("utf-8")
    assert "/category/" not in sitemap and "/tag/" not in sitemap


def test_a_redirect_to_a_page_that_does_not_exist_is_an_error_at_its_line(
        make_site) -> None:  # type: ignore[no-untyped-def]
    root = with_redirects(make_site("basic"), "redirects:\n  /tag/x/: /kommun/hbo/\n")
    lines = (root / "site.yaml").read_text("utf-8").splitlines()
    with pytest.raises(SitegenError) as caught:
        build(root, with_search=False)
    [problem] = [p for p in caught.value.problems if p.is_error]
    assert problem.path == "site.yaml" and problem.line == len(lines)
    assert "/kommun/hbo/" in problem.message and '"/kommun/habo/"' in problem.message
    assert not (root / "output").exists()


@pytest.mark.parametrize(("entry", "wanted"), [
    ("/kommunbesok/forsta-besoket-i-habo/: /kommun/habo/", "används redan"),
    ("/kommun/gammal/: /kommun/habo/", "krockar med webbplatsens egna adresser"),
    ("kategori/x/: /kommun/habo/", "som börjar med /"),
    ("/x/: https://example.org/", "som börjar med /"),
    ("/x/: [/a/]", "/gammal/adress/: /ny/adress/"),
])
def test_bad_redirects_are_errors_at_their_line(  # type: ignore[no-untyped-def]
        make_site, entry: str, wanted: str) -> None:
    root = with_redirects(make_site("basic"), f"redirects:\n  {entry}\n")
    lines = (root / "site.yaml").read_text("utf-8").splitlines()
    with pytest.raises(SitegenError) as caught:
        build(root, with_search=False)
    [problem] = [p for p in caught.value.problems if p.is_error]
    assert (problem.path, problem.line) == ("site.yaml", len(lines))
    assert wanted in problem.message


def test_check_reports_a_redirect_to_nowhere_as_build_does(  # type: ignore[no-untyped-def]
        make_site, capsys: pytest.CaptureFixture[str]) -> None:
    root = with_redirects(make_site("basic"), REDIRECTS + "  /gammal/: /finns-inte/\n")
    lines = (root / "site.yaml").read_text("utf-8").splitlines()
    assert main(["--root", str(root), "check"]) == 1
    out = capsys.readouterr().out
    assert f"site.yaml:{len(lines)}: omdirigeringen från /gammal/ leder till /finns-inte/" in out
    assert "/category/kommunbesok" not in out  # the good ones pass


def test_a_pages_aliases_become_redirect_pages(make_site) -> None:  # type: ignore[no-untyped-def]
    root = make_site("basic")
    page = root / "content" / "pages" / "om.md"
    page.write_text(page.read_text("utf-8").replace(
        "order: 1\n", "order: 1\naliases: [/about, /?page_id=2]\n"), "utf-8")
    build(root, with_search=False)
    out = root / "output"
    assert 'url=/om/"' in (out / "about" / "index.html").read_text("utf-8")
    assert json.loads((out / "assets" / "redirects.json").read_text())["/?page_id=2"] == "/om/"
    assert "/about/" not in (out / "sitemap.xml").read_text("utf-8")


def test_a_page_alias_over_a_post_is_an_error(make_site) -> None:  # type: ignore[no-untyped-def]
    root = make_site("basic")
    page = root / "content" / "pages" / "om.md"
    page.write_text(page.read_text("utf-8").replace(
        "order: 1\n", "order: 1\naliases: [/kommunbesok/forsta-besoket-i-habo/]\n"), "utf-8")
    with pytest.raises(SitegenError) as caught:
        build(root, with_search=False)
    assert [p.path for p in caught.value.problems if p.is_error] == ["content/pages/om.md"]


def test_an_alias_collision_is_reported_at_the_aliases_line(  # type: ignore[no-untyped-def]
        make_site) -> None:
    root = make_site("basic")
    post = root / "content" / "posts" / "en-dialog.md"
    text = post.read_text("utf-8")
    post.write_text(text.replace("title:", "aliases:\n  - /gammal/\n  - /om/\ntitle:", 1),
                    "utf-8")
    with pytest.raises(SitegenError) as caught:
        build(root, with_search=False)
    [problem] = [p for p in caught.value.problems if p.is_error]
    assert (problem.path, problem.line) == ("content/posts/en-dialog.md", 4)
    assert "/om/" in problem.message and "content/pages/om.md" in problem.message


def test_an_old_query_address_lands_on_the_page_at_its_path_which_redirects(
        make_site) -> None:  # type: ignore[no-untyped-def]
    # A static host serves /arkiv/?cat=3 with /arkiv/ and /x/?p=1 with 404.html: those pages
    # load the script, pages no old address lands on do not. Added to a post later, the
    # alias reaches the page in an incremental build too.
    root = make_site("basic")
    build(root, with_search=False)
    out = root / "output"
    script = 'src="/assets/redirect.'
    assert script not in (out / "arkiv" / "index.html").read_text("utf-8")
    post = root / "content" / "posts" / "en-dialog.md"
    post.write_text(post.read_text("utf-8").replace(
        "\ntitle:", "\naliases: [/arkiv/?cat=3, /gammalt/?p=1]\ntitle:", 1), "utf-8")
    build(root, with_search=False)
    assert script in (out / "arkiv" / "index.html").read_text("utf-8")
    assert script in (out / "404.html").read_text("utf-8")
    assert script not in (out / "index.html").read_text("utf-8")
    assert script not in (out / "kommun" / "index.html").read_text("utf-8")
    known = json.loads((out / "assets" / "redirects.json").read_text())
    assert known["/arkiv/?cat=3"] == known["/gammalt/?p=1"] == "/dialoger/en-dialog/"
