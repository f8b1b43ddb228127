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

from sitegen import frontmatter, urls
from sitegen.cachekey import digest
from sitegen.config import SiteConfig
from sitegen.errors import Problem, Severity, did_you_mean
from sitegen.frontmatter import SKELETON_TEXT as SKELETON_TEXT
from sitegen.markdown import Link, make_parser, render_markdown, summarize
from sitegen.model import (
    Html,
    NationalInput,
    Page,
    PlanItem,
    Post,
    Source,
    Theme,
)
from sitegen.registry import Register
from sitegen.slugs import SLUG_PATTERN, slugify
from sitegen.yamlfile import Located, load_yaml, read_text

POST_KEYS = ("title", "date", "export_order", "category", "municipalities", "themes", "summary",
             "authors", "aliases", "draft", "plan", "national_input", "followup", "suggested")
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
        long = urls.long_segment(slug)
        if long:
            problems.append(Problem(doc.path, doc.line(index, "slug"), f"temats adress: {long}; "
                                    "ge temat en kortare slug"))
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


@dataclass(frozen=True)
class ContentContext:
    config: SiteConfig
    register: Register
    vocabulary: Vocabulary
    md: MarkdownIt


def new_context(config: SiteConfig, register: Register, vocabulary: Vocabulary) -> ContentContext:
    return ContentContext(config, register, vocabulary, make_parser())


def _open(source: SourceFile, problems: list[Problem],
          keys: tuple[str, ...]) -> tuple[frontmatter.Checker, str, int] | None:
    """Split a file into a checker over its frontmatter, its body and the lines before
    the body; check the keys and the file name (which is the slug)."""
    split = split_frontmatter(source)
    if isinstance(split, Problem):
        problems.append(split)
        return None
    doc, body, offset = split
    check = frontmatter.Checker(doc, problems)
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
    title = check.text("title", required=True)
    date = frontmatter.date(check)
    category = check.text("category") or ctx.config.visit_category
    if category not in ctx.config.categories:
        check.error(("category",), f'okänd kategori "{category}"'
                    + did_you_mean(category, ctx.config.categories))
    municipalities = frontmatter.municipalities(check, ctx.register)
    themes = check.themes(("themes",), check.strings("themes"), ctx.vocabulary)
    if category == ctx.config.visit_category:
        frontmatter.visit_needs(check, municipalities)
    summary = check.text("summary") or ""
    authors = tuple(check.strings("authors"))
    aliases, alias_lines = frontmatter.aliases(check)
    draft = frontmatter.flag(check, "draft")
    plan = [PlanItem(i, text, th, Source(source.path, line))
            for i, text, th, line in frontmatter.items(check, "plan", ctx.vocabulary, with_id=True)]
    national = [NationalInput(text, th, Source(source.path, line))
                for _, text, th, line in frontmatter.items(check, "national_input", ctx.vocabulary,
                                                with_id=False)]
    followup = frontmatter.followup(check)
    frontmatter.unfinished(check, followup, body, offset, draft)
    frontmatter.suggested(check, POST_KEYS)
    if sum(p.is_error for p in problems) > before or title is None:
        return None
    rendered = render_markdown(ctx.md, body, line_offset=offset)
    summary = summary or summarize(rendered.first_paragraph)
    head = source.text[:len(source.text) - len(body)]  # the body is the text's end
    post = Post(
        slug=source.stem,
        title=title,
        date=date,
        export_order=frontmatter.export_order(check),
        category=category,
        municipalities=municipalities,
        themes=themes,
        body_html=Html(rendered.html, key=source.path),
        summary=summary,
        authors=authors,
        aliases=aliases,
        alias_lines=alias_lines,
        draft=draft,
        plan=tuple(plan),
        national_input=tuple(national),
        followup=followup,
        source=Source(source.path, 1),
        toc=rendered.toc,
        facts=digest(f"{source.path}\0{head}\0{summary}".encode()),
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
    aliases, alias_lines = frontmatter.aliases(check)
    if sum(p.is_error for p in problems) > before or title is None:
        return None
    rendered = render_markdown(ctx.md, body, line_offset=offset)
    page = Page(source.stem, title, rendered.html,
                summary or summarize(rendered.first_paragraph), Source(source.path, 1), order,
                aliases, alias_lines)
    return page, Loaded(rendered.links, rendered.anchors)


def folder_problems(root: Path) -> list[Problem]:
    """content/posts/ must be a folder: without it a build would publish a site with no
    posts at all (an empty folder is a site that has none yet)."""
    posts = root / "content" / "posts"
    if posts.is_dir():
        return []
    if posts.exists() or posts.is_symlink():
        why = ("är ingen mapp (en fil eller en länk till en fil)" if posts.exists()
               else "är en länk till något som inte finns")
        return [Problem("content/posts", 0, f"{why}; inläggen ska ligga i mappen "
                                            "content/posts/")]
    return [Problem("content/posts", 0, "mappen saknas; inläggen ska ligga i "
                                        "content/posts/<slug>.md (en tom mapp om det inte "
                                        "finns några inlägg än)")]


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
