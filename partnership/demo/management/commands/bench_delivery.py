"""``manage.py bench_delivery [--runs 5]``: time the delivery log's pages (issue 13).

Real requests through Django's test client on whatever ``DATABASE_URL`` points to — a
database loaded with ``seed_scale --initiatives 100000`` (which marks a year of sessions).
The coordinator and its session are created in a transaction that is rolled back.

Pages: the coordinator's gaps (its "delivered" view) and follow-up (its delivery view: sessions
unconfirmed > 48 h, cancelled ≥ 2 of the last 4), and for the initiative with the most marked
sessions its delivery log, its page (the record, coming sessions) and its calendar feed, and
Mina sidor's ``sessions_to_confirm`` for a member of its lead organisation. Prints the median
and worst time in milliseconds and the number of SQL queries of each. Target: each under 1 s.
"""

import statistics
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from initiatives.delivery import sessions_to_confirm
from initiatives.models import Initiative, SessionMark
from partnership.demo.benchmark import coordinator_client
from stakeholders.models import User


class Command(BaseCommand):
    help = "Time the delivery log's pages (median/worst ms, queries)."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=5)

    def handle(self, *args, runs: int, **options):
        if runs < 1:
            raise CommandError("--runs must be at least 1.")
        with transaction.atomic():
            self._bench(runs)
            transaction.set_rollback(True)

    def _bench(self, runs: int) -> None:
        coordinator = coordinator_client(
            User.objects.create(email="bench-delivery@example.invalid", is_coordinator=True)
        )
        busiest = (
            Initiative.objects.public()
            .filter(status=Initiative.Status.ACTIVE)
            .annotate(marks=Count("session_marks"))
            .order_by("-marks", "pk")
            .first()
        )
        member = busiest.lead_organization.memberships.first().user
        partner = Client(HTTP_HOST="localhost")
        partner.force_login(member)
        with translation.override("sv"):
            cases = [
                (
                    "gaps (delivered)",
                    coordinator,
                    reverse("coordinator:dashboard:gaps") + "?view=delivered",
                ),
                (
                    "attention (unconfirmed, cancelled)",
                    coordinator,
                    reverse("coordinator:dashboard:attention") + "?view=delivery",
                ),
                ("delivery log", partner, reverse("initiatives:delivery", args=[busiest.slug])),
                ("initiative page", partner, reverse("initiatives:detail", args=[busiest.slug])),
                ("calendar feed", partner, reverse("initiatives:calendar", args=[busiest.slug])),
            ]
        self.stdout.write(
            f"{Initiative.objects.count()} initiatives, {SessionMark.objects.count()} marked "
            f"sessions in {connection.settings_dict['NAME']}; the busiest initiative has "
            f"{busiest.marks} marks. {runs} runs each."
        )
        for label, client, path in cases:
            self._time(label, lambda c=client, p=path: self._get(c, p), runs)
        self._time("sessions_to_confirm (Mina sidor)", lambda: sessions_to_confirm(member), runs)

    def _time(self, label, call, runs: int) -> None:
        call()  # warm-up
        timings = []
        for _ in range(runs):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                call()
                timings.append((time.perf_counter() - started) * 1000)
        self.stdout.write(
            f"  {label:<36} median {statistics.median(timings):7.0f} ms, "
            f"worst {max(timings):7.0f} ms, {len(queries)} queries"
        )

    @staticmethod
    def _get(client, path: str) -> None:
        response = client.get(path)
        if response.status_code != 200:
            raise CommandError(f"{path} answered {response.status_code}")
        if response.streaming:
            b"".join(response.streaming_content)
