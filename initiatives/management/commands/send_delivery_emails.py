"""Enqueue this week's delivery emails (run weekly, e.g. Monday morning; see README)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from initiatives.tasks import delivery_emails_enqueue, delivery_week


class Command(BaseCommand):
    help = (
        "Enqueue one delivery email per planned or active initiative with weekly times and a "
        "contact email, for the last complete week: its sessions, with one-click links to "
        "mark the unmarked ones. Running it again in the same week enqueues nothing. A "
        "worker (manage.py db_worker) sends them."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", help="Act as if today were this date (YYYY-MM-DD); default today."
        )

    def handle(self, *args, date=None, **options):
        try:
            today = dt.date.fromisoformat(date) if date else None
        except ValueError as error:
            raise CommandError(f"--date: {error}") from None
        count = delivery_emails_enqueue(today=today)
        monday, sunday = delivery_week(today or dt.date.today())
        self.stdout.write(
            f"Enqueued {count} delivery email(s) for {monday:%Y-%m-%d} – {sunday:%Y-%m-%d}."
        )
