"""Read and validate content/: the theme vocabulary, posts and pages.

Every problem of every file is collected; a file with errors yields no model object,
so later stages only ever see valid content.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Protocol

from markdown_it import MarkdownIt

from sitegen.config import SiteConfig
from sitegen.errors import Problem, Severity, did_you_mean
from sitegen.markdown import Link, make_parser, render_markdown, summarize
from sitegen.model import (
    FollowUp,
    Html,
    ItemFollowUp,
    NationalInput,
    Page,
    PlanItem,
    Post,
    Source,
    Status,
    Theme,
)
from sitegen.registry import Municipality, Register
from sitegen.site import alias_problem, normalize_alias
from sitegen.slugs import SLUG_PATTERN, slugify
from sitegen.yamlfile import Located, load_yaml, read_text

POST_KEYS = ("title", "date", "category", "municipalities", "themes", "summary", "authors",
             "aliases", "draft", "plan", "national_input", "followup", "suggested")
PAGE_KEYS = ("title", "summary", "order", "aliases", "draft")


@dataclass(frozen=True)
class Vocabulary:
    themes: tuple[Theme, ...]
    _lookup: dict[str, Theme]

    def find(self, name: str) -> Theme | None:
        """A theme by name, slug or synonym, ignoring case."""
        return self._lookup.get(" ".join(name.casefold().split()))

    @property
    def names(self) -> list[str]:
        return [t.name for t in self.themes]


@dataclass(frozen=True)
class SourceFile:
    """A content file read from disk: its frontmatter and body."""

    path: str
    """Path relative to the site root, e.g. content/posts/x.md."""
    stem: str
    text: str


@dataclass(frozen=True)
class Loaded:
    """What a valid post or page brings besides its model: for the link checks."""

    links: tuple[Link, ...]
    anchors: frozenset[str]


# ---------------------------------------------------------------- reading files


def read_source(path: Path, root: Path) -> SourceFile | Problem:
    """Read a UTF-8 text file (a BOM and Windows line endings are forgiven)."""
    shown = path.relative_to(root).as_posix()
    text = read_text(path, shown)
    if isinstance(text, Problem):
        return text
    return SourceFile(shown, path.stem, text)


def split_frontmatter(source: SourceFile) -> tuple[Located, str, int] | Problem:
    """(frontmatter, body, lines before the body)."""
    text = source.text
    if not text.strip():
        return Problem(source.path, 1, "filen är tom; ett inlägg börjar med frontmatter mellan "
                                       "två rader ---")
    if text.split("\n", 1)[0].rstrip() != "---":
        return Problem(source.path, 1, "frontmatter saknas: filen ska börja med en rad ---")
    lines = text.split("\n")
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            break
    else:
        return Problem(source.path, 1, "frontmatter avslutas inte: lägg till en rad --- efter "
                                       "den")
    doc = load_yaml("\n".join(lines[1:index]), source.path, line_offset=1)
    if isinstance(doc, Problem):
        return doc
    if not isinstance(doc.value, dict):
        return Problem(source.path, 2, "frontmatter ska vara en tabell av nycklar (title: ..., "
                                       "date: ...)")
    return doc, "\n".join(lines[index + 1:]), index + 1


# ---------------------------------------------------------------- themes


def load_vocabulary(root: Path) -> Vocabulary | list[Problem]:
    path = root / "content" / "themes.yaml"
    shown = "content/themes.yaml"
    if not path.is_file():
        return [Problem(shown, 0, "temaförteckningen saknas")]
    source = read_source(path, root)
    if isinstance(source, Problem):
        return [source]
    doc = load_yaml(source.text, shown)
    if isinstance(doc, Problem):
        return [doc]
    return parse_vocabulary(doc)


def parse_vocabulary(doc: Located) -> Vocabulary | list[Problem]:
    if not isinstance(doc.value, list):
        return [Problem(doc.path, 1, "temaförteckningen ska vara en lista av teman")]
    problems: list[Problem] = []
    themes: list[Theme] = []
    lookup: dict[str, Theme] = {}
    allowed = ("name", "slug", "description", "synonyms", "keep")
    for index, entry in enumerate(doc.value):
        line = doc.line(index)
        if not isinstance(entry, dict):
            problems.append(Problem(doc.path, line, "ett tema ska ha name, slug och description"))
            continue
        for key in entry:
            if key not in allowed:
                problems.append(Problem(doc.path, doc.line(index, key), f'okänd nyckel "{key}"'
                                        + did_you_mean(str(key), allowed)))
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            problems.append(Problem(doc.path, line, "temat saknar name"))
            continue
        slug = entry.get("slug", slugify(name))
        if not isinstance(slug, str) or not SLUG_PATTERN.match(slug):
            problems.append(Problem(doc.path, doc.line(index, "slug"),
                                    f'ogiltig slug "{slug}" (a-z, 0-9 och -)'))
            continue
        synonyms = entry.get("synonyms", [])
        if not isinstance(synonyms, list) or not all(isinstance(s, str) for s in synonyms):
            problems.append(Problem(doc.path, doc.line(index, "synonyms"),
                                    "synonyms ska vara en lista av ord"))
            continue
        description = entry.get("description", "")
        if not isinstance(description, str):
            problems.append(Problem(doc.path, doc.line(index, "description"),
                                    "description ska vara text"))
            continue
        keep = entry.get("keep", False)
        if not isinstance(keep, bool):
            problems.append(Problem(doc.path, doc.line(index, "keep"),
                                    "keep ska vara true eller false"))
            continue
        theme = Theme(name.strip(), slug, description.strip(), tuple(synonyms), keep)
        for word in (theme.name, theme.slug, *theme.synonyms):
            key = " ".join(word.casefold().split())
            other = lookup.get(key)
            if other is not None and other != theme:
                problems.append(Problem(doc.path, line, f'"{word}" används redan av temat '
                                                        f'"{other.name}"'))
            lookup[key] = theme
        themes.append(theme)
    slugs = [t.slug for t in themes]
    for theme in themes:
        if slugs.count(theme.slug) > 1:
            problems.append(Problem(doc.path, 0, f'två teman har sluggen "{theme.slug}"'))
            break
    if problems:
        return problems
    return Vocabulary(tuple(themes), lookup)


# ---------------------------------------------------------------- posts


@dataclass
class _Checker:
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
               vocabulary: Vocabulary) -> tuple[Theme, ...]:
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


def _date(check: _Checker) -> dt.date | None:
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


def _municipalities(check: _Checker, register: Register) -> tuple[Municipality, ...]:
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


def _items(check: _Checker, key: str, vocabulary: Vocabulary,
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


_STATUS_WORDS = {s.value: s for s in Status} | {
    "in progress": Status.IN_PROGRESS, "not started": Status.NOT_STARTED,
    "genomförd": Status.DONE, "klar": Status.DONE, "pågår": Status.IN_PROGRESS,
    "ej påbörjad": Status.NOT_STARTED, "struken": Status.DROPPED,
    "ej bedömd": Status.UNASSESSED, "inte bedömd": Status.UNASSESSED,
    # No status written yet is not a status either.
    "": Status.UNASSESSED, "none": Status.UNASSESSED,
}
_STATUSES = "done, in_progress, not_started, dropped"

UNKNOWN_DATE = "okänt"
"""`date: okänt`: the post's date is known to be lost (an imported post); it builds
without the warning a missing date gets."""

SKELETON_TEXT = "Skriv inlägget här."
"""The body `sitegen new` writes; a post that still holds it is not written yet."""


def _followup(check: _Checker) -> FollowUp | None:
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
        status = _STATUS_WORDS.get(raw_status) or _STATUS_WORDS.get(raw_status.replace("_", " "))
        if status is None:
            check.error((*at, "status"), f'okänd status "{entry.get("status", "")}"'
                        + did_you_mean(raw_status, [s.value for s in Status])
                        + f" ({_STATUSES}; unassessed i ett utkast)")
            continue
        note = entry.get("note", "")
        if not isinstance(note, str):
            check.error((*at, "note"), "note ska vara text")
            note = ""
        items.append(ItemFollowUp(str(entry["item"]).strip(), status, note.strip(),
                                  Source(check.doc.path, check.doc.line(*at))))
    return FollowUp(of.strip(), tuple(items), Source(check.doc.path, check.doc.line("followup")))


def _unfinished(check: _Checker, followup: FollowUp | None, body: str, offset: int,
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
                f'planpunkt "{item.item_id}" är inte bedömd: skriv status ({_STATUSES}) '
                "eller ta bort punkten" + until, severity))
    at = body.find(SKELETON_TEXT)
    if at >= 0:
        check.problems.append(Problem(
            check.doc.path, offset + body.count("\n", 0, at) + 1,
            f'texten är inte skriven: "{SKELETON_TEXT}" står kvar' + until, severity))


def future_dates(root: Path, posts: list[Post], today: dt.date) -> list[Problem]:
    """A date more than a week ahead is most likely a typo (2061 for 2016). Not part of
    parsing, whose results are cached: this depends on the day."""
    return [Problem(p.source.path, _date_line(root / p.source.path),
                    f"datumet {p.date} ligger mer än en vecka fram i tiden; stämmer det?",
                    Severity.WARNING)
            for p in posts if p.date is not None and p.date > today + dt.timedelta(days=7)]


def _date_line(path: Path) -> int:
    text = read_text(path, "")
    lines = text.split("\n") if isinstance(text, str) else []
    return next((n for n, line in enumerate(lines, 1) if line.startswith("date:")), 0)


def _aliases(check: _Checker) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """The aliases, normalized, and the line of each."""
    result = []
    for index, alias in enumerate(check.strings("aliases")):
        problem = alias_problem(alias)
        if problem:
            check.error(("aliases", index), problem)
        else:
            result.append((normalize_alias(alias), check.doc.line("aliases", index)))
    return tuple(a for a, _ in result), tuple(line for _, line in result)


def _suggested(check: _Checker) -> None:
    """`suggested:` names the keys an importer filled in from the text (key: its evidence);
    each stays a warning until an editor has reviewed the value and removed its line."""
    value = check.doc.value.get("suggested")
    if value is None:
        return
    if not isinstance(value, dict):
        check.error(("suggested",), "suggested ska vara en tabell: nyckel: varför importen "
                                    "föreslog värdet")
        return
    keys = tuple(k for k in POST_KEYS if k != "suggested")
    for key, why in value.items():
        if key not in keys:
            check.error(("suggested", key), f'okänd nyckel "{key}" i suggested'
                        + did_you_mean(str(key), keys))
        else:
            check.error(("suggested", key), f"ogranskat förslag från importen: {key}"
                        + (f" ({' '.join(str(why).split())})" if why else "")
                        + ". Granska värdet och ta bort raden under suggested",
                        Severity.WARNING)


@dataclass(frozen=True)
class ContentContext:
    config: SiteConfig
    register: Register
    vocabulary: Vocabulary
    md: MarkdownIt


def new_context(config: SiteConfig, register: Register, vocabulary: Vocabulary) -> ContentContext:
    return ContentContext(config, register, vocabulary, make_parser())


def _open(source: SourceFile, problems: list[Problem],
          keys: tuple[str, ...]) -> tuple[_Checker, str, int] | None:
    """Split a file into a checker over its frontmatter, its body and the lines before
    the body; check the keys and the file name (which is the slug)."""
    split = split_frontmatter(source)
    if isinstance(split, Problem):
        problems.append(split)
        return None
    doc, body, offset = split
    check = _Checker(doc, problems)
    check.unknown_keys((), doc.value, keys)
    if not SLUG_PATTERN.match(source.stem):
        check.error((), f'filnamnet "{source.stem}.md" är ingen giltig slug; döp om filen till '
                        f'"{slugify(source.stem) or "post"}.md"')
    return check, body, offset


def parse_post(source: SourceFile, ctx: ContentContext,
               problems: list[Problem]) -> tuple[Post, Loaded] | None:
    """Validate one post. Problems go to `problems`; None when the post has errors."""
    before = sum(p.is_error for p in problems)
    opened = _open(source, problems, POST_KEYS)
    if opened is None:
        return None
    check, body, offset = opened
    doc = check.doc
    title = check.text("title", required=True)
    date = _date(check)
    category = check.text("category") or ctx.config.visit_category
    if category not in ctx.config.categories:
        check.error(("category",), f'okänd kategori "{category}"'
                    + did_you_mean(category, ctx.config.categories))
    municipalities = _municipalities(check, ctx.register)
    themes = check.themes(("themes",), check.strings("themes"), ctx.vocabulary)
    if category == ctx.config.visit_category:
        if "municipalities" in doc.value and not municipalities and check.strings(
                "municipalities") == []:
            check.error(("municipalities",), "ett kommunbesök behöver minst en kommun")
        elif "municipalities" not in doc.value:
            check.error((), 'ett kommunbesök behöver "municipalities" med minst en kommun')
        if "themes" not in doc.value or not check.strings("themes"):
            check.error(("themes",) if "themes" in doc.value else (),
                        'ett kommunbesök behöver "themes" med minst ett tema')
    summary = check.text("summary") or ""
    authors = tuple(check.strings("authors"))
    aliases, alias_lines = _aliases(check)
    draft = doc.value.get("draft", False)
    if not isinstance(draft, bool):
        check.error(("draft",), "draft ska vara true eller false")
        draft = False
    plan = [PlanItem(i, text, th, Source(source.path, line))
            for i, text, th, line in _items(check, "plan", ctx.vocabulary, with_id=True)]
    national = [NationalInput(text, th, Source(source.path, line))
                for _, text, th, line in _items(check, "national_input", ctx.vocabulary,
                                                with_id=False)]
    followup = _followup(check)
    _unfinished(check, followup, body, offset, draft)
    _suggested(check)
    if sum(p.is_error for p in problems) > before or title is None:
        return None
    rendered = render_markdown(ctx.md, body, line_offset=offset)
    post = Post(
        slug=source.stem,
        title=title,
        date=date,
        category=category,
        municipalities=municipalities,
        themes=themes,
        body_html=Html(rendered.html, key=source.path),
        summary=summary or summarize(rendered.first_paragraph),
        authors=authors,
        aliases=aliases,
        alias_lines=alias_lines,
        draft=draft,
        plan=tuple(plan),
        national_input=tuple(national),
        followup=followup,
        source=Source(source.path, 1),
        toc=rendered.toc,
    )
    return post, Loaded(rendered.links, rendered.anchors)


def parse_page(source: SourceFile, ctx: ContentContext,
               problems: list[Problem]) -> tuple[Page, Loaded] | None:
    before = sum(p.is_error for p in problems)
    opened = _open(source, problems, PAGE_KEYS)
    if opened is None:
        return None
    check, body, offset = opened
    doc = check.doc
    title = check.text("title", required=True)
    order = doc.value.get("order", 0)
    if not isinstance(order, int) or isinstance(order, bool):
        check.error(("order",), "order ska vara ett heltal")
        order = 0
    summary = check.text("summary") or ""
    aliases, alias_lines = _aliases(check)
    if sum(p.is_error for p in problems) > before or title is None:
        return None
    rendered = render_markdown(ctx.md, body, line_offset=offset)
    page = Page(source.stem, title, rendered.html,
                summary or summarize(rendered.first_paragraph), Source(source.path, 1), order,
                aliases, alias_lines)
    return page, Loaded(rendered.links, rendered.anchors)


def content_names(root: Path, folder: str) -> list[str]:
    """Names of the Markdown files of content/<folder>/, sorted so output never depends
    on the file system's order (names, not Paths: 10,000 Paths cost a tenth of a second).
    A broken link is one too, so that reading it reports it."""
    base = root / "content" / folder
    if not base.is_dir():
        return []
    with os.scandir(base) as entries:
        return sorted(e.name for e in entries if e.name.endswith(".md")
                      and not e.name.startswith(".")
                      and (e.is_file() or (e.is_symlink() and not os.path.exists(e.path))))


class Cache(Protocol):
    """What `load_all` asks of a cache of parsed files (parsecache.ParseCache)."""

    def load(self, names: list[str], read: Callable[[str], SourceFile | Problem],
             parse: Callable[[SourceFile], tuple[Any, list[Problem]]],
             ) -> list[tuple[Any, list[Problem]] | Problem]: ...


def load_all(root: Path, ctx: ContentContext, problems: list[Problem],
             parse: Callable[[SourceFile, ContentContext, list[Problem]], Any],
             folder: str, *, cache: Cache | None = None) -> list[Any]:
    """Read and parse every file of content/<folder>/ (a file the cache has is not
    parsed again); their problems go to `problems`."""
    names = [f"content/{folder}/{name}" for name in content_names(root, folder)]
    read = partial(_read, root)
    parse_one = partial(_parse, parse, ctx)
    outcomes = (cache.load(names, read, parse_one) if cache is not None
                else [_read_and_parse(read(shown), parse_one) for shown in names])
    results = []
    for outcome in outcomes:
        if isinstance(outcome, Problem):
            problems.append(outcome)
            continue
        parsed, found = outcome
        problems.extend(found)
        if parsed is not None:
            results.append(parsed)
    return results


def _read(root: Path, shown: str) -> SourceFile | Problem:
    return read_source(root / shown, root)


def _parse(parse: Callable[[SourceFile, ContentContext, list[Problem]], Any],
           ctx: ContentContext, source: SourceFile) -> tuple[Any, list[Problem]]:
    problems: list[Problem] = []
    return parse(source, ctx, problems), problems


def _read_and_parse(source: SourceFile | Problem,
                    parse: Callable[[SourceFile], tuple[Any, list[Problem]]],
                    ) -> tuple[Any, list[Problem]] | Problem:
    return source if isinstance(source, Problem) else parse(source)
