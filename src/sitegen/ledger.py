"""The national plan ledger: every plan item's outcome counted by theme, by county and by
year of the visit that made it, as accessible SVG bar charts (pure: counts in, SVG text
out) with the same numbers as table rows for a "Visa som tabell" disclosure.

A chart is one horizontal bar per group, stacked by outcome in OUTCOMES order (done
first), on a common scale, with the group's name above its bar and its total at the
end. Every outcome has its own pattern as well as its colour (WCAG 1.4.1), and the
chart is one image (role="img") named by its title: the table gives the figures.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html import escape

from sitegen.maps import num, pattern
from sitegen.model import Theme
from sitegen.registry import County
from sitegen.site import PlanEntry, Site
from sitegen.summaries import (
    OUTCOMES,
    GroupSummary,
    Outcome,
    StatusCounts,
    Summaries,
    outcome_of,
    percent,
)

WIDTH = 320
"""The chart's width in SVG units: about CSS pixels on a phone (see .stapeldiagram)."""
_ROW = 42
_BAR = 16
_LABEL = 14

# outcome: (pattern kind or "" for a plain fill, colour without CSS)
_LOOK = {
    Outcome.DONE: ("", "#1c6b33"),
    Outcome.IN_PROGRESS: ("streck", "#7a4d00"),
    Outcome.NOT_STARTED: ("prick", "#555d66"),
    Outcome.DROPPED: ("kors", "#8a1c1c"),
    Outcome.NOT_FOLLOWED_UP: ("", "#e9e6df"),
}
_GROUND = "#fdfcfa"
_OUTLINE = {Outcome.NOT_FOLLOWED_UP: "#6e6e6e"}
"""A segment's outline is its own colour, but a light one needs a darker edge."""


@dataclass(frozen=True)
class Bar:
    """One group of a chart, and one row of its table."""

    label: str
    url: str | None
    counts: StatusCounts

    @property
    def followed_up(self) -> str:
        """Share of the items a revisit assessed: "50 %"."""
        return percent(self.counts.share_followed_up)


@dataclass(frozen=True)
class Chart:
    id: str
    """Prefix of the chart's ids: unique on its page."""
    title: str
    bars: tuple[Bar, ...]


def _bars(groups: Iterable[tuple[GroupSummary, str | None]]) -> tuple[Bar, ...]:
    return tuple(Bar(g.name, url, g.plan) for g, url in groups)


def by_theme(summaries: Summaries, url: Callable[[Theme], str]) -> Chart:
    """Themes with plan items, by name; items without a theme last."""
    groups = [(g, url(t) if t else None) for t, g in summaries.themes.items() if g.plan.total]
    return Chart("per-tema", "Planpunkternas status per tema", _bars(groups))


def by_county(summaries: Summaries, url: Callable[[County], str]) -> Chart:
    groups = [(g, url(c)) for c, g in summaries.counties.items() if g.plan.total]
    return Chart("per-lan", "Planpunkternas status per län", _bars(groups))


def by_year(summaries: Summaries) -> Chart:
    groups = [(g, None) for g in summaries.years.values() if g.plan.total]
    return Chart("per-ar", "Planpunkternas status efter besöksår", _bars(groups))


def entries_by_outcome(site: Site) -> dict[Outcome, list[PlanEntry]]:
    """Every plan item under its outcome (OUTCOMES order, empty ones included), newest
    visit first: the ledger's lists filtered by status."""
    return split_by_outcome(site.plan_entries(site.posts))


def split_by_outcome(entries: Iterable[PlanEntry]) -> dict[Outcome, list[PlanEntry]]:
    """`entries` under their outcomes (OUTCOMES order, empty ones included), in order."""
    found: dict[Outcome, list[PlanEntry]] = {o: [] for o in OUTCOMES}
    for entry in entries:
        found[outcome_of(entry.status)].append(entry)
    return found


def _fill(outcome: Outcome, prefix: str) -> tuple[str, str]:
    kind, colour = _LOOK[outcome]
    if not kind:
        return "", colour
    pid = f"{prefix}-{outcome.value}"
    return pattern(pid, kind, 5, _GROUND, colour, f"sm-{outcome.value}"), f"url(#{pid})"


def _outline(outcome: Outcome) -> str:
    return _OUTLINE.get(outcome, _LOOK[outcome][1])


def chart_svg(chart: Chart) -> str:
    """The chart as an <svg role="img">, named by its title."""
    scale = max((b.counts.total for b in chart.bars), default=0) or 1
    height = _ROW * len(chart.bars) + 4
    fills = {o: _fill(o, chart.id) for o in OUTCOMES}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="stapeldiagram" viewBox="0 0 {WIDTH} '
        f'{height}" width="{WIDTH}" height="{height}" role="img" '
        f'aria-labelledby="{chart.id}-rubrik"><title id="{chart.id}-rubrik">'
        f'{escape(chart.title)}</title>',
        "<defs>" + "".join(defs for defs, _ in fills.values()) + "</defs>",
    ]
    room = WIDTH - 1
    for i, bar in enumerate(chart.bars):
        top = i * _ROW + 2
        parts.append(f'<text class="stapel-text" fill="#1f2328" x="0" y="{top + _LABEL}" '
                     f'font-size="{_LABEL}">{escape(bar.label)}</text>'
                     f'<text class="stapel-text" fill="#1f2328" x="{WIDTH}" y="{top + _LABEL}" '
                     f'font-size="{_LABEL}" text-anchor="end">{bar.counts.total}</text>')
        x = 0.5
        for outcome, n in bar.counts.items():
            if not n:
                continue
            w = room * n / scale
            parts.append(f'<rect class="s-{outcome.value}" fill="{fills[outcome][1]}" '
                         f'stroke="{_outline(outcome)}" '
                         f'x="{num(x)}" y="{top + _LABEL + 6}" width="{num(w)}" '
                         f'height="{_BAR}"/>')
            x += w
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class Key:
    """One outcome of the charts' legend."""

    outcome: Outcome
    swatch: str


def chart_legend(prefix: str) -> list[Key]:
    """The outcomes in chart order, each with a swatch of its fill (decorative)."""
    keys = []
    for outcome in OUTCOMES:
        defs, fill = _fill(outcome, f"{prefix}-ruta")
        keys.append(Key(outcome, f'<svg class="stapel-ruta" viewBox="0 0 24 16" width="24" '
                                 f'height="16" aria-hidden="true" focusable="false">'
                                 f'<defs>{defs}</defs><rect class="s-{outcome.value}" '
                                 f'fill="{fill}" stroke="{_outline(outcome)}" '
                                 f'x="0.5" y="0.5" width="23" height="15"/>'
                                 f'</svg>'))
    return keys


def outcome_counts(site: Site) -> StatusCounts:
    """How many plan items ended up where, from the follow-ups alone (without walking
    every item: the page plan needs these counts on every build)."""
    total = sum(len(post.plan) for post in site.posts)
    found = Counter(outcome_of(status) for status in site.statuses.values())
    found[Outcome.NOT_FOLLOWED_UP] += total - len(site.statuses)
    return StatusCounts.of(found)
