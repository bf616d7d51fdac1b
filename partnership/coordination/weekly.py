"""The weekly lägesbild: one ISO week of the partnership on one page, for every partner.

For a week (Monday–Sunday, default the last complete one) :func:`weekly_summary` gives

- **observations** by area and category, each against its **4-week average** (the four
  weeks before; "up", "down" or "as usual" in words), with the totals by category — the
  number is the observations' ``count`` summed (a reporter's "5 young people's groups" is 5);
- **new problems**: recorded that week (not archived);
- **sessions cancelled** that week (the delivery log, ``SessionMark``), of initiatives that
  are not archived and whose lead organisation is approved (what partners see);
- **time gaps**: open problems whose hours the initiatives addressing them miss, as planned
  (their weekly times) and as delivered (the sessions held in the four weeks up to that week),
  and the places and hours with observations that week where nobody was present (planned:
  no weekly time there; delivered: no session held), read from the dashboard's gap queries
  (``queries.gaps``; the problems as they stand now).

The summary is the same for every partner: it is computed once (a fixed number of queries,
whatever the data) and rendered in each reader's language — the page, the Monday email to
every subscriber (``weekly_tasks``), the weekly meeting's agenda item (:func:`headline`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Sum, Window
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from initiatives.models import SessionMark
from partnership.coordination.queries import Scope, time_gaps
from partnership.coordination.queries.gaps import delivered_gaps, observation_pages
from partnership.models import Area, Weekday
from partnership.observations.models import (
    Observation,
    ObservationCategory,
    ObservationHourTotal,
    WeeklySummarySubscription,
)
from partnership.observations.permissions import can_read_observations
from partnership.problems.models import Problem
from stakeholders.models import Organization

# The average is over this many weeks before the week.
AVERAGE_WEEKS = 4
# The page and the email show at most this many rows of each list (the page says how many
# more there are): one printed A4 page.
AREA_ROWS = 10
LIST_ROWS = 6
GAP_ROWS = 3
OBSERVED_ROWS = 3


# --- Weeks ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Week:
    """An ISO week: ``2026-W47``, Monday 16 – Sunday 22 November 2026."""

    year: int
    number: int

    @property
    def monday(self) -> dt.date:
        return dt.date.fromisocalendar(self.year, self.number, 1)

    @property
    def sunday(self) -> dt.date:
        return self.monday + dt.timedelta(days=6)

    @property
    def key(self) -> str:
        """As in a URL and an ``<input type="week">``: ``2026-W47``."""
        return f"{self.year}-W{self.number:02d}"

    @classmethod
    def of(cls, day: dt.date) -> Week:
        year, number, _weekday = day.isocalendar()
        return cls(year, number)

    @property
    def previous(self) -> Week:
        return Week.of(self.monday - dt.timedelta(days=7))

    @property
    def next(self) -> Week:
        return Week.of(self.monday + dt.timedelta(days=7))

    def since_until(self) -> tuple[dt.datetime, dt.datetime]:
        """[Monday 00:00, next Monday 00:00) in the portal's time zone."""
        since = timezone.make_aware(dt.datetime.combine(self.monday, dt.time.min))
        until = timezone.make_aware(dt.datetime.combine(self.next.monday, dt.time.min))
        return since, until

    def __str__(self) -> str:
        return self.key


def week_before(today: dt.date) -> Week:
    """The last complete ISO week before ``today`` (any day of a week gives the week before:
    on Monday 30 November 2026, week 48)."""
    return Week.of(today - dt.timedelta(days=today.isoweekday()))


# Earliest and latest weeks the page accepts (as the portal's date fields: 1900–2100).
FIRST_YEAR, LAST_YEAR = 1900, 2100
_WEEK = re.compile(r"^\s*(\d{4})\s*-?\s*[Ww]?\s*(\d{1,2})\s*$")


def parse_week(value: str) -> Week | None:
    """``2026-W47`` (also ``2026W47``, ``2026-47``) as a week; None for anything else,
    including week 53 of a year that has 52."""
    match = _WEEK.match(value or "")
    if not match:
        return None
    year, number = int(match.group(1)), int(match.group(2))
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    try:
        dt.date.fromisocalendar(year, number, 1)
    except ValueError:
        return None
    return Week(year, number)


# --- The summary ----------------------------------------------------------------------------


def trend_word(this_week: int, average: float) -> str:
    """Up, down or as usual, in words (never colour alone)."""
    if this_week > average:
        return _("up")
    if this_week < average:
        return _("down")
    return _("as usual")


@dataclass
class CountRow:
    """This week's number against the average of the weeks before."""

    this_week: int
    average: float
    category: ObservationCategory | None = None
    area: Area | None = None

    @property
    def trend(self) -> str:
        return trend_word(self.this_week, self.average)

    @property
    def direction(self) -> str:
        """``up`` / ``down`` / ``same``, for a CSS class and tests (the words are ``trend``)."""
        if self.this_week > self.average:
            return "up"
        return "down" if self.this_week < self.average else "same"


