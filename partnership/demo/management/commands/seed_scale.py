"""``manage.py seed_scale --initiatives N [--seed 42] [--flush]``: benchmark data.

See :mod:`partnership.scale` for what is created. Use a separate database
(``make bench-data``). The same seed twice is refused; another seed adds a batch;
``--flush`` first removes every batch of scale data (never demo or real data).
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from partnership.demo.scale import ScaleDataExists, scale_flush, scale_seed


class Command(BaseCommand):
    help = "Create N deterministic scale initiatives (and N//3 problems, N//30 organisations)."

    def add_arguments(self, parser):
        parser.add_argument("--initiatives", type=int, required=True, metavar="N")
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument(
            "--observations",
            type=int,
            default=None,
            metavar="M",
            help="How many observations (default: 10 per initiative).",
        )
        parser.add_argument(
            "--flush",
            action="store_true",
            help="Delete all scale data (every seed) and its history before loading.",
        )

    def handle(self, *args, initiatives: int, seed: int, flush: bool, **options):
        if initiatives < 1:
            raise CommandError("--initiatives must be at least 1.")
        observations = options.get("observations")
        if observations is not None and observations < 0:
            raise CommandError("--observations must be 0 or more.")
        if flush:
            started = time.monotonic()
            deleted = scale_flush()
            total = sum(deleted.values())
            self.stdout.write(
                f"Flushed {total} rows of scale data in {time.monotonic() - started:.1f} s."
            )
        try:
            result = scale_seed(initiatives=initiatives, seed=seed, observations=observations)
        except ScaleDataExists:
            raise CommandError(
                f"Scale data for seed {seed} is already loaded. Use another --seed to add a "
                "second batch, or --flush to replace all scale data."
            ) from None

        # Fresh statistics, so that benchmarks see the plans production sees: without them
        # (autovacuum analyses only after a while) PostgreSQL guesses empty link tables and
        # the similar-initiative lookup took 16 s instead of 20 ms on 100,000 initiatives.
        started = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        analyzed = time.monotonic() - started

        self.stdout.write(self.style.SUCCESS(f"Scale data, seed {seed}:"))
        for label, count in sorted(result.counts.items()):
            self.stdout.write(f"  {label:<34} {count:>9,}".replace(",", " "))
        self.stdout.write(f"  {'elapsed':<34} {result.elapsed:>8.1f} s")
        if result.observations_elapsed:
            self.stdout.write(
                f"  {'of which observations':<34} {result.observations_elapsed:>8.1f} s"
            )
        self.stdout.write(f"  {'ANALYZE':<34} {analyzed:>8.1f} s")
