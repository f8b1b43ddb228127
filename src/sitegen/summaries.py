"""What happened where, counted once for every page that shows it: per municipality its
visits, plan items by outcome and national inputs; the same counts per county, per
theme and per year of the visit that made a plan; and the national figures.

Pure and linear in the number of posts and items: one pass over the site model. The
map's accessible names, the municipality and county pages, the plan ledger and the
home page's figures all read these counts, so they cannot disagree.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from sitegen.model import MONTHS, Post, Status, Theme
from sitegen.registry import County, Municipality
from sitegen.site import Site
from sitegen.site import Status as ItemStatus
from sitegen.slugs import slugify


class Outcome(StrEnum):
    """Where a plan item ended up: the latest status a revisit gave it, or none."""

    DONE = Status.DONE.value
    IN_PROGRESS = Status.IN_PROGRESS.value
    NOT_STARTED = Status.NOT_STARTED.value
    DROPPED = Status.DROPPED.value
    NOT_FOLLOWED_UP = "not_followed_up"
    """No revisit assessed the item (on a closed archive: it never will)."""

    @property
    def label(self) -> str:
        """As a status badge says it: "Genomförd", "Inte uppföljd"."""
        return _WORDS[self][0]

    @property
    def heading(self) -> str:
        """As a table's column says it: "Genomförda", "Inte uppföljda"."""
        return _WORDS[self][1].capitalize()

    @property
    def slug(self) -> str:
        """The address of its items' list: "genomforda", "inte-uppfoljda"."""
        return slugify(self.heading)

    def counted(self, n: int) -> str:
        """"1 genomförd", "2 genomförda", "2 pågår"."""
        return f"{n} {_WORDS[self][0].lower() if n == 1 else _WORDS[self][1]}"


_WORDS = {  # one (as the status badges say it: Status.label), many
    Outcome.DONE: (Status.DONE.label, "genomförda"),
    Outcome.IN_PROGRESS: (Status.IN_PROGRESS.label, "pågår"),
    Outcome.NOT_STARTED: (Status.NOT_STARTED.label, "ej påbörjade"),
    Outcome.DROPPED: (Status.DROPPED.label, "avbrutna"),
    Outcome.NOT_FOLLOWED_UP: ("Inte uppföljd", "inte uppföljda"),
}

OUTCOMES = tuple(Outcome)
"""In the order tables and charts show them: furthest along first."""


def plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def swedish_list(words: Sequence[str]) -> str:
    """"a", "a och b", "a, b och c"."""
    return " och ".join(filter(None, (", ".join(words[:-1]), *words[-1:])))


def visit_months(visits: Sequence[Post]) -> str:
    """When the visits were, month by month: "mars 2016 och maj 2017"; those whose date
    was lost are counted ("mars 2016 och ett utan datum"), "datum saknas" if all were."""
    months = list(dict.fromkeys(f"{MONTHS[p.date.month - 1]} {p.date.year}"
                                for p in visits if p.date))
    undated = sum(p.date is None for p in visits)
    if not months:
        return "datum saknas"
    if undated:
        months.append("ett utan datum" if undated == 1 else f"{undated} utan datum")
    return swedish_list(months)


def percent(share: float | None) -> str:
    """"50 %" (Swedish: a no-break space before the sign), or "–" when there is nothing."""
    return "–" if share is None else f"{round(100 * share)}\u00a0%"


