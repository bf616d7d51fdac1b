"""What this app puts on Mina sidor's "what needs me" (``partnership.site.workplace``): the
coming meetings the user's organisations are invited to (a coordinator: every coming one)."""

import datetime as dt

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from partnership.meetings.models import Meeting
from partnership.permissions import is_partner
from partnership.site import WorkItem, by_memberships


@by_memberships
def meetings_invited(*, user, today: dt.date, limit: int) -> list[WorkItem] | None:
    """Meetings that have not ended, which the user may see (``Meeting.objects.visible_to``:
    their approved organisations are invited), the next first; ``None`` for a user who is no
    partner. One query."""
    if not is_partner(user):
        return None
    coming = (
        Meeting.objects.visible_to(user)
        .upcoming()
        .order_by("starts_at", "pk")
        .only("public_id", "kind", "starts_at", "place")[:limit]
    )
    return [
        WorkItem(
            title=_("%(kind)s, %(when)s")
            % {
                "kind": meeting.get_kind_display(),
                "when": formats.date_format(timezone.localtime(meeting.starts_at), "l j F Y H:i"),
            },
            url=meeting.get_absolute_url(),
            detail=meeting.place,
            action_url=meeting.get_absolute_url(),
            action_label=_("Read the agenda"),
        )
        for meeting in coming
    ]
