"""The plan ledger's counts and charts on the fixture site (counts worked out in
tests/test_summaries.py); golden SVG for the chart by theme."""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from sitegen.ledger import (
    WIDTH,
    Chart,
    by_county,
    by_theme,
    by_year,
    chart_legend,
    chart_svg,
    entries_by_outcome,
)
from sitegen.site import Site
from sitegen.summaries import OUTCOMES, Outcome, Summaries

TESTS = Path(__file__).resolve().parent
SVG = "{http://www.w3.org/2000/svg}"


def test_charts_have_a_bar_per_group_with_items(site_summaries: Summaries) -> None:
    theme = by_theme(site_summaries, lambda t: f"/tema/{t.slug}/")
    assert [(b.label, b.url, b.counts.total) for b in theme.bars] == [
        ("Familjerådslag", "/tema/familjeradslag/", 2),
        ("Personalförsörjning", "/tema/personalforsorjning/", 2),
        ("Samverkan", "/tema/samverkan/", 1),
        ("Utan tema", None, 4),  # Digitalisering has no items: no bar
    ]
    county = by_county(site_summaries, lambda c: f"/lan/{c.slug}/")
    assert [(b.label, b.counts.total, b.followed_up) for b in county.bars] == [
        ("Jönköpings län", 2, "50\u00a0%"), ("Norrbottens län", 1, "0\u00a0%"),
        ("Stockholms län", 5, "60\u00a0%"), ("Uppsala län", 2, "50\u00a0%")]
    year = by_year(site_summaries)
    assert [(b.label, b.counts.total) for b in year.bars] == [
        ("2016", 6), ("2017", 1), ("Datum saknas", 1)]
    assert sum(b.counts.total for b in year.bars) == site_summaries.national.plan.total


def test_segments_are_proportional_on_a_common_scale(site_summaries: Summaries) -> None:
    chart = by_county(site_summaries, lambda c: f"/lan/{c.slug}/")
    root = ET.fromstring(chart_svg(chart))
    assert root.get("role") == "img" and root.get("aria-labelledby") == "per-lan-rubrik"
    rects = root.findall(f"{SVG}rect")
    widths: dict[str, float] = {}
    for rect in rects:
        y = rect.get("y", "")
        widths[y] = widths.get(y, 0) + float(rect.get("width", "0"))
    # Stockholm's 5 items span the whole width; Jönköping's 2 two fifths of it.
    spans = sorted(widths.values())
    assert spans[-1] == pytest.approx(WIDTH - 1, abs=0.05)
    assert spans[0] == pytest.approx((WIDTH - 1) / 5, abs=0.05)
    stockholm = [r for r in rects if r.get("y") == sorted(widths, key=float)[2]]
    assert [r.get("class") for r in stockholm] == [
        "s-done", "s-in_progress", "s-dropped", "s-not_followed_up"]
    texts = [t.text for t in root.findall(f"{SVG}text")]
    assert texts[:2] == ["Jönköpings län", "2"]
    ids = re.findall(r'id="([^"]+)"', chart_svg(chart))
    assert all(i.startswith("per-lan-") for i in ids)


def test_an_empty_chart_is_still_valid() -> None:
    root = ET.fromstring(chart_svg(Chart("tom", "Inget", ())))
    assert root.findall(f"{SVG}rect") == []


def test_legend_has_every_outcome_in_chart_order() -> None:
    keys = chart_legend("x")
    assert [k.outcome for k in keys] == list(OUTCOMES)
    assert all(ET.fromstring(k.swatch).get("aria-hidden") == "true" for k in keys)


def test_entries_by_outcome_cover_every_item_once(summaries_site: Site,
                                                  site_summaries: Summaries) -> None:
    found = entries_by_outcome(summaries_site)
    assert {o: len(e) for o, e in found.items()} == dict(site_summaries.national.plan.items())
    dropped = found[Outcome.DROPPED][0]
    assert dropped.item.id == "c" and dropped.status is not None
    assert dropped.status.by.slug == "andra-aterbesoket-i-botkyrka"
    assert [e.post.slug for e in found[Outcome.NOT_FOLLOWED_UP]] == [
        "andra-aterbesoket-i-botkyrka", "besok-i-habo-och-haabo", "besok-i-botkyrka",
        "besok-i-kiruna"]  # newest visit first, undated last


def test_golden_chart(site_summaries: Summaries) -> None:
    svg = chart_svg(by_theme(site_summaries, lambda t: f"/tema/{t.slug}/"))
    golden = TESTS / "golden" / "ledger-per-tema.svg"
    if os.environ.get("SITEGEN_GOLDEN") == "update":
        golden.write_text(svg + "\n", "utf-8")
    assert golden.read_text("utf-8") == svg + "\n", f"{golden} differs: SITEGEN_GOLDEN=update"
