"""``manage.py bench_meetings [--runs 5]``: time the meeting cycle at scale.

On whatever ``DATABASE_URL`` points to (a database loaded with ``seed_scale --initiatives
10000`` or ``100000``), inside one transaction that is rolled back at the end: the agenda's
generation from the dashboard (``meetings.selectors.agenda_draft``), the creation of a meeting
(``services.meeting_create``), and, through Django's test client as a coordinator in a session
that passed the second factor, the meeting page, the minutes form, the minutes PDF and the
partnership report PDF. Prints the median and worst time in milliseconds and the number of
SQL queries of each. Targets: agenda under 2 s, pages under 1 s at 100,000 initiatives.

Run ``manage.py refresh_overlaps`` first to time them as a large deployment serves them
(new overlaps from the snapshot); without one, the pairs are computed on the request.
"""

import datetime as dt
import statistics
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from initiatives.models import Initiative
from partnership.demo.benchmark import coordinator_client
from partnership.meetings import selectors, services
from partnership.meetings.models import Meeting
from stakeholders.models import Organization, User


class Command(BaseCommand):
    help = "Time the meeting cycle: agenda generation, meeting pages and PDFs (ms, queries)."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=5)

    def handle(self, *args, runs: int, **options):
        if runs < 1:
            raise CommandError("--runs must be at least 1.")
        with transaction.atomic():
            self._bench(runs)
            transaction.set_rollback(True)

    def _time(self, label: str, runs: int, call) -> None:
        call()  # warm-up
        timings = []
        for _ in range(runs):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                call()
                timings.append((time.perf_counter() - started) * 1000)
        self.stdout.write(
            f"{label:34} median {statistics.median(timings):7.0f} ms  "
            f"worst {max(timings):7.0f} ms  {len(queries):3} queries"
        )

    def _bench(self, runs: int) -> None:
        user = User.objects.create(email="bench-meetings@example.invalid", is_coordinator=True)
        client = coordinator_client(user)
        organizations = list(Organization.objects.approved().order_by("pk")[:5])
        zone = timezone.get_current_timezone()
        today = timezone.localdate()
        starts = dt.datetime.combine(today - dt.timedelta(days=1), dt.time(9), tzinfo=zone)
        data = {
            "kind": Meeting.Kind.OPERATIVE,
            "starts_at": starts,
            "ends_at": starts + dt.timedelta(hours=1),
            "place": "Bench",
            "link": "",
            "invited_organizations": organizations,
        }
        self.stdout.write(
            f"{Initiative.objects.count()} initiatives in {connection.settings_dict['NAME']}; "
            f"{runs} runs each."
        )
        # The scale data was all registered when it was seeded: for a first meeting every
        # problem and every pair is "new". After a meeting held now, next week's agenda has
        # only what came since (here: nothing), as a partnership's weekly meeting does.
        draft_meeting = Meeting(kind=Meeting.Kind.OPERATIVE, starts_at=starts)
        self._time("agenda, everything new", runs, lambda: selectors.agenda_draft(draft_meeting))
        meeting = services.meeting_create(data=data, actor=user)
        next_week = Meeting(
            kind=Meeting.Kind.OPERATIVE, starts_at=timezone.now() + dt.timedelta(days=7)
        )
        Meeting.objects.filter(pk=meeting.pk).update(
            starts_at=timezone.now(), ends_at=timezone.now() + dt.timedelta(hours=1)
        )
        self._time("agenda, a week later", runs, lambda: selectors.agenda_draft(next_week))
        self.stdout.write(
            f"  the agenda has {meeting.items.count()} items: {meeting.agenda_totals}"
        )
        self._time(
            "meeting created (with agenda)",
            runs,
            lambda: services.meeting_create(data=data, actor=user),
        )
        with translation.override("sv"):
            pages = {
                "meeting page": reverse("meetings:detail", args=[meeting.public_id]),
                "minutes form": reverse("meetings:minutes", args=[meeting.public_id]),
                "meetings list": reverse("meetings:list"),
                "minutes PDF": reverse("meetings:pdf", args=[meeting.public_id]),
                "partnership report PDF": reverse("coordinator:dashboard:report_pdf"),
            }
        for label, path in pages.items():
            self._time(label, runs, lambda path=path: self._get(client, path))

    def _get(self, client: Client, path: str) -> None:
        response = client.get(path)
        if response.status_code != 200:
            raise CommandError(f"{path} answered {response.status_code}")