@dataclass(frozen=True)
class StatusCounts:
    """How many plan items ended up where."""

    counts: tuple[int, ...] = (0,) * len(OUTCOMES)
    """One count per outcome, in OUTCOMES order."""

    @classmethod
    def of(cls, counter: Counter[Outcome]) -> StatusCounts:
        return cls(tuple(counter[o] for o in OUTCOMES))

    def __getitem__(self, outcome: Outcome) -> int:
        return self.counts[OUTCOMES.index(outcome)]

    def items(self) -> list[tuple[Outcome, int]]:
        return list(zip(OUTCOMES, self.counts, strict=True))

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def followed_up(self) -> int:
        """Items a revisit assessed, whatever it found."""
        return self.total - self[Outcome.NOT_FOLLOWED_UP]

    @property
    def active(self) -> int:
        """Items done or in progress."""
        return self[Outcome.DONE] + self[Outcome.IN_PROGRESS]

    @property
    def share_followed_up(self) -> float | None:
        return self.followed_up / self.total if self.total else None

    @property
    def share_active(self) -> float | None:
        return self.active / self.total if self.total else None

    def phrase(self, none: str = "ingen plan") -> str:
        """"6 planpunkter: 2 genomförda, 2 pågår, 2 inte uppföljda", or `none`."""
        if not self.total:
            return none
        parts = [o.counted(n) for o, n in self.items() if n]
        return plural(self.total, "planpunkt", "planpunkter") + ": " + ", ".join(parts)


@dataclass(frozen=True)
class MunicipalitySummary:
    municipality: Municipality
    visits: tuple[Post, ...]
    """The posts filed under it, oldest first (undated last)."""
    plan: StatusCounts
    """The items of its visits' plans (a joint visit's plan counts for each)."""
    inputs: int
    """National inputs from its visits."""

    @property
    def county(self) -> County:
        return self.municipality.county

    @property
    def revisited(self) -> bool:
        return len(self.visits) > 1

    @property
    def months(self) -> str:
        """"mars 2016 och maj 2017" (see visit_months)."""
        return visit_months(self.visits)

    def phrase(self) -> str:
        """"Botkyrka: 2 besök, 6 planpunkter: 2 genomförda, 2 pågår, 2 inte uppföljda"."""
        if not self.visits:
            return f"{self.municipality.name}: inte besökt"
        return (f"{self.municipality.name}: {plural(len(self.visits), 'besök', 'besök')}, "
                f"{self.plan.phrase()}")


@dataclass(frozen=True)
class GroupSummary:
    """A county, a theme or a year: how many municipalities, posts, items, inputs."""

    name: str
    slug: str
    """"" for the group of items without a theme or posts without a date."""
    municipalities: int
    """Distinct municipalities visited (counties, years); municipalities of the theme's
    posts (themes)."""
    posts: int
    """Visits (counties, years, the country); posts with the theme (themes)."""
    plan: StatusCounts
    inputs: int


@dataclass(frozen=True)
class Summaries:
    municipalities: dict[Municipality, MunicipalitySummary]
    """Every visited municipality, in the site model's order (by name)."""
    counties: dict[County, GroupSummary]
    """Counties with a visited municipality, by name."""
    themes: dict[Theme | None, GroupSummary]
    """Plan items and inputs by their own themes (None: items without one, last); posts by
    the post's themes. Every theme of the vocabulary is here, used or not."""
    years: dict[int | None, GroupSummary]
    """By the year of the visit that made the plan (the first visit; a revisit's own plan
    counts in its year). None: undated posts, last."""
    national: GroupSummary
    revisited: int = 0
    """Municipalities visited more than once."""

    def of(self, municipality: Municipality) -> MunicipalitySummary:
        """Its summary; an empty one for a municipality never visited."""
        found = self.municipalities.get(municipality)
        if found is None:
            found = MunicipalitySummary(municipality, (), StatusCounts(), 0)
        return found


def outcomes(site: Site, post: Post) -> list[Outcome]:
    """The outcome of each of the post's plan items, in plan order."""
    statuses = site.statuses
    return [outcome_of(statuses.get((post.slug, item.id))) for item in post.plan]


def outcome_of(status: ItemStatus | None) -> Outcome:
    """The outcome of a plan item whose latest follow-up is `status` (None: none)."""
    return _OF_STATUS[status.followup.status] if status else Outcome.NOT_FOLLOWED_UP


_OF_STATUS = {
    Status.DONE: Outcome.DONE,
    Status.IN_PROGRESS: Outcome.IN_PROGRESS,
    Status.NOT_STARTED: Outcome.NOT_STARTED,
    Status.DROPPED: Outcome.DROPPED,
    # A draft's placeholder; the site model never keeps it as a status, and it means
    # exactly that nobody assessed the item.
    Status.UNASSESSED: Outcome.NOT_FOLLOWED_UP,
}


