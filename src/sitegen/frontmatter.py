"""Reading one file's frontmatter: a Checker over its YAML (with lines) collects every
problem as `path:line: message`, and one function per kind of value (date,
municipalities, plan and national-input items, follow-up, aliases, what an importer
suggested) gives the model's values. Used by `content` for posts and pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Protocol

from sitegen.errors import Problem, Severity, did_you_mean
from sitegen.model import FollowUp, ItemFollowUp, Source, Status, Theme
from sitegen.registry import Municipality, Register
from sitegen.site import alias_problem, normalize_alias
from sitegen.yamlfile import Located


class Themes(Protocol):
    """The theme vocabulary, as frontmatter is checked against it."""

    def find(self, name: str) -> Theme | None: ...

    @property
    def names(self) -> list[str]: ...


@dataclass
class Checker:
    """Validates one file's frontmatter, collecting problems."""

    doc: Located
    problems: list[Problem]

    def error(self, key: tuple[str | int, ...], message: str,
              severity: Severity = Severity.ERROR) -> None:
        self.problems.append(Problem(self.doc.path, self.doc.line(*key), message, severity))

    def text(self, key: str, *, required: bool = False) -> str | None:
        value = self.doc.value.get(key)
        if value is None:
            if required:
                self.error((), f'"{key}" saknas')
            return None
        if not isinstance(value, str):
            hint = "" if isinstance(value, dict | list | set) else (
                f"; sätt citattecken runt värdet: {key}: \"{value}\"")
            self.error((key,), f'"{key}" ska vara text{hint}')
            return None
        text = str(value).strip()
        if required and not text:
            self.error((key,), f'"{key}" är tomt')
        return text

    def strings(self, key: str) -> list[str]:
        value = self.doc.value.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.error((key,), f'"{key}" ska vara en lista, t.ex. {key}: [{value}]')
            return []
        result = []
        for index, item in enumerate(value):
            if isinstance(item, str | int | float) and not isinstance(item, bool) \
                    and str(item).strip():
                result.append(str(item).strip())
            else:
                self.error((key, index), f'varje värde i "{key}" ska vara text')
        return result

    def themes(self, at: tuple[str | int, ...], names: list[str],
               vocabulary: Themes) -> tuple[Theme, ...]:
        found: list[Theme] = []
        for index, name in enumerate(names):
            theme = vocabulary.find(name)
            if theme is None:
                self.error((*at, index), f'okänt tema "{name}"'
                           + did_you_mean(name, vocabulary.names))
            elif theme not in found:
                found.append(theme)
        return tuple(found)

    def unknown_keys(self, at: tuple[str | int, ...], mapping: dict[Any, Any],
                     allowed: tuple[str, ...]) -> None:
        for key in mapping:
            if key not in allowed:
                self.error((*at, key), f'okänd nyckel "{key}"'
                           + (did_you_mean(str(key), allowed) or
                              f" (tillåtna: {', '.join(allowed)})"))


def date(check: Checker) -> dt.date | None:
    value = check.doc.value.get("date")
    if value is None:
        check.error((), "datum saknas: inlägget sorteras sist och visar \"Datum saknas\". Är "
                        f"datumet förlorat, skriv date: {UNKNOWN_DATE}", Severity.WARNING)
        return None
    if isinstance(value, str) and value.strip().casefold() == UNKNOWN_DATE:
        return None  # known to be lost: the post shows "Datum saknas", no warning
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        check.error(("date",), f'"{value}" är inget datum; skriv ÅÅÅÅ-MM-DD, t.ex. 2016-03-08')
        return None


def export_order(check: Checker) -> int | None:
    """`export_order`: the post's place in the old blog's export (1 = first), which orders
    the posts whose date was lost."""
    value = check.doc.value.get("export_order")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        check.error(("export_order",), "export_order ska vara ett heltal, 1 eller större "
                                       "(inläggets plats i den gamla bloggens export)")
        return None
    return value


def flag(check: Checker, key: str) -> bool:
    value = check.doc.value.get(key, False)
    if not isinstance(value, bool):
        check.error((key,), f"{key} ska vara true eller false")
        return False
    return value


