"""``manage.py bench_dashboard [--runs 5]``: time each coordinator dashboard page.

Real requests through Django's test client (routing, middleware, the coordinator check,
view, template) as a coordinator with two-factor authentication, on whatever
``DATABASE_URL`` points to — a database loaded with ``seed_scale --initiatives 10000`` or
``100000``. The coordinator, its authenticator and its session are created inside one
transaction that is rolled back at the end: the benchmark leaves the database as it found it.

Run ``manage.py refresh_overlaps`` first to time the pages as a large deployment serves them
(from the overlap snapshot); without one, the overlap pages compute every pair on the request.

The gaps and follow-up pages' views, the action plan and the weekly lägesbild are timed too.

Prints the median and worst server-side time in milliseconds and the number of SQL queries
of each page, after a reference measured in the same run (a fixed amount of Python and of
PostgreSQL work, so that runs on machines of different speed can be compared). Target
(issue 12): every coordinator page under 1 s at 100,000 initiatives.
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
from partnership.models import Area, Theme
from stakeholders.models import User


class Command(BaseCommand):
    help = "Time every coordinator dashboard page (median/worst ms, queries)."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=5)

    def handle(self, *args, runs: int, **options):
        if runs < 1:
            raise CommandError("--runs must be at least 1.")
        with transaction.atomic():
            self._bench(runs)
            transaction.set_rollback(True)

    def _bench(self, runs: int) -> None:
        user = User.objects.create(email="bench-dashboard@example.invalid", is_coordinator=True)
        client = coordinator_client(user)
        area = Area.objects.filter(parent__isnull=False, children__isnull=False).first()
        theme = Theme.objects.order_by("pk").first()
        since = (timezone.localdate() - dt.timedelta(days=30)).isoformat()
        with translation.override("sv"):
            url = {
                name: reverse(f"coordinator:dashboard:{name}")
                for name in ["overview", "overlaps", "gaps", "coverage", "attention", "report"]
            }
            plan_url = reverse("coordinator:dashboard:plan")
            weekly_url = reverse("lagesbild:week")
        cases = list(url.items())
        cases += [
            ("gaps, delivered", url["gaps"] + "?view=delivered"),
            ("gaps, observed hours", url["gaps"] + "?view=observed"),
            ("attention, delivery", url["attention"] + "?view=delivery"),
            ("action plan", plan_url),
            ("weekly lägesbild", weekly_url),
            ("overlaps, decided", url["overlaps"] + "?show=decided"),
            ("overlaps, page 5", url["overlaps"] + "?page=5"),
            ("overlaps, one theme", f"{url['overlaps']}?theme={theme.pk}"),
            ("overlaps, new since 30 days", f"{url['overlaps']}?since={since}"),
            ("overlaps, newest first", f"{url['overlaps']}?sort=newest"),
        ]
        if area is not None:
            cases += [
                (f"overlaps, district {area.name}", f"{url['overlaps']}?area={area.pk}"),
                (f"coverage, district {area.name}", f"{url['coverage']}?area={area.pk}"),
            ]
        self.stdout.write(
            f"{Initiative.objects.count()} initiatives in {connection.settings_dict['NAME']}; "
            f"{runs} runs per page, as a coordinator."
        )
        self.stdout.write(f"{'reference (Python, PostgreSQL)':42} {self._reference()}")
        for label, path in cases:
            self._get(client, path)  # warm-up
            timings = []
            for _ in range(runs):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    self._get(client, path)
                    timings.append((time.perf_counter() - started) * 1000)
            self.stdout.write(
                f"{label:42} median {statistics.median(timings):7.0f} ms  "
                f"worst {max(timings):7.0f} ms  {len(queries):3} queries"
            )

    @staticmethod
    def _reference() -> str:
        """Median ms of a fixed Python loop and of a fixed PostgreSQL aggregate: the
        machine's speed in this run."""
        python, database = [], []
        for _ in range(5):
            started = time.perf_counter()
            sum(i * i for i in range(1_000_000))
            python.append((time.perf_counter() - started) * 1000)
            with connection.cursor() as cursor:
                started = time.perf_counter()
                cursor.execute("SELECT sum(i::bigint * i) FROM generate_series(1, 1000000) AS i")
                database.append((time.perf_counter() - started) * 1000)
        return (
            f"median {statistics.median(python):7.0f} ms  "
            f"PostgreSQL {statistics.median(database):.0f} ms"
        )

    def _get(self, client: Client, path: str) -> None:
        response = client.get(path)
        if response.status_code != 200:
            raise CommandError(f"{path} answered {response.status_code}")