_INDEX = {o: i for i, o in enumerate(OUTCOMES)}


class _Tally:
    """Counts for one group while the posts are walked (plain ints and code strings: the
    model's frozen dataclasses hash all their fields on every lookup)."""

    __slots__ = ("inputs", "municipalities", "plan", "plans", "posts")

    def __init__(self) -> None:
        self.plans: list[list[int]] = []
        """The outcome counts of each post added (summed once, at the end)."""
        self.plan = [0] * len(OUTCOMES)
        """Single items added one by one (themes)."""
        self.inputs = 0
        self.posts = 0
        self.municipalities: set[str] = set()

    def add(self, visit: bool, plan: list[int], inputs: int, codes: Iterable[str]) -> None:
        self.posts += visit
        self.plans.append(plan)
        self.inputs += inputs
        self.municipalities.update(codes)

    def counts(self) -> StatusCounts:
        return StatusCounts(tuple(map(sum, zip(self.plan, *self.plans, strict=True))))

    def summary(self, name: str, slug: str) -> GroupSummary:
        return GroupSummary(name, slug, len(self.municipalities), self.posts, self.counts(),
                            self.inputs)


def summarize(site: Site) -> Summaries:
    """Every count, in one pass over the posts."""
    per_muni: dict[str, _Tally] = defaultdict(_Tally)
    per_county: dict[str, _Tally] = defaultdict(_Tally)
    per_year: dict[int | None, _Tally] = defaultdict(_Tally)
    per_theme: dict[str | None, _Tally] = defaultdict(_Tally)
    national = _Tally()
    for post in site.posts:
        if not (post.is_visit or post.plan or post.national_input):
            continue
        found = outcomes(site, post)
        plan = [0] * len(OUTCOMES)
        for outcome in found:
            plan[_INDEX[outcome]] += 1
        visit, inputs = post.is_visit, len(post.national_input)
        codes = [m.code for m in post.municipalities]
        for m in post.municipalities:
            per_muni[m.code].add(visit, plan, inputs, ())
        for county in {m.county.code for m in post.municipalities}:
            per_county[county].add(visit, plan, inputs,
                                   [m.code for m in post.municipalities
                                    if m.county.code == county])
        per_year[post.year].add(visit, plan, inputs, codes)
        national.add(visit, plan, inputs, codes)
        for item, outcome in zip(post.plan, found, strict=True):
            for theme in item.themes or (None,):
                per_theme[theme.slug if theme else None].plan[_INDEX[outcome]] += 1
        for entry in post.national_input:
            for theme in entry.themes or (None,):
                per_theme[theme.slug if theme else None].inputs += 1
        for theme in post.themes:
            per_theme[theme.slug].municipalities.update(codes)
    municipalities = {
        m: MunicipalitySummary(m, posts, per_muni[m.code].counts(), per_muni[m.code].inputs)
        for m, posts in site.by_municipality.items()}
    themes: dict[Theme | None, GroupSummary] = {
        t: GroupSummary(t.name, t.slug, len(per_theme[t.slug].municipalities),
                        len(site.by_theme.get(t, ())), per_theme[t.slug].counts(),
                        per_theme[t.slug].inputs)
        for t in site.themes}
    if None in per_theme:
        themes[None] = GroupSummary("Utan tema", "", 0, 0, per_theme[None].counts(),
                                    per_theme[None].inputs)
    years = sorted(per_year, key=lambda y: (y is None, y or 0))
    return Summaries(
        municipalities=municipalities,
        counties={c: per_county[c.code].summary(c.name, c.slug) for c in site.by_county},
        themes=themes,
        years={y: per_year[y].summary(str(y) if y else "Datum saknas", str(y or ""))
               for y in years},
        national=national.summary("Sverige", ""),
        revisited=sum(1 for s in municipalities.values() if s.revisited),
    )
