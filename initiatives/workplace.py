"""What this app puts on Mina sidor's "what needs me" (``partnership.site.workplace``):
requests to join our initiatives waiting for an answer, and our initiatives gone silent.
Each provider answers in a fixed number of queries, whatever the number of items."""

import datetime as dt

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from initiatives.models import Initiative, JoinRequest
from partnership.permissions import partner_organization_ids
from partnership.site import WorkItem, by_memberships
from stakeholders.models import Membership, Organization

# The coordinator's "to follow up" uses the same number
# (partnership/coordination/queries/attention.py: STALE_DAYS).


def _date(value) -> str:
    return formats.date_format(value, "j F Y")


@by_memberships
def join_requests(*, user, today: dt.date, limit: int) -> list[WorkItem] | None:
    """Requests to join initiatives led by the approved organisations the user administers,
    oldest first; ``None`` for a user who administers none (only admins answer them)."""
    administered = list(
        Membership.objects.filter(
            Organization.approved_q("organization__"), user=user, role=Membership.Role.ADMIN
        ).values_list("organization_id", flat=True)
    )
    if not administered:
        return None
    waiting = (
        JoinRequest.objects.filter(
            status=JoinRequest.Status.PENDING,
            initiative__lead_organization_id__in=administered,
            initiative__archived_at__isnull=True,
        )
        .select_related("initiative", "organization")
        .order_by("created_at", "pk")[:limit]
    )
    return [
        WorkItem(
            title=request.initiative.title,
            url=reverse("initiatives:detail", args=[request.initiative.slug]),
            detail=_("%(organization)s asks to join (since %(date)s).")
            % {
                "organization": request.organization.name,
                "date": _date(timezone.localdate(request.created_at)),
            },
            action_url=reverse("initiatives:detail", args=[request.initiative.slug])
            + "#join-requests",
            action_label=_("Answer the request"),
        )
        for request in waiting
    ]


@by_memberships
def silent_initiatives(*, user, today: dt.date, limit: int) -> list[WorkItem] | None:
    """Live initiatives (planned or active, not ended, not archived) led by the user's
    approved organisations with no progress update for ``SILENT_DAYS`` days — counted from
    registration when there is none —, the longest silent first; ``None`` for a user of no
    approved organisation. One rule with the coordinator's list: ``Initiative.objects.silent``."""
    ours = partner_organization_ids(user)
    if not ours:
        return None
    silent = (
        Initiative.objects.active()
        .live_during(today)
        .filter(lead_organization_id__in=ours)
        .silent(today)
        .only("slug", "title", "created_at")[:limit]
    )
    return [
        WorkItem(
            title=initiative.title,
            url=reverse("initiatives:detail", args=[initiative.slug]),
            detail=_("Last news %(date)s.") % {"date": _date(initiative.last_news)},
            action_url=reverse("initiatives:update_create", args=[initiative.slug]),
            action_label=_("Post an update"),
        )
        for initiative in silent
    ]
