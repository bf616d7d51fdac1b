"""The weekly delivery email (``initiatives/delivery.py``), through Django's tasks framework
like the problem digest (``partnership/problems/tasks.py``).

Once a week ``manage.py send_delivery_emails`` (cron or a systemd timer, see README) calls
:func:`delivery_emails_enqueue`: for each planned or active initiative with weekly times, a
contact email and a session in the last complete ISO week, it records the week in
``DeliveryEmailWeek`` (a unique constraint per initiative and week) and enqueues
:func:`delivery_email_send`, which the worker (``manage.py db_worker``) runs. The email lists
the week's sessions; those nobody has marked get two signed links, "Genomfört" and
"Inställt" (``delivery.session_token``: 14 days, single use, no login). A second run in the
same week enqueues nothing; a week whose sessions are all marked sends nothing.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.tasks import task
from django.urls import reverse
from django.utils import timezone, translation

from initiatives import delivery
from initiatives.models import DeliveryEmailWeek, Initiative, ScheduleSlot, SessionMark
from partnership.emails import email_send


def delivery_week(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last complete ISO week before ``today``: (Monday, Sunday)."""
    monday = today - dt.timedelta(days=today.isoweekday() - 1) - dt.timedelta(days=7)
    return monday, monday + dt.timedelta(days=6)


@transaction.atomic
def delivery_emails_enqueue(*, today: dt.date | None = None) -> int:
    """Record and enqueue one delivery email per initiative for the week before ``today``
    (skipping those already recorded). Returns how many were enqueued; the tasks are
    enqueued after the transaction commits."""
    today = today or timezone.localdate()
    monday, sunday = delivery_week(today)
    iso_year, iso_week, _ = monday.isocalendar()
    done = DeliveryEmailWeek.objects.filter(
        initiative_id=OuterRef("pk"), iso_year=iso_year, iso_week=iso_week
    )
    ids = (
        Initiative.objects.active()
        .live_during(monday, sunday)
        .exclude(contact_email="")
        .filter(Exists(ScheduleSlot.objects.filter(initiative_id=OuterRef("pk"))))
        .filter(~Exists(done))
        .values_list("pk", flat=True)
    )
    weeks = DeliveryEmailWeek.objects.bulk_create(
        [DeliveryEmailWeek(initiative_id=pk, iso_year=iso_year, iso_week=iso_week) for pk in ids],
        batch_size=2000,
    )
    week_ids = [week.pk for week in weeks]
    transaction.on_commit(
        lambda: [delivery_email_send.enqueue(email_week_id=pk) for pk in week_ids]
    )
    return len(week_ids)


@task
def delivery_email_send(*, email_week_id: int) -> int:
    """Send one initiative's contact the week's sessions with links to mark the unmarked
    ones. Nothing is sent when every session is marked, or twice. Returns the number of
    sessions with links."""
    with transaction.atomic():
        week = (
            DeliveryEmailWeek.objects.select_for_update()
            .select_related("initiative")
            .filter(pk=email_week_id, sent_at__isnull=True)
            .first()
        )
        if week is None:
            return 0
        initiative = week.initiative
        monday = dt.date.fromisocalendar(week.iso_year, week.iso_week, 1)
        sunday = monday + dt.timedelta(days=6)
        sessions = [s for s in delivery.sessions_between(initiative, monday, sunday) if s.scheduled]
        unmarked = [s for s in sessions if s.mark is None]
        week.session_count = len(unmarked)
        week.sent_at = timezone.now()
        week.save(update_fields=["session_count", "sent_at"])
        if not unmarked or not initiative.contact_email or initiative.archived_at:
            return 0
        with translation.override(settings.LANGUAGE_CODE):
            for session in sessions:
                session.links = (
                    {
                        "held": delivery.session_link_path(session, SessionMark.Outcome.HELD),
                        "cancelled": delivery.session_link_path(
                            session, SessionMark.Outcome.CANCELLED
                        ),
                    }
                    if session.mark is None
                    else None
                )
            log_path = reverse("initiatives:delivery", args=[initiative.slug])
        email_send(
            to=initiative.contact_email,
            template="delivery_week",
            context={
                "initiative": initiative,
                "sessions": sessions,
                "unmarked": len(unmarked),
                "monday": monday,
                "sunday": sunday,
                "iso_week": week.iso_week,
                "log_path": log_path,
                "max_age_days": delivery.LINK_MAX_AGE.days,
            },
            language=settings.LANGUAGE_CODE,
        )
    return len(unmarked)
