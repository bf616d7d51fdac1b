"""The delivery log: what actually took place at an initiative's scheduled sessions.

A **session** is one of the initiative's weekly slots on a date within its period (Fridays
21:00–01:00 on Friday 27 November, ending on Saturday). Sessions are computed from the
slots; only **marks** are stored (``SessionMark``: held, cancelled or moved to a new time,
with an optional number of participants and a short observation), one row per initiative,
date and start time (a unique constraint: marking twice updates, never duplicates).

- A session that ended more than :data:`UNCONFIRMED_AFTER` (48 hours) ago without a mark is
  **unconfirmed**; before that it is **due**; before it starts it is **upcoming**.
- Who marks: the lead organisation's members, the partner organisations' members where the
  lead allows it (``Initiative.partners_mark_sessions``), coordinators
  (``permissions.can_mark_sessions``).
- A session can be marked held (or moved) once it has started, cancelled at any time; a date
  outside the period, or a date and start that match no slot, are refused.
- The weekly email (``initiatives/tasks.py``) carries signed links (:func:`session_token`,
  ``django.core.signing`` with :data:`LINK_SALT`, valid :data:`LINK_MAX_AGE`) that mark a
  session without logging in. A link is single use by the mark itself: it acts only on a
  session nobody has marked, so a second use (or a use after someone marked it on the page)
  changes nothing. It opens a confirmation page whose button POSTs (a GET never changes
  anything: mail scanners and link previews follow links).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from initiatives.models import Initiative, ScheduleSlot, SessionMark
from partnership.permissions import partner_organization_ids
from partnership.site import by_memberships

if TYPE_CHECKING:
    from stakeholders.models import User

UNCONFIRMED_AFTER = dt.timedelta(hours=48)
LINK_SALT = "initiatives.delivery.session-link"
LINK_MAX_AGE = dt.timedelta(days=14)
# The delivery page lists this many weeks back and ahead; the initiative page's record
# counts the last RECORD_WEEKS weeks; Mina sidor asks about the last CONFIRM_DAYS days.
PAGE_WEEKS_BACK = 4
PAGE_WEEKS_AHEAD = 4
RECORD_WEEKS = 8
CONFIRM_DAYS = 7


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def session_end_day(on_date: dt.date, starts_at: dt.time, ends_at: dt.time) -> dt.date:
    """The day a session ends: the next day when the end is at or before the start (a slot
    past midnight, and an end at midnight), as in the calendar feeds."""
    return on_date + dt.timedelta(days=int(ends_at <= starts_at))


@dataclass
class Session:
    """One scheduled session, with its mark if it has one."""

    initiative: Initiative
    on_date: dt.date
    starts_at: dt.time
    ends_at: dt.time
    mark: SessionMark | None = None
    scheduled: bool = True  # False: a mark whose slot no longer exists

    @property
    def starts(self) -> dt.datetime:
        return dt.datetime.combine(self.on_date, self.starts_at, _zone())

    @property
    def ends(self) -> dt.datetime:
        day = session_end_day(self.on_date, self.starts_at, self.ends_at)
        return dt.datetime.combine(day, self.ends_at, _zone())

    @property
    def key(self) -> str:
        """The session in a URL: ``20261127-2100``."""
        return session_key(self.on_date, self.starts_at)

    def state(self, now: dt.datetime | None = None) -> str:
        """ "held" / "cancelled" / "moved" when marked, else "upcoming" (not started),
        "running", "due" (ended, within 48 hours) or "unconfirmed"."""
        if self.mark is not None:
            return self.mark.outcome
        now = now or timezone.now()
        if now < self.starts:
            return "upcoming"
        if now < self.ends:
            return "running"
        return "due" if now < self.ends + UNCONFIRMED_AFTER else "unconfirmed"

    @property
    def state_label(self) -> str:
        return state_labels()[self.state()]

    @property
    def has_started(self) -> bool:
        return timezone.now() >= self.starts

    @property
    def page_url(self) -> str:
        return reverse("initiatives:session_mark", args=[self.initiative.slug, self.key])


def state_labels() -> dict[str, str]:
    return {
        "held": _("Held"),
        "cancelled": pgettext("session", "Cancelled"),
        "moved": _("Moved"),
        "upcoming": _("Upcoming"),
        "running": _("Under way"),
        "due": _("To confirm"),
        "unconfirmed": _("Unconfirmed (over 48 hours)"),
    }


def session_key(on_date: dt.date, starts_at: dt.time) -> str:
    return f"{on_date:%Y%m%d}-{starts_at:%H%M}"


def parse_session_key(key: str) -> tuple[dt.date, dt.time] | None:
    """``20261127-2100`` as (date, time); None for anything else."""
    try:
        day, clock = key.split("-")
        if len(day) != 8 or len(clock) != 4 or not (day + clock).isdigit():
            return None
        return dt.date(int(day[:4]), int(day[4:6]), int(day[6:])), dt.time(
            int(clock[:2]), int(clock[2:])
        )
    except ValueError:
        return None


def _period_clip(initiative: Initiative, first: dt.date, last: dt.date):
    first = max(first, initiative.starts_on)
    if initiative.ends_on is not None:
        last = min(last, initiative.ends_on)
    return first, last


def sessions_between(
    initiative: Initiative,
    first: dt.date,
    last: dt.date,
    *,
    slots: list[ScheduleSlot] | None = None,
    marks: list[SessionMark] | None = None,
) -> list[Session]:
    """The initiative's sessions on the days ``first`` to ``last`` (both included) within
    its period, each with its mark, in time order; marks of slots that no longer exist are
    included as unscheduled. ``slots`` and ``marks`` default to the initiative's (prefetched
    ones are used when given: no query)."""
    if slots is None:
        slots = list(initiative.slots.all())
    if marks is None:
        marks = list(initiative.session_marks.filter(on_date__range=(first, last)))
    by_key = {(m.on_date, m.starts_at): m for m in marks if first <= m.on_date <= last}
    sessions = []
    start, end = _period_clip(initiative, first, last)
    by_weekday: dict[int, list[ScheduleSlot]] = {}
    for slot in slots:
        by_weekday.setdefault(slot.weekday, []).append(slot)
    day = start
    while day <= end:
        for slot in by_weekday.get(day.isoweekday(), ()):
            mark = by_key.pop((day, slot.starts_at), None)
            sessions.append(Session(initiative, day, slot.starts_at, slot.ends_at, mark))
        day += dt.timedelta(days=1)
    for (day, starts_at), mark in by_key.items():
        sessions.append(Session(initiative, day, starts_at, mark.ends_at, mark, scheduled=False))
    sessions.sort(key=lambda s: (s.on_date, s.starts_at))
    return sessions


def find_session(initiative: Initiative, on_date: dt.date, starts_at: dt.time) -> Session | None:
    """The scheduled session on ``on_date`` at ``starts_at``, or None when the date is
    outside the period or no slot starts then on that weekday."""
    sessions = sessions_between(initiative, on_date, on_date)
    for session in sessions:
        if session.starts_at == starts_at and session.scheduled:
            return session
    return None


def mark_session(
    *,
    initiative: Initiative,
    on_date: dt.date,
    starts_at: dt.time,
    outcome: str,
    via: str,
    user: User | None = None,
    participants: int | None = None,
    observation: str = "",
    moved_on: dt.date | None = None,
    moved_starts_at: dt.time | None = None,
    moved_ends_at: dt.time | None = None,
    only_if_unmarked: bool = False,
) -> tuple[SessionMark, bool]:
    """Record what happened at a session. Returns (mark, changed). ``ValidationError`` when
    there is no such session, or it is marked held or moved before it starts. With
    ``only_if_unmarked`` (the email links) an existing mark is left as it is and ``changed``
    is False; otherwise the mark is replaced. Concurrent calls make one row (the unique
    constraint; ``get_or_create`` and ``update_or_create`` retry the read on a conflict)."""
    session = find_session(initiative, on_date, starts_at)
    if session is None:
        raise ValidationError(
            _(
                "%(title)s has no session on that day at that time (outside its period "
                "or its weekly times)."
            )
            % {"title": initiative.title},
            code="no_session",
        )
    if outcome not in SessionMark.Outcome.values:
        raise ValidationError(_("Choose what happened."), code="outcome")
    if outcome == SessionMark.Outcome.HELD and not session.has_started:
        raise ValidationError(
            _("A session cannot be marked as held before it starts."), code="not_started"
        )
    moved = outcome == SessionMark.Outcome.MOVED
    if moved and not (moved_on and moved_starts_at and moved_ends_at):
        raise ValidationError(_("Give the new date and time."), code="moved_time")
    values = {
        "ends_at": session.ends_at,
        "outcome": outcome,
        "participants": participants if outcome != SessionMark.Outcome.CANCELLED else None,
        "observation": observation,
        "moved_on": moved_on if moved else None,
        "moved_starts_at": moved_starts_at if moved else None,
        "moved_ends_at": moved_ends_at if moved else None,
        "marked_by": user if user is not None and user.is_authenticated else None,
        "via": via,
    }
    with transaction.atomic():
        if only_if_unmarked:
            return SessionMark.objects.get_or_create(
                initiative=initiative, on_date=on_date, starts_at=starts_at, defaults=values
            )
        mark, _created = SessionMark.objects.update_or_create(
            initiative=initiative, on_date=on_date, starts_at=starts_at, defaults=values
        )
        return mark, True


# --- The record on the initiative page -----------------------------------------------------------


@dataclass(frozen=True)
class DeliveryRecord:
    """Sessions of the last weeks that have ended: how many were held, cancelled, moved,
    and not (yet) marked."""

    weeks: int
    scheduled: int
    held: int
    cancelled: int
    moved: int
    unmarked: int


def delivery_record(initiative: Initiative, *, today: dt.date | None = None) -> DeliveryRecord:
    """Held x of y: the sessions in the last :data:`RECORD_WEEKS` weeks (up to today) that
    have ended. Two queries (slots, marks)."""
    today = today or timezone.localdate()
    first = today - dt.timedelta(weeks=RECORD_WEEKS) + dt.timedelta(days=1)
    return delivery_record_from(sessions_between(initiative, first, today))


def delivery_record_from(sessions: list[Session]) -> DeliveryRecord:
    """The record of sessions already computed (those that have ended count)."""
    now = timezone.now()
    ended = [s for s in sessions if s.scheduled and s.ends <= now]
    outcomes = [s.mark.outcome if s.mark else "" for s in ended]
    return DeliveryRecord(
        weeks=RECORD_WEEKS,
        scheduled=len(ended),
        held=outcomes.count(SessionMark.Outcome.HELD),
        cancelled=outcomes.count(SessionMark.Outcome.CANCELLED),
        moved=outcomes.count(SessionMark.Outcome.MOVED),
        unmarked=outcomes.count(""),
    )


def upcoming_sessions(
    initiative: Initiative, *, today: dt.date | None = None, limit: int = 8
) -> list[Session]:
    """The next sessions from today on, cancellations and moves shown (the public page).
    A paused, completed or cancelled initiative has none (as in its calendar feed)."""
    if initiative.status not in Initiative.LIVE_STATUSES:
        return []
    today = today or timezone.localdate()
    now = timezone.now()
    sessions = sessions_between(initiative, today, today + dt.timedelta(weeks=4))
    return [s for s in sessions if s.ends > now][:limit]


# --- Mina sidor ----------------------------------------------------------------------------------


def markable_initiatives(user: User):
    """The initiatives whose sessions ``user`` may mark as a member: led by one of their
    approved organisations, or partnered by one where the lead allows it (not archived).
    Coordinators are not given every initiative here (Mina sidor is about one's own work)."""
    mine = partner_organization_ids(user)
    if not mine:
        return Initiative.objects.none()
    # One union of two index lookups (by lead, by partner), not an OR over the whole table:
    # "lead IN (...) OR id IN (...)" made PostgreSQL read every live initiative (70 ms at
    # 100,000 initiatives, issue 16).
    led = Initiative.objects.filter(lead_organization_id__in=mine).values("pk")
    partnered = Initiative.partner_organizations.through.objects.filter(
        organization_id__in=mine, initiative__partners_mark_sessions=True
    ).values("initiative_id")
    return Initiative.objects.active().filter(pk__in=led.union(partnered))


def sessions_to_confirm(user: User, today: dt.date | None = None) -> list[Session]:
    """Sessions of the user's organisations' live initiatives in the last
    :data:`CONFIRM_DAYS` days that have ended and nobody has marked, oldest first; each has
    ``page_url`` (the session's mark page). Three queries whatever the number of sessions."""
    today = today or timezone.localdate()
    first = today - dt.timedelta(days=CONFIRM_DAYS - 1)
    initiatives = (
        markable_initiatives(user)
        .live_during(first, today)
        .filter(Exists(ScheduleSlot.objects.filter(initiative=OuterRef("pk"))))
        .order_by("title", "pk")
        .prefetch_related(
            "slots",
            Prefetch(
                "session_marks",
                queryset=SessionMark.objects.filter(on_date__range=(first, today)),
            ),
        )
    )
    now = timezone.now()
    found = []
    for initiative in initiatives:
        for session in sessions_between(
            initiative,
            first,
            today,
            slots=list(initiative.slots.all()),
            marks=list(initiative.session_marks.all()),
        ):
            if session.scheduled and session.mark is None and session.ends <= now:
                found.append(session)
    found.sort(key=lambda s: (s.on_date, s.starts_at, s.initiative.title))
    return found


@by_memberships
def workplace_sessions(*, user: User, today: dt.date | None = None, limit: int = 10):
    """Mina sidor's "sessions to confirm" section (``partnership.site.workplace``): None for
    a user in no organisation, else the sessions as work items."""
    from django.utils.formats import date_format

    from partnership import site

    if not partner_organization_ids(user):
        return None
    items = []
    for session in sessions_to_confirm(user, today)[:limit]:
        day = date_format(session.on_date, "D j M")
        when = f"{day} {session.starts_at:%H:%M}–{session.ends_at:%H:%M}"
        items.append(
            site.WorkItem(
                title=session.initiative.title,
                url=reverse("initiatives:delivery", args=[session.initiative.slug]),
                detail=when,
                action_url=session.page_url,
                action_label=_("Mark what happened"),
                overdue=session.state() == "unconfirmed",
            )
        )
    return items


# --- Links in the weekly email -------------------------------------------------------------------


class LinkProblem(Exception):
    """Why a session link does nothing: ``kind`` is "tampered", "expired", "other",
    "used" or "gone"."""

    def __init__(self, kind: str, mark: SessionMark | None = None):
        super().__init__(kind)
        self.kind = kind
        self.mark = mark


LINK_OUTCOMES = {"h": SessionMark.Outcome.HELD, "c": SessionMark.Outcome.CANCELLED}


def session_token(session: Session, outcome: str) -> str:
    """A signed link token for marking ``session`` held or cancelled."""
    code = {v: k for k, v in LINK_OUTCOMES.items()}[outcome]
    payload = [session.initiative.public_id.hex, session.key, code]
    return signing.dumps(payload, salt=LINK_SALT)


def session_link_path(session: Session, outcome: str) -> str:
    return reverse(
        "initiatives:session_link", args=[session.initiative.slug, session_token(session, outcome)]
    )


@dataclass(frozen=True)
class LinkAction:
    session: Session
    outcome: str


def read_session_link(token: str, initiative: Initiative | None) -> LinkAction:
    """What a link asks, or ``LinkProblem``: "tampered" (not signed by us, or not a session
    link), "expired" (older than 14 days), "other" (it names another initiative than the
    page's), "gone" (no such session any more, or the initiative is archived), "used" (the
    session is already marked; ``mark`` says how)."""
    try:
        payload = signing.loads(token, salt=LINK_SALT, max_age=LINK_MAX_AGE)
    except signing.SignatureExpired:
        raise LinkProblem("expired") from None
    except signing.BadSignature:
        raise LinkProblem("tampered") from None
    if not (isinstance(payload, list) and len(payload) == 3 and payload[2] in LINK_OUTCOMES):
        raise LinkProblem("tampered")
    public_hex, key, code = payload
    parsed = parse_session_key(str(key))
    if parsed is None:
        raise LinkProblem("tampered")
    if initiative is None or initiative.public_id.hex != public_hex:
        raise LinkProblem("other")
    if initiative.archived_at is not None:
        raise LinkProblem("gone")
    session = find_session(initiative, *parsed)
    if session is None:
        raise LinkProblem("gone")
    if session.mark is not None:
        raise LinkProblem("used", session.mark)
    return LinkAction(session, LINK_OUTCOMES[code])
