"""YAML with lines: the one-walk constructor for everyday frontmatter gives what
PyYAML's safe loader gives, and the lines of every key and item; other documents
(aliases, sets and other tags) go through PyYAML's constructor and give the same."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

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
