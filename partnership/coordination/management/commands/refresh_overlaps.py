"""``manage.py refresh_overlaps``: recompute the dashboard's overlap snapshot now.

Run it from cron or a systemd timer (README, "Coordinator dashboard") at national scale; a
small partnership needs no snapshot: without one the pages compute the pairs on each request.
``--enqueue`` hands the work to the task worker instead (``manage.py db_worker``).
"""

from django.core.management.base import BaseCommand

from partnership.coordination.services import overlaps_refresh
from partnership.coordination.tasks import overlaps_refresh_task


class Command(BaseCommand):
    help = "Recompute every overlapping pair of initiatives for the coordinator dashboard."

    def add_arguments(self, parser):
        parser.add_argument("--enqueue", action="store_true", help="Let the task worker do it.")

    def handle(self, *args, enqueue: bool, **options):
        if enqueue:
            overlaps_refresh_task.enqueue()
            self.stdout.write("Queued for the task worker.")
            return
        snapshots = overlaps_refresh()
        for snapshot in snapshots:
            window = f"{snapshot.window_starts} – {snapshot.window_ends or ''}"
            self.stdout.write(self.style.SUCCESS(f"{window}: {snapshot.pairs} overlapping pairs."))
        # Both windows are computed in one statement: one time for both.
        self.stdout.write(f"Computed in {snapshots[0].seconds} s.")
