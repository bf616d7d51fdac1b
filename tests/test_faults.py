"""What the portal does when something underneath fails (``make fault-test`` runs the real
thing: scripts/fault_test.py). Here the pieces: a database that does not answer is a 503
page, not a 500; a task whose worker died is marked failed, not left running for ever."""

import datetime as dt

import pytest
from django.db import connections
from django.db.utils import IntegrityError, OperationalError
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from partnership import views
from partnership.task_worker import tasks_fail_lost, worker_lock_key


def _error_page(rf, error: Exception):
    try:
        raise error
    except Exception:
        return views.server_error(rf.get("/insatser/"))  # as Django's handler500 calls it


def test_a_database_that_does_not_answer_is_a_503_page(rf):
    response = _error_page(rf, OperationalError("connection refused"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert "Fel 503" in page and "Portalen når inte sin databas just nu" in page
    assert "Traceback" not in page and "connection refused" not in page


def test_any_other_error_is_still_a_500(rf):
    response = _error_page(rf, IntegrityError("duplicate key"))
    assert response.status_code == 500
    assert "Fel 503" not in response.content.decode()


def _running(worker_id: str) -> DBTaskResult:
    return DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        args_kwargs={"args": [60], "kwargs": {}},
        task_path="bench.tasks.sleep",
        backend_name="default",
        run_after=timezone.now(),
        started_at=timezone.now() - dt.timedelta(minutes=1),
        worker_ids=[worker_id],
    )


@pytest.mark.django_db
def test_a_task_whose_worker_died_is_marked_failed_and_a_live_ones_task_is_not():
    # A live worker holds its lock on a connection of its own, as task_worker does.
    live = connections.create_connection("default")
    try:
        with live.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [worker_lock_key("host-1-alive")])
        alive = _running("host-1-alive")
        dead = _running("host-1-killed")

        lost = tasks_fail_lost()

        assert [task.pk for task in lost] == [dead.pk]
        dead.refresh_from_db()
        alive.refresh_from_db()
        assert dead.status == TaskResultStatus.FAILED
        assert dead.finished_at is not None
        assert dead.exception_class_path == "partnership.task_worker.WorkerLost"
        assert "host-1-killed stopped while running this task" in dead.traceback
        assert alive.status == TaskResultStatus.RUNNING
        assert tasks_fail_lost() == []  # nothing else is lost; the failed one stays failed
    finally:
        live.close()
