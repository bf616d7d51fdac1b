"""Attention lists: live initiatives gone silent or tied to no problem, approved
organisations in no live initiative."""

import datetime as dt

from django.core.paginator import Page, Paginator
from django.db.models import Exists, Max, OuterRef
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from initiatives.models import Initiative
from partnership.coordination.queries.common import Scope, live_initiatives
from partnership.models import Area
from stakeholders.models import Organization

STALE_DAYS = 90
ATTENTION_PAGE_SIZE = 50


def stale_initiatives(scope: Scope):
    """Live initiatives without a progress update for :data:`STALE_DAYS` days (counting from
    registration when there is none), the longest silent first; ``last_news`` annotated."""
    cutoff = timezone.localdate() - dt.timedelta(days=STALE_DAYS)
    return (
        live_initiatives(scope)
        .annotate(last_news=Coalesce(Max("updates__happened_on"), TruncDate("created_at")))
        .filter(last_news__lt=cutoff)
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


def attention_page(queryset, page, per_page: int = ATTENTION_PAGE_SIZE) -> Page:
    return Paginator(queryset, per_page).get_page(page)
