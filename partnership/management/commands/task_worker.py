"""``manage.py task_worker``: django-tasks-db's ``db_worker`` that never loses a task.

The same options as ``db_worker``. Before it takes its first task it holds an advisory lock
named after its worker id (on a connection of its own, for as long as the process lives) and
marks FAILED the tasks that dead workers left RUNNING (partnership/task_worker.py explains).
It also keeps the daily tasks coming (``partnership.task_worker.daily``): one run of each
waits in the queue, enqueued when the worker starts and again when a daily task finishes.
Run it instead of ``db_worker`` (README, "Production").
"""

import os
import socket

from django.db import connections
from django.tasks.signals import task_finished
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands import db_worker

from partnership.task_worker import (
    daily_task_finished,
    daily_tasks_schedule,
    tasks_fail_lost,
    worker_lock_key,
)


class Command(db_worker.Command):
    help = "Run the database task worker; tasks a dead worker left running are marked failed."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        # Readable in the admin and the logs: which machine and process ran a task.
        worker_id = f"{socket.gethostname()[:40]}-{os.getpid()}-{get_random_string(8)}"
        parser.set_defaults(worker_id=worker_id[:64])

    def handle(self, *args, worker_id: str, **options):
        # A connection of its own: Django's may be closed and reopened between tasks
        # (CONN_MAX_AGE), which would release the lock while the worker lives.
        self.lock_connection = connections.create_connection("default")
        with self.lock_connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [worker_lock_key(worker_id)])
        lost = tasks_fail_lost()
        if lost:
            self.stderr.write(f"{len(lost)} task(s) left running by a dead worker marked failed.")
        daily_tasks_schedule()
        task_finished.connect(daily_task_finished, dispatch_uid="task-worker-daily")
        try:
            super().handle(*args, worker_id=worker_id, **options)
        finally:
            task_finished.disconnect(dispatch_uid="task-worker-daily")
            self.lock_connection.close()