@dataclass
class Summary:
    week: Week
    total: CountRow
    by_category: list[CountRow] = field(default_factory=list)
    by_area: list[CountRow] = field(default_factory=list)
    by_area_total: int = 0
    new_problems: list[Problem] = field(default_factory=list)
    new_problems_total: int = 0
    cancelled: list[SessionMark] = field(default_factory=list)
    cancelled_total: int = 0
    time_gaps: list = field(default_factory=list)
    time_gaps_total: int = 0
    delivered_gaps: list = field(default_factory=list)
    delivered_gaps_total: int = 0
    observed_hours: list = field(default_factory=list)
    observed_hours_total: int = 0
    delivered_observed_hours: list = field(default_factory=list)
    delivered_observed_hours_total: int = 0

    @property
    def by_area_more(self) -> int:
        return max(self.by_area_total - len(self.by_area), 0)

    @property
    def new_problems_more(self) -> int:
        return max(self.new_problems_total - len(self.new_problems), 0)

    @property
    def cancelled_more(self) -> int:
        return max(self.cancelled_total - len(self.cancelled), 0)


def _observation_counts(week: Week) -> list[dict]:
    """This week's and the weeks-before sums per area and category, in one query."""
    first = week.monday - dt.timedelta(weeks=AVERAGE_WEEKS)
    return list(
        Observation.objects.filter(observed_on__gte=first, observed_on__lte=week.sunday)
        .values("area_id", "category_id")
        .annotate(
            this_week=Sum("count", filter=Q(observed_on__gte=week.monday), default=0),
            before=Sum("count", filter=Q(observed_on__lt=week.monday), default=0),
        )
        .order_by()
    )


def _observations(week: Week, summary: Summary) -> None:
    counts = _observation_counts(week)
    categories = {c.pk: c for c in ObservationCategory.objects.all()}
    by_category: dict[int, list[int]] = {}
    for row in counts:
        sums = by_category.setdefault(row["category_id"], [0, 0])
        sums[0] += row["this_week"]
        sums[1] += row["before"]
    summary.by_category = sorted(
        (
            CountRow(now, before / AVERAGE_WEEKS, category=categories.get(category_id))
            for category_id, (now, before) in by_category.items()
        ),
        key=lambda r: (-r.this_week, -r.average, r.category.position if r.category else 0),
    )
    total_now = sum(r["this_week"] for r in counts)
    total_before = sum(r["before"] for r in counts)
    summary.total = CountRow(total_now, total_before / AVERAGE_WEEKS)
    ranked = sorted(
        counts, key=lambda r: (-r["this_week"], -r["before"], r["area_id"], r["category_id"])
    )
    summary.by_area_total = len(ranked)
    shown = ranked[:AREA_ROWS]
    areas = Area.objects.in_bulk({r["area_id"] for r in shown})
    summary.by_area = [
        CountRow(
            r["this_week"],
            r["before"] / AVERAGE_WEEKS,
            category=categories.get(r["category_id"]),
            area=areas.get(r["area_id"]),
        )
        for r in shown
    ]


def _new_problems(week: Week, summary: Summary) -> None:
    since, until = week.since_until()
    rows = list(
        Problem.objects.active()
        .filter(created_at__gte=since, created_at__lt=until)
        .select_related("area", "recorded_by_organization")
        .annotate(total=Window(Count("pk")))
        .order_by("-severity", "created_at", "pk")[:LIST_ROWS]
    )
    summary.new_problems = rows
    summary.new_problems_total = rows[0].total if rows else 0


def _cancelled(week: Week, summary: Summary) -> None:
    rows = list(
        SessionMark.objects.filter(
            Organization.approved_q("initiative__lead_organization__"),
            outcome=SessionMark.Outcome.CANCELLED,
            on_date__gte=week.monday,
            on_date__lte=week.sunday,
            initiative__archived_at__isnull=True,
        )
        .select_related("initiative__lead_organization")
        .annotate(total=Window(Count("pk")))
        .order_by("on_date", "starts_at", "pk")[:LIST_ROWS]
    )
    summary.cancelled = rows
    summary.cancelled_total = rows[0].total if rows else 0


# A time gap lists at most this many uncovered spans (the problem's page has them all).
GAP_SPANS = 3


def _with_spans(rows) -> list:
    """Each gap row with ``spans``: its uncovered (weekday name, from, to) spans, the name
    lazy so that it reads in each reader's language."""
    for row in rows:
        row.spans = [(Weekday(day).label, start, end) for day, start, end in row.uncovered or []]
        row.spans_more = max(len(row.spans) - GAP_SPANS, 0)
        row.spans = row.spans[:GAP_SPANS]
    return rows


