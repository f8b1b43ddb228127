"""One page of every page type of the repository's own site (content/): what the
accessibility tests check and what scripts/screenshots.py photographs."""

from __future__ import annotations

PAGE_TYPES = {
    "home": "/",
    "post": "/kommunbesok/amal-sticker-ut/",
    "revisit": "/kommunbesok/aterbesok-i-botkyrka/",
    "municipality": "/kommun/botkyrka/",
    "county": "/lan/stockholms-lan/",
    "theme": "/tema/samverkan/",
    "theme-index": "/tema/",
    "municipality-index": "/kommun/",
    "county-index": "/lan/",
    "category": "/kommunbesok/",
    "archive": "/arkiv/",
    "plans": "/handlingsplaner/",
    "national-input": "/medskick/",
    "ledger": "/uppfoljning/",
    "ledger-outcome": "/uppfoljning/inte-uppfoljda/",
    "data": "/data/",
    "404": "/finns-inte/",
    "page": "/om-bloggen/",
    "accessibility-statement": "/tillganglighetsredogorelse/",
}
"""Page type → the address of one page of it."""

SEARCH_PAGES = {
    "search": "/sok/",
    "search-results": "/sok/?q=samverkan",
    "search-nothing": "/sok/?q=Botkirka",
}
"""The search page, empty, with results and with a query that finds nothing (these need
the search index: a build with search)."""

WIDTHS = (375, 1280)
SCHEMES = ("light", "dark")
