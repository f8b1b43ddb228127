"""Sweden at a glance: the map of municipalities on /kommun/ (both views), a county's
part of it on each county's page and, with the page's own municipality highlighted, on
each municipality's page, a thumbnail and three national figures on the start page;
the national plan ledger /uppfoljning/ with every plan item listed by outcome; and the
open data /data/ with the page that explains it.

`ledger` and `open_data` are page types (listed in pagetypes.PAGE_TYPES). The map
functions make what the start, municipality and county pages add to their contexts,
each through `plan.Later`, so a map is drawn only for a page that is rendered or
fingerprinted, never for one a rebuild keeps.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, cached_property, partial

from sitegen import urls
from sitegen.cachekey import digest
from sitegen.geometry import default_geometry
from sitegen.ledger import (
    Chart,
    Key,
    by_county,
    by_theme,
    by_year,
    chart_legend,
    chart_svg,
    outcome_counts,
    split_by_outcome,
)
from sitegen.lists import Crumb, Lazy
from sitegen.maps import LegendEntry, MapRow, View, legend, map_svg, table_rows
from sitegen.opendata import PACKAGE, SCHEMAS, Schema, data_files, row_counts
from sitegen.plan import Later, Planner
from sitegen.registry import County, Municipality, default_register
from sitegen.site import PlanEntry
from sitegen.summaries import OUTCOMES, GroupSummary, Outcome, percent

# ---------------------------------------------------------------- the map


@dataclass(frozen=True)
class MapFigure:
    """One map with its legend, as layouts/map.html's `map_figure` shows it."""

    svg: str
    legend: list[LegendEntry]
    caption: str
    heading: str = ""
    id: str = ""
    """The heading's id (a page with two maps links to each)."""
    table_id: str = ""
    """The id of the table with the same facts, on this page or at `table_url`."""
    table_url: str = ""
    """The page of that table when it is not this one (a county's, from a municipality)."""


@dataclass(frozen=True)
class MapSection:
    """The country's maps and the table that gives their facts in words."""

    figures: tuple[MapFigure, ...]
    rows: list[MapRow]
    table_id: str
    caption: str

    @property
    def outcomes(self) -> tuple[Outcome, ...]:
        """The table's columns of plan items, as each row's counts give them."""
        return OUTCOMES


COUNTRY_TABLE = "kommuner-tabell"
COUNTY_TABLE = "lanets-kommuner"


def country_maps(plan: Planner) -> MapSection:
    """The municipalities' page: the country by visits and by follow-up, and every
    visited municipality as a table row."""
    geometry, register, summaries = default_geometry(), default_register(), plan.entries.summaries
    everyone = table_rows(register, summaries, urls.municipality)
    figures = []
    for view, heading, caption in (
            (View.VISITS, "Besök", "Sveriges 290 kommuner efter hur många gånger de har "
                                   "besökts."),
            (View.FOLLOWUP, "Uppföljning av planerna", "De besökta kommunerna efter hur "
             "långt planen för handling har kommit: hur stor del av punkterna som är "
             "genomförda eller pågår enligt det senaste återbesöket.")):
        prefix = f"karta-{view.value}"
        figures.append(MapFigure(
            map_svg(geometry, register, summaries, urls.municipality, view=view,
                    id_prefix=prefix),
            legend(everyone, view, prefix),
            caption + " Varje besökt kommun är en länk till sin sida, i ordning från "
                      "norr till söder.", heading, prefix, COUNTRY_TABLE))
    rows = table_rows(register, summaries, urls.municipality, visited_only=True)
    return MapSection(tuple(figures), rows, COUNTRY_TABLE, "De besökta kommunerna i siffror")


def county_map(plan: Planner, county: County) -> MapFigure:
    """A county's page: its municipalities on the map; the page's own table of its
    visited municipalities (id COUNTY_TABLE) gives the same facts."""
    register, summaries = default_register(), plan.entries.summaries
    rows = table_rows(register, summaries, urls.municipality, county=county)
    prefix = "karta-lan"
    return MapFigure(
        map_svg(default_geometry(), register, summaries, urls.municipality, county=county,
                id_prefix=prefix),
        legend(rows, View.VISITS, prefix),
        f"Kommunerna i {county.name} efter hur många gånger de har besökts. Varje besökt "
        "kommun är en länk till sin sida.", table_id=COUNTY_TABLE)


def municipality_map(plan: Planner, municipality: Municipality) -> MapFigure:
    """A municipality's page: its county's map with it highlighted; the table is on the
    county's page."""
    register, summaries, county = default_register(), plan.entries.summaries, municipality.county
    prefix = "karta-lan"
    rows = table_rows(register, summaries, urls.municipality, county=county)
    return MapFigure(
        map_svg(default_geometry(), register, summaries, urls.municipality, county=county,
                highlight=municipality, id_prefix=prefix,
                title=f"Karta: {municipality.name} bland kommunerna i {county.name}"),
        legend(rows, View.VISITS, prefix),
        f"{municipality.name} (markerad) bland kommunerna i {county.name}. Varje besökt "
        "kommun är en länk till sin sida.", table_id=COUNTY_TABLE,
        table_url=urls.county(county))


@dataclass(frozen=True)
class Glance:
    """The start page's overview: the thumbnail and three national figures."""

    thumbnail: str
    municipalities: int
    items: int
    followed_up: str
    """Share of the plan items a revisit followed up: "50 %"."""


