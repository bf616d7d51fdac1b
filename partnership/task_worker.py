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
"""

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
