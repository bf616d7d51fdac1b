"""``manage.py bench_workplace [--runs 20]``: time a partner's working pages — the register
form's searchable pickers (the JSON search endpoints) and Mina sidor ("what needs you").

Each case is a real request through Django's test client (URL routing, middleware, view,
JSON or HTML), as a member of an approved organisation of the scale data, on whatever
``DATABASE_URL`` points to. Use it on a database loaded with ``seed_scale``:

    DATABASE_URL=postgres://…/partnership_bench python manage.py bench_workplace

Prints the median and worst time in milliseconds, the number of queries and the size of
each answer. Target (issue 13): the pickers under 100 ms at 100,000 initiatives and 3,333
organisations.
"""

import statistics
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext

from initiatives.models import Initiative
from stakeholders.models import Membership, Organization


class Command(BaseCommand):
    help = "Time the register form's pickers and Mina sidor (median/worst ms, queries)."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=20)

    def handle(self, *args, runs: int, **options):
        if runs < 1:
            raise CommandError("--runs must be at least 1.")
        # The busiest partner: an admin of the approved organisation leading most initiatives.
        busiest = (
            Organization.objects.approved()
            .annotate(led=Count("led_initiatives"))
            .order_by("-led", "pk")
            .first()
        )
        membership = (
            Membership.objects.filter(organization=busiest).order_by("role", "pk").first()
            if busiest
            else None
        )
        if membership is None:
            raise CommandError("No member of an approved organisation: run seed_scale first.")
        client = Client(HTTP_HOST=(settings.ALLOWED_HOSTS or ["localhost"])[0])
        client.force_login(membership.user)
        word = busiest.name.split()[0]
        cases = [
            ("organisations, 1 character", "/insatser/ny/organisationer.json?q=a"),
            ("organisations, a name's word", f"/insatser/ny/organisationer.json?q={word}"),
            ("organisations, no match", "/insatser/ny/organisationer.json?q=zzzzqx"),
            ("organisations, hostile", "/insatser/ny/organisationer.json?q=%25'%20OR%201=1--"),
            ("problems, 3 characters", "/insatser/ny/problem.json?q=m%C3%B6r"),
            ("problems, a common word", "/insatser/ny/problem.json?q=otrygg"),
            ("problems, no match", "/insatser/ny/problem.json?q=zzzzqx"),
            ("problems, 100 characters", "/insatser/ny/problem.json?q=" + "ab" * 50),
            ("Mina sidor (admin of the busiest)", "/mina-sidor/"),
        ]
        self.stdout.write(
            f"{Initiative.objects.count()} initiatives, {Organization.objects.count()} "
            f"organisations in {connection.settings_dict['NAME']}; {runs} runs per case, as "
            f"{membership.get_role_display().lower()} of {busiest.name} ({busiest.led} led)."
        )
        for label, url in cases:
            size, queries = self._get(client, url)  # warm-up
            timings = []
            for _ in range(runs):
                started = time.perf_counter()
                self._get(client, url)
                timings.append((time.perf_counter() - started) * 1000)
            self.stdout.write(
                f"{label:36} median {statistics.median(timings):7.1f} ms  "
                f"worst {max(timings):7.1f} ms  {queries:3} queries  {size / 1024:6.1f} KiB"
            )

    def _get(self, client: Client, url: str) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        if response.status_code != 200:
            raise CommandError(f"{url} answered {response.status_code}")
        return len(response.content), len(captured.captured_queries)
