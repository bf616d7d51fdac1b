"""``manage.py bench_public [--runs 20]``: time the public map, open data and feeds.

Each case is a real request through Django's test client (URL routing, middleware, view,
serialisation), as an anonymous resident, on whatever ``DATABASE_URL`` points to. Use it on
a database loaded with ``seed_scale --initiatives 100000``:

    DATABASE_URL=postgres://…/partnership_bench python manage.py bench_public

Prints the median and worst time in milliseconds and the size of each answer. Targets on a
2-core development machine: the GeoJSON of 10,000 public initiatives under 200 ms; the
map's data at 100,000 initiatives (server-side clusters) likewise.
"""

import statistics
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client

from initiatives.models import Initiative
from partnership.models import Theme


class Command(BaseCommand):
    help = "Time the public map data, GeoJSON, API, calendar feeds and CSV (median/worst ms)."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=20)

    def handle(self, *args, runs: int, **options):
        if runs < 1:
            raise CommandError("--runs must be at least 1.")
        public = Initiative.objects.public()
        sample = public.filter(slots__isnull=False).order_by("pk").first()
        if sample is None:
            raise CommandError("No public initiative with weekly times: load data first.")
        theme = Theme.objects.order_by("pk").first()
        south, west, north, east = settings.MAP_BOUNDS
        # A neighbourhood-sized view in the middle of the bounds (about 2 × 1.5 km).
        lat, lon = (south + north) / 2, (west + east) / 2
        neighbourhood = f"{lon - 0.02:.4f},{lat - 0.007:.4f},{lon + 0.02:.4f},{lat + 0.007:.4f}"
        cases = [
            ("GeoJSON, first 10,000 public", "/api/v1/initiatives.geojson"),
            ("GeoJSON, one theme", f"/api/v1/initiatives.geojson?theme={theme.pk}"),
            ("map data, everything (clusters)", "/insatser/map.geojson"),
            (
                "map data, whole bounds bbox",
                f"/insatser/map.geojson?bbox={west},{south},{east},{north}",
            ),
            ("map data, neighbourhood bbox", f"/insatser/map.geojson?bbox={neighbourhood}"),
            ("map data, search + this week", "/insatser/map.geojson?q=nattvandring&when=week"),
            ("API list, first page of 50", "/api/v1/initiatives"),
            ("API list, page 100 of 200", "/api/v1/initiatives?page=100&page_size=200"),
            ("API list, search", "/api/v1/initiatives?q=l%C3%A4xhj%C3%A4lp"),
            ("list page with map links", "/insatser/"),
            ("ics, one initiative", f"/insatser/{sample.slug}/calendar.ics"),
            ("ics, filtered list (500 cap)", "/insatser/calendar.ics"),
            ("CSV, one theme (streamed)", f"/insatser/export.csv?theme={theme.pk}"),
            ("sitemap, initiatives page 1", "/sitemap-initiatives.xml"),
        ]
        host = (settings.ALLOWED_HOSTS or ["localhost"])[0]
        client = Client(HTTP_HOST=host)
        self.stdout.write(
            f"{Initiative.objects.count()} initiatives ({public.count()} public) in "
            f"{connection.settings_dict['NAME']}; {runs} runs per case, as a resident."
        )
        everything = []
        for label, url in cases:
            size = self._get(client, url)  # warm-up
            timings = []
            for _ in range(runs):
                started = time.perf_counter()
                self._get(client, url)
                timings.append((time.perf_counter() - started) * 1000)
            everything.extend(timings)
            self.stdout.write(
                f"{label:34} median {statistics.median(timings):7.1f} ms  "
                f"worst {max(timings):7.1f} ms  {size / 1024:8.0f} KiB"
            )

    def _get(self, client: Client, url: str) -> int:
        response = client.get(url)
        if response.status_code != 200:
            raise CommandError(f"{url} answered {response.status_code}")
        if response.streaming:
            return sum(len(chunk) for chunk in response.streaming_content)
        return len(response.content)
