"""The map of Sweden's municipalities as inline SVG: pure (geometry and summaries in, SVG
text out) and deterministic, made at build time, with no script and no request.

Every municipality is a shape. A visited one is a link to its page whose accessible
name (its SVG <title>, also the tooltip) says what happened there; links come in
reading order, north to south (by a point inside each municipality), so Tab moves
down the map as the eye reads it. Municipalities never visited, the county borders
and the highlighted municipality are drawn without links and hidden from assistive
technology: the links and the table (`table_rows`) carry the facts. Fills come from
CSS classes (`.k-<category>`, custom properties in assets/map.css, light and dark)
with presentation attributes as the fallback without CSS, and every category also
differs in pattern (none, hatching, dots, cross-hatching, solid), so the legend does
not rely on colour alone (WCAG 1.4.1).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from html import escape

from sitegen.geometry import Geometry, Level, Shape
from sitegen.registry import County, Municipality, Register
from sitegen.slugs import swedish_key
from sitegen.summaries import MunicipalitySummary, Summaries


class View(StrEnum):
    """What the fills show."""

    VISITS = "besok"
    """Not visited, visited once, visited again."""
    FOLLOWUP = "uppfoljning"
    """How far the plan got: share of items done or in progress."""


@dataclass(frozen=True)
class Category:
    key: str
    """CSS class suffix: `.k-<key>`."""
    label: str
    """The legend's and the table's words for it."""
    pattern: str
    """"" (plain fill), "streck" (hatching), "prick" (dots) or "kors" (cross-hatching)."""
    fallback: str
    """Fill without CSS (light colours); the stylesheet's custom properties win."""


NOT_VISITED = Category("ej-besokt", "Inte besökt", "", "#e9e6df")
CATEGORIES: dict[View, tuple[Category, ...]] = {
    View.VISITS: (
        NOT_VISITED,
        Category("besokt", "Besökt en gång", "streck", "#c9def0"),
        Category("aterbesokt", "Besökt två gånger eller fler", "", "#0b5c8a"),
    ),
    View.FOLLOWUP: (
        NOT_VISITED,
        Category("ingen-plan", "Besökt, ingen plan", "prick", "#c9def0"),
        Category("ej-uppfoljd", "Plan som inte följts upp", "streck", "#c9def0"),
        Category("under-halften", "Under hälften genomförd eller pågår", "kors", "#c9def0"),
        Category("minst-halften", "Hälften eller mer genomförd eller pågår", "", "#0b5c8a"),
    ),
}
DARK = frozenset({"aterbesokt", "minst-halften"})
"""Categories with a dark fill: their outlines are drawn light."""


def category(summary: MunicipalitySummary, view: View) -> Category:
    """Where a municipality falls in a view (a summary without visits: not visited)."""
    cats = CATEGORIES[view]
    if not summary.visits:
        return cats[0]
    if view is View.VISITS:
        return cats[2] if summary.revisited else cats[1]
    plan = summary.plan
    if not plan.total:
        return cats[1]
    if not plan.followed_up:
        return cats[2]
    return cats[4] if 2 * plan.active >= plan.total else cats[3]


@dataclass(frozen=True)
class MapRow:
    """One municipality of a map, for the table that gives the map's facts in words."""

    municipality: Municipality
    summary: MunicipalitySummary
    category: Category
    url: str | None
    """Its page; None when it was never visited (it has none)."""
    followup: Category = NOT_VISITED
    """Where it is on the follow-up view (for a table beside both views)."""


@dataclass(frozen=True)
class LegendEntry:
    category: Category
    count: int
    swatch: str
    """A small SVG of the category's fill and pattern (decorative: aria-hidden)."""


def _selection(register: Register, county: County | None) -> list[Municipality]:
    return [m for m in register.municipalities if county is None or m.county == county]


def table_rows(register: Register, summaries: Summaries, url: Callable[[Municipality], str],
               *, view: View = View.VISITS, county: County | None = None,
               visited_only: bool = False) -> list[MapRow]:
    """The map's facts as table rows: by county, then name (within a county: by name)."""
    rows = []
    for m in _selection(register, county):
        summary = summaries.of(m)
        if visited_only and not summary.visits:
            continue
        rows.append(MapRow(m, summary, category(summary, view),
                           url(m) if summary.visits else None,
                           category(summary, View.FOLLOWUP)))
    return sorted(rows, key=lambda r: (swedish_key(r.municipality.county.name),
                                       swedish_key(r.municipality.name)))


