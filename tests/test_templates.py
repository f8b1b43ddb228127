"""The layouts' Jinja environment (templating) gives what Jinja's own gives: attributes,
dict keys, undefined names and attributes, properties that fail, and a template's own
globals; and its fast paths fail loudly when an internal they rely on changes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import pytest

from sitegen import templating
from sitegen.build import load, site_templates
from sitegen.errors import FastPathBroken

REPO = Path(__file__).resolve().parent.parent
SITE = REPO / "tests" / "sites" / "basic"


@dataclass
class Inner:
    name: str = "inre"
    mapping: dict[str, Any] | None = None


@dataclass
class Outer:
    inner: Inner
    title: str = "yttre <b>"


class Fails:
    """An object whose property raises AttributeError: Jinja then tries the key."""

    @property
    def broken(self) -> str:
        raise AttributeError("inside the property")

    def __getitem__(self, key: str) -> str:
        return f"nyckeln {key}"


def _values() -> dict[str, Any]:
    return {
        "obj": Outer(Inner(mapping={"key": "värde", "nested": {"deep": 3}})),
        "d": {"key": "från nyckel", "inner": Inner("i en tabell")},
        "fails": Fails(),
        "items": [Outer(Inner(str(n))) for n in range(3)],
        "make": lambda: Outer(Inner("gjord")),
    }


CASES = [
    "{{ obj.title }}",
    "{{ obj.inner.name }}",
    "{{ obj.inner.mapping.key }}{{ obj.inner.mapping.nested.deep }}",
    "{{ d.key }} {{ d.inner.name }}",
    "{{ d.items is callable }}",  # the dict's method wins over a key, as in Jinja
    "{{ fails.broken }}",
    "{{ make().inner.name }}",
    "{% for o in items if o.inner.name != '1' %}{{ o.inner.name }}{{ loop.last }}{% endfor %}",
    "{% set ns = namespace(current=none) %}{% for o in items %}{% set ns.current = o.inner.name %}"
    "{% endfor %}{{ ns.current }}",
    "{% macro show(o) %}{{ o.inner.name }}{% endmacro %}{{ show(obj) }}{{ show(items[1]) }}",
    "{{ obj.inner.missing is defined }} {{ d.missing is defined }} {{ nothing is defined }}",
]

FAILING = [
    "{{ obj.missing }}",
    "{{ obj.inner.missing }}",
    "{{ d.missing }}",
    "{{ nothing.at_all }}",
    "{{ obj.inner.name.missing.deeper }}",
    "{{ obj.inner.missing or 'ersatt' }}",
]


@pytest.fixture(scope="module")
def ours() -> jinja2.Environment:
    return site_templates(REPO, load(SITE).site, {}).env


def _jinjas_own(ours: jinja2.Environment) -> jinja2.Environment:
    return jinja2.Environment(undefined=ours.undefined, autoescape=True,
                              trim_blocks=True, lstrip_blocks=True)


@pytest.mark.parametrize("source", CASES)
def test_attribute_lookups_give_what_jinja_gives(ours: jinja2.Environment, source: str) -> None:
    expected = _jinjas_own(ours).from_string(source).render(**_values())
    assert ours.from_string(source).render(**_values()) == expected


@pytest.mark.parametrize("source", FAILING)
def test_an_undefined_attribute_fails_as_in_jinja(ours: jinja2.Environment, source: str) -> None:
    with pytest.raises(jinja2.UndefinedError) as theirs:
        _jinjas_own(ours).from_string(source).render(**_values())
    with pytest.raises(jinja2.UndefinedError) as raised:
        ours.from_string(source).render(**_values())
    assert str(raised.value) == str(theirs.value)


def test_a_templates_own_globals_overlay_the_layouts_and_stay_its_own(
        ours: jinja2.Environment) -> None:
    # each template's globals are one dict (templating._Environment.make_globals), as
    # Jinja's ChainMap they overlay the environment's without changing them
    template = ours.from_string("{{ date is defined }} {{ extra }}", globals={"extra": "egen"})
    assert type(template.globals) is dict  # not a ChainMap, copied key by key on every page
    assert template.render() == "True egen"
    assert "extra" not in ours.globals
    assert ours.from_string("{{ extra is defined }}").render() == "False"


def test_fast_paths_fail_loudly_when_jinjas_internals_change(
        monkeypatch: pytest.MonkeyPatch) -> None:
    templating.check_internals(templating.FAST_PATHS)  # the installed Jinja is as expected

    monkeypatch.setattr(jinja2.runtime, "exported", [n for n in jinja2.runtime.exported
                                                     if n != "escape"])
    with pytest.raises(FastPathBroken, match="escape"):
        templating.check_internals(templating.FastPaths(globals=False))
    monkeypatch.undo()

    monkeypatch.setattr(templating, "_escape_inner", lambda: lambda text: text)  # escapes nothing
    with pytest.raises(FastPathBroken, match="no longer escapes"):
        templating.check_internals(templating.FAST_PATHS)
    monkeypatch.setattr(templating, "_escape_inner", lambda: None)
    with pytest.raises(FastPathBroken, match="_escape_inner is gone"):
        templating.check_internals(templating.FAST_PATHS)
    monkeypatch.undo()

    def make_globals(self: Any, d: Any, more: Any) -> Any: ...

    monkeypatch.setattr(jinja2.Environment, "make_globals", make_globals)
    with pytest.raises(FastPathBroken, match="globals"):
        templating.check_internals(templating.FAST_PATHS)
    templating.check_internals(templating.FastPaths(globals=False))


def test_a_compiled_template_that_no_longer_imports_markupsafes_escape_fails_loudly(
        monkeypatch: pytest.MonkeyPatch) -> None:
    env = templating.environment(REPO / "layouts")
    monkeypatch.setattr(jinja2.runtime, "escape", lambda value: value)
    with pytest.raises(FastPathBroken, match=r"markupsafe\.escape"):
        env.from_string("{{ 1 }}")
    with pytest.raises(FastPathBroken, match=r"markupsafe\.escape"):
        templating.environment(REPO / "layouts")
