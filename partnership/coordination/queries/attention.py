"""Attention lists: live initiatives gone silent or tied to no problem, approved
organisations in no live initiative, open problems nobody has taken responsibility for, and
responsibilities past their due date."""

import datetime as dt

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from initiatives.models import Initiative, InitiativeUpdate
from partnership.coordination.queries.common import Scope, live_initiatives
from partnership.models import Area
from partnership.problems.models import Problem, ProblemResponsibility
from stakeholders.models import Organization

STALE_DAYS = 90
ATTENTION_PAGE_SIZE = 50


def stale_initiatives(scope: Scope):
    """Live initiatives without a progress update for :data:`STALE_DAYS` days (counting from
    registration when there is none), the longest silent first; ``last_news`` annotated.

    Filtered without grouping (no update since the cutoff, and either an older update or a
    registration before it), so that counting them takes no aggregate over every update:
    at 100,000 initiatives the overview counts them on each request."""
    cutoff = timezone.localdate() - dt.timedelta(days=STALE_DAYS)
    updates = InitiativeUpdate.objects.filter(initiative_id=OuterRef("pk"))
    latest = updates.order_by("-happened_on").values("happened_on")[:1]
    registered_before = timezone.make_aware(dt.datetime.combine(cutoff, dt.time()))
    return (
        live_initiatives(scope)
        .filter(~Exists(updates.filter(happened_on__gte=cutoff)))
        .filter(Q(Exists(updates)) | Q(created_at__lt=registered_before))
        .annotate(last_news=Coalesce(Subquery(latest), TruncDate("created_at")))
        .select_related("lead_organization")
        .order_by("last_news", "title", "pk")
    )


def unlinked_initiatives(scope: Scope):
    """Live initiatives not linked to any problem."""
    links = Initiative.problems.through.objects.filter(initiative_id=OuterRef("pk"))
    return (
        live_initiatives(scope)
        .filter(~Exists(links))
        .select_related("lead_organization")
        .order_by("lead_organization__name", "title", "pk")
    )


def idle_organizations(scope: Scope):
    """Approved organisations leading or partnering in no live initiative (in the period);
    filtered by the areas and themes they say they work on."""
    live = live_initiatives(Scope(starts_on=scope.starts_on, ends_on=scope.ends_on))
    leading = live.filter(lead_organization_id=OuterRef("pk"))
    partnering = Initiative.partner_organizations.through.objects.filter(
        organization_id=OuterRef("pk"), initiative__in=live
    )
    queryset = Organization.objects.approved().filter(~Exists(leading), ~Exists(partnering))
    if scope.area is not None:
        queryset = queryset.filter(
            Exists(
                Organization.areas.through.objects.filter(
                    organization_id=OuterRef("pk"),
                    area__in=Area.objects.with_descendants(scope.area),
                )
            )
        )
    if scope.theme is not None:
        queryset = queryset.filter(
            Exists(
                Organization.themes.through.objects.filter(
                    organization_id=OuterRef("pk"), theme_id=scope.theme.pk
                )
            )
        )
    return queryset.order_by("name", "pk")


def _scoped_problems(scope: Scope):
    """Open problems in the scope's area (with sub-areas) and theme."""
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
    return problems


def unowned_problems(scope: Scope):
    """Open problems no organisation has taken responsibility for, most severe first."""
    responsibilities = ProblemResponsibility.objects.filter(problem_id=OuterRef("pk"))
    return (
        _scoped_problems(scope)
        .filter(~Exists(responsibilities))
        .select_related("area")
        .order_by("-severity", "created_at", "pk")
    )


def overdue_responsibilities(scope: Scope):
    """Responsibilities for open problems whose date has passed, the longest overdue first."""
    return (
        ProblemResponsibility.objects.filter(
            problem__in=_scoped_problems(scope), due_on__lt=timezone.localdate()
        )
        .select_related("organization", "problem", "problem__area")
        .order_by("due_on", "problem__title", "pk")
    )


def attention_page(queryset, page, per_page: int = ATTENTION_PAGE_SIZE) -> Page:
    return Paginator(queryset, per_page).get_page(page)
