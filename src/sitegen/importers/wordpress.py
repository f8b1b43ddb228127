"""Import a WordPress export (WXR 1.0–1.2).

Posts and pages become Markdown files; comments, pingbacks, trackbacks, attachments
and menu items are dropped and counted; old URLs become aliases; categories and tags
are mapped to municipalities and themes, and every term we could not map is reported.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import html
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from defusedxml.ElementTree import fromstring  # type: ignore[import-untyped]
from markdownify import markdownify

from sitegen.errors import Problem, Severity, SitegenError, did_you_mean
from sitegen.importers.report import ImportReport
from sitegen.importers.themes import ThemeName, read_themes, theme_index
from sitegen.importers.writer import render_document, write_file
from sitegen.progress import Progress, silent
from sitegen.registry import Municipality, Register, default_register
from sitegen.slugs import SLUG_PATTERN, slugify

CATEGORIES = ("kommunbesok", "ovrigt", "dialoger", "kunskap-kompetens", "matning")
"""The old blog's categories, which are also the first URL segment of a post."""

_WP_NS = re.compile(r"^https?://wordpress\.org/export/1\.\d+/$")
_EXCERPT_NS = re.compile(r"^https?://wordpress\.org/export/1\.\d+/excerpt/$")
_NAMESPACES = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://wellformedweb.org/CommentAPI/": "wfw",
}
_DRAFT_STATUSES = {
    "draft": "utkast",
    "future": "schemalagt (future)",
    "private": "privat",
    "pending": "väntar på granskning (pending)",
}
_IGNORED_TERMS = {"uncategorized", "okategoriserade", "okategoriserad"}
_TIMEZONE = "Europe/Stockholm"


@dataclass
class _Mapping:
    municipality: str | None = None
    theme: str | None = None
    ignore: bool = False


@dataclass
class _Item:
    kind: str
    """"post" or "page"."""
    meta: dict[str, Any]
    body: str
    slug: str
    line: int
    terms: list[tuple[str, str, str]] = field(default_factory=list)


def import_wordpress(export: Path, site_root: Path, *, force: bool = False,
                     mapping: Path | None = None, progress: Progress = silent) -> ImportReport:
    """Import the posts and pages of a WordPress export into `site_root/content/`."""
    shown = export.as_posix()
    try:
        raw = export.read_bytes()
    except OSError as exc:
        raise SitegenError([Problem(shown, 0, f"kan inte läsa filen: {exc.strerror}")]) from exc
    root = _parse(raw, shown)
    text = raw.decode("utf-8", errors="replace")
    channel = _first(root, "channel")
    if channel is None:
        raise SitegenError([Problem(shown, 1, "ogiltig WXR: inget <channel>-element")])
    register = default_register()
    themes = read_themes(site_root)
    terms_map = _read_mapping(mapping, register, themes) if mapping else {}
    report = ImportReport()
    authors = _authors(channel)
    lines = _item_lines(text)
    converter = _Converter(register, theme_index(themes), terms_map, report)
    used: dict[tuple[str, str], str] = {}
    items = _children(channel, "item")
    for done, item in enumerate(items):
        progress("Importerar", done, len(items))
        parsed = converter.item(item, authors, lines, shown)
        if parsed is None:
            continue
        key = (parsed.kind, parsed.slug)
        if key in used:
            base = parsed.slug
            n = 2
            while (parsed.kind, f"{base}-{n}") in used:
                n += 1
            parsed.slug = f"{base}-{n}"
            report.warnings.append(Problem(
                shown, parsed.line,
                f'slugen "{base}" används redan av "{used[key]}"; skrev som "{parsed.slug}"',
                Severity.WARNING))
        used[(parsed.kind, parsed.slug)] = str(parsed.meta.get("title", ""))
        folder = "posts" if parsed.kind == "post" else "pages"
        target = site_root / "content" / folder / f"{parsed.slug}.md"
        if parsed.kind == "post":
            category = parsed.meta["category"]
            url = f"/{category}/{parsed.slug}/"
            parsed.meta["aliases"] = [a for a in parsed.meta.get("aliases", []) if a != url]
            rel = target.relative_to(site_root).as_posix()
            if parsed.meta.get("draft"):
                report.drafts.append((rel, str(parsed.meta.pop("_draft_reason"))))
            if "date" not in parsed.meta:
                report.missing_dates.append(rel)
        parsed.meta.pop("_draft_reason", None)
        write_file(target, render_document(parsed.meta, parsed.body), site_root, report,
                   force=force)
    progress("Importerar", len(items), len(items))
    report.site_aliases.update(converter.site_aliases)
    return report


