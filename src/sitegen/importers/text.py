"""Import the old blog's plain-text export: one post per file, no URLs, no dates.

Each file is parsed (textpost), placed at its old address when the maintainer's
records have one (`--urls`: category, slug, aliases, a date; pages become pages),
given its municipality (the header's tags, the title, else the text's most named) and,
for a visit, themes suggested from the text; a revisit is linked to the earlier visit
it follows up. What the text only suggests is marked in the post's `suggested:` for
an editor to review; the import always builds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sitegen import urls as site_urls
from sitegen.errors import Problem, Severity, SitegenError
from sitegen.importers import suggest
from sitegen.importers.addresses import Claims
from sitegen.importers.report import ImportReport
from sitegen.importers.revisits import Visit, earlier_visit, existing_visits, is_revisit
from sitegen.importers.site import ImportSite, read_site, summary
from sitegen.importers.textpost import TextPost, parse_text_post
from sitegen.importers.urls import OldUrl, match, read_urls, unmatched
from sitegen.importers.writer import Outcome, Revisit, render_document, write_file
from sitegen.progress import Progress, silent

_LASTMOD = "från sitemapens lastmod {date}: senast ändrad, inte säkert publicerad"


@dataclass
class _Draft:
    source: str
    post: TextPost
    slug: str
    place: int = 0
    """Its place among the export's posts (1 = first): what orders posts whose date was
    lost (written as export_order)."""
    kind: str = "post"
    meta: dict[str, Any] = field(default_factory=dict)
    evidence: dict[str, str] = field(default_factory=dict)
    old: list[str] = field(default_factory=list)
    todo: list[str] = field(default_factory=list)
    """What an editor must add by hand, and why."""

    @property
    def file(self) -> str:
        return f"content/{'posts' if self.kind == 'post' else 'pages'}/{self.slug}.md"

    @property
    def url(self) -> str:
        if self.kind == "post":
            return site_urls.post(self.meta["category"], self.slug)
        return site_urls.page(self.slug)

    def warn(self, report: ImportReport, message: str, line: int = 1) -> None:
        report.warnings.append(Problem(self.source, line, message, Severity.WARNING))


def import_text(source_dir: Path, site_root: Path, *, force: bool = False,
                urls: Sequence[Path] = (), progress: Progress = silent) -> ImportReport:
    """Import every `*.txt` file in `source_dir` (sorted) into `site_root/content/`."""
    if not source_dir.is_dir():
        raise SitegenError([Problem(source_dir.as_posix(), 0, "mappen finns inte")])
    old = _read_all(urls)
    site = read_site(site_root)
    report = ImportReport()
    drafts = _parse_all(source_dir, report, skip={p.resolve() for p in urls})
    if urls:
        _place(drafts, old, site, report)
    for draft in drafts:
        _decide(draft, site, report)
    _link_revisits(drafts, site_root, report)
    claims = Claims(site.categories)
    for draft in drafts:
        claims.url(draft.url, draft.file)
    for done, draft in enumerate(drafts):
        progress("Importerar", done, len(drafts))
        aliases, notes = claims.aliases(draft.old, draft.file)
        draft.meta["aliases"] = aliases
        for note in notes:
            draft.warn(report, note)
        _write(draft, site_root, report, force)
    progress("Importerar", len(drafts), len(drafts))
    return report


def _read_all(paths: Sequence[Path]) -> list[OldUrl]:
    problems: list[Problem] = []
    found: list[OldUrl] = []
    for path in paths:
        try:
            found += read_urls(path)
        except SitegenError as exc:
            problems += exc.problems
    if problems:
        raise SitegenError(problems)
    return found


def _parse_all(source_dir: Path, report: ImportReport, skip: set[Path]) -> list[_Draft]:
    """Every post of the export (a list of old addresses kept beside them is no post)."""
    drafts: list[_Draft] = []
    seen: dict[str, _Draft] = {}
    for path in sorted(source_dir.glob("*.txt")):
        if path.resolve() in skip:
            continue
        shown = path.as_posix()
        try:
            post = parse_text_post(path.read_text("utf-8"))
        except UnicodeDecodeError as exc:
            raise SitegenError([Problem(shown, 0, f"filen är inte UTF-8: {exc.reason}")]
                               ) from exc
        if not post.title or not post.slug:
            report.warnings.append(Problem(shown, 1, "ingen titel, filen hoppades över",
                                           Severity.WARNING))
            continue
        draft = _Draft(shown, post, post.slug, place=len(drafts) + 1)
        if post.slug in seen:
            first = seen[post.slug]
            if first.post == post:
                draft.warn(report, f"samma inlägg som {first.source}; filen hoppades över")
                continue
            n = 2
            while f"{post.slug}-{n}" in seen:
                n += 1
            draft.slug = f"{post.slug}-{n}"
            draft.warn(report, f'samma slug "{post.slug}" som {first.source}; skrevs som '
                               f'"{draft.slug}"')
        seen[draft.slug] = draft
        report.comment_forms_dropped += post.comment_form
        for line, message in post.warnings:
            draft.warn(report, message, line)
        drafts.append(draft)
    return drafts


def _place(drafts: list[_Draft], urls: list[OldUrl], site: ImportSite,
           report: ImportReport) -> None:
    """Each post at its old address: category, slug, the other addresses as aliases, a
    date; a post whose only address is a page's (/om-bloggen/) becomes a page."""
    found, similar = match([d.slug for d in drafts], urls, site.categories)
    for draft, mine, guessed in zip(drafts, found, similar, strict=True):
        if not mine:
            report.posts_without_url.append(draft.source)
            continue
        posts = [u for u in mine if u.kind(site.categories) == "post"]
        best = next((u for u in posts if u.category(site.categories)), None) or (
            posts[0] if posts else mine[0])
        if guessed:
            draft.warn(report, f"den gamla adressen {best.path} hittades på en liknande slug; "
                               "kontrollera att den hör till inlägget")
        draft.slug = best.slug
        draft.old = [u.path for u in mine]
        if not posts and not draft.post.plan and not draft.post.national_input:
            draft.kind = "page"
            continue
        draft.meta["category"] = best.category(site.categories)
        dated = next((u.date() for u in mine if u.date()), None)
        lastmod = next((u.lastmod for u in mine if u.lastmod), None)
        if draft.post.date is None and dated is not None:
            draft.meta["date"] = dated
        elif draft.post.date is None and lastmod is not None:
            draft.meta["date"] = lastmod
            draft.evidence["date"] = _LASTMOD.format(date=lastmod.isoformat())
    report.urls_unmatched += [u.path for u in unmatched(urls, found, site.categories)]


