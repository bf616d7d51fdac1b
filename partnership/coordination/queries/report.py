"""The dashboard's first page (overview) and the partnership report for a period."""

from django.db.models import Exists, OuterRef, Prefetch

from initiatives.models import Initiative
from partnership.coordination.queries.attention import (
    overdue_responsibilities,
    stale_initiatives,
    unowned_problems,
)
from partnership.coordination.queries.common import Scope, live_initiatives
from partnership.coordination.queries.coverage import coverage
from partnership.coordination.queries.gaps import gaps
from partnership.coordination.queries.overlaps import overlap_counts, overlaps
from partnership.models import Area
from partnership.problems.models import Problem, ProblemResponsibility

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


def report(scope: Scope) -> dict:
    """The partnership report for a period (lägesbild): counts per area and theme, open
    problems and who is responsible, gaps, decided overlaps, initiatives started and ended."""
    started = started_initiatives(scope)
    ended = ended_initiatives(scope)
    problems = open_problems_with_responsibility(scope)
    return {
        "coverage": coverage(scope),
        "live_count": live_initiatives(scope).count(),
        "open_problem_count": problems.count(),
        "open_problems": list(problems[:REPORT_ROWS]),
        "gaps": gaps(scope, per_page=20),
        "overlaps": overlaps(scope, decided=True, per_page=REPORT_ROWS),
        "started_count": started.count(),
        "started": list(started[:REPORT_ROWS]),
        "ended_count": ended.count(),
        "ended": list(ended[:REPORT_ROWS]),
    }
