"""Delete residents' reports older than ``RESIDENT_REPORT_RETENTION_DAYS`` (365 by default).

Run it daily, from cron or a systemd timer, next to the task worker (README, "Production");
the privacy page tells residents how long reports are kept. A problem made from reports
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
