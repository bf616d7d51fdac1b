"""The task worker's promise: a task is run, or visibly failed — never silently lost.

django-tasks-db's ``db_worker`` claims a task by setting it RUNNING and records the outcome
when the task returns or raises; a worker stopped with SIGTERM/SIGINT finishes the task it
runs first. A worker that dies mid-task (SIGKILL, the out-of-memory killer, a power cut)
records nothing: the task would stay RUNNING for ever and nothing would run it again.

``manage.py task_worker`` (partnership/management/commands/task_worker.py) is ``db_worker``
plus liveness: for as long as it runs, each worker holds a PostgreSQL session advisory lock
named after its worker id, on a connection of its own. PostgreSQL releases the lock when the
process dies, whatever killed it. When a worker starts — systemd restarts a killed one at
once — it calls :func:`tasks_fail_lost`: every RUNNING task whose worker's lock is free was
left by a dead worker and is marked FAILED with :class:`WorkerLost` (its traceback field
says what happened). It is not run again by itself: the portal's tasks send emails (a digest
sent twice is worse than one sent late); a coordinator or the operator sees it in the admin
(Django tasks → Task results, status "Failed") and in the worker's log, and enqueues it
again (``send_problem_digests``, ``refresh_overlaps --enqueue``).

Every worker must be a ``task_worker``: a plain ``db_worker`` holds no lock, and its running
tasks would look lost to a ``task_worker`` starting beside it.

**Daily tasks.** A task decorated with :func:`daily` (residents' reports past their
retention period, ``partnership/residents/tasks.py``) runs every day at its time of day
without cron: :func:`daily_tasks_schedule` — called by ``task_worker`` when it starts and
when a daily task has run (:func:`daily_task_finished`) — enqueues each daily task that has
no run waiting, with ``run_after`` its next time of day. The run waiting is a task result
like any other (READY, in the admin), so exactly one waits at a time whatever the number of
workers (the check and the enqueue hold an advisory lock); when it runs, the worker enqueues
the next day's run right after, whether it succeeded or failed; a worker killed during it
marks it FAILED on restart and enqueues the next. A day on which no worker ran is caught up
as soon as one starts (the run waiting from before is due at once).
"""

import datetime as dt
import hashlib
import logging

from django.db import connection, transaction
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)


class WorkerLost(Exception):  # noqa: N818 - the name says what happened
    """The worker running the task stopped before it finished (killed, crashed)."""


def worker_lock_key(worker_id: str) -> int:
    """The advisory lock (a signed 64-bit key) a worker holds while it lives."""
    digest = hashlib.sha256(f"partnership.task_worker:{worker_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def worker_alive(worker_id: str) -> bool:
    """Whether a worker holds its lock; call inside a transaction (the probe's own lock,
    when it gets it, is released at commit)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [worker_lock_key(worker_id)])
        return not cursor.fetchone()[0]


def tasks_fail_lost() -> list[DBTaskResult]:
    """Mark FAILED every RUNNING task whose worker is gone; the tasks so marked."""
    lost = []
    with transaction.atomic():
        running = DBTaskResult.objects.select_for_update(skip_locked=True).filter(
            status=TaskResultStatus.RUNNING
        )
        for result in running:
            worker_id = result.worker_ids[-1] if result.worker_ids else ""
            if worker_id and worker_alive(worker_id):
                continue
            result.status = TaskResultStatus.FAILED
            result.finished_at = timezone.now()
            result.return_value = None
            result.exception_class_path = f"{WorkerLost.__module__}.{WorkerLost.__qualname__}"
            result.traceback = (
                f"{WorkerLost.__qualname__}: worker {worker_id or '?'} stopped while running "
                f"this task (started {result.started_at:%Y-%m-%d %H:%M:%S %Z}); it did not "
                "finish and was not run again. Enqueue it again if it is still needed.\n"
            )
            result.save(
                update_fields=[
                    "status",
                    "finished_at",
                    "return_value",
                    "exception_class_path",
                    "traceback",
                ]
            )
            logger.error("Task %s (%s) was lost: %s", result.pk, result.task_path, result.traceback)
            lost.append(result)
    return lost


# --- Daily tasks -----------------------------------------------------------------------------

# A task's module path → (the task, its local time of day), filled by ``daily`` at import.
DAILY_TASKS: dict[str, tuple[object, dt.time]] = {}
SCHEDULE_LOCK = worker_lock_key("daily-tasks-schedule")


def daily(at: dt.time):
    """Run a task (``django.tasks.task``, taking no arguments) every day at ``at``, local
    time, in the task worker: put it above ``@task``. Its module must be imported when the
    worker starts (its app's ``ready``)."""

    def register(task):
        DAILY_TASKS[task.module_path] = (task, at)
        return task

    return register


def next_run(at: dt.time, now: dt.datetime) -> dt.datetime:
    """The first moment at ``at`` (local time) after ``now``."""
    local = timezone.localtime(now)
    moment = timezone.make_aware(dt.datetime.combine(local.date(), at))
    if moment <= now:
        moment = timezone.make_aware(dt.datetime.combine(local.date() + dt.timedelta(days=1), at))
    return moment


def daily_tasks_schedule(now: dt.datetime | None = None) -> list[str]:
    """Enqueue every daily task that has no run waiting (READY), due at its next time of
    day; the module paths of the tasks enqueued."""
    now = now or timezone.now()
    enqueued = []
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SCHEDULE_LOCK])
        waiting = set(
            DBTaskResult.objects.filter(
                status=TaskResultStatus.READY, task_path__in=list(DAILY_TASKS)
            ).values_list("task_path", flat=True)
        )
        for path, (task, at) in DAILY_TASKS.items():
            if path in waiting:
                continue
            task.using(run_after=next_run(at, now)).enqueue()
            logger.info("Daily task %s enqueued for %s", path, next_run(at, now))
            enqueued.append(path)
    return enqueued


def daily_task_finished(sender, task_result, **kwargs):
    """``task_finished`` (connected by ``task_worker``): a daily task that has just run, or
    failed, gets its next day's run. Never raises: the task's own outcome is recorded."""
    if task_result.task.module_path not in DAILY_TASKS:
        return
    try:
        daily_tasks_schedule()
    except Exception:
        logger.exception("The next run of %s was not enqueued", task_result.task.module_path)