def _gaps(week: Week, summary: Summary) -> None:
    scope = Scope(starts_on=week.monday, ends_on=week.sunday)
    planned = time_gaps(scope, per_page=GAP_ROWS)
    summary.time_gaps = _with_spans(list(planned.object_list))
    summary.time_gaps_total = planned.paginator.count
    delivered = delivered_gaps(scope, per_page=GAP_ROWS, today=week.next.monday)
    summary.delivered_gaps = _with_spans(list(delivered.object_list))
    summary.delivered_gaps_total = delivered.paginator.count
    # Observed hours nobody was present at that week: planned, and as delivered (one
    # statement for both, which reads the week's observations once).
    pages = observation_pages(scope, per_page=OBSERVED_ROWS, today=week.sunday)
    for name, view in (("observed_hours", "planned"), ("delivered_observed_hours", "delivered")):
        page = pages[view]
        rows = list(page.object_list)
        for row in rows:
            row.when = [
                (Weekday(span.weekday).label, span.starts, span.ends)
                for span in row.spans[:GAP_SPANS]
            ]
            row.when_more = max(len(row.spans) - GAP_SPANS, 0)
        setattr(summary, name, rows)
        setattr(summary, f"{name}_total", page.paginator.count)


def weekly_summary(week: Week) -> Summary:
    """The whole lägesbild of ``week`` (see the module docstring), in a fixed number of
    queries whatever the data."""
    summary = Summary(week=week, total=CountRow(0, 0.0))
    _observations(week, summary)
    _new_problems(week, summary)
    _cancelled(week, summary)
    _gaps(week, summary)
    return summary


@dataclass
class Headline:
    """The lägesbild's numbers in one line (the weekly meeting's agenda item)."""

    week: Week
    observations: CountRow
    new_problems: int
    cancelled: int
    time_gaps: int

    @property
    def is_empty(self) -> bool:
        return not (
            self.observations.this_week
            or self.observations.average
            or self.new_problems
            or self.cancelled
        )


def headline(week: Week) -> Headline:
    """The week's headline numbers, in a fixed number of queries (five)."""
    first = week.monday - dt.timedelta(weeks=AVERAGE_WEEKS)
    # Every area's observations: their daily sums (a few hundred rows for five weeks), not
    # the observations themselves (100,000 at national scale).
    sums = ObservationHourTotal.objects.filter(
        slot=ObservationHourTotal.SLOT_DAY, observed_on__gte=first, observed_on__lte=week.sunday
    ).aggregate(
        this_week=Sum("total", filter=Q(observed_on__gte=week.monday), default=0),
        before=Sum("total", filter=Q(observed_on__lt=week.monday), default=0),
    )
    since, until = week.since_until()
    problems = Problem.objects.active().filter(created_at__gte=since, created_at__lt=until)
    cancelled = SessionMark.objects.filter(
        Organization.approved_q("initiative__lead_organization__"),
        outcome=SessionMark.Outcome.CANCELLED,
        on_date__gte=week.monday,
        on_date__lte=week.sunday,
        initiative__archived_at__isnull=True,
    )
    gaps = time_gaps(Scope(starts_on=week.monday, ends_on=week.sunday), per_page=1)
    return Headline(
        week=week,
        observations=CountRow(sums["this_week"], sums["before"] / AVERAGE_WEEKS),
        new_problems=problems.count(),
        cancelled=cancelled.count(),
        time_gaps=gaps.paginator.count,
    )


def headline_text(headline: Headline) -> str:
    """The headline in words, in the active language."""
    return _(
        "Observations: %(count)d (4-week average %(average)s, %(trend)s) · new problems: "
        "%(problems)d · sessions cancelled: %(cancelled)d · time gaps: %(gaps)d"
    ) % {
        "count": headline.observations.this_week,
        "average": _number(headline.observations.average),
        "trend": headline.observations.trend,
        "problems": headline.new_problems,
        "cancelled": headline.cancelled,
        "gaps": headline.time_gaps,
    }


def _number(value: float) -> str:
    return number_format(round(value, 1), decimal_pos=1 if value % 1 else 0)


# --- The weekly email's opt-in --------------------------------------------------------------


def can_subscribe(user) -> bool:
    """The lägesbild is for partners: members of an approved organisation, coordinators."""
    return can_read_observations(user)


def subscribe(*, user, subscribe: bool) -> bool:
    """Opt in to (or out of) the Monday email of last week's lägesbild; only partners opt
    in. Returns whether the user is subscribed afterwards."""
    if not subscribe:
        WeeklySummarySubscription.objects.filter(user=user).delete()
        return False
    if not can_subscribe(user):
        raise ValidationError(_("The weekly lägesbild is for members of the partnership."))
    WeeklySummarySubscription.objects.get_or_create(user=user)
    return True
