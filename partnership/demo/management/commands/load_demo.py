"""``manage.py load_demo``: the demo partnership (``partnership/demo/data/``), idempotent
(see ``partnership.demo.loader``)."""

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from partnership.demo.loader import DATA_FILE, DEMO_PASSWORD, demo_load


class Command(BaseCommand):
    help = (
        "Load the demo partnership (organisations, areas, vocabulary, initiatives, "
        "problems and demo accounts with a known password). Safe to run again: only what "
        "is missing is created. Development only."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--data",
            type=Path,
            default=None,
            help=f"The demo partnership's data file (default: {DATA_FILE.name}, see its comments).",
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run even though DEBUG is off. The demo accounts have a published password.",
        )

    def handle(self, *args, data: Path | None = None, allow_production: bool = False, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "Refusing to load demo data with DEBUG off: the demo accounts have a known, "
                "published password. Use --allow-production only on a throwaway "
                "demonstration server."
            )
        started = time.monotonic()
        try:
            result = demo_load(path=data)
        except (OSError, ValueError) as error:  # a missing file, a mistake in it
            raise CommandError(str(error)) from error
        elapsed = time.monotonic() - started

        if result.created:
            created = ", ".join(f"{n} {label}" for label, n in sorted(result.created.items()))
            self.stdout.write(self.style.SUCCESS(f"Created {created} in {elapsed:.1f} s."))
        else:
            self.stdout.write(f"Demo data already loaded; nothing changed ({elapsed:.1f} s).")

        if not result.accounts:  # a data file without users
            return
        self.stdout.write("")
        self.stdout.write(
            self.style.WARNING("Demo accounts – DEVELOPMENT ONLY, the password is public:")
        )
        width = max(len(email) for email, _ in result.accounts)
        self.stdout.write(f"  {'email':<{width}}  {'password':<{len(DEMO_PASSWORD)}}  role")
        for email, role in result.accounts:
            self.stdout.write(f"  {email:<{width}}  {DEMO_PASSWORD}  {role}")