def municipalities(check: Checker, register: Register) -> tuple[Municipality, ...]:
    found: list[Municipality] = []
    for index, name in enumerate(check.strings("municipalities")):
        municipality = register.lookup(name)
        if municipality is None:
            check.error(("municipalities", index), f'okänd kommun "{name}"'
                        + did_you_mean(name.removesuffix(" kommun"), register.names))
        elif municipality in found:
            check.error(("municipalities", index), f'kommunen "{name}" står två gånger')
        else:
            found.append(municipality)
    return tuple(found)


def items(check: Checker, key: str, vocabulary: Themes,
           with_id: bool) -> list[tuple[str, str, tuple[Theme, ...], int]]:
    """(id, text, themes, line) for each item of a plan or national-input list."""
    value = check.doc.value.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        check.error((key,), f'"{key}" ska vara en lista av punkter')
        return []
    allowed = ("text", "themes", "id") if with_id else ("text", "themes")
    items = []
    ids: set[str] = set()
    for index, entry in enumerate(value):
        line = check.doc.line(key, index)
        item_id = str(index + 1)
        themes: tuple[Theme, ...] = ()
        if isinstance(entry, str) and entry.strip():
            text = entry.strip()
        elif isinstance(entry, dict):
            check.unknown_keys((key, index), entry, allowed)
            raw_text = entry.get("text")
            if not isinstance(raw_text, str) or not raw_text.strip():
                check.error((key, index), "punkten saknar text")
                continue
            text = raw_text.strip()
            if "id" in entry and with_id:
                item_id = str(entry["id"]).strip()
                if not item_id:
                    check.error((key, index, "id"), "id är tomt")
            raw_themes = entry.get("themes", [])
            if isinstance(raw_themes, list) and all(isinstance(t, str) for t in raw_themes):
                themes = check.themes((key, index, "themes"), raw_themes, vocabulary)
            else:
                check.error((key, index, "themes"), "themes ska vara en lista av teman")
        else:
            check.error((key, index), "en punkt ska vara text eller {text, themes}")
            continue
        if item_id in ids:
            check.error((key, index), f'id "{item_id}" används redan i samma plan')
        ids.add(item_id)
        items.append((item_id, text, themes, line))
    return items


STATUS_WORDS = {s.value: s for s in Status} | {
    "in progress": Status.IN_PROGRESS, "not started": Status.NOT_STARTED,
    "genomförd": Status.DONE, "klar": Status.DONE, "pågår": Status.IN_PROGRESS,
    "ej påbörjad": Status.NOT_STARTED, "avbruten": Status.DROPPED, "struken": Status.DROPPED,
    "ej bedömd": Status.UNASSESSED, "inte bedömd": Status.UNASSESSED,
    # No status written yet is not a status either.
    "": Status.UNASSESSED, "none": Status.UNASSESSED,
}
STATUSES = "done, in_progress, not_started, dropped"

UNKNOWN_DATE = "okänt"
"""`date: okänt`: the post's date is known to be lost (an imported post); it builds
without the warning a missing date gets."""

SKELETON_TEXT = "Skriv inlägget här."
"""The body `sitegen new` writes; a post that still holds it is not written yet."""


