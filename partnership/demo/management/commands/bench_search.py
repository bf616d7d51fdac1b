"""``manage.py bench_search [--runs 20] [--email someone@example.se]``: time full-text search.

Runs representative Swedish searches (words from the scale data in :mod:`partnership.scale`)
through exactly what the initiative list page runs: ``selectors.initiative_list`` narrowed by
``InitiativeFilter``, first page of ``CappedCountPaginator`` (its capped count and its 25 rows
with their prefetches). Prints, per search, the median and 95th percentile in milliseconds and the
number of matching rows. Use it on a database loaded with ``seed_scale --initiatives 100000``:

    DATABASE_URL=postgres://…/partnership_bench python manage.py bench_search

The target: a search answers in under 150 ms on a 2-core development machine.

``--similar`` times the register form's "someone already does this" lookup instead
(:func:`initiatives.similar.similar_initiatives`): titles built from the scale word lists, a
leaf area, a district and the root area of the first scale batch, the title's theme. (The root
area is the "broad" case that ranks only the nearest candidates; see ``similar.BROAD_AREAS``.)

Load the data with ``make bench-data`` (``seed_scale`` runs ANALYZE at the end: without fresh
statistics the planner guesses empty link tables and the similar lookup took 16 s, not 20 ms).
"""

import random
import statistics
import time

from django.contrib.auth.models import AnonymousUser
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from initiatives import selectors
from initiatives.filters import InitiativeFilter
from initiatives.similar import similar_initiatives
from initiatives.views import PAGE_SIZE
from partnership.demo.scale import ACTIVITIES, PLACES, SCALE_SLUG, SUFFIXES
from partnership.models import Area, Theme
from partnership.pagination import CappedCountPaginator
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
        parser.add_argument(
            "--similar",
            action="store_true",
            help="Time the similar-initiative lookup of the register form instead.",
        )

    def handle(
        self, *args, runs: int, email: str | None, q: list[str] | None, similar: bool, **options
    ):
        if runs < 1:
            raise CommandError("--runs must be at least 1.")
        user = AnonymousUser()
        if email:
            try:
                user = User.objects.get(email__iexact=email)
            except User.DoesNotExist:
                raise CommandError(f"No user {email}.") from None
        total = connection.cursor()
        total.execute("SELECT count(*) FROM initiatives_initiative")
        self.stdout.write(
            f"{total.fetchone()[0]} initiatives in {connection.settings_dict['NAME']}; "
            f"{runs} runs per search, as {email or 'resident'}."
        )
        if similar:
            self._time_all(
                [
                    (label, lambda d=data: similar_initiatives(user=user, **d))
                    for label, data in self._similar_inputs(q)
                ],
                runs,
            )
            return
        searches = [{"q": value} for value in q] if q else SEARCHES
        self._time_all(
            [
                (
                    " ".join(f"{key}={value}" for key, value in data.items()),
                    lambda d=data: self._run(d, user),
                    lambda d=data: self._filterset(d, user).qs.count(),
                )
                for data in searches
            ],
            runs,
        )

    def _time_all(self, cases: list[tuple], runs: int) -> None:
        """Time each (label, run[, count]) case: one warm-up, then ``runs`` timed runs."""
        all_timings = []
        for label, run, *count in cases:
            result = run()  # warm up: caches, plans, prepared connection
            timings = []
            for _ in range(runs):
                started = time.perf_counter()
                run()
                timings.append((time.perf_counter() - started) * 1000)
            # all matches (not timed), or the lookup's own (limited) result
            rows = count[0]() if count else len(result)
            all_timings.extend(timings)
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

    def _similar_inputs(self, titles: list[str] | None) -> list[tuple[str, dict]]:
        """Representative register-form inputs against the first scale batch: titles from
        the scale word lists (or ``--q``), each with its activity's theme, in a leaf area,
        a district and the root."""
        root = Area.objects.filter(slug__regex=SCALE_SLUG, parent__isnull=True).order_by("pk")
        root = root.first()
        if root is None:
            raise CommandError("No scale data: run seed_scale first.")
        district = Area.objects.filter(parent=root).order_by("pk").first()
        leaf = Area.objects.filter(parent=district).order_by("pk")[1]
        themes = dict(Theme.objects.values_list("slug", "pk"))
        activities = dict(ACTIVITIES)
        rng = random.Random("bench-similar")
        if titles:
            wanted = [(title, themes[activities[ACTIVITIES[0][0]]]) for title in titles]
        else:
            wanted = []
            for activity, theme in rng.sample(ACTIVITIES, 4):
                title = f"{activity} {rng.choice(PLACES)}{rng.choice(SUFFIXES)}"
                wanted.append((title, themes[theme]))
            wanted.append(("Nattvandringar i centrum", themes["nattvandring"]))  # common words
        inputs = []
        for title, theme_id in wanted:
            for area in (leaf, district, root):
                data = {"title": title, "area_ids": [area.pk], "theme_ids": [theme_id]}
                inputs.append((f"{title} / {area.name}", data))
        return inputs
