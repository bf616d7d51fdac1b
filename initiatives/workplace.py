"""What this app puts on Mina sidor's "what needs me" (``partnership.site.workplace``):
requests to join our initiatives waiting for an answer, and our initiatives gone silent.
Each provider answers in a fixed number of queries, whatever the number of items."""

import datetime as dt

from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from initiatives.models import Initiative, InitiativeUpdate, JoinRequest
from partnership.permissions import partner_organization_ids
from partnership.site import WorkItem
from stakeholders.models import Membership, Organization

# The coordinator's "to follow up" uses the same number
# (partnership/coordination/queries/attention.py: STALE_DAYS).
SILENT_DAYS = 90


def _date(value) -> str:
    return formats.date_format(value, "j F Y")


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


def silent_initiatives(*, user, today: dt.date, limit: int) -> list[WorkItem] | None:
    """Live initiatives (planned or active, not ended, not archived) led by the user's
    approved organisations with no progress update for ``SILENT_DAYS`` days — counted from
    registration when there is none —, the longest silent first; ``None`` for a user of no
    approved organisation. The same rule as the coordinator's list (``stale_initiatives``)."""
    ours = partner_organization_ids(user)
    if not ours:
        return None
    cutoff = today - dt.timedelta(days=SILENT_DAYS)
    updates = InitiativeUpdate.objects.filter(initiative_id=OuterRef("pk"))
    latest = updates.order_by("-happened_on").values("happened_on")[:1]
    registered_before = timezone.make_aware(dt.datetime.combine(cutoff, dt.time()))
    silent = (
        Initiative.objects.active()
        .live_during(today)
        .filter(lead_organization_id__in=ours)
        .filter(~Exists(updates.filter(happened_on__gte=cutoff)))
        .filter(Q(Exists(updates)) | Q(created_at__lt=registered_before))
        .annotate(last_news=Coalesce(Subquery(latest), TruncDate("created_at")))
        .order_by("last_news", "title", "pk")
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
