"""The layouts' Jinja environment: what templates see, and its two fast paths.

Every fast path leans on Jinja's or MarkupSafe's internals, so each is a switch of
`FastPaths` (all on in `FAST_PATHS`; tests build with `PLAIN` and compare), and
`check_internals` fails loudly, before a template is compiled, when an internal it
relies on is gone or differs. The environment is never sandboxed nor async, which the
fast paths were not written for.
"""

from __future__ import annotations

import inspect
import os
import posixpath
import re
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import jinja2.meta
import jinja2.runtime
import markupsafe
from markupsafe import Markup

from sitegen.errors import FastPathBroken, Problem, SitegenError, did_you_mean
from sitegen.model import note_reads, reading_bodies


@dataclass(frozen=True)
class FastPaths:
    """Which fast paths the layouts' environment takes. Each gives the same output as
    Jinja's own code (tested by building with all of them off)."""

    escape: bool = True
    """{{ … }} escapes a str with MarkupSafe's C function `_escape_inner` and makes the
    Markup without Markup.__new__: ~2.5× markupsafe.escape on plain text, which is most
    of what templates show (~3 million calls at 10,000 posts). Rendering the 10,000-post
    benchmark's pages in one process: 6.83 → 6.08 s of CPU (BENCHMARKS.md)."""
    globals: bool = True
    """A template's globals are one dict, not Jinja's ChainMap over the environment's,
    which Jinja copies key by key, in Python, into every page's context (~25 µs a page).
    Rendering the 10,000-post benchmark's pages in one process: 6.68 → 6.08 s of CPU."""


FAST_PATHS = FastPaths()
"""What builds use."""
PLAIN = FastPaths(escape=False, globals=False)
"""Jinja's and MarkupSafe's own code throughout."""


def _params(function: Callable[..., Any]) -> list[str]:
    return list(inspect.signature(function).parameters)


def check_internals(fast: FastPaths) -> None:
    """Raise FastPathBroken if what a switched-on fast path relies on has changed."""
    broken: list[str] = []
    if fast.escape:
        inner = _escape_inner()
        if inner is None:
            broken.append("escape: markupsafe._speedups._escape_inner is gone")
        elif str.__new__(Markup, inner(_PROBE)) != markupsafe.escape(_PROBE):
            broken.append("escape: _escape_inner no longer escapes as markupsafe.escape")
        if (getattr(jinja2.runtime, "escape", None) is not markupsafe.escape
                or "escape" not in jinja2.runtime.exported):
            broken.append("escape: compiled templates no longer import markupsafe.escape")
        if _params(jinja2.Template._from_namespace) != ["environment", "namespace", "globals"]:
            broken.append("escape: jinja2.Template._from_namespace changed")
    if fast.globals and _params(jinja2.Environment.make_globals) != ["self", "d"]:
        broken.append("globals: jinja2.Environment.make_globals changed")
    if broken:
        raise FastPathBroken("; ".join(broken))


_PROBE = "<a href=\"x\" title='y'>&amp; å</a>"


def _escape_inner() -> Callable[[str], str] | None:
    try:
        from markupsafe._speedups import _escape_inner
    except ImportError:
        return None
    inner: Callable[[str], str] = _escape_inner
    return inner


def _fast_escape(inner: Callable[[str], str]) -> Callable[[Any], Markup]:
    def escape(value: Any) -> Markup:
        """markupsafe.escape, the same result for a str without Markup.__new__."""
        if type(value) is str:
            return str.__new__(Markup, inner(value))
        return markupsafe.escape(value)

    return escape


class _Template(jinja2.Template):
    """A template whose {{ … }} escape with the environment's `fast_escape`."""

    @classmethod
    def _from_namespace(cls, environment: jinja2.Environment,
                        namespace: MutableMapping[str, Any], globals: Any) -> Any:
        if namespace.get("escape") is not markupsafe.escape:
            raise FastPathBroken("escape: a compiled template no longer imports "
                                 "markupsafe.escape")
        namespace["escape"] = environment.fast_escape  # type: ignore[attr-defined]
        return super()._from_namespace(environment, namespace, globals)


