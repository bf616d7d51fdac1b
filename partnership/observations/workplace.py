"""What this app puts on Mina sidor's "what needs me" (``partnership.site.workplace``): the
reporter's way to log an observation for each organisation they report for."""

import datetime as dt

from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from partnership.permissions import is_partner
from partnership.site import WorkItem
from stakeholders.models import Organization


def list_url() -> str:
    try:
        return reverse("observations:list")
    except NoReverseMatch:  # while the URLconf loads
        return ""


def observations(*, user, today: dt.date, limit: int) -> list[WorkItem] | None:
    """One item per approved organisation the user reports for: log an observation for it,
    with how many the user logged for it this week. ``None`` for anyone who is no partner;
    an empty list (the section says how to become a reporter) for a partner who reports for
    none."""
    if not is_partner(user):
        return None
    week_start = today - dt.timedelta(days=today.weekday())
    organizations = (
        Organization.objects.filter(
            Organization.approved_q(), memberships__user=user, memberships__is_reporter=True
        )
        .annotate(
            logged=Count(
                "observations",
                filter=Q(observations__reported_by=user, observations__observed_on__gte=week_start),
            )
        )
        .order_by("name")[:limit]
    )
    return [
        WorkItem(
            title=organization.name,
            detail=ngettext(
                "You logged %(count)d observation for it this week.",
                "You logged %(count)d observations for it this week.",
                organization.logged,
            )
            % {"count": organization.logged},
            action_url=reverse("observations:log")
            + "?"
            + urlencode({"organization": organization.slug}),
            action_label=_("Log an observation"),
        )
        for organization in organizations
    ]