def glance(plan: Planner) -> Glance:
    summaries = plan.entries.summaries
    national = summaries.national
    thumbnail = map_svg(default_geometry(), default_register(), summaries,
                        urls.municipality, links=False, id_prefix="karta-liten")
    return Glance(thumbnail, len(summaries.municipalities), national.plan.total,
                  percent(national.plan.share_followed_up))


# ---------------------------------------------------------------- the plan ledger


@dataclass(frozen=True)
class OutcomeLink:
    outcome: Outcome
    count: int
    url: str


@dataclass(frozen=True)
class ChartFigure:
    """One chart, as layouts/ledger.html's `chart_figure` shows it."""

    heading: str
    group_heading: str
    """The table's first column: "Tema", "Län", "År"."""
    chart: Chart
    svg: str
    keys: list[Key]


def ledger(plan: Planner) -> None:
    """The ledger's page (urls.LEDGER: the national figures and the charts) and a list
    of the items with each outcome (urls.ledger_outcome), newest visit first."""
    site = plan.site
    counts = outcome_counts(site)
    links = [OutcomeLink(o, counts[o], urls.ledger_outcome(o.slug)) for o in OUTCOMES]
    plan.page(urls.LEDGER, "followup.html", title="Uppföljning", crumbs=[], outcomes=links,
              figures=Later(_ledger_figures, plan),
              description="Hur det gick med kommunernas planer för handling: varje "
                          "planpunkts status per tema, per län och efter besöksår.")

    @cache
    def split() -> dict[Outcome, list[PlanEntry]]:
        return split_by_outcome(plan.entries.plan)

    per_page = site.config.per_page * 5  # one-liners, as /handlingsplaner/
    for link in links:
        items = Lazy(link.count, partial(_items_of, split, link.outcome))
        plan.paginated(link.url, "followup_items.html", items, per_page=per_page,
                       title=f"Planpunkter: {link.outcome.heading.lower()}",
                       outcome=link.outcome, outcomes=links,
                       crumbs=[Crumb("Uppföljning", urls.LEDGER)],
                       description=_LEADS[link.outcome] + " Senaste besöket först.")


def _items_of(split: Callable[[], dict[Outcome, list[PlanEntry]]],
              outcome: Outcome) -> list[PlanEntry]:
    return split()[outcome]


@dataclass(frozen=True)
class LedgerFigures:
    national: GroupSummary
    charts: list[ChartFigure]

    @property
    def followed_up(self) -> str:
        """Share of the items a revisit followed up: "50 %"."""
        return percent(self.national.plan.share_followed_up)

    @property
    def active(self) -> str:
        """Share of the items done or in progress."""
        return percent(self.national.plan.share_active)


_LEADS = {
    Outcome.DONE: "Planpunkter som det senaste återbesöket fann genomförda.",
    Outcome.IN_PROGRESS: "Planpunkter som pågick vid det senaste återbesöket.",
    Outcome.NOT_STARTED: "Planpunkter som inte var påbörjade vid det senaste återbesöket.",
    Outcome.DROPPED: "Planpunkter som kommunen har strukit.",
    Outcome.NOT_FOLLOWED_UP: "Planpunkter som inget återbesök har följt upp.",
}


def _ledger_figures(plan: Planner) -> LedgerFigures:
    summaries = plan.entries.summaries
    charts = []
    for heading, group, chart in (
            ("Per tema", "Tema", by_theme(summaries, urls.theme)),
            ("Per län", "Län", by_county(summaries, urls.county)),
            ("Efter besöksår", "År", by_year(summaries))):
        charts.append(ChartFigure(heading, group, chart, chart_svg(chart),
                                  chart_legend(chart.id)))
    return LedgerFigures(summaries.national, charts)


# ---------------------------------------------------------------- open data


@dataclass(frozen=True)
class DataTable:
    schema: Schema
    rows: int


class _OpenData:
    """The files of the open data, made once for all of them when the first is needed.
    Their key is every post's facts (see model.Post.facts): with the registers, the
    settings and the themes (the caches' salt), all the data are made of."""

    def __init__(self, plan: Planner) -> None:
        self.plan = plan

    @cached_property
    def files(self) -> dict[str, bytes]:
        return data_files(self.plan.site, default_register(), self.plan.entries.summaries)

    def data(self, name: str) -> bytes:
        return self.files[name]

    @cached_property
    def _key(self) -> str:
        return digest("\n".join(p.facts for p in self.plan.site.posts).encode())

    def key(self) -> str:
        return self._key


def open_data(plan: Planner) -> None:
    """The open data (urls.DATA): the files, listed in the sitemap, and the page that
    explains them."""
    site = plan.site
    made = _OpenData(plan)
    # A post made elsewhere than from a file has no facts: then the data are always made.
    key = made.key if all(p.facts for p in site.posts) else None
    for name in [*(name for s in SCHEMAS for name in s.files), PACKAGE]:
        plan.file(urls.served_by(urls.data_file(name)), partial(made.data, name), key=key,
                  listed=True)
    plan.page(urls.DATA, "opendata.html", title="Öppna data", crumbs=[], package=PACKAGE,
              tables=Later(_data_tables, plan),
              description="Besöken, planpunkterna med status, medskicken och kommun- och "
                          "temaregistren som CSV och JSON, med en beskrivning av varje fält.")


def _data_tables(plan: Planner) -> list[DataTable]:
    counts = row_counts(plan.site, default_register())
    return [DataTable(s, counts[s.name]) for s in SCHEMAS]
