"""Delete residents' reports older than ``RESIDENT_REPORT_RETENTION_DAYS`` (365 by default).

The task worker does this every night by itself (``partnership/residents/tasks.py``); the
command does it at once — by hand, or from cron where no worker runs (README, "Residents'
reports"). The privacy page tells residents how long reports are kept. A problem made from reports
stays: only the link to the deleted reports goes."""

from django.conf import settings
from django.core.management.base import BaseCommand

from partnership.residents.services import reports_delete_old


class Command(BaseCommand):
    help = "Delete residents' reports older than RESIDENT_REPORT_RETENTION_DAYS."

    def handle(self, *args, **options):
        deleted = reports_delete_old()
        self.stdout.write(
            f"Deleted {deleted} resident report(s) older than "
            f"{settings.RESIDENT_REPORT_RETENTION_DAYS} days."
        )
