"""Enqueue this week's problem digests (run weekly, e.g. Monday morning; see README)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from partnership.problems.tasks import digest_window, problem_digests_enqueue


class Command(BaseCommand):
    help = (
        "Enqueue one weekly problem digest per subscribed partner member, for the last "
        "complete week. Running it again in the same week enqueues nothing. A worker "
        "(manage.py db_worker) sends them."
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
        count = problem_digests_enqueue(today=today)
        since, until = digest_window(today or dt.date.today())
        self.stdout.write(
            f"Enqueued {count} digest(s) for {since:%Y-%m-%d} – "
            f"{until - dt.timedelta(days=1):%Y-%m-%d}."
        )