def _parse(raw: bytes, shown: str) -> ET.Element:
    try:
        root: ET.Element = fromstring(raw)
    except ET.ParseError as exc:
        line, _column = exc.position
        message = re.sub(r":\s*line \d+, column \d+$", "", str(exc))
        raise SitegenError([Problem(shown, line, f"ogiltig XML: {message}")]) from None
    except DefusedXmlException as exc:
        raise SitegenError([Problem(shown, 1, f"ogiltig XML: otillåten konstruktion ({exc})")]
                           ) from None
    return root


def _key(tag: str) -> str:
    """"wp:post_id" for any WXR version's namespace, "content:encoded", "title"."""
    if not tag.startswith("{"):
        return tag
    ns, _, local = tag[1:].partition("}")
    if _WP_NS.match(ns):
        return f"wp:{local}"
    if _EXCERPT_NS.match(ns):
        return f"excerpt:{local}"
    prefix = _NAMESPACES.get(ns)
    return f"{prefix}:{local}" if prefix else local


def _children(element: ET.Element, key: str) -> list[ET.Element]:
    return [child for child in element if _key(child.tag) == key]


def _first(element: ET.Element, key: str) -> ET.Element | None:
    found = _children(element, key)
    return found[0] if found else None


def _text(element: ET.Element, key: str) -> str:
    child = _first(element, key)
    return (child.text or "").strip() if child is not None else ""


def _authors(channel: ET.Element) -> dict[str, str]:
    names: dict[str, str] = {}
    for author in _children(channel, "wp:author"):
        login = _text(author, "wp:author_login")
        display = _text(author, "wp:author_display_name")
        if login:
            names[login] = display or login
    return names


def _item_lines(text: str) -> dict[str, int]:
    """Source line of each item, by post id: for `path:line` warnings."""
    lines: dict[str, int] = {}
    for match in re.finditer(r"<item[\s>]", text):
        end = text.find("</item>", match.start())
        found = re.search(r"<wp:post_id>\s*(\d+)\s*</wp:post_id>", text[match.start():end])
        if found:
            lines.setdefault(found.group(1), text.count("\n", 0, match.start()) + 1)
    return lines


def _read_mapping(path: Path, register: Register,
                  themes: list[ThemeName]) -> dict[str, _Mapping]:
    shown = path.as_posix()
    try:
        source = path.read_text("utf-8")
        node = yaml.compose(source, Loader=yaml.SafeLoader)
    except OSError as exc:
        raise SitegenError([Problem(shown, 0, f"kan inte läsa filen: {exc.strerror}")]) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        raise SitegenError([Problem(shown, line, f"ogiltig YAML: {exc}")]) from None
    if node is None:
        return {}
    if not isinstance(node, yaml.MappingNode):
        raise SitegenError([Problem(shown, node.start_mark.line + 1,
                                    "mappningsfilen ska vara en tabell: term: {municipality: X}"
                                    " | {theme: Y} | ignore")])
    theme_names = {t.name.casefold(): t.name for t in themes}
    result: dict[str, _Mapping] = {}
    problems: list[Problem] = []
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 1
        term = str(key_node.value).strip()
        value = yaml.safe_load(yaml.serialize(value_node))
        if value == "ignore":
            result[term.casefold()] = _Mapping(ignore=True)
        elif isinstance(value, dict) and set(value) == {"municipality"}:
            found = register.lookup(str(value["municipality"]))
            if found is None:
                problems.append(Problem(shown, line, f'okänd kommun "{value["municipality"]}"'
                                        + did_you_mean(str(value["municipality"]),
                                                       register.names)))
            else:
                result[term.casefold()] = _Mapping(municipality=found.name)
        elif isinstance(value, dict) and set(value) == {"theme"}:
            name = theme_names.get(str(value["theme"]).casefold())
            if name is None:
                problems.append(Problem(shown, line, f'okänt tema "{value["theme"]}"'
                                        + did_you_mean(str(value["theme"]),
                                                       [t.name for t in themes])))
            else:
                result[term.casefold()] = _Mapping(theme=name)
        else:
            problems.append(Problem(shown, line, f'"{term}": värdet ska vara '
                                    "{municipality: X}, {theme: Y} eller ignore"))
    if problems:
        raise SitegenError(problems)
    return result