def legend(rows: Iterable[MapRow], view: View, id_prefix: str) -> list[LegendEntry]:
    """Each category of the view with how many municipalities it has (zero included)."""
    counts = {c.key: 0 for c in CATEGORIES[view]}
    for row in rows:
        counts[category(row.summary, view).key] += 1
    return [LegendEntry(c, counts[c.key], _swatch(c, f"{id_prefix}-ruta-{c.key}"))
            for c in CATEGORIES[view]]


def _swatch(cat: Category, pattern_id: str) -> str:
    defs, fill = _fill(cat, pattern_id, 6.0)
    return (f'<svg class="karta-ruta" viewBox="0 0 24 16" width="24" height="16" '
            f'aria-hidden="true" focusable="false">{defs}<rect class="k-{cat.key}" '
            f'fill="{fill}" width="23" height="15" x="0.5" y="0.5"/></svg>')


def _fill(cat: Category, pattern_id: str, spacing: float) -> tuple[str, str]:
    """(the <pattern> element or "", the fill attribute) of a category."""
    if not cat.pattern:
        return "", cat.fallback
    return (pattern(pattern_id, cat.pattern, spacing, cat.fallback, "#0b5c8a", "km"),
            f"url(#{pattern_id})")


def pattern(pattern_id: str, kind: str, spacing: float, ground: str, ink: str,
            css: str) -> str:
    """An SVG <pattern> of `kind` ("streck": hatching, "kors": cross-hatching, "prick":
    dots) every `spacing` units, in `ink` on `ground` (fallbacks without CSS; the marks
    have the class `<css>-linje` or `<css>-prick`, the ground is its pattern's <rect>)."""
    s = num(spacing)
    w = num(spacing / 4)
    marks = {
        "streck": f'<path class="{css}-linje" stroke="{ink}" stroke-width="{w}" d="M0 0V{s}"/>',
        "kors": (f'<path class="{css}-linje" stroke="{ink}" stroke-width="{w}" '
                 f'd="M0 0V{s}M0 0H{s}"/>'),
        "prick": (f'<circle class="{css}-prick" fill="{ink}" cx="{num(spacing / 2)}" '
                  f'cy="{num(spacing / 2)}" r="{num(spacing / 5)}"/>'),
    }[kind]
    turn = ' patternTransform="rotate(45)"' if kind != "prick" else ""
    return (f'<pattern id="{pattern_id}" width="{s}" height="{s}" '
            f'patternUnits="userSpaceOnUse"{turn}><rect fill="{ground}" stroke="none" '
            f'width="{s}" height="{s}"/>{marks}</pattern>')


def num(value: float) -> str:
    """A number for SVG text: two decimals at most, no trailing zeros."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class _Frame:
    level: Level
    box: tuple[int, int, int, int]
    """The viewBox (x, y, width, height) in the level's units."""
    display: int
    """The width in CSS pixels the map is drawn for (patterns are sized for it)."""


def _frame(geometry: Geometry, codes: Sequence[str], county: County | None) -> _Frame:
    if county is None:
        level = geometry.country
        return _Frame(level, (0, 0, level.width, level.height), 416)
    level = geometry.county
    boxes = [level.shapes[c].box for c in codes]
    x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
    x1, y1 = max(b[2] for b in boxes), max(b[3] for b in boxes)
    pad = max(x1 - x0, y1 - y0) // 40 + 1
    return _Frame(level, (x0 - pad, y0 - pad, x1 - x0 + 2 * pad, y1 - y0 + 2 * pad), 576)


class MissingShape(KeyError):
    """A municipality the map must draw has no shape: geometry.visit_problems and
    geometry.register_problems report this as a build error before any map is made."""