class _Environment(jinja2.Environment):
    """Jinja's environment with the switched-on fast paths. With `globals` on, the
    environment's globals must be complete before a template is loaded (as Jinja asks)."""

    fast = PLAIN

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        if self.fast.globals:
            return {**self.globals, **(d or {})}
        return super().make_globals(d)


def environment(layouts: Path | None, fast: FastPaths | None = None) -> jinja2.Environment:
    """The environment the layouts in `layouts` are rendered with (`fast`: FAST_PATHS
    unless given)."""
    fast = fast if fast is not None else FAST_PATHS
    check_internals(fast)
    env = _Environment(
        loader=jinja2.FileSystemLoader(layouts) if layouts is not None else None,
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # templates do not change during a build: no stat per page
    )
    env.fast = fast
    if env.is_async or getattr(env, "sandboxed", False):
        raise FastPathBroken("the layouts' environment must be neither async nor sandboxed")
    inner = _escape_inner()
    if fast.escape and inner is not None:
        env.fast_escape = _fast_escape(inner)  # type: ignore[attr-defined]
        env.template_class = _Template
    return env


class MissingAsset(jinja2.TemplateRuntimeError):
    def __init__(self, name: str) -> None:
        super().__init__(f"assets/{name} saknas")
        self.name = name


class Templates:
    """The layouts, ready to render pages: the environment with its globals (the
    template API: `site`, `config`, `urls`, `asset`, `absolute`, `date`,
    `category_label`, `fragment`) and this process's fragments."""

    def __init__(self, layouts: Path, globals: Mapping[str, Any],
                 assets: Mapping[str, str], fast: FastPaths | None = None) -> None:
        self.env = environment(layouts, fast)
        self.layouts = layouts
        self.assets = assets
        """Name under assets/ → its content-hashed URL."""
        self.env.globals.update(globals, asset=self.asset_url, fragment=self.fragment)
        self._fragments: dict[tuple[str, int, tuple[Any, ...]],
                              tuple[Any, Markup, frozenset[str]]] = {}
        self._macros: Any = None

    def render(self, template: str, url: str, context: Mapping[str, Any],
               ) -> tuple[bytes, frozenset[str]]:
        """The page at `url`, and the source paths of the posts whose bodies it shows.
        Raises jinja2.TemplateError (see `problem`), also for what a template's own
        expressions raise (`{{ 1/0 }}`, `{{ [].pop() }}`, a template that includes
        itself): RenderFailed, located at the layout and line that raised it."""
        try:
            with reading_bodies() as reads:
                data = self.env.get_template(template).render(context, url=url).encode()
        except (jinja2.TemplateSyntaxError, jinja2.TemplateNotFound, MissingAsset,
                SitegenError, FastPathBroken):
            raise
        except Exception as exc:  # raised by an expression in a layout
            raise RenderFailed(exc, self.layouts) from exc
        return data, frozenset(reads)

    def asset_url(self, name: str) -> str:
        url = self.assets.get(name)
        if url is None:
            raise MissingAsset(name)
        return url

    def fragment(self, macro: str, item: Any, *args: Any) -> Markup:
        """What the macro `macro` of macros.html makes of `item`, made once per build (and
        process) and reused on every page that shows it: a post's card is on up to ten
        list pages, its feed entry in up to seven feeds. The macro sees only the site's
        globals, never a page's context, so its output cannot depend on the page."""
        key = (macro, id(item), args)
        try:
            made = self._fragments.get(key)
        except TypeError:
            raise jinja2.TemplateRuntimeError(
                f"fragment({macro!r}, …): fler argument än det första måste vara enkla "
                "värden (text, tal, sant/falskt)") from None
        if made is None:
            if self._macros is None:
                self._macros = self.env.get_template("macros.html").module
            make = getattr(self._macros, macro, None)
            if not isinstance(make, jinja2.runtime.Macro):
                names = [n for n in dir(self._macros) if not n.startswith("_")]
                raise jinja2.TemplateRuntimeError(
                    f"fragment: layouts/macros.html har inget makro {macro!r}"
                    + did_you_mean(macro, names))
            with reading_bodies() as reads:
                html = Markup(make(item, *args))  # a macro's output, escaped already
            # the item is kept with its fragment, so its id stays unique
            made = self._fragments[key] = (item, html, frozenset(reads))
        note_reads(made[2])
        return made[1]