class _Converter:
    def __init__(self, register: Register, themes: dict[str, ThemeName],
                 mapping: dict[str, _Mapping], report: ImportReport) -> None:
        self.register = register
        self.themes = themes
        self.mapping = mapping
        self.report = report
        self.site_aliases: dict[str, str] = {}
        try:
            self.zone: ZoneInfo | None = ZoneInfo(_TIMEZONE)
        except ZoneInfoNotFoundError:
            self.zone = None

    def item(self, item: ET.Element, authors: dict[str, str], lines: dict[str, int],
             shown: str) -> _Item | None:
        report = self.report
        post_type = _text(item, "wp:post_type") or "post"
        post_id = _text(item, "wp:post_id")
        line = lines.get(post_id, 0)
        status = _text(item, "wp:status") or "publish"
        if post_type not in ("post", "page"):
            report.count(report.skipped_items, post_type)
            return None
        if status in ("trash", "auto-draft", "inherit"):
            report.count(report.skipped_items, f"{post_type} ({status})")
            return None
        self._count_comments(item)
        title = _plain(_text(item, "title"))
        draft_reason = _DRAFT_STATUSES.get(status)
        if draft_reason is None and status != "publish":
            draft_reason = f"okänd status {status}"
        if _text(item, "wp:post_password"):
            draft_reason = "lösenordsskyddat" if draft_reason is None else (
                f"{draft_reason}, lösenordsskyddat")
        raw_name = _text(item, "wp:post_name")
        slug = _slug(raw_name, title) or (f"{post_type}-{post_id}" if post_id else "")
        if not slug:
            report.warnings.append(Problem(shown, line, "varken titel eller slug; hoppades över",
                                           Severity.WARNING))
            return None
        if not title:
            report.warnings.append(Problem(shown, line, f'"{slug}" saknar titel; slugen används',
                                           Severity.WARNING))
            title = slug
        date = self._date(item)
        encoded = _first(item, "content:encoded")
        body, summary = self._body(encoded.text or "" if encoded is not None else "",
                                   shown, line)
        if post_type == "page":
            if draft_reason is not None:
                report.count(report.skipped_items, f"page ({status})")
                report.warnings.append(Problem(
                    shown, line, f'sidan "{title}" är inte publicerad ({draft_reason});'
                    " hoppades över", Severity.WARNING))
                return None
            old = _path(_text(item, "link"))
            if old and old != f"/{slug}/":
                self.site_aliases[old] = f"/{slug}/"
            if post_id:
                self.site_aliases[f"/?page_id={post_id}"] = f"/{slug}/"
            order = _text(item, "wp:menu_order")
            meta: dict[str, Any] = {"title": title, "summary": summary,
                                    "order": int(order) if order.lstrip("-").isdigit() else 0}
            return _Item("page", meta, body, slug, line)
        terms = [(el.get("domain", ""), el.get("nicename", ""), _plain(el.text or ""))
                 for el in _children(item, "category")]
        municipalities, themes = self._map_terms(terms)
        category = self._category(terms, municipalities)
        creator = _text(item, "dc:creator")
        meta = {
            "title": title,
            "date": date,
            "category": category,
            "municipalities": municipalities,
            "themes": themes,
            "summary": summary,
            "authors": [authors.get(creator, creator)] if creator else [],
            "aliases": [],
            "draft": True if draft_reason else None,
            "_draft_reason": draft_reason,
        }
        if draft_reason is None:
            aliases: list[str] = []
            old = _path(_text(item, "link"))
            if old:
                aliases.append(old)
            if post_id:
                aliases.append(f"/?p={post_id}")
            if date is not None:
                old_slug = unquote(raw_name) if raw_name else slug
                aliases.append(f"/{date:%Y}/{date:%m}/{old_slug}/")
            meta["aliases"] = list(dict.fromkeys(aliases))
        return _Item("post", meta, body, slug, line, terms)

    def _count_comments(self, item: ET.Element) -> None:
        for comment in _children(item, "wp:comment"):
            kind = _text(comment, "wp:comment_type")
            if kind == "pingback":
                self.report.pingbacks_dropped += 1
            elif kind == "trackback":
                self.report.trackbacks_dropped += 1
            else:
                self.report.comments_dropped += 1

    def _date(self, item: ET.Element) -> dt.date | None:
        gmt = _text(item, "wp:post_date_gmt")
        moment: dt.datetime | None = None
        if gmt and not gmt.startswith("0000"):
            try:
                moment = dt.datetime.strptime(gmt, "%Y-%m-%d %H:%M:%S").replace(tzinfo=dt.UTC)
            except ValueError:
                moment = None
        if moment is None:
            pub = _text(item, "pubDate")
            if pub:
                try:
                    moment = email.utils.parsedate_to_datetime(pub)
                except (TypeError, ValueError):
                    moment = None
                if moment is not None and moment.year < 1971:
                    moment = None  # WordPress writes the epoch for unpublished posts
        if moment is not None and moment.tzinfo is not None and self.zone is not None:
            return moment.astimezone(self.zone).date()
        local = _text(item, "wp:post_date")
        if local and not local.startswith("0000"):
            try:
                return dt.datetime.strptime(local, "%Y-%m-%d %H:%M:%S").date()
            except ValueError:
                return None
        return moment.date() if moment is not None else None

    def _map_terms(self, terms: list[tuple[str, str, str]]) -> tuple[list[str], list[str]]:
        municipalities: list[str] = []
        themes: list[str] = []
        for domain, nicename, name in terms:
            if domain not in ("category", "post_tag"):
                continue
            mapped = self.mapping.get(name.casefold()) or self.mapping.get(nicename.casefold())
            archive = f"/{'category' if domain == 'category' else 'tag'}/{nicename}/"
            if mapped is not None:
                if mapped.municipality:
                    municipalities.append(mapped.municipality)
                    self._suggest(archive, self.register.lookup(mapped.municipality))
                elif mapped.theme:
                    themes.append(mapped.theme)
                    self._suggest_theme(archive, self.themes.get(mapped.theme.casefold()))
                continue
            if domain == "category" and (nicename in CATEGORIES
                                         or nicename.casefold() in _IGNORED_TERMS):
                if nicename in CATEGORIES and nicename:
                    self.site_aliases.setdefault(archive, "/arkiv/")
                continue
            found = self.register.lookup(name) or (
                self.register.lookup(nicename) if nicename else None)
            if found is not None:
                municipalities.append(found.name)
                self._suggest(archive, found)
                continue
            theme = self.themes.get(name.casefold().strip()) or (
                self.themes.get(nicename.casefold()) if nicename else None)
            if theme is not None:
                themes.append(theme.name)
                self._suggest_theme(archive, theme)
                continue
            self.report.count(self.report.unmapped_terms, name or nicename)
        return list(dict.fromkeys(municipalities)), list(dict.fromkeys(themes))

    def _suggest(self, archive: str, municipality: Municipality | None) -> None:
        if municipality is not None and archive.rstrip("/") not in ("/category", "/tag"):
            self.site_aliases.setdefault(archive, f"/kommun/{municipality.slug}/")

    def _suggest_theme(self, archive: str, theme: ThemeName | None) -> None:
        if theme is not None and archive.rstrip("/") not in ("/category", "/tag"):
            self.site_aliases.setdefault(archive, f"/tema/{theme.slug}/")

    def _category(self, terms: list[tuple[str, str, str]], municipalities: list[str]) -> str:
        for domain, nicename, _name in terms:
            if domain == "category":
                if nicename in CATEGORIES:
                    return nicename
                break
        return "kommunbesok" if municipalities else "ovrigt"

    def _body(self, source: str, shown: str, line: int) -> tuple[str, str]:
        source, n = _BLOCK_COMMENT.subn("", source)
        self.report.block_comments_removed += n
        source = self._shortcodes(source, shown, line)
        summary = ""
        more = _MORE.search(source)
        if more:
            summary = _plain(source[: more.start()])
            source = source[: more.start()] + "\n\n" + source[more.end():]
        return _to_markdown(_autop(source)), summary

    def _shortcodes(self, source: str, shown: str, line: int) -> str:
        report = self.report

        def caption(match: re.Match[str]) -> str:
            report.count(report.shortcodes, match.group(1))
            inner = match.group(3)
            cut = inner.rfind(">")
            markup, text = (inner[: cut + 1], inner[cut + 1:]) if cut >= 0 else ("", inner)
            text = text.strip() or _attribute(match.group(2), "caption")
            return f"\n\n{markup}\n\n<p>{text}</p>\n\n" if text else f"\n\n{markup}\n\n"

        def embed(match: re.Match[str]) -> str:
            report.count(report.shortcodes, "embed")
            url = html.escape(match.group(1).strip(), quote=True)
            return f'\n\n<p><a href="{url}">{url}</a></p>\n\n'

        def gallery(match: re.Match[str]) -> str:
            report.count(report.shortcodes, "gallery")
            report.warnings.append(Problem(shown, line, "ett galleri ([gallery]) togs bort; "
                                           "lägg in bilderna för hand", Severity.WARNING))
            return ""

        def other(match: re.Match[str]) -> str:
            closing = match.group(1) or match.group(3)
            if not closing:
                report.count(report.shortcodes, (match.group(2) or match.group(4)).lower())
            return ""

        source = _CAPTION.sub(caption, source)
        source = _EMBED.sub(embed, source)
        source = _GALLERY.sub(gallery, source)
        # Remaining shortcodes: the tags go, any text they enclose stays.
        opened = {(m.group(2) or m.group(4)).lower() for m in _OTHER.finditer(source)}
        source = _OTHER.sub(other, source)
        for name in opened:
            source = re.sub(rf"\[/{re.escape(name)}\]", "", source, flags=re.IGNORECASE)
        return source


_BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:.*?-->", re.DOTALL)
_MORE = re.compile(r"<!--more(?:\s[^>]*)?-->")
_CAPTION = re.compile(r"\[(caption|wp_caption)([^\]]*)\](.*?)\[/\1\]", re.DOTALL)
_EMBED = re.compile(r"\[embed[^\]]*\](.*?)\[/embed\]", re.DOTALL)
_GALLERY = re.compile(r"\[gallery[^\]]*\]")
_KNOWN = (
    "audio|video|playlist|wp_playlist|contact-form|contact-form-7|youtube|vimeo|soundcloud|"
    "googlemaps|iframe|column|columns|one_half|one_third|button|slideshow|gravityform|"
    "fusion_\\w+|vc_\\w+|et_pb_\\w+"
)
# A shortcode we know by name, or any [name attr="..."] or [name]...[/name] pair:
# plain bracketed words such as "[sic]" are text, not shortcodes.
_OTHER = re.compile(
    rf"\[(/?)((?:{_KNOWN})(?![\w-]))[^\]]*\]"
    r"|\[(/?)([a-z_][\w-]*)\s+[\w-]+=[^\]]*\]",
    re.IGNORECASE,
)


def _attribute(attributes: str, name: str) -> str:
    found = re.search(rf'{name}\s*=\s*"([^"]*)"', attributes)
    return found.group(1) if found else ""


