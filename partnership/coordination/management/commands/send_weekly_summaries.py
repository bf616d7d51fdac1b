"""Enqueue last week's lägesbild emails (run every Monday morning; see README)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from partnership.coordination.weekly import week_before
from partnership.coordination.weekly_tasks import weekly_summaries_enqueue


class Command(BaseCommand):
    help = (
        "Record last week's lägesbild for every subscribed partner and enqueue its sending "
        "(the summary is computed once for all). Running it again in the same week sends "
        "nothing twice. A worker (manage.py task_worker) sends them."
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
        count = weekly_summaries_enqueue(today=today)
        week = week_before(today or timezone.localdate())
        self.stdout.write(
            f"Recorded {count} lägesbild email(s) for week {week.key} "
            f"({week.monday:%Y-%m-%d} – {week.sunday:%Y-%m-%d})."
        )
