"""Import a WordPress export (WXR 1.0–1.2).

Posts and pages become Markdown files; comments, pingbacks, trackbacks, attachments
and menu items are dropped and counted; old URLs become aliases the build accepts;
categories and tags are mapped to municipalities and themes, and a visit that the
terms leave without one gets them suggested from its text (marked for review).
Every import builds: what could not be filled in is listed in the report.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from itertools import zip_longest
from pathlib import Path
from typing import Any
from urllib.parse import unquote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sitegen import urls as site_urls
from sitegen.errors import Problem, Severity, SitegenError
from sitegen.importers import wxr
from sitegen.importers.addresses import Claims, old_path, slug_for
from sitegen.importers.autop import autop_freeform
from sitegen.importers.html import plain, title_text, to_markdown
from sitegen.importers.media import Media
from sitegen.importers.report import ImportReport
from sitegen.importers.shortcodes import replace_shortcodes
from sitegen.importers.site import ImportSite, read_site, summary
from sitegen.importers.terms import Term, TermMapper, read_mapping
from sitegen.importers.writer import Outcome, render_document, write_file
from sitegen.progress import Progress, silent

_DRAFT_STATUSES = {
    "draft": "utkast",
    "future": "schemalagt (future)",
    "private": "privat",
    "pending": "väntar på granskning (pending)",
}
_TIMEZONE = "Europe/Stockholm"


@dataclass
class _Item:
    kind: str
    """"post" or "page"."""
    meta: dict[str, Any]
    body: str
    slug: str
    line: int
    post_id: str
    old: list[str] = field(default_factory=list)
    """Old addresses, in order of preference, before they are checked."""
    draft_reason: str | None = None
    todo: list[str] = field(default_factory=list)
    """What an editor must add by hand, and why."""

    @property
    def folder(self) -> str:
        return "posts" if self.kind == "post" else "pages"

    @property
    def url(self) -> str:
        if self.kind == "post":
            return site_urls.post(self.meta["category"], self.slug)
        return site_urls.page(self.slug)

    @property
    def file(self) -> str:
        return f"content/{self.folder}/{self.slug}.md"


def import_wordpress(export: Path, site_root: Path, *, force: bool = False,
                     mapping: Path | None = None, media: Path | None = None,
                     progress: Progress = silent) -> ImportReport:
    """Import the posts and pages of a WordPress export into `site_root/content/`."""
    shown = export.as_posix()
    try:
        raw = export.read_bytes()
    except OSError as exc:
        raise SitegenError([Problem(shown, 0, f"kan inte läsa filen: {exc.strerror}")]) from exc
    if media is not None and not media.is_dir():
        raise SitegenError([Problem(media.as_posix(), 0, "--media: mappen finns inte")])
    root = wxr.parse(raw, shown)
    channel = wxr.first(root, "channel")
    if channel is None:
        raise SitegenError([Problem(shown, 1, "ogiltig WXR: inget <channel>-element")])
    site = read_site(site_root)
    mapper = TermMapper(site.register, site.theme_index,
                        read_mapping(mapping, site.register, site.themes) if mapping else {},
                        site.categories)
    report = ImportReport()
    converter = _Converter(site, mapper, report, shown, wxr.authors(channel),
                           Media(site_root, wxr.site_hosts(channel), media, report, force))
    lines = wxr.item_lines(raw.decode("utf-8", errors="replace"))
    elements = wxr.children(channel, "item")
    items: list[_Item] = []
    for done, (element, line) in enumerate(zip_longest(elements, lines)):
        progress("Importerar", done, len(elements))
        parsed = converter.item(element, line or 0) if element is not None else None
        if parsed is not None:
            items.append(parsed)
    progress("Importerar", len(elements), len(elements))
    _unique_slugs(items, report, shown)
    claims = _aliases(items, site.categories, report, shown)
    for item in items:
        outcome = write_file(site_root / item.file, render_document(item.meta, item.body),
                             site_root, report, force=force)
        if item.kind == "page" or outcome is Outcome.KEPT:
            continue
        if item.draft_reason:
            report.drafts.append((item.file, item.draft_reason))
        if not item.meta.get("date"):
            report.missing_dates.append(item.file)
        report.todo += [(item.file, what) for what in item.todo]
        if item.meta.get("suggested"):
            report.suggestions.append((item.file, summary(item.meta["suggested"])))
    for old, new in sorted(mapper.site_aliases.items()):
        # Archive addresses held to the same rule: the block must build when pasted.
        kept, notes = claims.aliases([unquote(old)], "site.yaml")
        report.site_aliases.update((alias, new) for alias in kept)
        report.warnings += [Problem(shown, 0, note, Severity.WARNING) for note in notes]
    report.unmapped_terms.update(mapper.unmapped)
    if media is None and report.media_on_old_host:
        report.media_command = (f"sitegen import wordpress {export.as_posix()} "
                                "--media <kopia av wp-content/uploads> --force")
    return report


def _unique_slugs(items: list[_Item], report: ImportReport, shown: str) -> None:
    used: dict[tuple[str, str], str] = {}
    for item in items:
        key = (item.kind, item.slug)
        if key in used:
            base, n = item.slug, 2
            while (item.kind, f"{base}-{n}") in used:
                n += 1
            item.slug = f"{base}-{n}"
            report.warnings.append(Problem(
                shown, item.line, f'slugen "{base}" används redan av "{used[key]}"; skrev '
                f'som "{item.slug}"', Severity.WARNING))
        used[(item.kind, item.slug)] = str(item.meta.get("title", ""))


def _aliases(items: list[_Item], categories: tuple[str, ...], report: ImportReport,
             shown: str) -> Claims:
    """Each item's old addresses as aliases the build accepts: its own URL claimed
    first, then its aliases in export order; the first item with a post ID keeps
    /?p=ID (or /?page_id=ID) and a later one with the same ID is warned about."""
    claims = Claims(categories)
    for item in items:
        claims.url(item.url, item.file)
    ids: dict[str, _Item] = {}
    for item in items:
        old = item.old
        first = ids.setdefault(item.post_id, item) if item.post_id else item
        if first is not item:
            old = [a for a in old if not a.endswith(f"?p={item.post_id}")
                   and not a.endswith(f"?page_id={item.post_id}")]
            report.warnings.append(Problem(
                shown, item.line, f"post-ID {item.post_id} finns redan i exporten (rad "
                f"{first.line}, {first.file}); den gamla adressen med ID:t leder dit",
                Severity.WARNING))
        kept, notes = claims.aliases(old, item.file)
        if kept:
            item.meta["aliases"] = kept
        for note in notes:
            report.warnings.append(Problem(shown, item.line, note, Severity.WARNING))
    return claims


class _Converter:
    def __init__(self, site: ImportSite, mapper: TermMapper, report: ImportReport, shown: str,
                 authors: dict[str, str], media: Media) -> None:
        self.site = site
        self.mapper = mapper
        self.report = report
        self.shown = shown
        self.authors = authors
        self.media = media
        try:
            self.zone: ZoneInfo | None = ZoneInfo(_TIMEZONE)
        except ZoneInfoNotFoundError:
            self.zone = None

    def warn(self, line: int, message: str) -> None:
        self.report.warnings.append(Problem(self.shown, line, message, Severity.WARNING))

    def item(self, item: ET.Element, line: int) -> _Item | None:
        report = self.report
        post_type = wxr.text(item, "wp:post_type") or "post"
        status = wxr.text(item, "wp:status") or "publish"
        if post_type not in ("post", "page"):
            report.count(report.skipped_items, post_type)
            return None
        if status in ("trash", "auto-draft", "inherit"):
            report.count(report.skipped_items, f"{post_type} ({status})")
            return None
        self._count_comments(item)
        post_id = wxr.text(item, "wp:post_id")
        title = title_text(wxr.text(item, "title"))
        raw_name = wxr.text(item, "wp:post_name")
        slug, note = slug_for(raw_name, title, f"{post_type}-{post_id}" if post_id else "")
        if note:
            self.warn(line, note)
        if not slug:
            self.warn(line, "varken titel eller slug; hoppades över")
            return None
        if not title:
            self.warn(line, f'"{slug}" saknar titel; slugen används')
            title = slug
        draft = _draft_reason(item, status)
        if post_type == "page" and draft is not None:
            report.count(report.skipped_items, f"page ({status})")
            self.warn(line, f'sidan "{title}" är inte publicerad ({draft}); hoppades över')
            return None
        parsed = _Item(post_type, {"title": title}, "", slug, line, post_id,
                       draft_reason=draft)
        parsed.body, summary = self._body(item, parsed)
        parsed.meta["summary"] = summary
        if post_type == "page":
            order = wxr.text(item, "wp:menu_order")
            parsed.meta["order"] = int(order) if order.lstrip("-").isdigit() else 0
            parsed.old = [a for a in (old_path(wxr.text(item, "link")),
                                      f"/?page_id={post_id}" if post_id else "") if a]
            return parsed
        self._post(item, parsed, raw_name)
        return parsed

    def _post(self, item: ET.Element, parsed: _Item, raw_name: str) -> None:
        terms = [Term(el.get("domain", ""), el.get("nicename", ""), plain(el.text or ""))
                 for el in wxr.children(item, "category")]
        municipalities, themes = self.mapper.map(terms)
        category = self.mapper.category(terms) or (
            self.site.visit_category if municipalities else "ovrigt")
        creator = wxr.text(item, "dc:creator")
        date = wxr.item_date(item, self.zone)
        parsed.meta.update({
            "date": date, "category": category, "municipalities": municipalities,
            "themes": themes,
            "authors": [self.authors.get(creator, creator)] if creator else [],
            "draft": True if parsed.draft_reason else None,
        })
        self._fill_in(parsed)
        if parsed.draft_reason is None:
            parsed.old = _old_addresses(item, parsed, raw_name, date)

    def _fill_in(self, parsed: _Item) -> None:
        """A visit needs a municipality and a theme: suggested from the text when the
        terms gave none; without them it is written as "ovrigt" and the report says
        what to add."""
        meta = parsed.meta
        if meta["category"] != self.site.visit_category:
            return
        text = f"{meta['title']}\n\n{parsed.body}"
        suggested = self.site.fill_in(meta, meta["title"], parsed.body, text)
        for line_note in suggested.doubts:
            self.warn(parsed.line, line_note)
        if suggested.evidence:
            meta["suggested"] = suggested.evidence
        if suggested.missing:
            meta["category"] = "ovrigt"
            parsed.todo.append(suggested.todo(self.site.visit_category))

    def _body(self, item: ET.Element, parsed: _Item) -> tuple[str, str]:
        encoded = wxr.first(item, "content:encoded")
        source = encoded.text or "" if encoded is not None else ""
        source = replace_shortcodes(
            source, lambda name: self.report.count(self.report.shortcodes, name),
            lambda message: self.warn(parsed.line, message))
        summary = ""
        more = _more(source)
        if more is not None:
            summary = plain(source[: more[0]])
            source = source[: more[0]] + "\n\n" + source[more[1]:]
        html, blocks = autop_freeform(source)
        self.report.block_comments_removed += blocks
        return to_markdown(self.media.rewrite(html, parsed.file)), summary

    def _count_comments(self, item: ET.Element) -> None:
        for comment in wxr.children(item, "wp:comment"):
            kind = wxr.text(comment, "wp:comment_type")
            if kind == "pingback":
                self.report.pingbacks_dropped += 1
            elif kind == "trackback":
                self.report.trackbacks_dropped += 1
            else:
                self.report.comments_dropped += 1


def _draft_reason(item: ET.Element, status: str) -> str | None:
    reason = _DRAFT_STATUSES.get(status)
    if reason is None and status != "publish":
        reason = f"okänd status {status}"
    if wxr.text(item, "wp:post_password"):
        reason = "lösenordsskyddat" if reason is None else f"{reason}, lösenordsskyddat"
    return reason


def _old_addresses(item: ET.Element, parsed: _Item, raw_name: str,
                   date: dt.date | None) -> list[str]:
    """The permalink, /?p=ID and the date-based permalink /YYYY/MM/slug/."""
    old = [old_path(wxr.text(item, "link"))]
    if parsed.post_id:
        old.append(f"/?p={parsed.post_id}")
    if date is not None:
        old.append(f"/{date:%Y}/{date:%m}/{unquote(raw_name) if raw_name else parsed.slug}/")
    return [a for a in dict.fromkeys(old) if a]


def _more(source: str) -> tuple[int, int] | None:
    start = source.find("<!--more")
    if start < 0:
        return None
    end = source.find("-->", start)
    return (start, end + 3) if end >= 0 else None