_BLOCK_TAG = re.compile(
    r"^\s*</?(?:p|div|h[1-6]|ul|ol|li|table|thead|tbody|tfoot|tr|td|th|blockquote|pre|hr|"
    r"figure|figcaption|dl|dt|dd|section|article|aside|header|footer|nav|address|form|"
    r"fieldset|iframe|details|summary|style|script)\b",
    re.IGNORECASE,
)


def _autop(source: str) -> str:
    """WordPress stores classic-editor posts without <p>: blank lines are paragraphs
    and single newlines are line breaks (its wpautop). Do the same before converting."""
    chunks = re.split(r"\n\s*\n", source.replace("\r\n", "\n"))
    out: list[str] = []
    for chunk in chunks:
        if not chunk.strip():
            continue
        if _BLOCK_TAG.match(chunk):
            out.append(chunk)
        else:
            out.append("<p>" + chunk.strip().replace("\n", "<br />\n") + "</p>")
    return "\n\n".join(out)


def _to_markdown(source: str) -> str:
    text: str = markdownify(source, heading_style="ATX", bullets="-",
                            newline_style="BACKSLASH", strip=["script", "style"])
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _plain(text: str) -> str:
    """Plain text from a title or an excerpt that may hold tags or entities."""
    text = re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL)
    text = re.sub(r"<[^>]+>", "", text)
    return " ".join(html.unescape(text).split())


def _slug(raw_name: str, title: str) -> str:
    decoded = unquote(raw_name).strip()
    if decoded and SLUG_PATTERN.match(decoded):
        return decoded
    if decoded:
        return slugify(decoded.replace("-", " "))
    return slugify(title)


def _path(link: str) -> str:
    """The site-relative path of an old permalink; "" for query-only links (?p=)."""
    if not link:
        return ""
    path = unquote(urlparse(link).path)
    if not path or path == "/":
        return ""
    return path if path.endswith("/") or "." in path.rsplit("/", 1)[-1] else path + "/"
