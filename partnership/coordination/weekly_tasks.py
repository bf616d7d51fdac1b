"""The Monday email of the weekly lägesbild, through Django's tasks framework — the same
mechanism as the weekly problem digest (``partnership/problems/tasks.py``).

Every Monday morning the worker itself (:func:`weekly_summaries_monday`, a daily task of
``partnership.task_worker``: no cron needed) — or ``manage.py send_weekly_summaries`` by
hand — calls :func:`weekly_summaries_enqueue`: for each subscribed partner it records last week in
``WeeklySummaryWeek`` (one row per user and ISO week, a unique constraint) and enqueues one
:func:`weekly_summary_send` for the week, which the worker (``manage.py task_worker``) runs.
The lägesbild is the same for every partner, so that task computes it **once** and sends it
to every recorded user in their language, in batches that commit as they go (an email
leaves only when its row is marked sent). A second run in the same week records nobody and,
unless a crashed worker left rows unsent, enqueues nothing: nobody gets two emails for one
week.
"""

import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.tasks import task
from django.template import Context, engines
from django.urls import reverse
from django.utils import timezone, translation

from partnership.coordination.weekly import Week, week_before, weekly_summary
from partnership.emails import email_send
from partnership.observations.models import WeeklySummarySubscription, WeeklySummaryWeek
from partnership.task_worker import daily
from stakeholders.models import Membership, Organization, User

# Users a batch sends to, in one transaction.
SEND_BATCH = 200
# Local time the worker looks whether it is Monday: before the working day begins.
MONDAY_AT = dt.time(6, 0)


def _partners():
    """Active users who are partners as a task sees them (no session, so no second-factor
    mark): members of an approved organisation, or holders of the coordinator role."""
    approved = Membership.objects.filter(
        Organization.approved_q("organization__"), user_id=OuterRef("pk")
    )
    return User.objects.filter(is_active=True).filter(
        Q(Exists(approved)) | Q(is_coordinator=True) | Q(is_superuser=True)
    )


@transaction.atomic
def weekly_summaries_enqueue(*, today: dt.date | None = None) -> int:
    """Record last week (before ``today``) for every subscribed partner not yet recorded for
    it, and enqueue the week's sending when any recorded user is still waiting. Returns how
    many users were recorded. The task is enqueued after the transaction commits."""
    today = today or timezone.localdate()
    week = week_before(today)
    users = WeeklySummarySubscription.objects.filter(user__in=_partners()).values_list(
        "user_id", flat=True
    )
    done = set(
        WeeklySummaryWeek.objects.filter(iso_year=week.year, iso_week=week.number).values_list(
            "user_id", flat=True
        )
    )
    new = WeeklySummaryWeek.objects.bulk_create(
        [
            WeeklySummaryWeek(user_id=user_id, iso_year=week.year, iso_week=week.number)
            for user_id in users
            if user_id not in done
        ]
    )
    waiting = WeeklySummaryWeek.objects.filter(
        iso_year=week.year, iso_week=week.number, sent_at__isnull=True
    ).exists()
    if waiting:
        transaction.on_commit(
            lambda: weekly_summary_send.enqueue(iso_year=week.year, iso_week=week.number)
        )
    return len(new)


def _for_language(summary, language: str) -> dict:
    """What every email in ``language`` shares: the lägesbild as text (rendered once per
    language, not once per user) and the addresses of the page and the settings."""
    with translation.override(language):
        template = engines["django"].engine.get_template("emails/weekly_summary_text.txt")
        return {
            "summary": summary,
            "summary_text": template.render(Context({"summary": summary}, autoescape=False)),
            "paths": {
                "page": f"{reverse('lagesbild:week')}?week={summary.week.key}",
                "settings": reverse("lagesbild:email"),
            },
        }


@task
def weekly_summary_send(*, iso_year: int, iso_week: int) -> int:
    """Send the week's lägesbild to every user recorded for it and not yet sent to: the
    summary computed once and rendered once per language, each email in its user's
    language. A user who is no longer an active partner is marked done without an email.
    Returns the number of emails sent."""
    week = Week(iso_year, iso_week)
    summary = weekly_summary(week)
    shared: dict[str, dict] = {}
    sent = 0
    while True:
        with transaction.atomic():
            batch = list(
                WeeklySummaryWeek.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("user")
                .filter(iso_year=iso_year, iso_week=iso_week, sent_at__isnull=True)
                .order_by("pk")[:SEND_BATCH]
            )
            if not batch:
                return sent
            partners = set(
                _partners()
                .filter(pk__in=[row.user_id for row in batch])
                .values_list("pk", flat=True)
            )
            now = timezone.now()
            for row in batch:
                if row.user_id not in partners:
                    continue
                language = row.user.language or "sv"
                if language not in shared:
                    shared[language] = _for_language(summary, language)
                email_send(
                    to=row.user.email,
                    template="weekly_summary",
                    context={"user": row.user, **shared[language]},
                    language=language,
                )
                sent += 1
            # One value for the whole batch: a plain UPDATE (``bulk_update`` would build a
            # CASE of 200 branches).
            WeeklySummaryWeek.objects.filter(pk__in=[row.pk for row in batch]).update(sent_at=now)


@daily(at=MONDAY_AT)
@task
def weekly_summaries_monday() -> int:
    """Run by the worker every morning: on a Monday, last week's emails
    (:func:`weekly_summaries_enqueue`, which never sends one twice); other days nothing."""
    if timezone.localdate().isoweekday() != 1:
        return 0
    return weekly_summaries_enqueue()
