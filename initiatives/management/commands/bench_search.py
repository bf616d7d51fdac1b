"""``manage.py bench_search [--runs 20] [--email someone@example.se]``: time full-text search.

Runs representative Swedish searches (words from the scale data in :mod:`partnership.scale`)
through exactly what the initiative list page runs: ``selectors.initiative_list`` narrowed by
``InitiativeFilter``, first page of ``CappedCountPaginator`` (its capped count and its 25 rows
with their prefetches). Prints, per search, the median and 95th percentile in milliseconds and the
number of matching rows. Use it on a database loaded with ``seed_scale --initiatives 100000``:

    DATABASE_URL=postgres://…/partnership_bench python manage.py bench_search

The target: a search answers in under 150 ms on a 2-core development machine.
"""

import statistics
import time

from django.contrib.auth.models import AnonymousUser
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from initiatives import selectors
from initiatives.filters import InitiativeFilter
from initiatives.pagination import CappedCountPaginator
from initiatives.views import PAGE_SIZE
from stakeholders.models import User

SEARCHES = [
    {"q": "nattvandringar"},  # stemmed: the scale titles say "Nattvandring"
    {"q": "läxhjälp"},
    {"q": "belysning parken"},
    {"q": "trygghetsvandring torget"},
    {"q": '"i centrum"'},
    {"q": "klottersanering -skolgården"},
    {"q": "fotbollskvällar", "sort": "newest"},
    {"q": "städdag", "status": "active"},
    {"q": "boende"},  # in most descriptions: the worst case for ranking and counting
]


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
    return ordered[index]


class Command(BaseCommand):
    help = "Time the initiative list's full-text search (median and p95 ms per search)."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=20)
        parser.add_argument(
            "--email", help="Search as this user (default: a resident, not logged in)."
        )
        parser.add_argument("--q", action="append", help="Search for this instead (repeatable).")

    def handle(self, *args, runs: int, email: str | None, q: list[str] | None, **options):
        if runs < 1:
            raise CommandError("--runs must be at least 1.")
        user = AnonymousUser()
        if email:
            try:
                user = User.objects.get(email__iexact=email)
            except User.DoesNotExist:
                raise CommandError(f"No user {email}.") from None
        searches = [{"q": value} for value in q] if q else SEARCHES
        total = connection.cursor()
        total.execute("SELECT count(*) FROM initiatives_initiative")
        self.stdout.write(
            f"{total.fetchone()[0]} initiatives in {connection.settings_dict['NAME']}; "
            f"{runs} runs per search, as {email or 'resident'}."
        )
        all_timings = []
        for data in searches:
            self._run(data, user)  # warm up: caches, plans, prepared connection
            timings = []
            for _ in range(runs):
                started = time.perf_counter()
                self._run(data, user)
                timings.append((time.perf_counter() - started) * 1000)
            rows = self._filterset(data, user).qs.count()  # all matches, not timed
            all_timings.extend(timings)
            label = " ".join(f"{key}={value}" for key, value in data.items())
            self.stdout.write(
                f"{label:40} median {statistics.median(timings):7.1f} ms  "
                f"p95 {_percentile(timings, 0.95):7.1f} ms  rows {rows}"
            )
        self.stdout.write(
            f"{'all searches':40} median {statistics.median(all_timings):7.1f} ms  "
            f"p95 {_percentile(all_timings, 0.95):7.1f} ms"
        )

    def _filterset(self, data: dict, user) -> InitiativeFilter:
        filterset = InitiativeFilter(data, queryset=selectors.initiative_list(user=user), user=user)
        if not filterset.is_valid():
            raise CommandError(f"Invalid search {data}: {filterset.errors.as_text()}")
        return filterset

    def _run(self, data: dict, user) -> None:
        """What the list page does: first page (capped count, 25 rows, their prefetches)."""
        page = CappedCountPaginator(self._filterset(data, user).qs, PAGE_SIZE).get_page(1)
        for initiative in page.object_list:  # what the cards read
            list(initiative.themes.all())
