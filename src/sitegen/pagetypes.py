"""The site's page types: one function each, listed in PAGE_TYPES.

A page type asks `urls` for its addresses and plans its pages with the Planner:
`page(url, template, **context)` (or a function that makes the context, so it is made
only when the page is rendered), `paginated(...)` for long lists and `file(path, data)`
for a file that is not rendered from a template (a JSON or CSV file, a server map).
Adding a page type is one function here and one entry in PAGE_TYPES (and its address
in `urls`, its template in layouts/).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

from sitegen import overview, urls
from sitegen.lists import (
    Crumb,
    Entries,
    Lazy,
    by_theme,
    grouped_count,
    month_group,
    sorted_newest,
)
from sitegen.model import Post, Theme
from sitegen.plan import Asset, Later, PageType, Plan, Planner, as_json
from sitegen.plan import plan_site as _plan_site
from sitegen.redirects import server_rules
from sitegen.registry import County, Municipality
from sitegen.related import neighbours
from sitegen.site import Site
from sitegen.summaries import OUTCOMES

FEED_ENTRIES = 20
AGGREGATE_PER_PAGE_FACTOR = 5
"""Plan and input lists show per_page × this many items a page: they are one-liners."""


def assets(plan: Planner) -> None:
    for asset in plan.assets.values():
        plan.file(asset.url.lstrip("/"), asset.data)


def home(plan: Planner) -> None:
    """The start page: the latest visits (those whose date was lost after the dated ones,
    in the old export's order, under a heading of their own)."""
    site = plan.site
    visits = [p for p in site.posts if p.is_visit][: site.config.home_count]
    plan.page(urls.HOME, "home.html", title=site.config.title, crumbs=[],
              latest=[p for p in visits if p.date], undated=[p for p in visits if not p.date],
              municipality_count=len(site.by_municipality),
              visit_count=sum(p.is_visit for p in site.posts),
              glance=Later(overview.glance, plan))


def posts(plan: Planner) -> None:
    """Each post's page, and each category's list of posts."""
    site = plan.site
    for index, post in enumerate(site.posts):
        plan.page(post.url, "post.html", partial(_post_context, plan.entries, index))
    by_category: dict[str, list[Post]] = {}
    for post in site.posts:
        by_category.setdefault(post.category, []).append(post)
    for category, members in sorted(by_category.items()):
        label = site.config.categories[category]
        plan.paginated(urls.category(category), "list.html", members, title=label,
                       crumbs=[], intro="",
                       description=f"Alla inlägg i kategorin {label}, nyast först.")


def _post_context(entries: Entries, index: int) -> dict[str, Any]:
    site = entries.site
    posts = site.posts
    post = posts[index]
    followup_of = entries.by_slug[post.followup.of] if post.followup else None
    crumbs = [Crumb(site.config.categories[post.category], urls.category(post.category))]
    if post.municipalities:
        m = post.municipalities[0]
        crumbs = [Crumb("Kommuner", urls.MUNICIPALITIES), Crumb(m.county.name, m.county.url),
                  Crumb(m.name, m.url)]
    before, after = neighbours(posts, index)
    earlier, later = (after, before) if post.date else (before, after)
    return dict(title=post.title, post=post, earlier=earlier, later=later,
                plan=site.plan_entries((post,)), followup_of=followup_of,
                followup_plan=site.assessed_by(post, followup_of) if followup_of else [],
                revisits=site.followed_up_by.get(post.slug, ()), crumbs=crumbs,
                related=site.related.get(post.slug, ()), span=site.spans.get(post.slug),
                description=post.summary)


def pages(plan: Planner) -> None:
    """The plain pages of content/pages/."""
    for page in plan.site.pages:
        plan.page(page.url, "page.html", title=page.title, page=page,
                  description=page.summary, crumbs=[])


def municipalities(plan: Planner) -> None:
    site = plan.site
    plan.page(urls.MUNICIPALITIES, "municipalities.html", title="Kommuner",
              crumbs=[], map=Later(overview.country_maps, plan),
              description="Sveriges kommuner på en karta efter besök och uppföljning, och "
                          "alla besökta kommuner i en tabell, län för län.")
    for municipality, posts in site.by_municipality.items():
        plan.paginated(
            municipality.url, "municipality.html", posts,
            title=municipality.name, municipality=municipality,
            map=Later(overview.municipality_map, plan, municipality),
            first_page=partial(_municipality_lists, plan.entries, municipality, posts),
            crumbs=[Crumb("Kommuner", urls.MUNICIPALITIES),
                    Crumb(municipality.county.name, municipality.county.url)],
            feed=urls.feed(municipality.url),
            description=f"Kommunbesök i {municipality.name}: besök, plan för handling "
                        "och medskick till nationell nivå.")


def counties(plan: Planner) -> None:
    site = plan.site
    plan.page(urls.COUNTIES, "counties.html", title="Län", crumbs=[], by_county=site.by_county,
              description="Alla län med besökta kommuner och antal inlägg.",
              counts={c: sum(len(site.by_municipality[m]) for m in ms)
                      for c, ms in site.by_county.items()})
    for county, members in site.by_county.items():
        plan.page(county.url, "county.html", partial(_county_context, plan, county, members))


def _county_context(plan: Planner, county: County, members: Sequence[Municipality],
                    ) -> dict[str, Any]:
    summaries = plan.entries.summaries
    return dict(title=county.name, county=county, summary=summaries.counties[county],
                municipalities=[summaries.of(m) for m in members], outcomes=OUTCOMES,
                map=overview.county_map(plan, county),
                crumbs=[Crumb("Län", urls.COUNTIES)],
                description=f"Kommunbesök i {county.name}: besök, planer för handling och "
                            "medskick per kommun.")


def themes(plan: Planner) -> None:
    site = plan.site
    plan.page(urls.THEMES, "themes.html", partial(_themes_context, plan.entries))
    for theme in site.themes:
        posts = site.by_theme.get(theme, ())
        plan.paginated(
            theme.url, "theme.html", posts, title=theme.name, theme=theme,
            first_page=partial(_theme_lists, plan.entries, theme),
            crumbs=[Crumb("Teman", urls.THEMES)], feed=urls.feed(theme.url),
            description=theme.description or f"Inlägg om {theme.name}.")


def _themes_context(entries: Entries) -> dict[str, Any]:
    site = entries.site
    return dict(title="Teman", crumbs=[], themes=site.themes, summaries=entries.summaries,
                description="Alla teman i besöksbloggen, med beskrivning och antal inlägg, "
                            "planpunkter och medskick.")


def _municipality_lists(entries: Entries, municipality: Municipality, posts: Sequence[Post],
                        ) -> dict[str, Any]:
    """A municipality's plan items and national input, grouped by the visit that made
    them (visits without any are left out), and its summary."""
    return {"plan": [(p, entries.plan_of[p.slug]) for p in posts if p.slug in entries.plan_of],
            "inputs": [(p, entries.inputs_of[p.slug]) for p in posts
                       if p.slug in entries.inputs_of],
            "summary": entries.summaries.of(municipality), "outcomes": OUTCOMES}


def _theme_lists(entries: Entries, theme: Theme) -> dict[str, Any]:
    return {"plan": entries.plan_by_theme.get(theme, []),
            "inputs": entries.inputs_by_theme.get(theme, []),
            "summary": entries.summaries.themes[theme]}


def archive(plan: Planner) -> None:
    site = plan.site
    plan.paginated(urls.ARCHIVE, "archive.html", site.posts,
                   per_page=site.config.per_page * AGGREGATE_PER_PAGE_FACTOR,
                   title="Arkiv", crumbs=[], group=month_group,
                   description="Alla inlägg efter år och månad, utan kommentarer.")


def search(plan: Planner) -> None:
    plan.page(urls.SEARCH, "search.html", title="Sök", crumbs=[],
              description="Sök i alla kommunbesök och inlägg, med filter för kommun, "
                          "län, tema, år och typ av besök.")


def aggregates(plan: Planner) -> None:
    """Every plan item and every national input of the site, by theme."""
    site, entries = plan.site, plan.entries
    per_page = site.config.per_page * AGGREGATE_PER_PAGE_FACTOR
    items = Lazy(grouped_count(i for p in site.posts for i in p.plan),
                 lambda: by_theme(entries.plan))
    plan.paginated(urls.PLANS, "plans.html", items, per_page=per_page,
                   title="Handlingsplaner", crumbs=[],
                   description="Alla kommuners planer för handling, med status, per tema.")
    inputs = Lazy(grouped_count(i for p in site.posts for i in p.national_input),
                  lambda: by_theme(entries.inputs))
    plan.paginated(urls.INPUTS, "inputs.html", inputs, per_page=per_page,
                   title="Medskick till nationell nivå", crumbs=[],
                   description="Alla kommuners medskick till nationell nivå, per tema.")


def feeds(plan: Planner) -> None:
    """Atom feeds: the whole site's, and each municipality's and theme's."""
    site = plan.site
    _feed(plan, urls.FEED, site.config.title, urls.HOME, site.posts)
    for municipality, posts in site.by_municipality.items():
        _feed(plan, urls.feed(municipality.url), f"{municipality.name} – {site.config.title}",
              municipality.url, sorted_newest(posts))
    for theme in site.themes:
        posts = site.by_theme.get(theme, ())
        _feed(plan, urls.feed(theme.url), f"{theme.name} – {site.config.title}", theme.url,
              posts)


def _feed(plan: Planner, url: str, title: str, alternate: str, posts: Sequence[Post]) -> None:
    entries = posts[:FEED_ENTRIES]
    archive = plan.site.config.archive_date
    updated = max((p.date or archive for p in entries), default=archive)
    plan.page(url, "atom.xml", title=title, alternate=alternate, entries=entries,
              updated=updated)


def not_found(plan: Planner) -> None:
    plan.page(urls.NOT_FOUND, "404.html", title="Sidan finns inte", crumbs=[],
              description="Sidan finns inte. Hitta vidare via startsidan, arkivet, "
                          "kommunerna, temana eller sökningen.")


def aliases(plan: Planner) -> None:
    """Old addresses: a redirect page at each, or, for an address with a query (/?p=12),
    an entry of QUERY_REDIRECTS, which assets/redirect.js reads; and the server rules
    that make them HTTP 301 redirects where a host reads them (`redirects`)."""
    for old, new, title in plan.moved:
        if "?" not in old:
            plan.page(old, "redirect.html", alias=True, title=title, target=new, crumbs=[])
    query = {old: new for old, new, _ in plan.moved if "?" in old}
    if query:
        plan.file(urls.served_by(urls.QUERY_REDIRECTS), as_json(query))
    # The same moves as HTTP 301 rules for servers (_redirects, nginx, Apache).
    for path, rules in server_rules((old, new) for old, new, _ in plan.moved).items():
        plan.file(path, rules)


def robots(plan: Planner) -> None:
    plan.file(urls.served_by(urls.ROBOTS), (
        f"User-agent: *\nAllow: /\n\n"
        f"Sitemap: {plan.site.config.base_url}{urls.SITEMAP}\n").encode())


PAGE_TYPES: tuple[PageType, ...] = (
    assets, home, posts, pages, municipalities, counties, themes, archive, search,
    aggregates, overview.ledger, overview.open_data, feeds, not_found, aliases, robots,
)
"""Every page type, in the order their pages are planned (and rendered). The sitemap,
made last, lists the pages of all of them."""


def plan_site(site: Site, assets: dict[str, Asset], static: dict[str, Path]) -> Plan:
    """The site's plan: the pages and files of PAGE_TYPES and the copies of static/."""
    return _plan_site(site, assets, static, PAGE_TYPES)