def followup(check: Checker) -> FollowUp | None:
    value = check.doc.value.get("followup")
    if value is None:
        return None
    if not isinstance(value, dict):
        check.error(("followup",), "followup ska ha of: <slug> och items: [...]")
        return None
    check.unknown_keys(("followup",), value, ("of", "items"))
    of = value.get("of")
    if not isinstance(of, str) or not of.strip():
        check.error(("followup",), "followup saknar of: <slug för det tidigare besöket>")
        return None
    raw_items = value.get("items", [])
    if not isinstance(raw_items, list):
        check.error(("followup", "items"), "followup.items ska vara en lista")
        return None
    items = []
    for index, entry in enumerate(raw_items):
        at = ("followup", "items", index)
        if not isinstance(entry, dict) or "item" not in entry:
            check.error(at, "varje uppföljning ska ha item: <id> och status: ...")
            continue
        check.unknown_keys(at, entry, ("item", "status", "note"))
        raw_status = str(entry.get("status", "")).strip().casefold().replace("-", "_")
        status = STATUS_WORDS.get(raw_status) or STATUS_WORDS.get(raw_status.replace("_", " "))
        if status is None:
            check.error((*at, "status"), f'okänd status "{entry.get("status", "")}"'
                        + did_you_mean(raw_status, [s.value for s in Status])
                        + f" ({STATUSES}; unassessed i ett utkast)")
            continue
        note = entry.get("note", "")
        if not isinstance(note, str):
            check.error((*at, "note"), "note ska vara text")
            note = ""
        items.append(ItemFollowUp(str(entry["item"]).strip(), status, note.strip(),
                                  Source(check.doc.path, check.doc.line(*at))))
    return FollowUp(of.strip(), tuple(items), Source(check.doc.path, check.doc.line("followup")))


def unfinished(check: Checker, followup: FollowUp | None, body: str, offset: int,
                draft: bool) -> None:
    """What `sitegen new` left for the editor: plan items not yet assessed and the
    placeholder text. Only a draft may publish (in the preview) with them: they would
    show a skeleton as the municipality's account."""
    severity = Severity.WARNING if draft else Severity.ERROR
    until = ("; det måste vara gjort innan draft: true tas bort" if draft
             else "; eller behåll draft: true tills det är gjort")
    for item in followup.items if followup is not None else ():
        if item.status is Status.UNASSESSED:
            check.problems.append(Problem(
                item.source.path, item.source.line,
                f'planpunkt "{item.item_id}" är inte bedömd: skriv status ({STATUSES}) '
                "eller ta bort punkten" + until, severity))
    at = body.find(SKELETON_TEXT)
    if at >= 0:
        check.problems.append(Problem(
            check.doc.path, offset + body.count("\n", 0, at) + 1,
            f'texten är inte skriven: "{SKELETON_TEXT}" står kvar' + until, severity))


def aliases(check: Checker) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """The aliases, normalized, and the line of each."""
    result = []
    for index, alias in enumerate(check.strings("aliases")):
        problem = alias_problem(alias)
        if problem:
            check.error(("aliases", index), problem)
        else:
            result.append((normalize_alias(alias), check.doc.line("aliases", index)))
    return tuple(a for a, _ in result), tuple(line for _, line in result)


def suggested(check: Checker, post_keys: tuple[str, ...]) -> None:
    """`suggested:` names the keys an importer filled in from the text (key: its evidence);
    each stays a warning until an editor has reviewed the value and removed its line."""
    value = check.doc.value.get("suggested")
    if value is None:
        return
    if not isinstance(value, dict):
        check.error(("suggested",), "suggested ska vara en tabell: nyckel: varför importen "
                                    "föreslog värdet")
        return
    keys = tuple(k for k in post_keys if k != "suggested")
    for key, why in value.items():
        if key not in keys:
            check.error(("suggested", key), f'okänd nyckel "{key}" i suggested'
                        + did_you_mean(str(key), keys))
        else:
            check.error(("suggested", key), f"ogranskat förslag från importen: {key}"
                        + (f" ({' '.join(str(why).split())})" if why else "")
                        + ". Granska värdet och ta bort raden under suggested",
                        Severity.WARNING)


def visit_needs(check: Checker, municipalities: tuple[Municipality, ...]) -> None:
    """A visit names at least one municipality and at least one theme."""
    value = check.doc.value
    if "municipalities" in value and not municipalities and check.strings(
            "municipalities") == []:
        check.error(("municipalities",), "ett kommunbesök behöver minst en kommun")
    elif "municipalities" not in value:
        check.error((), 'ett kommunbesök behöver "municipalities" med minst en kommun')
    if "themes" not in value or not check.strings("themes"):
        check.error(("themes",) if "themes" in value else (),
                    'ett kommunbesök behöver "themes" med minst ett tema')
