"""Broken and hostile input of every kind: each case is the small valid site in
tests/sites/hostile-base/ plus one mutation. The build must fail with exit 1 and a
`path:line: message` in Swedish, never a traceback, and leave the previous output/ as it
was, byte for byte. Property-based tests feed generated frontmatter and Markdown to the
loader and accept only a Post or located problems."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.cli import main
from sitegen.config import load_config
from sitegen.content import SourceFile, load_vocabulary, new_context, parse_post
from sitegen.errors import Problem
from sitegen.registry import default_register

REPO = Path(__file__).resolve().parent.parent
BASE = REPO / "tests" / "sites" / "hostile-base"
POST = "content/posts/besok-i-botkyrka.md"
NEW = "content/posts/trasig.md"
THEMES = "content/themes.yaml"

Content = str | bytes | Callable[[], bytes] | None


def copy_site(target: Path) -> Path:
    """The hostile-base site with the repository's layouts and assets."""
    shutil.copytree(BASE, target)
    shutil.copytree(REPO / "layouts", target / "layouts")
    shutil.copytree(REPO / "assets", target / "assets")
    return target


def manifest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def post(front: str, body: str = "Brödtext.\n") -> str:
    return f"---\n{front}---\n{body}"


VISIT = "title: Ett besök\ndate: 2016-03-08\nmunicipalities: [Botkyrka]\nthemes: [Samverkan]\n"
"""A valid visit's frontmatter: title on line 2, date 3, municipalities 4, themes 5."""


def visit(extra: str = "", **replace: str) -> str:
    lines = VISIT.splitlines(keepends=True)
    keys = ["title", "date", "municipalities", "themes"]
    for key, value in replace.items():
        lines[keys.index(key)] = f"{key}: {value}\n" if value else ""
    return post("".join(lines) + extra)


@dataclass
class Case:
    id: str
    kind: str
    """Which class of bad input: for the counts in the closing note."""
    files: dict[str, Content]
    path: str
    line: int
    """Expected line; 0 when the problem concerns the whole file."""
    fragment: str
    remove: list[str] = field(default_factory=list)


def big_post() -> bytes:
    para = ("Det här är en mening med **fetstil** och en [länk](/x/). " * 20 + "\n\n").encode()
    return post(VISIT).encode() + para * (10_000_000 // len(para) + 1)


LAUGHS = "l0: &l0 [ha]\n" + "".join(
    f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 10))

