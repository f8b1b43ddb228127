"""`sitegen check` on small invalid sites (tests/sites/check-*): every message and line,
the exit codes, --strict and --format json; and the frontmatter JSON Schema."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from sitegen.check import check_site
from sitegen.cli import main
from sitegen.content import POST_KEYS

SITES = Path(__file__).parent / "sites"


def make_site(repo_root: Path, tmp_path: Path, name: str) -> Path:
    """A fixture site with the repository's layouts and assets, in a writable copy."""
    root = tmp_path / name
    shutil.copytree(SITES / name, root)
    shutil.copytree(repo_root / "layouts", root / "layouts")
    shutil.copytree(repo_root / "assets", root / "assets")
    return root


def run(root: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["--root", str(root), "check", *args])
    return code, capsys.readouterr().out


POST = "content/posts/besok-i-botkyrka.md"


def test_unknown_municipality_and_theme_with_did_you_mean(
        repo_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(make_site(repo_root, tmp_path, "check-names"), capsys=capsys)
    assert code == 1
    assert out.splitlines() == [
        f'{POST}:5: okänd kommun "Botkyrk" – menade du "Botkyrka"?',
        f'{POST}:7: okänt tema "Personalförsörjnig" – menade du "Personalförsörjning"?',
        "Kontrollerade 1 inlägg och 0 sidor: 2 fel, 0 varningar; underkänd.",
    ]


LINK_PROBLEMS = [
    'content/pages/om-bloggen.md:6: ankaret "#slutsatser" finns inte på '
    "/kommunbesok/besok-i-botkyrka/",
    f'{POST}:13: länken "/kommunbesok/finns-inte/" pekar på /kommunbesok/finns-inte/, som '
    'inte finns på webbplatsen – menade du "/kommunbesok/"?',
    f'{POST}:15: ankaret "#uppfoljningen" finns inte på /kommunbesok/aterbesok-i-botkyrka/ '
    '– menade du "uppfoljning"?',
    f'{POST}:17: ankaret "#bakgrnd" finns inte på /kommunbesok/besok-i-botkyrka/ – menade '
    'du "bakgrund"?',
    f'{POST}:19: bilden "https://cdn.example.com/foto.jpg" hämtas från en annan webbplats '
    "(cdn.example.com); ingen begäran får lämna webbplatsen. Ta bort bilden eller länka "
    "till den",
    f'{POST}:23: länken "aterbesok-i-botkyrka.md" fungerar inte på webbplatsen; skriv '
    "adressen /kommunbesok/aterbesok-i-botkyrka/ i stället",
    f'{POST}:25: länken "finns-inte.md" pekar på filen content/posts/finns-inte.md, som '
    "inte finns",
    'content/themes.yaml:5: varning: temat "Samverkan" används inte av något inlägg; ta '
    "bort det, tagga ett inlägg med det eller skriv keep: true om det ska finnas kvar",
]


def test_links_anchors_images_and_unused_theme(
        repo_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Every broken link is reported at its line; every good one (site pages, the same
    page's anchors, the base URL, relative paths, /sok/, external links) is not."""
    code, out = run(make_site(repo_root, tmp_path, "check-links"), capsys=capsys)
    assert code == 1
    *problems, summary = out.splitlines()
    assert problems == LINK_PROBLEMS
    assert summary == "Kontrollerade 2 inlägg och 1 sida: 7 fel, 1 varning; underkänd."


def test_fixing_the_links_passes(repo_root: Path, tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    root = make_site(repo_root, tmp_path, "check-links")
    post = root / POST
    text = post.read_text()
    for broken, fixed in [("/kommunbesok/finns-inte/", "/kommunbesok/aterbesok-i-botkyrka/"),
                          ("#uppfoljningen", "#uppfoljning"), ("#bakgrnd", "#bakgrund"),
                          ("![Ett foto](https://cdn.example.com/foto.jpg)", "Inget foto."),
                          ("(aterbesok-i-botkyrka.md)", "(/kommunbesok/aterbesok-i-botkyrka/)"),
                          ("(finns-inte.md)", "(/arkiv/)")]:
        assert broken in text
        text = text.replace(broken, fixed)
    post.write_text(text)
    page = root / "content/pages/om-bloggen.md"
    page.write_text(page.read_text().replace("#slutsatser", "#bakgrund"))
    code, out = run(root, capsys=capsys)
    assert code == 0
    assert out.splitlines()[0].startswith("content/themes.yaml:5: varning:")
    assert out.splitlines()[-1] == ("Kontrollerade 2 inlägg och 1 sida: 0 fel, 1 varning; "
                                    "godkänd.")
    code, _ = run(root, "--strict", capsys=capsys)
    assert code == 1  # the unused theme is a warning, which --strict fails on
    # Kept on purpose, it is no warning.
    themes = root / "content/themes.yaml"
    themes.write_text(themes.read_text().replace("  synonyms: []\n",
                                                 "  synonyms: []\n  keep: true\n", 1))
    assert run(root, "--strict", capsys=capsys) == (
        0, "Inga problem i 2 inlägg och 1 sida.\n")


def test_strict_fails_on_undated_post(repo_root: Path, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    root = make_site(repo_root, tmp_path, "check-undated")
    code, out = run(root, capsys=capsys)
    warning = (f'{POST}:2: varning: datum saknas: inlägget sorteras sist och visar '
               '"Datum saknas". Är datumet förlorat, skriv date: okänt')
    assert (code, out.splitlines()) == (0, [
        warning, "Kontrollerade 1 inlägg och 0 sidor: 0 fel, 1 varning; godkänd."])
    code, out = run(root, "--strict", capsys=capsys)
    assert (code, out.splitlines()) == (1, [
        warning, "Kontrollerade 1 inlägg och 0 sidor: 0 fel, 1 varning; underkänd "
                 "(--strict: varningar räknas som fel)."])


def test_json_format(repo_root: Path, tmp_path: Path,
                     capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(make_site(repo_root, tmp_path, "check-links"), "--format", "json",
                    capsys=capsys)
    assert code == 1
    report = json.loads(out)
    assert report["errors"] == 7 and report["warnings"] == 1
    assert report["problems"][1] == {
        "path": POST, "line": 13, "severity": "error",
        "message": 'länken "/kommunbesok/finns-inte/" pekar på /kommunbesok/finns-inte/, som '
                   'inte finns på webbplatsen – menade du "/kommunbesok/"?'}
    assert report["problems"][-1]["severity"] == "warning"
    shown = [f"{p['path']}:{p['line']}: " + ("varning: " if p["severity"] == "warning" else "")
             + p["message"] for p in report["problems"]]
    assert shown == LINK_PROBLEMS


def test_alias_over_a_generated_page(repo_root: Path, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    root = make_site(repo_root, tmp_path, "check-undated")
    post = root / POST
    post.write_text(post.read_text().replace(
        "title: Besök i Botkyrka\n",
        "title: Besök i Botkyrka\ndate: 2016-03-08\naliases: [/2016/03/besok/, /kommun/]\n"))
    code, out = run(root, capsys=capsys)
    assert code == 1
    assert re.search(rf"^{POST}:\d+: aliaset /kommun/ krockar med webbplatsens", out, re.M)
    assert "/2016/03/besok/" not in out


def test_check_writes_nothing(repo_root: Path, tmp_path: Path) -> None:
    root = make_site(repo_root, tmp_path, "check-links")
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    result = check_site(root)
    assert result.errors == 7
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before


def test_the_real_site_has_no_errors(repo_root: Path) -> None:
    result = check_site(repo_root)
    assert [str(p) for p in result.problems if p.is_error] == []
    assert result.posts is not None and result.posts >= 5


# ---------------------------------------------------------------- the JSON Schema


def schema() -> dict[str, Any]:
    text = resources.files("sitegen").joinpath("data/frontmatter.schema.json").read_text()
    data: dict[str, Any] = json.loads(text)
    return data


def test_schema_keys_are_the_post_keys() -> None:
    data = schema()
    assert data["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert sorted(data["properties"]) == sorted(POST_KEYS)
    assert data["additionalProperties"] is False
    for key, spec in data["properties"].items():
        assert spec.get("description"), f"{key} saknar beskrivning"


def _validate(value: Any, spec: dict[str, Any], root: dict[str, Any], at: str) -> list[str]:
    """The part of JSON Schema the frontmatter schema uses: type, enum, pattern,
    minLength, required, properties, additionalProperties, items, anyOf, $ref."""
    if "$ref" in spec:
        spec = root["$defs"][spec["$ref"].rsplit("/", 1)[-1]]
    if "anyOf" in spec:
        if all(_validate(value, option, root, at) for option in spec["anyOf"]):
            return [f"{at}: matchar inget alternativ"]
        return []
    kinds = {"string": str, "integer": int, "boolean": bool, "array": list, "object": dict}
    types = spec.get("type")
    if types is not None:
        wanted = [types] if isinstance(types, str) else types
        if not any(isinstance(value, kinds[t]) and not (t == "integer" and isinstance(
                value, bool)) for t in wanted):
            return [f"{at}: {value!r} är inte {types}"]
    errors = []
    if "enum" in spec and value not in spec["enum"]:
        errors.append(f"{at}: {value!r} inte i {spec['enum']}")
    if isinstance(value, str):
        if "pattern" in spec and not re.search(spec["pattern"], value):
            errors.append(f"{at}: {value!r} matchar inte {spec['pattern']}")
        if len(value) < spec.get("minLength", 0):
            errors.append(f"{at}: tomt")
    if isinstance(value, dict):
        errors += [f"{at}: {key} saknas" for key in spec.get("required", []) if key not in value]
        for key, item in value.items():
            if key in spec.get("properties", {}):
                errors += _validate(item, spec["properties"][key], root, f"{at}.{key}")
            elif spec.get("additionalProperties") is False:
                errors.append(f"{at}: okänd nyckel {key}")
    if isinstance(value, list) and "items" in spec:
        for index, item in enumerate(value):
            errors += _validate(item, spec["items"], root, f"{at}[{index}]")
    return errors


def frontmatter(path: Path) -> Any:
    """As an editor's YAML tooling sees it: YAML 1.2, so dates stay strings."""
    data = yaml.safe_load(path.read_text().split("---\n")[1])

    def plain(value: Any) -> Any:
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value
    return plain(data)


def real_posts(repo_root: Path) -> list[Path]:
    posts = sorted((repo_root / "content/posts").glob("*.md"))
    assert len(posts) >= 5
    return posts


def test_schema_accepts_the_real_posts(repo_root: Path) -> None:
    data = schema()
    for post in real_posts(repo_root):
        assert _validate(frontmatter(post), data, data, post.name) == []


def test_schema_rejects_mistakes() -> None:
    data = schema()
    good = {"title": "X", "date": "2016-03-08", "plan": ["a", {"text": "b", "id": 3}],
            "followup": {"of": "x", "items": [{"item": "1", "status": "done"}]}}
    assert _validate(good, data, data, "post") == []
    assert _validate({**good, "tema": ["X"]}, data, data, "post") == ["post: okänd nyckel tema"]
    assert _validate({**good, "followup": {"of": "x", "items": [
        {"item": "1", "status": "klar!"}]}}, data, data, "post") != []
    assert _validate({**good, "plan": [{"txt": "b"}]}, data, data, "post") != []
    assert _validate({"date": "2016-03-08"}, data, data, "post") == ["post: title saknas"]


def test_real_posts_validate_against_the_schema(repo_root: Path) -> None:
    import jsonschema  # a test extra: the real validator checks the real posts
    data = schema()
    jsonschema.Draft202012Validator.check_schema(data)
    validator = jsonschema.Draft202012Validator(data)
    for post in real_posts(repo_root):
        assert list(validator.iter_errors(frontmatter(post))) == []


def test_every_problem_of_a_file_with_errors_in_one_run(
        repo_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A bad date, an unknown theme and a broken link: all three at once, not the link
    only after the other two are fixed. A link to a post with errors is not broken."""
    root = make_site(repo_root, tmp_path, "check-links")
    bad = root / "content/posts/trasigt.md"
    bad.write_text("---\ntitle: Trasigt\ndate: 2016-13-45\nmunicipalities: [Botkyrka]\n"
                   "themes: [Samverkn]\n---\nSe [saknad](/kommunbesok/finns-inte-heller/) och "
                   "[besöket](/kommunbesok/besok-i-botkyrka/#bakgrund).\n")
    linking = root / "content/pages/om-bloggen.md"
    linking.write_text(linking.read_text() + "\nOch [det trasiga](/kommunbesok/trasigt/).\n")
    code, out = run(root, capsys=capsys)
    lines = out.splitlines()
    assert code == 1
    bad_lines = [line for line in lines if line.startswith("content/posts/trasigt.md")]
    assert bad_lines == [
        'content/posts/trasigt.md:3: "2016-13-45" är inget datum; skriv ÅÅÅÅ-MM-DD, t.ex. '
        "2016-03-08",
        'content/posts/trasigt.md:5: okänt tema "Samverkn" – menade du "Samverkan"?',
        'content/posts/trasigt.md:7: länken "/kommunbesok/finns-inte-heller/" pekar på '
        "/kommunbesok/finns-inte-heller/, som inte finns på webbplatsen – menade du "
        '"/kommunbesok/besok-i-botkyrka/"?',
    ]
    assert not any("/kommunbesok/trasigt/" in line for line in lines)
    # The other files' problems are all there too.
    # The unused-theme warning waits while a post with errors (which may use it) is left.
    assert set(LINK_PROBLEMS[:-1]) <= set(lines)
    assert lines[-1] == "Kontrollerade 3 inlägg och 1 sida: 10 fel, 0 varningar; underkänd."


def test_links_to_the_map_ledger_and_open_data_are_known(
        repo_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_site(repo_root, tmp_path, "check-links")
    post = root / "content/posts/aterbesok-i-botkyrka.md"
    good = ["/kommun/#karta-uppfoljning", "/uppfoljning/", "/uppfoljning/pagar/",
            "/uppfoljning/inte-uppfoljda/", "/uppfoljning/#per-lan", "/data/",
            "/data/planpunkter.csv", "/data/datapackage.json",
            "/lan/stockholms-lan/#lanets-kommuner"]
    links = "".join(f"\n[länk {n}]({href})\n" for n, href in enumerate(good))
    post.write_text(post.read_text("utf-8") + links + "\n[fel](/data/planpunkter.xlsx)\n",
                    "utf-8")
    _, out = run(root, capsys=capsys)
    new = [line for line in out.splitlines()
           if line.startswith("content/posts/aterbesok-i-botkyrka.md:")]
    assert len(new) == 1 and '"/data/planpunkter.xlsx"' in new[0], out