def problem(exc: jinja2.TemplateError, template: str) -> Problem:
    """A template error as the user sees it: the layout (or asset) and line."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        name = exc.filename or exc.name or template
        return Problem(f"layouts/{posixpath.basename(name)}", exc.lineno or 0,
                       f"mallfel: {exc.message}")
    if isinstance(exc, MissingAsset):
        return Problem(f"assets/{exc.name}", 0, "filen saknas men används av mallarna")
    if isinstance(exc, jinja2.TemplateNotFound):
        return Problem(f"layouts/{template}", 0, f"mallen saknas: {exc.name}")
    where = exc.where if isinstance(exc, RenderFailed) else None
    name, line = where if where is not None else (template, 0)
    return Problem(f"layouts/{name}", line, f"mallfel: {exc}")


class RenderFailed(jinja2.TemplateRuntimeError):
    """An expression in a layout raised something other than a template error: what,
    and where (the innermost layout and line its traceback passes through)."""

    def __init__(self, exc: Exception, layouts: Path) -> None:
        super().__init__(_what_failed(exc))
        self.where = _innermost_layout(exc, layouts)


def _what_failed(exc: Exception) -> str:
    if isinstance(exc, jinja2.TemplateError):
        return str(exc)
    if isinstance(exc, RecursionError):
        return ("mallen anropar sig själv utan slut (en mall som inkluderar eller ärver "
                "sig själv, eller ett makro som anropar sig självt)")
    if isinstance(exc, ZeroDivisionError):
        return "division med noll"
    return f"{type(exc).__name__}: {exc}"


def _innermost_layout(exc: BaseException, layouts: Path) -> tuple[str, int] | None:
    """The layout (relative to layouts/) and line of the innermost template frame in
    `exc`'s traceback: Jinja gives template code the template's file name and line."""
    top = f"{layouts}{os.sep}"
    where = None
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.startswith(top):
            where = (Path(filename[len(top):]).as_posix(), tb.tb_lineno)
        tb = tb.tb_next
    return where


SEARCH_MARK = "data-pagefind-body"
"""The attribute that makes a page a search result (Pagefind indexes only those)."""
_RESULT = re.compile(rb"<[A-Za-z][^<>]*\s" + re.escape(SEARCH_MARK.encode()) + rb"[\s/>=]")
"""An element that carries SEARCH_MARK (text can hold no `<`, so a post that writes the
word is not a result)."""


def marks_result(page: bytes) -> bool:
    """Whether the page's HTML marks it as a search result."""
    return _RESULT.search(page) is not None


def search_folders(layouts: Path, templates: Mapping[str, str]) -> frozenset[str] | None:
    """The top folders of the pages (output path → template) whose templates may mark
    them as search results, so Pagefind reads only those (at 10,000 posts the other pages
    are half the site's bytes). None when such a page lies at the top: Pagefind reads it
    all. Called only when the index is built: parsing the layouts takes a tenth of a
    second."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(layouts))
    marks: dict[str, bool] = {}

    def may_mark(template: str) -> bool:
        """Whether `template`, or one it extends, includes or imports, holds SEARCH_MARK."""
        if template not in marks:
            marks[template] = False  # while it is looked at: a cycle adds nothing
            try:
                source = env.loader.get_source(env, template)[0]  # type: ignore[union-attr]
                refs = jinja2.meta.find_referenced_templates(env.parse(source))
                marks[template] = SEARCH_MARK in source or any(
                    ref is None or may_mark(ref) for ref in refs)
            except jinja2.TemplateError:
                marks[template] = True  # a broken layout fails the build anyway
        return marks[template]

    folders = set()
    for path, template in templates.items():
        if may_mark(template):
            folder, slash, _ = path.partition("/")
            if not slash:
                return None
            folders.add(folder)
    return frozenset(folders)
