"""The residents' daily task: reports past ``RESIDENT_REPORT_RETENTION_DAYS`` are deleted by
the task worker every night (``partnership.task_worker.daily``; the privacy page promises
it). ``manage.py delete_old_resident_reports`` does the same by hand or from cron."""

import datetime as dt

from django.tasks import task

from partnership.residents.services import reports_delete_old
from partnership.task_worker import daily

# Local time: after midnight, away from the morning's digests.
DELETE_AT = dt.time(3, 15)


@daily(at=DELETE_AT)
@task
def resident_reports_delete_old() -> int:
    """Delete the reports past the retention period; how many went."""
    return reports_delete_old()