CASES = [
    # ---- YAML syntax and shape
    Case("yaml-unclosed", "ogiltig YAML", {NEW: post("title: [Öppen\ndate: 2016-03-08\n")},
         NEW, 2, "ogiltig YAML: hakparentesen [ stängs aldrig"),
    Case("yaml-tab-indent", "ogiltig YAML", {NEW: post("title: X\nplan:\n\t- a\n")},
         NEW, 4, "ogiltig YAML"),
    Case("yaml-bad-mapping", "ogiltig YAML", {NEW: post("title: a: b: c\n")},
         NEW, 2, "ogiltig YAML"),
    Case("yaml-duplicate-key", "ogiltig YAML", {NEW: post(VISIT + "title: Igen\n")},
         NEW, 6, 'nyckeln "title" står två gånger'),
    Case("yaml-python-tag", "ogiltig YAML",
         {NEW: post("title: !!python/object/apply:os.system ['echo hej']\n")},
         NEW, 2, "ogiltig YAML"),
    Case("yaml-unhashable-key", "ogiltig YAML", {NEW: post("? [a, b]\n: c\n")},
         NEW, 2, "ogiltig YAML"),
    Case("yaml-undefined-alias", "ogiltig YAML", {NEW: post("title: *ingen\n")},
         NEW, 2, "ogiltig YAML"),
    Case("yaml-control-char", "ogiltig YAML", {NEW: post("title: a\x07b\n")},
         NEW, 2, "ogiltig YAML"),
    Case("yaml-deep-nesting", "YAML-bomb", {NEW: post("title: " + "[" * 3000 + "]" * 3000 + "\n")},
         NEW, 2, "ogiltig YAML"),
    Case("yaml-alias-bomb", "YAML-bomb", {NEW: visit(LAUGHS.replace("l9:", "summary:"))},
         NEW, 6, "okänd nyckel"),
    Case("front-list", "frontmatter inte en tabell", {NEW: post("- title\n- date\n")},
         NEW, 2, "frontmatter ska vara en tabell"),
    Case("front-scalar", "frontmatter inte en tabell", {NEW: post("bara text\n")},
         NEW, 2, "frontmatter ska vara en tabell"),
    Case("front-empty", "frontmatter inte en tabell", {NEW: "---\n---\nText\n"},
         NEW, 2, "frontmatter ska vara en tabell"),
    Case("front-missing", "frontmatter saknas", {NEW: "title: X\n\nText\n"},
         NEW, 1, "frontmatter saknas"),
    Case("front-unclosed", "frontmatter saknas", {NEW: "---\ntitle: X\nText\n"},
         NEW, 1, "frontmatter avslutas inte"),
    # ---- wrong types
    Case("date-words", "fel typ", {NEW: visit(date="åttonde mars")}, NEW, 3, "inget datum"),
    Case("date-impossible", "fel typ", {NEW: visit(date="2016-02-30")}, NEW, 3, "inget datum"),
    Case("date-number", "fel typ", {NEW: visit(date="2016")}, NEW, 3, "inget datum"),
    Case("date-list", "fel typ", {NEW: visit(date="[2016-03-08]")}, NEW, 3, "inget datum"),
    Case("title-number", "fel typ", {NEW: visit(title="1984")}, NEW, 2, '"title" ska vara text'),
    Case("title-list", "fel typ", {NEW: visit(title="[a, b]")}, NEW, 2, '"title" ska vara text'),
    Case("title-bool", "fel typ", {NEW: visit(title="yes")}, NEW, 2, '"title" ska vara text'),
    Case("title-date", "fel typ", {NEW: visit(title="2016-03-08")}, NEW, 2, "citattecken"),
    Case("title-empty", "fel typ", {NEW: visit(title='""')}, NEW, 2, '"title" är tomt'),
    Case("title-missing", "fel typ", {NEW: visit(title="")}, NEW, 2, '"title" saknas'),
    Case("municipalities-string", "fel typ", {NEW: visit(municipalities="Botkyrka")},
         NEW, 4, "ska vara en lista"),
    Case("municipalities-mapping", "fel typ", {NEW: visit(municipalities="{a: b}")},
         NEW, 4, "ska vara en lista"),
    Case("themes-string", "fel typ", {NEW: visit(themes="Samverkan")}, NEW, 5,
         "ska vara en lista"),
    Case("themes-nested", "fel typ", {NEW: visit(themes="[[Samverkan]]")}, NEW, 5,
         "ska vara text"),
    Case("authors-string", "fel typ", {NEW: visit("authors: Anna\n")}, NEW, 6,
         "ska vara en lista"),
    Case("summary-mapping", "fel typ", {NEW: visit("summary: {a: 1}\n")}, NEW, 6,
         '"summary" ska vara text'),
    Case("draft-string", "fel typ", {NEW: visit("draft: kanske\n")}, NEW, 6,
         "draft ska vara true eller false"),
    Case("plan-string", "fel typ", {NEW: visit("plan: Gör något\n")}, NEW, 6,
         "ska vara en lista"),
    Case("plan-item-number", "fel typ", {NEW: visit("plan:\n  - 42\n")}, NEW, 7,
         "en punkt ska vara text"),
    Case("plan-item-no-text", "fel typ", {NEW: visit("plan:\n  - themes: [Samverkan]\n")},
         NEW, 7, "punkten saknar text"),
    Case("plan-item-themes-string", "fel typ",
         {NEW: visit("plan:\n  - text: A\n    themes: Samverkan\n")}, NEW, 8,
         "themes ska vara en lista"),
    Case("plan-duplicate-id", "dubbletter",
         {NEW: visit("plan:\n  - text: A\n    id: x\n  - text: B\n    id: x\n")}, NEW, 9,
         'id "x" används redan'),
    Case("national-input-mapping", "fel typ", {NEW: visit("national_input: {a: b}\n")}, NEW, 6,
         "ska vara en lista"),
    Case("followup-string", "fel typ", {NEW: visit("followup: besok-i-botkyrka\n")}, NEW, 6,
         "followup ska ha of"),
    Case("followup-items-string", "fel typ",
         {NEW: visit("followup:\n  of: besok-i-botkyrka\n  items: alla\n")}, NEW, 8,
         "followup.items ska vara en lista"),
    Case("followup-status", "fel typ",
         {NEW: visit("followup:\n  of: besok-i-botkyrka\n  items:\n    - item: 1\n"
                     "      status: klart\n")}, NEW, 10, 'okänd status "klart"'),
    Case("followup-note-list", "fel typ",
         {NEW: visit("followup:\n  of: besok-i-botkyrka\n  items:\n    - item: 1\n"
                     "      status: done\n      note: [a]\n")}, NEW, 11, "note ska vara text"),
    Case("page-order-string", "fel typ",
         {"content/pages/ny.md": post("title: Ny\norder: först\n")}, "content/pages/ny.md", 3,
         "order ska vara ett heltal"),
    # ---- unknown keys and names
    Case("unknown-key", "okänd nyckel eller namn", {NEW: visit("titel: Stavfel\n")}, NEW, 6,
         'okänd nyckel "titel" – menade du "title"?'),
    Case("unknown-plan-key", "okänd nyckel eller namn",
         {NEW: visit("plan:\n  - text: A\n    tema: [Samverkan]\n")}, NEW, 8,
         'okänd nyckel "tema" – menade du "themes"?'),
    Case("unknown-page-key", "okänd nyckel eller namn",
         {"content/pages/ny.md": post("title: Ny\nsumary: x\n")}, "content/pages/ny.md", 3,
         'menade du "summary"?'),
    Case("unknown-municipality", "okänd nyckel eller namn",
         {NEW: visit(municipalities="[Botkyrak]")}, NEW, 4, 'menade du "Botkyrka"?'),
    Case("unknown-theme", "okänd nyckel eller namn", {NEW: visit(themes="[Samverkn]")}, NEW, 5,
         'menade du "Samverkan"?'),
    Case("unknown-category", "okänd nyckel eller namn", {NEW: visit("category: ovrigtt\n")},
         NEW, 6, 'menade du "ovrigt"?'),
    Case("bad-filename", "okänd nyckel eller namn", {"content/posts/Ett Besök.md": visit()},
         "content/posts/Ett Besök.md", 2, "ingen giltig slug"),
    # ---- files that are not Markdown text
    Case("empty-file", "tom eller binär fil", {NEW: ""}, NEW, 1, "filen är tom"),
    Case("blank-file", "tom eller binär fil", {NEW: "\n  \n\t\n"}, NEW, 1, "filen är tom"),
    Case("binary-file", "tom eller binär fil",
         {NEW: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00"}, NEW, 3, "binär"),
    Case("latin-1", "kodning", {NEW: visit(title="Örebro").encode("latin-1")}, NEW, 2,
         "inte UTF-8"),
    Case("utf-16", "kodning", {NEW: visit().encode("utf-16")}, NEW, 1, "binär"),
    Case("bom-crlf-error-line", "BOM och CRLF",
         {NEW: b"\xef\xbb\xbf" + visit(municipalities="[Botkyrak]").replace("\n", "\r\n")
          .encode()}, NEW, 4, "okänd kommun"),
    Case("cr-only-error-line", "BOM och CRLF",
         {NEW: visit(themes="[Samverkn]").replace("\n", "\r").encode()}, NEW, 5, "okänt tema"),
    Case("ten-megabytes", "stor fil", {NEW: big_post}, NEW, 0, "filen är för stor"),
    # ---- paths that try to leave output/
    Case("alias-dotdot", "sökväg ut ur output/", {NEW: visit("aliases: [/a/../../../etc/]\n")},
         NEW, 6, "får inte innehålla"),
    Case("alias-absolute", "sökväg ut ur output/", {NEW: visit("aliases: ['//evil.example/x']\n")},
         NEW, 6, "ska vara en sökväg inom webbplatsen"),
    Case("alias-url", "sökväg ut ur output/", {NEW: visit("aliases: ['https://evil.example/']\n")},
         NEW, 6, "ska vara en sökväg inom webbplatsen"),
    Case("alias-relative", "sökväg ut ur output/", {NEW: visit("aliases: [etc/passwd]\n")},
         NEW, 6, "ska vara en sökväg inom webbplatsen"),
    Case("alias-backslash", "sökväg ut ur output/",
         {NEW: visit("aliases: ['/a\\..\\..\\b/']\n")}, NEW, 6, "får inte innehålla"),
    Case("alias-nul", "sökväg ut ur output/", {NEW: visit('aliases: ["/a\\0b/"]\n')}, NEW, 6,
         "otillåtna tecken"),
    Case("alias-rtl", "sökväg ut ur output/", {NEW: visit("aliases: [\"/a\u202eb/\"]\n")}, NEW, 6,
         "RIGHT-TO-LEFT OVERRIDE"),
    Case("alias-zero-width", "sökväg ut ur output/", {NEW: visit("aliases: [\"/a\u200bb/\"]\n")},
         NEW, 6, "ZERO WIDTH SPACE"),
    Case("alias-fullwidth-solidus", "sökväg ut ur output/",
         {NEW: visit("aliases: [\"/a\uff0f..\uff0fb/\"]\n")}, NEW, 6, "FULLWIDTH SOLIDUS"),
    Case("alias-space", "sökväg ut ur output/", {NEW: visit("aliases: ['/a b/']\n")}, NEW, 6,
         "otillåtna tecken"),
    Case("alias-quote", "sökväg ut ur output/", {NEW: visit("aliases: ['/a\"b/']\n")}, NEW, 6,
         "otillåtna tecken"),
    Case("alias-encoded-dotdot", "sökväg ut ur output/", {NEW: visit("aliases: [/%2e%2e/]\n")},
         NEW, 6, "får inte innehålla %2e"),
    Case("alias-encoded-etc", "sökväg ut ur output/",
         {NEW: visit("aliases: [/%2E%2e/%2e%2e/etc/]\n")}, NEW, 6, "får inte innehålla %2E"),
    Case("alias-encoded-slash", "sökväg ut ur output/", {NEW: visit("aliases: [/a%2Fb/]\n")},
         NEW, 6, "får inte innehålla %2F"),
    Case("alias-encoded-backslash", "sökväg ut ur output/",
         {NEW: visit("aliases: [/a%5c..%5cb/]\n")}, NEW, 6, "får inte innehålla %5c"),
    Case("alias-encoded-nul", "sökväg ut ur output/", {NEW: visit("aliases: [/a%00b/]\n")},
         NEW, 6, "får inte innehålla %00"),
    Case("alias-long-segment", "för långa adresser",
         {NEW: visit(f"aliases: [/2016/{'a' * 201}/]\n")}, NEW, 6, "för långt för ett filnamn"),
    Case("alias-long-segment-utf8", "för långa adresser",
         {NEW: visit(f"aliases: [/{'å' * 101}/]\n")}, NEW, 6, "(202 byte, högst 200)"),
    Case("page-alias-long-segment", "för långa adresser",
         {"content/pages/ny.md": post(f"title: Ny\naliases: [/{'x' * 300}.html]\n")},
         "content/pages/ny.md", 3, "för långt för ett filnamn"),
    Case("theme-long-name", "för långa adresser",
         {THEMES: "- name: A\n- name: " + "Långt tema " * 20 + "\n  keep: true\n"}, THEMES, 2,
         "temats adress: ledet langt-tema-"),
    Case("theme-long-slug", "för långa adresser",
         {THEMES: "- name: A\n  slug: " + "a" * 201 + "\n"}, THEMES, 2, "(201 byte, högst 200)"),
    Case("category-long", "för långa adresser",
         {"site.yaml": "title: T\nbase_url: https://example.org\ncategories:\n  kommunbesok: "
                       "Besök\n  " + "k" * 201 + ": Lång\n"}, "site.yaml", 5,
         "kategorin: ledet kkk"),
    Case("redirect-long", "för långa adresser",
         {"site.yaml": "title: T\nbase_url: https://example.org\nredirects:\n  /"
                       + "r" * 201 + "/: /arkiv/\n"}, "site.yaml", 4, "för långt för ett filnamn"),
    Case("page-alias-dotdot", "sökväg ut ur output/",
         {"content/pages/ny.md": post("title: Ny\naliases: [/../x/]\n")},
         "content/pages/ny.md", 3, "får inte innehålla"),
    # ---- collisions and cycles
    Case("alias-duplicate", "dubbletter", {NEW: visit("aliases: [/2016/03/besok-i-botkyrka/]\n")},
         NEW, 6, "används redan"),
    Case("alias-index-html", "dubbletter",
         {NEW: visit("aliases: [/2016/03/besok-i-botkyrka/index.html]\n")}, NEW, 6,
         "används redan"),
    Case("alias-post-url", "dubbletter", {NEW: visit("aliases: [/kommunbesok/besok-i-botkyrka]\n")},
         NEW, 6, "används redan"),
    Case("alias-home", "dubbletter", {NEW: visit("aliases: [/]\n")}, NEW, 6, "används redan"),
    Case("alias-page", "dubbletter", {NEW: visit("aliases: [/om-bloggen/]\n")}, NEW, 6,
         "används redan"),
    Case("alias-reserved", "dubbletter", {NEW: visit("aliases: [/kommun/botkyrka/]\n")}, NEW, 6,
         "krockar med webbplatsens egna adresser"),
    Case("alias-category-list", "dubbletter", {NEW: visit("aliases: [/kommunbesok/]\n")}, NEW, 6,
         "används redan"),
    Case("alias-pagination", "dubbletter", {NEW: visit("aliases: [/kommunbesok/sida/2/]\n")},
         NEW, 6, "krockar"),
    Case("page-reserved-slug", "dubbletter", {"content/pages/tema.md": post("title: Tema\n")},
         "content/pages/tema.md", 1, "adressen används av webbplatsen"),
    Case("page-on-category", "dubbletter",
         {"content/pages/kommunbesok.md": post("title: Besök\n")},
         "content/pages/kommunbesok.md", 1, "används redan"),
    Case("theme-duplicate-slug", "dubbletter",
         {THEMES: "- name: A\n  slug: samma\n- name: B\n  slug: samma\n"}, THEMES, 0,
         'två teman har sluggen "samma"'),
    Case("theme-duplicate-name", "dubbletter",
         {THEMES: "- name: A\n  slug: a\n- name: a\n  slug: b\n"}, THEMES, 3,
         "används redan av temat"),
    Case("followup-cycle", "uppföljning",
         {"content/posts/a.md": post("title: A\ncategory: ovrigt\nfollowup: {of: b}\n"),
          "content/posts/b.md": post("title: B\ncategory: ovrigt\nfollowup: {of: a}\n")},
         "content/posts/a.md", 4, "uppföljningarna går i cirkel"),
    Case("followup-self", "uppföljning",
         {NEW: visit("followup: {of: trasig}\n")}, NEW, 6, "kan inte följa upp sig själv"),
    Case("followup-missing", "uppföljning",
         {NEW: visit("followup: {of: besok-i-botkyrk}\n")}, NEW, 6,
         'menade du "besok-i-botkyrka"?'),
    Case("followup-missing-item", "uppföljning",
         {NEW: visit("followup:\n  of: besok-i-botkyrka\n  items:\n    - item: 7\n"
                     "      status: done\n")}, NEW, 9, 'planpunkten "7" finns inte'),
    # ---- themes.yaml broken in each way
    Case("themes-invalid-yaml", "themes.yaml", {THEMES: "- name: [A\n"}, THEMES, 1,
         "ogiltig YAML"),
    Case("themes-mapping", "themes.yaml", {THEMES: "name: A\n"}, THEMES, 1,
         "ska vara en lista av teman"),
    Case("themes-empty", "themes.yaml", {THEMES: ""}, THEMES, 1, "ska vara en lista av teman"),
    Case("themes-entry-string", "themes.yaml", {THEMES: "- Samverkan\n"}, THEMES, 1,
         "ett tema ska ha name"),
    Case("themes-no-name", "themes.yaml", {THEMES: "- slug: a\n"}, THEMES, 1,
         "temat saknar name"),
    Case("themes-name-number", "themes.yaml", {THEMES: "- name: 12\n"}, THEMES, 1,
         "temat saknar name"),
    Case("themes-bad-slug", "themes.yaml", {THEMES: "- name: A\n  slug: Å Ä\n"}, THEMES, 2,
         "ogiltig slug"),
    Case("themes-slug-traversal", "themes.yaml", {THEMES: "- name: A\n  slug: ../../x\n"},
         THEMES, 2, "ogiltig slug"),
    Case("themes-unknown-key", "themes.yaml", {THEMES: "- name: A\n  synonym: [B]\n"}, THEMES, 2,
         'menade du "synonyms"?'),
    Case("themes-synonyms-string", "themes.yaml", {THEMES: "- name: A\n  synonyms: B\n"},
         THEMES, 2, "synonyms ska vara en lista"),
    Case("themes-description-number", "themes.yaml", {THEMES: "- name: A\n  description: 5\n"},
         THEMES, 2, "description ska vara text"),
    Case("themes-binary", "themes.yaml", {THEMES: b"\x00\x01\x02"}, THEMES, 1, "binär"),
    Case("themes-latin-1", "themes.yaml", {THEMES: "- name: Ö\n".encode("latin-1")}, THEMES, 1,
         "inte UTF-8"),
    Case("themes-missing", "themes.yaml", {THEMES: None}, THEMES, 0, "temaförteckningen saknas"),
    # ---- site.yaml broken in each way
    Case("site-invalid-yaml", "site.yaml", {"site.yaml": "title: [a\n"}, "site.yaml", 1,
         "ogiltig YAML"),
    Case("site-list", "site.yaml", {"site.yaml": "- title\n"}, "site.yaml", 1,
         "ska vara en tabell"),
    Case("site-empty", "site.yaml", {"site.yaml": ""}, "site.yaml", 1, "ska vara en tabell"),
    Case("site-unknown-key", "site.yaml",
         {"site.yaml": "title: T\nbase_url: https://e.org\nper_pgae: 3\n"}, "site.yaml", 3,
         'menade du "per_page"?'),
    Case("site-per-page-text", "site.yaml",
         {"site.yaml": "title: T\nbase_url: https://e.org\nper_page: tjugo\n"}, "site.yaml", 3,
         '"per_page" ska vara ett heltal'),
    Case("site-per-page-zero", "site.yaml",
         {"site.yaml": "title: T\nbase_url: https://e.org\nper_page: 0\n"}, "site.yaml", 3,
         "minst 1"),
    Case("site-per-page-bool", "site.yaml",
         {"site.yaml": "title: T\nbase_url: https://e.org\nhome_count: true\n"}, "site.yaml", 3,
         "ett heltal"),
    Case("site-title-list", "site.yaml", {"site.yaml": "title: [T]\nbase_url: https://e.org\n"},
         "site.yaml", 1, '"title" ska vara text'),
    Case("site-no-base-url", "site.yaml", {"site.yaml": "title: T\n"}, "site.yaml", 1,
         'inställningen "base_url" saknas'),
    Case("site-base-url-script", "site.yaml",
         {"site.yaml": "title: T\nbase_url: 'javascript:alert(1)//'\n"}, "site.yaml", 2,
         "https://"),
    Case("site-archive-date", "site.yaml",
         {"site.yaml": "title: T\nbase_url: https://e.org\narchive_date: 2017-02-30\n"},
         "site.yaml", 3, "ett datum"),
    Case("site-categories-list", "site.yaml",
         {"site.yaml": "title: T\nbase_url: https://e.org\ncategories: [a]\n"}, "site.yaml", 3,
         "en tabell"),
    Case("site-category-slug", "site.yaml",
         {"site.yaml": "title: T\nbase_url: https://e.org\ncategories: {'../x': X, "
                       "kommunbesok: K}\n"}, "site.yaml", 3, "ska vara en slug"),
    Case("site-visit-category", "site.yaml",
         {"site.yaml": "title: T\nbase_url: https://e.org\nvisit_category: besok\n"},
         "site.yaml", 3, "finns inte bland"),
    Case("site-binary", "site.yaml", {"site.yaml": b"\x7fELF\x00\x00"}, "site.yaml", 1, "binär"),
    Case("site-latin-1", "site.yaml", {"site.yaml": "title: Blå\n".encode("latin-1")},
         "site.yaml", 1, "inte UTF-8"),
    Case("site-missing", "site.yaml", {"site.yaml": None}, "site.yaml", 0, "site.yaml saknas"),
]


@pytest.fixture(scope="module")
def built_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The valid base site, built once; each case starts from a copy of it."""
    root = copy_site(tmp_path_factory.mktemp("hostile") / "site")
    assert main(["--root", str(root), "build", "--no-search"]) == 0
    return root


def mutate(root: Path, files: dict[str, Content]) -> None:
    for name, data in files.items():
        path = root / name
        if data is None:
            path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if callable(data):
            data = data()
        if isinstance(data, str):
            path.write_bytes(data.encode("utf-8"))
        else:
            path.write_bytes(data)


def expected_prefix(case: Case) -> str:
    return f"{case.path}:{case.line}: " if case.line else f"{case.path}: "


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_broken_input_gives_located_error_and_keeps_output(
        case: Case, built_base: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "site"
    shutil.copytree(built_base, root)
    before = manifest(root / "output")
    mutate(root, case.files)
    capsys.readouterr()

    code = main(["--root", str(root), "build", "--no-search"])
    err = capsys.readouterr().err
    assert code == 1, err
    assert "Traceback" not in err
    problems = [line for line in err.splitlines()[:-1]]
    assert problems, err
    assert any(line.startswith(expected_prefix(case)) and case.fragment in line
               for line in problems), err
    assert err.splitlines()[-1].endswith("varningar")
    assert manifest(root / "output") == before
    assert not (root / ".output.staging").exists()


CHECKED_AS_BUILT = [c for c in CASES if c.kind == "för långa adresser"
                    or c.id.startswith("alias-encoded")]


@pytest.mark.parametrize("case", CHECKED_AS_BUILT, ids=[c.id for c in CHECKED_AS_BUILT])
def test_check_refuses_the_addresses_build_refuses(
        case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A segment too long for a file name, or an encoded separator, is refused where it
    is written (the source's path:line) by check as by build: not when the file is
    written, naming sitegen's staging folder, while check passes."""
    root = copy_site(tmp_path / "site")
    mutate(root, case.files)
    capsys.readouterr()
    assert main(["--root", str(root), "check"]) == 1
    out = capsys.readouterr().out
    assert any(line.startswith(expected_prefix(case)) and case.fragment in line
               for line in out.splitlines()), out


def test_case_counts() -> None:
    """The closing note's numbers: how many bad inputs, of how many kinds."""
    kinds = {c.kind for c in CASES}
    assert len(CASES) >= 100
    assert len(kinds) >= 15


def test_bom_and_crlf_build_fine(tmp_path: Path) -> None:
    root = copy_site(tmp_path / "site")
    for name in (POST, THEMES, "site.yaml", "content/pages/om-bloggen.md"):
        path = root / name
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    assert main(["--root", str(root), "build", "--no-search"]) == 0
    plain = copy_site(tmp_path / "plain")
    assert main(["--root", str(plain), "build", "--no-search"]) == 0
    assert manifest(root / "output") == manifest(plain / "output")


def test_unreadable_file_is_a_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads every file")
    root = copy_site(tmp_path / "site")
    (root / POST).chmod(0)
    assert main(["--root", str(root), "build", "--no-search"]) == 1
    assert f"{POST}: kan inte läsas" in capsys.readouterr().err


SUBPROCESS_CASES = ["binary-file", "ten-megabytes", "followup-cycle", "site-invalid-yaml"]


@pytest.mark.parametrize("case_id", SUBPROCESS_CASES)
def test_no_traceback_reaches_the_terminal(case_id: str, built_base: Path,
                                           tmp_path: Path) -> None:
    case = next(c for c in CASES if c.id == case_id)
    root = tmp_path / "site"
    shutil.copytree(built_base, root)
    mutate(root, case.files)
    done = subprocess.run([sys.executable, "-m", "sitegen", "--root", str(root), "build",
                           "--no-search"], capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout
    assert done.stderr.splitlines()[0].startswith(expected_prefix(case)) or any(
        line.startswith(expected_prefix(case)) for line in done.stderr.splitlines())


# ---------------------------------------------------------------- property-based

KEYS = ["title", "date", "category", "municipalities", "themes", "summary", "authors",
        "aliases", "draft", "plan", "national_input", "followup", "titel", "id", "of", "items",
        "status", "note", "text"]

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-10**30, max_value=10**30),
    st.floats(allow_nan=True), st.text(max_size=30),
    st.dates(min_value=dt.date(1, 1, 1)),
    st.sampled_from(["Botkyrka", "Samverkan", "besok-i-botkyrka", "done", "2016-02-30",
                     "/a/../b/", "\u202e", "kommunbesok", "", "ovrigt"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(KEYS), inner, max_size=4)),
    max_leaves=12,
)
frontmatter = st.dictionaries(st.sampled_from(KEYS), values, max_size=8)
markdown = st.text(
    alphabet=st.one_of(st.characters(codec="utf-8", exclude_categories=["Cs"]),
                       st.sampled_from(list("#*_[]()<>!`-\n|~&;:\\"))),
    max_size=300)


@pytest.fixture(scope="module")
def context():  # type: ignore[no-untyped-def]
    config = load_config(BASE)
    vocabulary = load_vocabulary(BASE)
    assert not isinstance(config, list) and not isinstance(vocabulary, list)
    return new_context(config, default_register(), vocabulary)


def check_outcome(result: object, problems: list[Problem], path: str) -> None:
    if result is None:
        assert any(p.is_error for p in problems)
    for problem in problems:
        assert problem.path == path
        assert problem.line >= 0
        assert problem.message


def dump(data: dict[str, object]) -> str:
    import yaml
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(front=frontmatter, body=markdown)
def test_generated_frontmatter_gives_post_or_located_problems(
        context, front: dict[str, object], body: str) -> None:  # type: ignore[no-untyped-def]
    text = f"---\n{dump(front)}---\n{body}"
    problems: list[Problem] = []
    result = parse_post(SourceFile("content/posts/x.md", "x", text), context, problems)
    check_outcome(result, problems, "content/posts/x.md")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=st.text(max_size=200), body=markdown)
def test_generated_raw_text_gives_post_or_located_problems(
        context, raw: str, body: str) -> None:  # type: ignore[no-untyped-def]
    text = f"---\n{raw}\n---\n{body}"
    problems: list[Problem] = []
    result = parse_post(SourceFile("content/posts/x.md", "x", text), context, problems)
    check_outcome(result, problems, "content/posts/x.md")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=200))
def test_generated_bytes_read_as_text_or_problem(data: bytes, tmp_path_factory) -> None:  # type: ignore[no-untyped-def]
    from sitegen.yamlfile import read_text
    path = tmp_path_factory.mktemp("bytes") / "x.md"
    path.write_bytes(data)
    result = read_text(path, "x.md")
    if isinstance(result, Problem):
        assert result.line >= 0 and result.path == "x.md"
    else:
        assert "\r" not in result
