"""Background work for problems: the weekly digest, through Django's tasks framework.

Once a week ``manage.py send_problem_digests`` (cron or a systemd timer, see README) calls
:func:`problem_digests_enqueue`: for each subscribed partner member it records the week in
``ProblemDigestWeek`` (one row per user and ISO week, a unique constraint) and enqueues
:func:`problem_digest_send`, which a worker (``manage.py db_worker``, the django-tasks-db
database queue) runs. A second run in the same week finds the rows and enqueues nothing, so
nobody gets two emails for one week, and a crashed worker's tasks stay in the queue.
"""

import datetime as dt

from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone, translation

from partnership.emails import email_send
from partnership.problems.models import ProblemDigestSubscription, ProblemDigestWeek
from partnership.problems.selectors import digest_problems


def digest_window(today: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The last complete ISO week before ``today``: [Monday 00:00, next Monday 00:00) in
    the portal's time zone. Any day of a week gives the same window (the week before)."""
    monday = today - dt.timedelta(days=today.isoweekday() - 1)
    until = timezone.make_aware(dt.datetime.combine(monday, dt.time.min))
    since = timezone.make_aware(dt.datetime.combine(monday - dt.timedelta(days=7), dt.time.min))
    return since, until


@transaction.atomic
def problem_digests_enqueue(*, today: dt.date | None = None) -> int:
    """Record and enqueue one digest per subscribed member for the week before ``today``
    (see :func:`digest_window`), skipping those already recorded for that week and users
    no longer active. Returns how many were enqueued. Tasks are enqueued after the
    transaction commits, so a worker never looks for a row that is not there yet."""
    today = today or timezone.localdate()
    since, _until = digest_window(today)
    iso_year, iso_week, _ = since.date().isocalendar()
    users = ProblemDigestSubscription.objects.filter(user__is_active=True).values_list(
        "user_id", flat=True
    )
    done = set(
        ProblemDigestWeek.objects.filter(iso_year=iso_year, iso_week=iso_week).values_list(
            "user_id", flat=True
        )
    )
    weeks = ProblemDigestWeek.objects.bulk_create(
        [
            ProblemDigestWeek(user_id=user_id, iso_year=iso_year, iso_week=iso_week)
            for user_id in users
            if user_id not in done
        ],
        ignore_conflicts=False,
    )
    ids = [week.pk for week in weeks]
    transaction.on_commit(lambda: [problem_digest_send.enqueue(digest_week_id=pk) for pk in ids])
    return len(ids)


@task
def problem_digest_send(*, digest_week_id: int) -> int:
    """Send one member their digest for the recorded week: new problems in their
    organisations' areas and themes and changes to those their organisations are responsible
    for (``selectors.digest_problems``). Nothing is sent for an empty week, or twice.
    Returns the number of problems in the email."""
    with transaction.atomic():
        week = (
            ProblemDigestWeek.objects.select_for_update()
            .select_related("user")
            .filter(pk=digest_week_id, sent_at__isnull=True)
            .first()
        )
        if week is None or not week.user.is_active:
            return 0
        monday = dt.date.fromisocalendar(week.iso_year, week.iso_week, 1)
        since, until = digest_window(monday + dt.timedelta(days=7))
        found = digest_problems(user=week.user, since=since, until=until)
        count = len(found["new"]) + len(found["changed"])
        week.problem_count = count
        week.sent_at = timezone.now()
        week.save(update_fields=["problem_count", "sent_at"])
        if count:
            with translation.override(week.user.language or "sv"):
                for problem in [*found["new"], *found["changed"]]:
                    problem.path = reverse("problems:detail", args=[problem.public_id])
                paths = {"list": reverse("problems:list"), "settings": reverse("problems:digest")}
            email_send(
                to=week.user.email,
                template="problem_digest",
                context={
                    "user": week.user,
                    "new": found["new"],
                    "changed": found["changed"],
                    "since": since.date(),
                    "until": (until - dt.timedelta(days=1)).date(),
                    "iso_week": week.iso_week,
                    "count": count,
                    "paths": paths,
                },
                language=week.user.language,
            )
    return count
