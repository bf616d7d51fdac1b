"""``manage.py load_demo``: the Vårby gård demo data set, idempotent (see partnership.demo)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from partnership.demo.loader import DEMO_PASSWORD, demo_load


class Command(BaseCommand):
    help = (
        "Load the Vårby gård demo data (organisations, areas, vocabulary, initiatives, "
        "problems and demo accounts with a known password). Safe to run again: only what "
        "is missing is created. Development only."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run even though DEBUG is off. The demo accounts have a published password.",
        )

    def handle(self, *args, allow_production: bool = False, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "Refusing to load demo data with DEBUG off: the demo accounts have a known, "
                "published password. Use --allow-production only on a throwaway "
                "demonstration server."
            )
        started = time.monotonic()
        result = demo_load()
        elapsed = time.monotonic() - started

        if result.created:
            created = ", ".join(f"{n} {label}" for label, n in sorted(result.created.items()))
            self.stdout.write(self.style.SUCCESS(f"Created {created} in {elapsed:.1f} s."))
        else:
            self.stdout.write(f"Demo data already loaded; nothing changed ({elapsed:.1f} s).")

        self.stdout.write("")
        self.stdout.write(
            self.style.WARNING("Demo accounts – DEVELOPMENT ONLY, the password is public:")
        )
        width = max(len(email) for email, _ in result.accounts)
        self.stdout.write(f"  {'email':<{width}}  {'password':<{len(DEMO_PASSWORD)}}  role")
        for email, role in result.accounts:
            self.stdout.write(f"  {email:<{width}}  {DEMO_PASSWORD}  {role}")