def _decide(draft: _Draft, site: ImportSite, report: ImportReport) -> None:
    """Frontmatter: the header's tags, the municipality, category and themes."""
    post, meta = draft.post, draft.meta
    meta["title"] = post.title
    meta.setdefault("date", post.date)
    if meta["date"] is None:
        meta["export_order"] = draft.place
    meta["authors"] = [post.author] if post.author else []
    municipalities: list[str] = []
    themes: list[str] = []
    for tag in post.tags:
        found = site.register.lookup(tag)
        theme = site.theme_index.get(tag.casefold())
        if found is not None:
            municipalities.append(found.name)
        elif theme is not None:
            themes.append(theme.name)
        else:
            report.count(report.unmapped_terms, tag)
    meta["municipalities"] = list(dict.fromkeys(municipalities))
    meta["themes"] = list(dict.fromkeys(themes))
    if draft.kind == "page":
        return
    if not meta["municipalities"]:
        pick = suggest.municipality(post.title, post.body, site.register)
        if pick.doubt:
            draft.warn(report, pick.doubt)
        if pick.name:
            meta["municipalities"] = [pick.name]
            if pick.evidence:
                draft.evidence["municipalities"] = pick.evidence
    meta["category"] = meta.get("category") or (
        site.visit_category if meta["municipalities"] else "ovrigt")
    meta["plan"], meta["national_input"] = post.plan, post.national_input
    if meta["category"] == site.visit_category:
        filled = site.fill_in(meta, post.title, post.body, post.text)
        draft.evidence.update(filled.evidence)
        if filled.missing:
            meta["category"] = "ovrigt"
            draft.todo.append(filled.todo(site.visit_category))


def _link_revisits(drafts: list[_Draft], site_root: Path, report: ImportReport) -> None:
    """A revisit follows up the earlier visit to its municipality; its plan items are
    listed for the editor, who fills in their statuses."""
    mine = {d.slug: d for d in drafts if d.kind == "post" and d.meta.get("municipalities")}
    visits = [_visit(d) for d in mine.values()] + [
        v for v in existing_visits(site_root) if v.slug not in mine]
    for draft in mine.values():
        if not is_revisit(draft.post.title):
            continue
        earlier, why = earlier_visit(_visit(draft), visits)
        if earlier is None:
            draft.warn(report, f"återbesök: {why}; lägg till followup: för hand")
            continue
        draft.meta["followup"] = Revisit(earlier.slug, earlier.title, earlier.plan)
        draft.evidence["followup"] = (f"återbesök enligt titeln; följer upp {earlier.slug} "
                                      f"({len(earlier.plan)} planpunkter att fylla i)")
        if why:
            draft.warn(report, why)


def _visit(draft: _Draft) -> Visit:
    date = draft.meta.get("date")
    return Visit(draft.slug, draft.post.title, tuple(draft.meta["municipalities"]),
                 tuple((str(i), text) for i, text in enumerate(draft.post.plan, 1)),
                 date if isinstance(date, dt.date) else None, is_revisit(draft.post.title))


def _write(draft: _Draft, site_root: Path, report: ImportReport, force: bool) -> None:
    meta = dict(draft.meta)
    if draft.kind == "page":
        meta = {"title": meta["title"], "aliases": meta.get("aliases")}
    elif draft.evidence:
        meta["suggested"] = draft.evidence
    outcome = write_file(site_root / draft.file, render_document(meta, draft.post.body),
                         site_root, report, force=force)
    if outcome is Outcome.KEPT or draft.kind == "page":
        return
    if not meta.get("date"):
        report.missing_dates.append(draft.file)
    report.todo += [(draft.file, what) for what in draft.todo]
    if draft.evidence:
        report.suggestions.append((draft.file, summary(draft.evidence)))
