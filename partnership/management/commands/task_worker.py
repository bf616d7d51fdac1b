"""``manage.py task_worker``: django-tasks-db's ``db_worker`` that never loses a task.

The same options as ``db_worker``. Before it takes its first task it holds an advisory lock
named after its worker id (on a connection of its own, for as long as the process lives) and
marks FAILED the tasks that dead workers left RUNNING (partnership/task_worker.py explains).
Run it instead of ``db_worker`` (README, "Production").
"""

import os
import socket

from django.db import connections
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands import db_worker

from partnership.task_worker import tasks_fail_lost, worker_lock_key


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
        try:
            super().handle(*args, worker_id=worker_id, **options)
        finally:
            self.lock_connection.close()
