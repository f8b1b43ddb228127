"""YAML with lines: the one-walk constructor for plain documents gives what PyYAML's
safe loader gives, and the lines of every key and item; other documents (aliases, sets
and other tags) go through PyYAML's constructor and give the same."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml
from conftest import mutated, split_post

from sitegen import yamlfile
from sitegen.errors import Problem
from sitegen.yamlfile import Located, load_yaml, read_text

EVERYDAY = """\
title: "Besök i Ale"
date: 2020-08-08
draft: false
weight: 3
ratio: 0.5
summary: ~
municipalities: [Ale, "Lerum"]
plan:
  - text: Skriva en överenskommelse.
    themes: [Familjerådslag]
  - Se över mottagandet.
"""

UNUSUAL = {
    "alias": "base: &b {a: 1, b: [x, y]}\nother: *b\n",
    "keys": "2: två\ntrue: sant\n2020-01-01: datum\nnull: inget\n",
    "tagged": "set: !!set {a, b}\ntext: !!str 12\n",
}


def test_everyday_document_values_and_lines() -> None:
    located = load_yaml(EVERYDAY, "post.md", line_offset=1)
    assert isinstance(located, Located)
    assert located.value == yaml.safe_load(EVERYDAY)
    assert located.value["date"] == dt.date(2020, 8, 8)
    # a key's line is where the key is written; an item's where the item starts
    assert located.line("title") == 2
    assert located.line("municipalities", 1) == 8
    assert located.line("plan") == 9
    assert located.line("plan", 0, "themes", 0) == 11
    assert located.line("plan", 1) == 12
    assert located.line("plan", 0, "missing") == 10  # the nearest written ancestor


@pytest.mark.parametrize("name", sorted(UNUSUAL))
def test_unusual_documents_load_as_pyyaml_loads_them(name: str) -> None:
    text = UNUSUAL[name]
    located = load_yaml(text, "x.yaml")
    assert isinstance(located, Located)
    assert located.value == yaml.safe_load(text)
    assert located.line(next(iter(located.value))) == 1


def test_duplicate_key_is_a_problem_at_its_second_line() -> None:
    problem = load_yaml("title: a\nthemes: []\ntitle: b\n", "post.md", line_offset=1)
    assert problem == Problem("post.md", 4, 'ogiltig YAML: nyckeln "title" står två gånger')


def test_impossible_date_stays_text() -> None:
    located = load_yaml("date: 2016-02-30\n", "post.md")
    assert isinstance(located, Located)
    assert located.value == {"date": "2016-02-30"}


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="Linux /proc")
def test_a_file_that_reports_no_size_is_read_whole_and_only_up_to_the_limit() -> None:
    # /proc files report size 0; /dev/zero never ends.
    status = Path("/proc/self/status")
    text = read_text(status, "status")
    assert isinstance(text, str)
    assert text.startswith("Name:") and "\nVmPeak:" in text and text.endswith("\n")
    endless = read_text(Path("/dev/zero"), "zero", limit=1000)
    assert isinstance(endless, Problem) and "för stor" in endless.message


# ---------------------------------------------------------------- against PyYAML
# load_yaml constructs the values of a plain document and notes their lines in one walk
# over the nodes of PyYAML's C loader (yamlfile._plain) instead of PyYAML's constructor:
# it must give exactly what that loader gives, types included.

def _strictly_equal(a: object, b: object) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(_strictly_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(map(_strictly_equal, a, b))
    return a == b


def _agrees_with_pyyaml(text: str) -> bool:
    """load_yaml reads `text` as PyYAML does, or both refuse it. Where they may differ,
    they differ as intended: load_yaml refuses duplicate keys (PyYAML keeps the last)
    and keeps an impossible date as text (PyYAML raises ValueError), so that the error
    names the key."""
    ours = load_yaml(text, "x")
    try:
        theirs = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except ValueError:
        return isinstance(ours, Located)
    except (yaml.YAMLError, TypeError, RecursionError):
        return isinstance(ours, Problem)
    if isinstance(ours, Problem):
        return "två gånger" in ours.message
    return _strictly_equal(ours.value, theirs)


@pytest.fixture(scope="module")
def documents(text_samples: list[Path]) -> list[str]:
    """The frontmatter of every sample post and every sample YAML file."""
    found = [path.read_text("utf-8", errors="replace") for path in text_samples
             if path.suffix == ".yaml"]
    found += [text for path in text_samples if path.suffix == ".md"
              if (text := split_post(path)[0]) is not None]
    assert len(found) > 300
    return found


def test_every_document_we_have_is_read_as_pyyaml_reads_it(documents: list[str]) -> None:
    assert all(_agrees_with_pyyaml(text) for text in documents)


def test_mutated_documents_are_read_as_pyyaml_reads_them(documents: list[str]) -> None:
    # Characters that mean something in YAML, put in, taken out or swapped at random
    # places.
    marks = [*':#-"\'[]{},&*!|>%@`?\\~. _\n\t0aÅ', ": ", "- ", "\n  ", "\n- ", "  ", "yes",
             "null", "0123", "1_0", "1.5"]
    texts = mutated(documents, marks, 2000, seed=7)
    assert [text for text in texts if not _agrees_with_pyyaml(text)] == []


@pytest.mark.parametrize(("text", "line", "message"), [
    # An unclosed quote: where it opens, not where the frontmatter ends.
    ('title: "Familjerådslag i Botkyrka\ndate: 2016-03-08\nthemes: [A]\n' + "x: 1\n" * 18, 2,
     'citattecknet som börjar här stängs aldrig: avsluta texten med samma tecken (" eller \')'),
    ("title: 'Familjerådslag\ndate: 2016-03-08\n", 2, "citattecknet som börjar här stängs"),
    # ... also when a later quote closes it.
    ('title: "Familjerådslag\ndate: 2016-03-08\nsummary: "Kort"\n', 2,
     "citattecknet som börjar här stängs aldrig: avsluta texten med samma tecken (\" eller "
     "'); texten fortsätter till rad 4"),
    ("title: X\nthemes:\n\t- Samverkan\n", 4,
     "tabb i indraget: YAML drar in med mellanslag; byt tabben mot mellanslag"),
    ("title: Botkyrka: ett återbesök\ndate: 2016-03-08\n", 2,
     'kolon i en text utan citattecken: sätt citattecken runt texten, t.ex. '
     'title: "Botkyrka: ett återbesök"'),
    ("themes: [Samverkan, Utbildning\ndate: 2016-03-08\n", 2,
     "hakparentesen [ stängs aldrig: avsluta listan med ] på samma rad"),
    ("title Botkyrka\ndate: 2016-03-08\n", 2, "kolon saknas efter nyckeln: skriv nyckel: värde"),
    ("title: *x\n", 2, "* inleder ett alias i YAML: sätt citattecken runt texten"),
    ('title: "C:\\mappar"\n', 2, "okänd escape-sekvens"),
    ("themes:\n  - A\n - B\n", 4, "indraget stämmer inte"),
])
@pytest.mark.parametrize("deep", [False, True], ids=["libyaml", "python"])
def test_yaml_errors_in_swedish_where_the_mistake_starts(
        text: str, line: int, message: str, deep: bool,
        monkeypatch: pytest.MonkeyPatch) -> None:
    if deep:  # the pure Python parser, which words its errors differently
        monkeypatch.setattr(yamlfile, "_FastLoader", None)
    problem = load_yaml(text, "post.md", line_offset=1)
    assert isinstance(problem, Problem)
    assert (problem.line, problem.message.startswith(f"ogiltig YAML: {message}")) == (
        line, True), problem
    assert not re.search(r"\b(found|expected|while|scanning|parsing|mapping|stream)\b",
                         problem.message)