def map_svg(geometry: Geometry, register: Register, summaries: Summaries,
            url: Callable[[Municipality], str], *, view: View = View.VISITS,
            county: County | None = None, highlight: Municipality | None = None,
            id_prefix: str = "karta", title: str = "", links: bool = True) -> str:
    """The map of the whole country, or of `county`'s municipalities, as an <svg>.

    `url` gives a visited municipality's page; `highlight` marks the page's own
    municipality (drawn last, with a strong outline, and not a link to itself);
    `id_prefix` keeps the ids of two maps on one page apart; `links=False` makes a
    thumbnail: shapes merged by category, no links, hidden from assistive technology
    (wrap it in one link with a text)."""
    municipalities = _selection(register, county)
    level = geometry.country if county is None else geometry.county
    missing = [m.code for m in municipalities if m.code not in level.shapes]
    if missing:
        raise MissingShape(", ".join(missing))
    frame = _frame(geometry, [m.code for m in municipalities], county)
    x, y, w, h = frame.box
    spacing = 6 * w / frame.display
    cats = CATEGORIES[view]
    defs = "".join(_fill(c, f"{id_prefix}-{c.key}", spacing)[0] for c in cats)
    fills = {c.key: _fill(c, f"{id_prefix}-{c.key}", spacing)[1] for c in cats}
    height = round(320 * h / w)
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" class="karta karta-{view.value}'
            f'{" karta-lan" if county else ""}" viewBox="{x} {y} {w} {h}" width="320" '
            f'height="{height}" fill-rule="evenodd" stroke-linejoin="round" '
            f'stroke="#6e6e6e" stroke-width="{num(w / frame.display)}"')
    if not links:
        head += ' aria-hidden="true" focusable="false">'
    else:
        label = escape(title or _title(county, view))
        head += (f' role="group" aria-labelledby="{id_prefix}-rubrik"><title '
                 f'id="{id_prefix}-rubrik">{label}</title>')
    parts = [head, f"<defs>{defs}</defs>"]
    entries = [(m, summaries.of(m), level.shapes[m.code]) for m in municipalities]
    if not links:
        parts += _merged(entries, view, fills)
    else:
        parts += _shapes(entries, view, fills, url, highlight)
    if county is None:  # a light halo under a dark line: visible on every fill
        parts.append(f'<g aria-hidden="true" fill="none" pointer-events="none">'
                     f'<path class="k-lansgrans-halo" stroke="#fdfcfa" stroke-width="'
                     f'{num(4 * w / frame.display)}" d="{level.county_borders}"/>'
                     f'<path class="k-lansgrans" stroke="#1f2328" stroke-width="'
                     f'{num(2 * w / frame.display)}" d="{level.county_borders}"/></g>')
    if highlight is not None and highlight in (m for m, _, _ in entries):
        summary = summaries.of(highlight)
        cat = category(summary, view)
        shape = level.shapes[highlight.code]
        # A light halo under the dark outline: it stands out from dark neighbours too.
        parts.append(f'<path class="k-aktuell-halo" fill="none" stroke="#fdfcfa" '
                     f'stroke-width="{num(6 * w / frame.display)}" d="{shape.d}"/>'
                     f'<path class="k-{cat.key} k-aktuell" fill="{fills[cat.key]}" '
                     f'stroke="#1f2328" stroke-width="{num(3 * w / frame.display)}" '
                     f'd="{shape.d}"><title>{escape(summary.phrase())}</title></path>')
    parts.append("</svg>")
    return "".join(parts)


def _title(county: County | None, view: View) -> str:
    where = f"Kommunerna i {county.name}" if county else "Sveriges kommuner"
    what = "besök" if view is View.VISITS else "uppföljning av planerna"
    return f"Karta: {where}, {what}"


def _shapes(entries: list[tuple[Municipality, MunicipalitySummary, Shape]], view: View,
            fills: dict[str, str], url: Callable[[Municipality], str],
            highlight: Municipality | None) -> list[str]:
    quiet = []
    visited = []
    for m, summary, shape in entries:
        cat = category(summary, view)
        if m == highlight:
            continue  # drawn last, on top, by map_svg
        if summary.visits:
            visited.append((shape.point[1], shape.point[0], m, summary, shape, cat))
        else:
            quiet.append(f'<path d="{shape.d}"><title>{escape(summary.phrase())}</title></path>')
    parts = [f'<g class="k-{NOT_VISITED.key}" aria-hidden="true" fill="{NOT_VISITED.fallback}">',
             *quiet, "</g>"]
    for _, _, m, summary, shape, cat in sorted(visited, key=lambda v: v[:2]):
        stroke = _LIGHT if cat.key in DARK else ""
        parts.append(f'<a href="{escape(url(m))}" class="k-{cat.key}" '
                     f'fill="{fills[cat.key]}"{stroke}><title>{escape(summary.phrase())}'
                     f'</title><path d="{shape.d}"/></a>')
    return parts


def _merged(entries: list[tuple[Municipality, MunicipalitySummary, Shape]], view: View,
            fills: dict[str, str]) -> list[str]:
    paths: dict[str, list[str]] = {c.key: [] for c in CATEGORIES[view]}
    for _, summary, shape in entries:
        paths[category(summary, view).key].append(shape.d)
    return [f'<path class="k-{key}" fill="{fills[key]}"{_LIGHT if key in DARK else ""} '
            f'd="{"".join(ds)}"/>' for key, ds in paths.items() if ds]


_LIGHT = ' stroke="#fdfcfa"'
"""The outline of a dark fill (the stylesheet's custom properties win)."""
