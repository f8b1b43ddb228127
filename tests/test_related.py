"""How posts stand to each other (sitegen.related) and the order of posts whose date was
lost (site.post_order): related visits, a visit's span of dates, neighbours."""

from __future__ import annotations

import datetime as dt

import pytest

from sitegen.model import FollowUp, Html, Post, Source, Theme
from sitegen.registry import default_register
from sitegen.related import RELATED, Via, neighbours, related_visits, visit_spans
from sitegen.site import post_order

REGISTER = default_register()
SAMVERKAN, SKOLA, IT = Theme("Samverkan", "samverkan"), Theme("Skola", "skola"), Theme(
    "Digitalisering", "digitalisering")


def post(slug: str, places: tuple[str, ...] = (), themes: tuple[Theme, ...] = (),
         date: dt.date | None = None, of: str | None = None,
         export_order: int | None = None) -> Post:
    municipalities = tuple(m for m in map(REGISTER.lookup, places) if m is not None)
    assert len(municipalities) == len(places)
    followup = FollowUp(of, (), Source("", 0)) if of else None
    return Post(slug, slug.replace("-", " ").capitalize(), date, "kommunbesok",
                municipalities, themes, Html(""), "", followup=followup,
                export_order=export_order)


def ordered(*posts: Post) -> tuple[Post, ...]:
    return tuple(sorted(posts, key=post_order))


def slugs(found: tuple[object, ...]) -> list[str]:
    return [r.post.slug for r in found]  # type: ignore[attr-defined]


def test_same_municipality_then_county_then_most_shared_themes() -> None:
    posts = ordered(
        post("botkyrka-1", ("Botkyrka",), (SAMVERKAN,), dt.date(2016, 3, 1)),
        post("botkyrka-2", ("Botkyrka",), (IT,), dt.date(2017, 5, 1)),
        post("nacka", ("Nacka",), (IT,), dt.date(2016, 1, 1)),
        post("amal-both", ("Åmål",), (SAMVERKAN, SKOLA), dt.date(2015, 1, 1)),
        post("skovde-one", ("Skövde",), (SKOLA,), dt.date(2017, 9, 1)),
        post("kiruna-none", ("Kiruna",), (IT,), dt.date(2017, 9, 2)),
    )
    found = related_visits(posts)
    mine = found["botkyrka-1"]
    assert slugs(mine) == ["botkyrka-2", "nacka", "amal-both"]
    assert [r.via for r in mine] == [Via.MUNICIPALITY, Via.COUNTY, Via.THEMES]
    assert mine[2].themes == (SAMVERKAN,)
    # two shared themes come before one, whatever the date
    assert slugs(related_visits(ordered(
        post("x", ("Umeå",), (SAMVERKAN, SKOLA)), *posts))["x"])[:2] == [
        "amal-both", "skovde-one"]


def test_at_most_five_never_itself_never_twice() -> None:
    posts = ordered(*(post(f"botkyrka-{n}", ("Botkyrka",), (SAMVERKAN,),
                           dt.date(2016, 1, n)) for n in range(1, 9)),
                    post("joint", ("Botkyrka", "Nacka"), (SAMVERKAN,), dt.date(2016, 2, 1)))
    for slug, found in related_visits(posts).items():
        assert len(found) == RELATED
        assert slug not in slugs(found)
        assert len(set(slugs(found))) == len(found)
    # newest first within a group
    assert slugs(related_visits(posts)["botkyrka-1"])[:2] == ["joint", "botkyrka-8"]


def test_a_post_that_is_no_visit_gets_visits_by_theme_and_is_never_one() -> None:
    dialog = Post("dialog", "En dialog", dt.date(2016, 1, 1), "dialoger", (), (SKOLA,),
                  Html(""), "")
    posts = ordered(dialog, post("amal", ("Åmål",), (SKOLA,), dt.date(2015, 1, 1)),
                    post("nacka", ("Nacka",), (IT,), dt.date(2015, 1, 1)))
    found = related_visits(posts)
    assert slugs(found["dialog"]) == ["amal"]
    assert all("dialog" not in slugs(f) for f in found.values())
    assert "nacka" not in found  # nothing in common with anything


def test_a_visit_and_its_revisits_share_their_span_of_dates() -> None:
    posts = ordered(
        post("first", ("Botkyrka",), date=dt.date(2016, 3, 8)),
        post("second", ("Botkyrka",), date=dt.date(2017, 5, 2), of="first"),
        post("third", ("Botkyrka",), date=None, of="second"),
        post("alone", ("Nacka",), date=dt.date(2016, 1, 1)),
        post("same-day", ("Åmål",), date=dt.date(2016, 1, 1)),
        post("same-day-again", ("Åmål",), date=dt.date(2016, 1, 1), of="same-day"),
    )
    spans = visit_spans(posts)
    span = (dt.date(2016, 3, 8), dt.date(2017, 5, 2))
    assert spans == {"first": span, "second": span, "third": span}


@pytest.mark.parametrize("chain", [10, 3000])
def test_spans_follow_long_chains_in_one_pass(chain: int) -> None:
    posts = [post("v0", date=dt.date(2000, 1, 1))] + [
        post(f"v{n}", date=dt.date(2000, 1, 1) + dt.timedelta(days=n), of=f"v{n - 1}")
        for n in range(1, chain)]
    spans = visit_spans(posts)
    assert set(spans.values()) == {(dt.date(2000, 1, 1),
                                   dt.date(2000, 1, 1) + dt.timedelta(days=chain - 1))}


def test_undated_posts_follow_the_dated_in_the_exports_order() -> None:
    posts = ordered(post("c-undated", export_order=3), post("a-undated", export_order=5),
                    post("new", date=dt.date(2017, 1, 1)), post("b-unplaced"),
                    post("old", date=dt.date(2015, 1, 1)), post("z-undated", export_order=1))
    assert [p.slug for p in posts] == ["new", "old", "z-undated", "c-undated", "a-undated",
                                       "b-unplaced"]


def test_neighbours_stay_among_dated_or_among_undated_posts() -> None:
    posts = ordered(post("new", date=dt.date(2017, 1, 1)), post("old", date=dt.date(2015, 1, 1)),
                    post("first", export_order=1), post("second", export_order=2))
    by = {p.slug: i for i, p in enumerate(posts)}

    def around(slug: str) -> tuple[str | None, str | None]:
        before, after = neighbours(posts, by[slug])
        return (before.slug if before else None, after.slug if after else None)

    assert around("new") == (None, "old")
    assert around("old") == ("new", None)  # no "older" post whose date is unknown
    assert around("first") == (None, "second")
    assert around("second") == ("first", None)
