"""Municipality, county, theme, year and national summaries, counted on fixture sites
whose counts are worked out by hand in the comments."""

from __future__ import annotations

from pathlib import Path

from sitegen.build import load
from sitegen.site import Site
from sitegen.slugs import swedish_key
from sitegen.summaries import Outcome, StatusCounts, Summaries, summarize

SITES = Path(__file__).resolve().parent / "sites"
D, P, N, X, U = (Outcome.DONE, Outcome.IN_PROGRESS, Outcome.NOT_STARTED, Outcome.DROPPED,
                 Outcome.NOT_FOLLOWED_UP)


def counts(**by: int) -> StatusCounts:
    names = {"done": D, "in_progress": P, "not_started": N, "dropped": X, "none": U}
    return StatusCounts(tuple(by.get(k, 0) for k in names))


def test_municipalities(site_summaries: Summaries) -> None:
    found = {m.name: (len(s.visits), s.plan, s.inputs)
             for m, s in site_summaries.municipalities.items()}
    assert found == {
        # Plan a done, b in progress, c not started then dropped (the later revisit wins),
        # d never assessed; the second revisit's own item never assessed.
        "Botkyrka": (3, counts(done=1, in_progress=1, dropped=1, none=2), 2),
        # The joint visit's plan and input count for both municipalities.
        "Habo": (2, counts(done=1, none=1), 1),
        "Håbo": (1, counts(done=1, none=1), 1),
        "Kiruna": (1, counts(none=1), 0),
    }
    botkyrka = next(s for m, s in site_summaries.municipalities.items() if m.name == "Botkyrka")
    assert [p.slug for p in botkyrka.visits] == [
        "besok-i-botkyrka", "aterbesok-i-botkyrka", "andra-aterbesoket-i-botkyrka"]
    assert botkyrka.revisited and botkyrka.county.name == "Stockholms län"
    assert botkyrka.phrase() == ("Botkyrka: 3 besök, 5 planpunkter: 1 genomförd, 1 pågår, "
                                 "1 avbruten, 2 inte uppföljda")


def test_a_municipality_never_visited_has_an_empty_summary(summaries_site: Site,
                                                          site_summaries: Summaries) -> None:
    from sitegen.registry import default_register

    umea = default_register().lookup("Umeå")
    assert umea is not None and umea not in site_summaries.municipalities
    empty = site_summaries.of(umea)
    assert (empty.visits, empty.plan.total, empty.inputs) == ((), 0, 0)
    assert empty.phrase() == "Umeå: inte besökt"


def test_counties(site_summaries: Summaries) -> None:
    found = {c.name: (g.municipalities, g.posts, g.plan, g.inputs)
             for c, g in site_summaries.counties.items()}
    assert found == {  # by Swedish name
        "Jönköpings län": (1, 2, counts(done=1, none=1), 1),
        "Norrbottens län": (1, 1, counts(none=1), 0),
        "Stockholms län": (1, 3, counts(done=1, in_progress=1, dropped=1, none=2), 2),
        "Uppsala län": (1, 1, counts(done=1, none=1), 1),
    }
    assert list(found) == sorted(found, key=swedish_key)


def test_themes_count_items_by_their_own_themes(site_summaries: Summaries) -> None:
    found = {g.name: (g.posts, g.plan, g.inputs) for g in site_summaries.themes.values()}
    assert found == {
        "Digitalisering": (0, counts(), 0),
        "Familjerådslag": (1, counts(in_progress=1, none=1), 0),  # b, d
        "Personalförsörjning": (4, counts(done=1, in_progress=1), 1),  # a, b
        "Samverkan": (2, counts(done=1), 0),  # Habo's first item
        # c, the second revisit's item, Habo's second, Kiruna's; three unthemed inputs
        "Utan tema": (0, counts(dropped=1, none=3), 3),
    }
    assert list(site_summaries.themes)[-1] is None


def test_years_go_by_the_visit_that_made_the_plan(site_summaries: Summaries) -> None:
    found = {y: (g.municipalities, g.posts, g.plan, g.inputs)
             for y, g in site_summaries.years.items()}
    assert found == {
        2016: (3, 2, counts(done=2, in_progress=1, dropped=1, none=2), 3),
        2017: (2, 3, counts(none=1), 1),  # the dialogue is no visit but has an input
        None: (1, 1, counts(none=1), 0),
    }
    assert site_summaries.years[None].name == "Datum saknas"


def test_national_figures(site_summaries: Summaries) -> None:
    national = site_summaries.national
    assert (national.municipalities, national.posts, national.inputs) == (4, 6, 4)
    assert national.plan == counts(done=2, in_progress=1, dropped=1, none=4)
    assert national.plan.followed_up == 4 and national.plan.share_followed_up == 0.5
    assert national.plan.share_active == 3 / 8
    assert site_summaries.revisited == 2
    # Every item is counted once in the country, once in each of its years, and once
    # per theme it has (or in "Utan tema").
    assert sum(g.plan.total for g in site_summaries.years.values()) == national.plan.total


def test_basic_site(site_summaries: Summaries) -> None:
    basic = summarize(load(SITES / "basic").site)
    assert {m.name: (len(s.visits), s.plan) for m, s in basic.municipalities.items()} == {
        "Habo": (2, counts(done=1, none=1)), "Håbo": (1, counts()), "Åmål": (1, counts())}
    assert basic.national.plan.share_followed_up == 0.5
    assert basic.of(next(iter(basic.municipalities))).plan.phrase() == (
        "2 planpunkter: 1 genomförd, 1 inte uppföljd")


def test_every_status_a_revisit_can_give_has_an_outcome() -> None:
    from sitegen.model import Status
    from sitegen.summaries import _OF_STATUS

    assert set(_OF_STATUS) == set(Status)
    assert {o.value for s, o in _OF_STATUS.items() if s.value != "unassessed"} == {
        s.value for s in Status if s.value != "unassessed"}


def test_words() -> None:
    assert [o.counted(1) for o in Outcome] == [
        "1 genomförd", "1 pågår", "1 ej påbörjad", "1 avbruten", "1 inte uppföljd"]
    assert [o.counted(2) for o in Outcome] == [
        "2 genomförda", "2 pågår", "2 ej påbörjade", "2 avbrutna", "2 inte uppföljda"]
    assert [o.heading for o in Outcome] == [
        "Genomförda", "Pågår", "Ej påbörjade", "Avbrutna", "Inte uppföljda"]
    assert StatusCounts().phrase() == "ingen plan"
    assert StatusCounts().share_followed_up is None
