"""Reads of the coordinator's overview that are not dashboard measures: since when things are
"new" (the last partnership meeting, from the meetings app when it is installed) and the
applications waiting for a decision."""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from partnership import site
from stakeholders.models import Organization

# Without a meeting held yet (or without the meetings app), "new" means the last 14 days.
NEW_FALLBACK_DAYS = 14
APPLICATIONS_SHOWN = 5


def day_start(day: dt.date) -> dt.datetime:
    """Midnight at the start of ``day`` in the portal's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


@dataclass
class Since:
    """The day from which the overview counts things as new, and why that day."""

    day: dt.date
    from_meeting: bool
    upcoming_meetings: list = field(default_factory=list)

    @property
    def starts(self) -> dt.datetime:
        return day_start(self.day)

    @property
    def fallback_days(self) -> int:
        return NEW_FALLBACK_DAYS


def overview_since(*, user) -> Since:
    """The last partnership meeting's day, as the apps contribute it
    (``site.coordinator_overview``: ``{"last_meeting_on": date | None, "upcoming_meetings":
    [...]}``); without one, :data:`NEW_FALLBACK_DAYS` days ago."""
    contributed = site.coordinator_overview.collect(user=user)
    last = contributed.get("last_meeting_on")
    upcoming = list(contributed.get("upcoming_meetings") or [])
    if last is not None:
        return Since(day=last, from_meeting=True, upcoming_meetings=upcoming)
    day = timezone.localdate() - dt.timedelta(days=NEW_FALLBACK_DAYS)
    return Since(day=day, from_meeting=False, upcoming_meetings=upcoming)


def applications_waiting() -> dict:
    """Applications to join waiting for a coordinator's approval: how many, and the newest
    ones (confirmed by their contact person or not)."""
    pending = Organization.objects.filter(status=Organization.Status.PENDING)
    return {
        "applications_waiting": pending.count(),
        "applications": list(pending.order_by("-created_at", "-pk")[:APPLICATIONS_SHOWN]),
    }
