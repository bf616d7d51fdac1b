"""Retention without cron (issue 14): the task worker itself deletes residents' reports past
``RESIDENT_REPORT_RETENTION_DAYS`` every night (``partnership.task_worker.daily``,
``partnership/residents/tasks.py``). One run waits in the queue at a time; when it has run,
the next night's is enqueued."""

import datetime as dt
import zoneinfo

import pytest
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from partnership.residents import services, tasks
from partnership.residents.models import ResidentReport
from partnership.task_worker import DAILY_TASKS, daily_tasks_schedule, next_run

pytestmark = pytest.mark.django_db

TASK_PATH = "partnership.residents.tasks.resident_reports_delete_old"
STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")


@pytest.fixture(autouse=True)
def _database_queue(settings):
    """The worker's queue, not the tests' immediate backend."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.TIME_ZONE = "Europe/Stockholm"


def _waiting():
    return list(
        DBTaskResult.objects.filter(task_path=TASK_PATH, status=TaskResultStatus.READY).values_list(
            "run_after", flat=True
        )
    )


def _report(area, *, days_old: int) -> ResidentReport:
    made = services.report_create(
        kind="unsafe",
        area=area,
        reasons=["badly_lit"],
        times_of_day=["evening"],
        weekdays=[5],
        latitude=59.264712,
        longitude=17.884321,
    )
    ResidentReport.objects.filter(pk=made.pk).update(
        created_on=timezone.localdate() - dt.timedelta(days=days_old)
    )
    return made


def test_the_deletion_is_a_daily_task_at_a_quarter_past_three():
    assert DAILY_TASKS[TASK_PATH] == (tasks.resident_reports_delete_old, dt.time(3, 15))
    evening = dt.datetime(2026, 3, 28, 22, 0, tzinfo=STOCKHOLM)
    assert next_run(dt.time(3, 15), evening) == dt.datetime(2026, 3, 29, 3, 15, tzinfo=STOCKHOLM)
    night = dt.datetime(2026, 3, 29, 2, 0, tzinfo=STOCKHOLM)
    assert next_run(dt.time(3, 15), night) == dt.datetime(2026, 3, 29, 3, 15, tzinfo=STOCKHOLM)
    at_the_time = dt.datetime(2026, 3, 29, 3, 15, tzinfo=STOCKHOLM)
    assert next_run(dt.time(3, 15), at_the_time).date() == dt.date(2026, 3, 30)


def test_scheduling_enqueues_one_run_for_the_next_night_and_never_a_second():
    evening = dt.datetime(2026, 6, 10, 21, 30, tzinfo=STOCKHOLM)
    assert TASK_PATH in daily_tasks_schedule(now=evening)
    assert _waiting() == [dt.datetime(2026, 6, 11, 3, 15, tzinfo=STOCKHOLM)]
    # Another worker starting, or the same one again: still one run waiting.
    assert TASK_PATH not in daily_tasks_schedule(now=evening + dt.timedelta(hours=1))
    assert len(_waiting()) == 1


# The worker closes and reopens its connection between tasks, as in production: the test's
# writes must be committed for it to see them.
@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_it_when_due_deletes_old_reports_keeps_young_ones_and_plans_the_next(
    places, settings
):
    settings.RESIDENT_REPORT_RETENTION_DAYS = 365
    old = _report(places["centrum"], days_old=366)
    edge = _report(places["centrum"], days_old=365)
    young = _report(places["norra"], days_old=3)
    # The run the worker planned last night is due now.
    daily_tasks_schedule(now=timezone.now() - dt.timedelta(days=1))
    DBTaskResult.objects.filter(task_path=TASK_PATH).update(
        run_after=timezone.now() - dt.timedelta(minutes=1)
    )

    call_command("task_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    assert set(ResidentReport.objects.all()) == {edge, young}
    assert not ResidentReport.objects.filter(pk=old.pk).exists()
    ran = DBTaskResult.objects.get(task_path=TASK_PATH, status=TaskResultStatus.SUCCESSFUL)
    assert ran.return_value == 1  # one report deleted
    # And the next night's run waits.
    (upcoming,) = _waiting()
    assert upcoming > timezone.now()
    assert timezone.localtime(upcoming).time() == dt.time(3, 15)


@pytest.mark.django_db(transaction=True)
def test_a_run_that_is_not_due_yet_is_left_waiting(places):
    old = _report(places["centrum"], days_old=400)
    call_command("task_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    # The worker enqueued tonight's run when it started, and did not run it now.
    assert ResidentReport.objects.filter(pk=old.pk).exists()
    assert len(_waiting()) == 1
