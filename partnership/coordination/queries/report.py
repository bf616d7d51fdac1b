"""The dashboard's first page (overview) and the partnership report for a period."""

import datetime as dt
from dataclasses import dataclass

from django.db.backends.postgresql.psycopg_any import DateRange
from django.db.models import (
    Count,
    Exists,
    F,
    Func,
    OuterRef,
    Prefetch,
    Q,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from initiatives.models import Initiative
from partnership.coordination.queries.attention import (
    overdue_responsibilities,
    stale_initiatives,
    unowned_problems,
)
from partnership.coordination.queries.common import Scope
from partnership.coordination.queries.coverage import coverage
from partnership.coordination.queries.gaps import gaps
from partnership.coordination.queries.overlaps import overlap_counts, overlaps
from partnership.models import Area, Weekday
from partnership.observations.models import ObservationCategory
from partnership.observations.patterns import place_time_sums
from partnership.problems.models import CauseCategory, Problem, ProblemResponsibility, SafetyWalk
from partnership.residents.models import TIME_OF_DAY_HOURS, Reason, ResidentReport, TimeOfDay

REPORT_ROWS = 50


def overview(scope: Scope, *, new_since=None) -> dict:
    """The numbers on the dashboard's first page: what needs the coordinator today (new
    overlaps since ``new_since``, problems nobody answers for, overdue responsibilities,
    silent initiatives) and the open and decided overlaps. The measures that take seconds at
    national scale (gaps, time gaps, coverage) have their own pages, linked from here, so
    that the first page answers within a second at 100,000 initiatives."""
    open_pairs, decided_pairs, new_pairs = overlap_counts(scope, new_since=new_since)
    return {
        "new_overlaps": new_pairs,
        "unowned_problems": unowned_problems(scope).count(),
        "overdue_responsibilities": overdue_responsibilities(scope).count(),
        "stale": stale_initiatives(scope).count(),
        "open_overlaps": open_pairs,
        "decided_overlaps": decided_pairs,
    }


def _scoped_initiatives(scope: Scope):
    """Not archived, in the area (with sub-areas) and theme, whatever the status."""
    queryset = Initiative.objects.active()
    if scope.area is not None:
        areas = Initiative.areas.through.objects.filter(
            initiative_id=OuterRef("pk"), area__in=Area.objects.with_descendants(scope.area)
        )
        queryset = queryset.filter(Exists(areas))
    if scope.theme is not None:
        themes = Initiative.themes.through.objects.filter(
            initiative_id=OuterRef("pk"), theme_id=scope.theme.pk
        )
        queryset = queryset.filter(Exists(themes))
    return queryset.select_related("lead_organization").order_by("starts_on", "title", "pk")


def started_initiatives(scope: Scope):
    """Initiatives (any status but archived) that started in the period."""
    starts, ends = scope.window
    queryset = _scoped_initiatives(scope).filter(starts_on__gte=starts)
    return queryset.filter(starts_on__lte=ends) if ends else queryset


def ended_initiatives(scope: Scope):
    """Initiatives (any status but archived) that ended in the period."""
    starts, ends = scope.window
    queryset = _scoped_initiatives(scope).filter(ends_on__gte=starts)
    queryset = queryset.filter(ends_on__lte=ends) if ends else queryset
    return queryset.order_by("ends_on", "title", "pk")


def open_problems_with_responsibility(scope: Scope):
    """Open problems (open or being addressed) with who answers for them, most severe first."""
    problems = Problem.objects.open()
    if scope.area is not None:
        problems = problems.in_area(scope.area)
    if scope.theme is not None:
        problems = problems.filter(
            Exists(
                Problem.themes.through.objects.filter(
                    problem_id=OuterRef("pk"), theme_id=scope.theme.pk
                )
            )
        )
    return (
        problems.select_related("area")
        .prefetch_related(
            Prefetch(
                "responsibilities",
                queryset=ProblemResponsibility.objects.select_related("organization").order_by(
                    "role", "organization__name"
                ),
            )
        )
        .order_by("-severity", "created_at", "pk")
    )


def initiative_counts(scope: Scope) -> dict:
    """Live initiatives in the period (``live_initiatives``), and those that started and
    that ended in it (``started_initiatives``, ``ended_initiatives``): one scan, not three."""
    starts, ends = scope.window
    live = Q(status__in=Initiative.LIVE_STATUSES, period__overlap=DateRange(starts, ends, "[]"))
    started = Q(starts_on__gte=starts) & (Q(starts_on__lte=ends) if ends else Q())
    ended = Q(ends_on__gte=starts) & (Q(ends_on__lte=ends) if ends else Q())
    return (
        _scoped_initiatives(scope)
        .order_by()
        .filter(live | started | ended)
        .aggregate(
            live_count=Count("pk", filter=live),
            started_count=Count("pk", filter=started),
            ended_count=Count("pk", filter=ended),
        )
    )


def report(scope: Scope) -> dict:
    """The partnership report's own numbers for a period: counts per area and theme, gaps,
    decided overlaps, initiatives live, started and ended (the lägesbild's sections are
    ``lagesbild``; the open problems are the åtgärdsplan's, ``coordination/plan.py``)."""
    return {
        "coverage": coverage(scope),
        **initiative_counts(scope),
        "gaps": gaps(scope, per_page=20),
        "overlaps": overlaps(scope, decided=True, per_page=REPORT_ROWS),
        "started": list(started_initiatives(scope)[:REPORT_ROWS]),
        "ended": list(ended_initiatives(scope)[:REPORT_ROWS]),
    }


# --- The lägesbild of lag 2023:196, 4 § (plan, issue 15) -----------------------------------------
#
# Kartläggning (observations and problems by area, category and time), annan information
# (safety walks and surveys, resident reports), analys (patterns, causes, gaps) and the
# åtgärdsplan (``coordination/plan.py``). Each measure is one grouped statement over the
# period, whatever the number of rows: the report's query count does not grow with the data.

TOP_PATTERNS = 10


def _day_start(day, plus_days: int = 0):
    """Midnight at the start of ``day`` (plus some days) in the portal's time zone."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=plus_days), dt.time.min))


def _observation_window(scope: Scope) -> tuple:
    starts, ends = scope.window
    return starts, ends or timezone.localdate()


def _category_names(ids) -> dict[int, str]:
    """The categories' names in the language in use (one query, whatever the ids)."""
    return {c.pk: c.name for c in ObservationCategory.objects.filter(pk__in=ids)}


@dataclass
class ObservationMatrix:
    """Observations (their counts added) per area × category in the period."""

    categories: list
    rows: list  # (area name, [count per category], total)
    totals: list
    total: int


@dataclass(frozen=True)
class ObservationGroups:
    """The observations in the period (their counts added), already summed for the report's
    sections by the database: ``cells`` per (area id, category id) with ``area_names`` (the
    matrix, the published areas), ``weekdays`` per (category id, ISO weekday) and ``parts``
    per (category id, part: a ``TimeOfDay`` value, "" without a time) (the times; per
    category so that a publication can leave categories out), ``top`` the commonest (area,
    category, weekday, part) groups as dicts, most first (the patterns), and the categories'
    names. The observations are read once for all of them (``patterns.place_time_sums``)."""

    cells: dict
    area_names: dict
    weekdays: dict
    parts: dict
    top: list
    categories: dict


def observation_groups(scope: Scope, top: int = TOP_PATTERNS) -> ObservationGroups:
    """The period's observations in the area (with its sub-areas), of the categories tied to
    the theme (when one is chosen), summed per area × category, category × weekday, category
    × part of the day, and the ``top`` commonest groups: one statement (the whole calendar
    years of the period from the year totals, the other days from the observations), and
    one query for the categories' names — two queries whatever the number of
    observations."""
    starts, ends = _observation_window(scope)
    areas = categories = None
    if scope.area is not None:
        areas = Area.objects.with_descendants(scope.area).order_by().values("pk")
    if scope.theme is not None:
        categories = ObservationCategory.themes.through.objects.filter(
            theme_id=scope.theme.pk
        ).values("observationcategory_id")
    sums = place_time_sums(areas=areas, categories=categories, start=starts, end=ends, top=top)
    names = _category_names({category_id for _area_id, category_id in sums.cells})
    return ObservationGroups(**vars(sums), categories=names)


def observation_matrix(scope: Scope, groups: ObservationGroups | None = None) -> ObservationMatrix:
    """Per area (the area observed in) and category, the sum of the observations' counts;
    only areas and categories with observations."""
    groups = groups or observation_groups(scope)
    cells, areas, categories = groups.cells, groups.area_names, groups.categories
    category_ids = sorted({c for _a, c in cells}, key=lambda pk: categories[pk])
    rows = []
    for area_id in sorted(areas, key=lambda pk: areas[pk]):
        counts = [cells.get((area_id, c), 0) for c in category_ids]
        rows.append((areas[area_id], counts, sum(counts)))
    totals = [sum(cells.get((a, c), 0) for a in areas) for c in category_ids]
    return ObservationMatrix(
        categories=[categories[c] for c in category_ids],
        rows=rows,
        totals=totals,
        total=sum(totals),
    )


def observations_by_time(scope: Scope, groups: ObservationGroups | None = None) -> dict:
    """The observations' counts by weekday (Monday first) and by part of the day (the
    residents' parts; "" = no time given)."""
    groups = groups or observation_groups(scope)
    weekdays = dict.fromkeys(range(1, 8), 0)
    parts = {str(p): 0 for p in TIME_OF_DAY_HOURS} | {"": 0}
    for (_category_id, weekday), n in groups.weekdays.items():
        weekdays[weekday] += n
    for (_category_id, part), n in groups.parts.items():
        parts[part] += n
    return {
        "weekdays": [(Weekday(day).label, n) for day, n in weekdays.items()],
        "parts": [(TimeOfDay(p).label if p else _("No time given"), n) for p, n in parts.items()],
    }


def observation_patterns(
    scope: Scope, limit: int = TOP_PATTERNS, groups: ObservationGroups | None = None
) -> list[dict]:
    """The commonest combinations of area, category, weekday and part of the day: the
    patterns a problem could be made of (most observed first; ties by area name, category,
    weekday, part). ``groups`` must hold at least ``limit`` of them (``top``)."""
    groups = groups or observation_groups(scope, top=limit)
    return [
        {
            "area": row["area__name"],
            "category": groups.categories[row["category_id"]],
            "weekday": Weekday(row["weekday"]).label,
            "part": TimeOfDay(row["part"]).label if row["part"] else _("No time given"),
            "count": row["n"],
        }
        for row in groups.top[:limit]
    ]


def _scoped_problems(scope: Scope):
    problems = Problem.objects.active()
    if scope.area is not None:
        problems = problems.in_area(scope.area)
    if scope.theme is not None:
        problems = problems.filter(
            Exists(
                Problem.themes.through.objects.filter(
                    problem_id=OuterRef("pk"), theme_id=scope.theme.pk
                )
            )
        )
    return problems.order_by()


def problems_recorded(scope: Scope) -> list[tuple[str, int]]:
    """Problems recorded in the period (not archived), per area, most first. One query."""
    starts, ends = _observation_window(scope)
    rows = (
        _scoped_problems(scope)
        .filter(created_at__gte=_day_start(starts), created_at__lt=_day_start(ends, 1))
        .values("area__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "area__name")
    )
    return [(row["area__name"], row["n"]) for row in rows]


def cause_counts(scope: Scope) -> dict:
    """Open problems per kind of cause (a problem counts under each of its kinds), and how
    many open problems name no kind of cause. Two queries."""
    problems = _scoped_problems(scope).filter(status__in=Problem.OPEN_STATUSES)
    counts = dict(
        problems.annotate(kind=Func(F("cause_categories"), function="unnest"))
        .values("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
    )
    return {
        "kinds": [
            (label, counts[value]) for value, label in CauseCategory.choices if counts.get(value)
        ],
        "none": problems.filter(cause_categories=[]).count(),
    }


def walks_in_period(scope: Scope) -> list:
    """Safety walks and surveys held in the period (confirmed imports), each with its number
    of findings (problems). One query."""
    starts, ends = _observation_window(scope)
    walks = SafetyWalk.objects.filter(confirmed_at__isnull=False, held_on__range=(starts, ends))
    if scope.area is not None:
        walks = walks.filter(area__in=Area.objects.with_descendants(scope.area))
    return list(
        walks.select_related("area", "organization")
        .annotate(findings=Count("problems"))
        .order_by("held_on", "pk")[:REPORT_ROWS]
    )


def resident_report_counts(scope: Scope) -> dict:
    """Residents' reports sent in the period: how many, feeling unsafe, per reason (a report
    counts under each reason) and per area. Two queries."""
    starts, ends = _observation_window(scope)
    reports = ResidentReport.objects.filter(created_on__range=(starts, ends))
    if scope.area is not None:
        reports = reports.in_area(scope.area)
    reports = reports.order_by()
    per_area = list(
        reports.values("area__name")
        .annotate(n=Count("pk"), unsafe=Count("pk", filter=Q(kind=ResidentReport.Kind.UNSAFE)))
        .order_by("-n", "area__name")
    )
    reasons = dict(
        reports.annotate(reason=Func(F("reasons"), function="unnest"))
        .values("reason")
        .annotate(n=Count("pk"))
        .values_list("reason", "n")
    )
    return {
        "total": sum(row["n"] for row in per_area),
        "unsafe": sum(row["unsafe"] for row in per_area),
        "per_area": [(row["area__name"], row["n"], row["unsafe"]) for row in per_area],
        "reasons": [
            (label, reasons[value]) for value, label in Reason.choices if reasons.get(value)
        ],
    }


def lagesbild(scope: Scope) -> dict:
    """The 4 § sections of the report for the scope's period: kartläggning, annan
    information and analys (the åtgärdsplan is ``coordination/plan.py``'s; the gaps are
    ``report``'s)."""
    groups = observation_groups(scope)
    return {
        "observations": observation_matrix(scope, groups),
        "observation_times": observations_by_time(scope, groups),
        "problems_recorded": problems_recorded(scope),
        "walks": walks_in_period(scope),
        "resident_reports": resident_report_counts(scope),
        "patterns": observation_patterns(scope, groups=groups),
        "causes": cause_counts(scope),
    }
