"""Open data: CSV and JSON files and a Frictionless data package, validated with the
frictionless library, with row counts equal to the site model's."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import frictionless
import pytest

from sitegen.build import load
from sitegen.opendata import data_files, published
from sitegen.registry import default_register
from sitegen.site import Site
from sitegen.summaries import summarize

TESTS = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def files(summaries_site: Site) -> dict[str, bytes]:
    return data_files(summaries_site, default_register(), summarize(summaries_site))


def rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def test_the_package_is_valid_and_row_counts_equal_the_model(
        summaries_site: Site, files: dict[str, bytes], tmp_path: Path) -> None:
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    report = frictionless.validate(tmp_path / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    counted = {task.name: task.stats["rows"] for task in report.tasks if "rows" in task.stats}
    posts = published(summaries_site)
    assert len(posts) == 7  # six visits and a dialogue with an input
    assert counted == {
        "besok": len(posts),
        "planpunkter": sum(len(p.plan) for p in summaries_site.posts),
        "medskick": sum(len(p.national_input) for p in summaries_site.posts),
        "kommuner": 290,
        "teman": len(summaries_site.themes),
    }
    assert counted["planpunkter"] == 8 and counted["medskick"] == 4
    for name in counted:
        assert len(rows(files[f"{name}.csv"])) == counted[name]


def test_a_broken_reference_fails_validation(files: dict[str, bytes], tmp_path: Path) -> None:
    """The foreign keys are real: a plan item of a visit not in besok.csv is caught."""
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    text = files["planpunkter.csv"].decode().replace("besok-i-kiruna", "besok-i-ingenstans")
    (tmp_path / "planpunkter.csv").write_text(text, "utf-8", newline="")
    report = frictionless.validate(tmp_path / "datapackage.json")
    assert not report.valid
    assert "foreign-key" in [e[0] for e in report.flatten(["type"])]


def test_csv_is_rfc_4180(files: dict[str, bytes]) -> None:
    text = files["planpunkter.csv"].decode("utf-8")
    assert text.startswith("besok,punkt,text,teman,status,status_text,uppfoljd_i,anteckning\r\n")
    assert text.count("\r\n") == text.count("\n")  # CRLF only
    assert ('besok-i-botkyrka,b,"Starta familjerådslag, med ""citat"", semikolon; och komma.",'
            '"familjeradslag,personalforsorjning",in_progress,Pågår,aterbesok-i-botkyrka,\r\n'
            in text)
    dropped = next(r for r in rows(files["planpunkter.csv"]) if r["status"] == "dropped")
    assert dropped == {"besok": "besok-i-botkyrka", "punkt": "c",
                       "text": "Se över introduktionen.", "teman": "", "status": "dropped",
                       "status_text": "Avbruten", "uppfoljd_i": "andra-aterbesoket-i-botkyrka",
                       "anteckning": "Introduktionen görs nu av regionen."}
    visits = rows(files["besok.csv"])
    assert [v["id"] for v in visits][-1] == "besok-i-kiruna"  # undated last
    assert visits[0]["id"] == "besok-i-botkyrka" and visits[0]["datum"] == "2016-03-08"
    joint = next(v for v in visits if v["id"] == "besok-i-habo-och-haabo")
    assert joint["kommuner"] == "0643,0305"
    assert joint["adress"] == "https://example.org/kommunbesok/besok-i-habo-och-haabo/"


def test_json_has_the_same_rows_typed(files: dict[str, bytes]) -> None:
    for name in ("besok", "planpunkter", "medskick", "kommuner", "teman"):
        from_json = json.loads(files[f"{name}.json"])
        from_csv = rows(files[f"{name}.csv"])
        assert len(from_json) == len(from_csv)
        assert [{k: "" if v is None else str(v) for k, v in r.items()} for r in from_json] == (
            from_csv)
    botkyrka = next(r for r in json.loads(files["kommuner.json"]) if r["namn"] == "Botkyrka")
    assert botkyrka == {"kod": "0127", "namn": "Botkyrka", "lanskod": "01",
                        "lan": "Stockholms län", "besok": 3, "planpunkter": 5, "medskick": 2}


def test_the_package_describes_every_field_in_swedish_with_licence_and_source(
        files: dict[str, bytes]) -> None:
    package = json.loads(files["datapackage.json"])
    assert package["licenses"] == [{"name": "CC0-1.0", "path":
                                    "https://creativecommons.org/publicdomain/zero/1.0/"}]
    assert package["sources"] == [{"title": "Testredaktionens besöksanteckningar 2016–2017",
                                   "path": "https://example.org/"}]
    assert package["contributors"] == [{"title": "Testredaktionen", "role": "publisher"}]
    tabular = [r for r in package["resources"] if r.get("profile") == "tabular-data-resource"]
    assert len(tabular) == 5
    for resource in tabular:
        for field in resource["schema"]["fields"]:
            assert field["title"] and field["description"].endswith(".")
    names = {r["path"] for r in package["resources"]} | {"datapackage.json"}
    assert names == set(files)


def test_bytes_are_deterministic_and_a_site_without_licence_has_none(summaries_site: Site) -> None:
    again = data_files(summaries_site, default_register(), summarize(summaries_site))
    assert again == data_files(summaries_site, default_register(), summarize(summaries_site))
    basic = load(TESTS / "sites/basic").site
    package = json.loads(data_files(basic, default_register(), summarize(basic))[
        "datapackage.json"])
    assert "licenses" not in package and package["sources"][0]["title"] == "Testbloggen"
