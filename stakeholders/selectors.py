"""Reads of organisations: the "who does what" directory."""

from django.db.models import Count, Prefetch, Q, QuerySet

from initiatives.models import Initiative
from stakeholders.models import Organization


def directory(*, user) -> QuerySet[Organization]:
    """Approved organisations with their areas, themes and number of live initiatives the
    user may see, in a fixed number of queries."""
    visible_live = Initiative.objects.visible_to(user).live().values("pk")
    return (
        Organization.objects.approved()
        .prefetch_related("areas", "themes")
        .annotate(
            live_initiative_count=Count(
                "led_initiatives", filter=Q(led_initiatives__in=visible_live), distinct=True
            )
        )
        .order_by("name")
    )


def organization_detail_queryset(*, user) -> QuerySet[Organization]:
    """One organisation's page: what it does, where, and the initiatives the user may see."""
    initiatives = (
        Initiative.objects.visible_to(user)
        .prefetch_related("themes", "areas")
        .order_by("-starts_on", "title")
    )
    return Organization.objects.approved().prefetch_related(
        "areas",
        "themes",
        Prefetch("led_initiatives", queryset=initiatives, to_attr="visible_initiatives"),
    )


def memberships_of(*, user) -> QuerySet:
    """The user's organisations with their role, each with the initiatives it leads."""
    from stakeholders.models import Membership

    initiatives = Initiative.objects.active().order_by("-starts_on", "title")
    return (
        Membership.objects.filter(user=user)
        .select_related("organization")
        .prefetch_related(
            Prefetch(
                "organization__led_initiatives", queryset=initiatives, to_attr="current_initiatives"
            )
        )
        .order_by("organization__name")
    )
