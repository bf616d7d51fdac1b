"""``manage.py bench_http``: the portal under load, against a reference, in one table.

``make bench`` (mk/bench.mk) runs it with production settings (DEBUG off, whitenoise,
collected static files) on a database of its own seeded with ``seed_scale``. It

1. makes sure the database holds ``--initiatives N`` scale initiatives (seed 42): reused when
   it already does, otherwise (re)loaded with ``seed_scale [--flush]``; the size is the number
   of initiatives whose slug carries ``-skala-42-``, so nothing else records it;
2. refreshes the overlap snapshot (``refresh_overlaps``, as cron does in production);
3. creates real sessions in the database (``django_session``): one for a partner (an admin
   of an approved scale organisation) and one for a coordinator who passed the second factor
   (``partnership/demo/benchmark.py``), and passes their cookies to wrk;
4. counts the SQL queries of each page with the test client (``CaptureQueriesContext``): the
   second request, so that warm caches count as they do under load, and a "miss" — the
   first request after a write, with the page cache off and the kept figures forgotten;
5. starts gunicorn as the README's production section does (``gunicorn partnership.wsgi
   --workers 2×cores``, sync workers) and the reference (``gunicorn bench.wsgi``: one view, one
   raw query, 50 rows, a bare template — ``bench/``) on another port;
6. drives every page with wrk (Debian's ``wrk``: ``--connections`` 32, 8 for coordinator
   pages, ``--duration`` seconds each), the reference before the first page and after the
   last, and prints page, requests/s, the ratio to the reference (the mean of its two runs),
   p50, p99, errors (answers other than 2xx, plus socket errors and timeouts) and queries.

wrk runs a Lua script (``bench/wrk_report.lua``) whose ``done`` hook prints the summary as
JSON: p50/p99 are over the requests that completed; a request that took longer than
``--timeout`` is an error, not a latency.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import translation

from initiatives.models import Initiative
from initiatives.sitemaps import InitiativeSitemap
from partnership import page_cache
from partnership.demo.benchmark import pass_second_factor
from partnership.demo.scale import SLUG_PREFIX
from partnership.models import Area, Theme
from stakeholders.models import Membership, Organization, User

SEED = 42
HOST = "127.0.0.1"
LUA = Path(settings.BASE_DIR) / "bench" / "wrk_report.lua"
COORDINATOR_EMAIL = "bench-coordinator@example.invalid"


@dataclass
class Page:
    label: str
    path: str
    role: str = "anonymous"  # or "partner", "coordinator"
    queries: int | None = None
    miss_queries: int | None = None
    result: dict | None = None
    references: list[dict] = field(default_factory=list)

    @property
    def reference_rps(self) -> float:
        return sum(r["rps"] for r in self.references) / len(self.references)


class Command(BaseCommand):
    help = "Load-test the portal's pages with wrk against a minimal reference view (one table)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--initiatives",
            type=int,
            metavar="N",
            help="Make sure the database holds N scale initiatives (seed 42) first.",
        )
        parser.add_argument("--duration", type=int, default=6, help="seconds per page")
        parser.add_argument("--connections", type=int, default=32)
        parser.add_argument("--coordinator-connections", type=int, default=8)
        parser.add_argument("--threads", type=int, default=2, help="wrk threads")
        parser.add_argument("--timeout", type=int, default=5, help="wrk timeout, seconds")
        parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
        parser.add_argument("--port", type=int, default=8101)
        parser.add_argument("--reference-port", type=int, default=8102)
        parser.add_argument("--only", default="", help="only pages whose label contains this")
        parser.add_argument(
            "--role",
            choices=["anonymous", "partner", "coordinator"],
            help="only the pages of this role",
        )
        parser.add_argument("--no-refresh", action="store_true", help="skip refresh_overlaps")

    def handle(self, *args, **options):
        if settings.DEBUG:
            raise CommandError("Run with production settings: DEBUG=False (make bench does).")
        if shutil.which("wrk") is None:
            raise CommandError("wrk is missing: apt-get install wrk (make bench installs it).")
        self.options = options
        if options["initiatives"]:
            self._ensure_data(options["initiatives"])
        if not options["no_refresh"]:
            started = time.monotonic()
            call_command("refresh_overlaps", stdout=open(os.devnull, "w"))  # noqa: SIM115
            self.stdout.write(f"Overlap snapshot refreshed in {time.monotonic() - started:.1f} s.")
        pages = [
            page
            for page in self._pages()
            if options["only"] in page.label and options["role"] in (None, page.role)
        ]
        clients = self._clients()
        for page in pages:
            page.queries = self._count_queries(clients[page.role], page.path)
            page.miss_queries = self._count_miss_queries(clients[page.role], page.path)
        name = settings.SESSION_COOKIE_NAME
        cookies = {
            role: f"{name}={client.cookies[name].value}"
            for role, client in clients.items()
            if role != "anonymous"
        }
        with tempfile.TemporaryDirectory(prefix="bench-http-") as logs:
            servers = [
                self._serve("partnership.wsgi", options["port"], Path(logs) / "portal.log"),
                self._serve("bench.wsgi", options["reference_port"], Path(logs) / "ref.log"),
            ]
            try:
                self._wait_until_up(options["port"], "/healthz")
                self._wait_until_up(options["reference_port"], "/")
                reference = self._wrk(options["reference_port"], "/", options["connections"])
                for page in pages:
                    # The previous page's queue drains first: gunicorn finishes the requests
                    # wrk gave up on before it answers the next one.
                    self._wait_until_up(options["port"], "/healthz")
                    self._check_status(page, cookies.get(page.role))
                    connections = (
                        options["coordinator_connections"]
                        if page.role == "coordinator"
                        else options["connections"]
                    )
                    page.result = self._wrk(
                        options["port"], page.path, connections, cookies.get(page.role)
                    )
                    # The reference right before and right after each page: other work on a
                    # shared machine changes absolute numbers by 2× within minutes.
                    page.references = [reference]
                    self._wait_until_up(options["port"], "/healthz")
                    reference = self._wrk(options["reference_port"], "/", options["connections"])
                    page.references.append(reference)
                    self.stderr.write(
                        f"  {page.label}: {page.result['rps']:.1f} req/s, "
                        f"reference {page.reference_rps:.0f}"
                    )
            finally:
                for server in servers:
                    server.send_signal(signal.SIGTERM)
                for server in servers:
                    try:
                        server.wait(timeout=30)
                    except subprocess.TimeoutExpired:
                        os.killpg(server.pid, signal.SIGKILL)  # the master and its workers
        self._print_table(pages)

    # --- data and sessions ------------------------------------------------------------------

    def _ensure_data(self, size: int) -> None:
        # Scale initiatives' slugs end in "-skala-42-<n>" (partnership/demo/scale.py).
        present = Initiative.objects.filter(slug__contains=f"-{SLUG_PREFIX}{SEED}-").count()
        if present == size:
            self.stdout.write(f"Reusing {present:,} scale initiatives in {self._db()}.")
            return
        self.stdout.write(
            f"Loading {size:,} scale initiatives into {self._db()} (had {present:,})."
        )
        call_command("seed_scale", initiatives=size, seed=SEED, flush=present > 0)
        # What autovacuum does soon after a load in production: statistics, and the
        # visibility map that lets counts read the indexes alone (index-only scans).
        started = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
        self.stdout.write(f"VACUUM (ANALYZE) in {time.monotonic() - started:.1f} s.")

    def _db(self) -> str:
        return connection.settings_dict["NAME"]

    def _clients(self) -> dict[str, Client]:
        anonymous = Client(HTTP_HOST=HOST)
        membership = (
            Membership.objects.filter(
                organization__status=Organization.Status.APPROVED,
                role=Membership.Role.ADMIN,
                user__is_active=True,
                user__is_coordinator=False,
                user__is_superuser=False,
            )
            .select_related("user")
            .order_by("pk")
            .first()
        )
        if membership is None:
            raise CommandError("No admin of an approved organisation: load data first.")
        partner = Client(HTTP_HOST=HOST)
        partner.force_login(membership.user)
        coordinator_user, _ = User.objects.get_or_create(
            email=COORDINATOR_EMAIL, defaults={"is_coordinator": True}
        )
        authenticator = (
            Authenticator.objects.filter(
                user=coordinator_user, type=Authenticator.Type.TOTP
            ).first()
            or TOTP.activate(coordinator_user, generate_totp_secret()).instance
        )
        coordinator = pass_second_factor(Client(HTTP_HOST=HOST), coordinator_user, authenticator)
        return {"anonymous": anonymous, "partner": partner, "coordinator": coordinator}

    # --- the pages --------------------------------------------------------------------------

    def _pages(self) -> list[Page]:
        public = Initiative.objects.public()
        sample = public.filter(slots__isnull=False).order_by("pk").first() or public.first()
        if sample is None:
            raise CommandError("No public initiative: load data first.")
        theme = Theme.objects.order_by("pk").first()
        area = (
            Area.objects.filter(parent__isnull=False, children__isnull=False).order_by("pk").first()
            or Area.objects.order_by("pk").first()
        )
        organization = sample.lead_organization
        # A full page from the middle of the initiatives' section (pages are ranges of ids).
        numbers = [page.number for page in InitiativeSitemap().pages()]
        number = numbers[len(numbers) // 2] if numbers else 1
        sitemap_page = f"/sitemap-initiatives.xml?p={number}"
        with translation.override("sv"):
            listing = reverse("initiatives:list")
            dashboard = "coordinator:dashboard:"
            pages = [
                Page("home", reverse("home")),
                Page("/insatser/", listing),
                Page("/insatser/ by theme", f"{listing}?theme={theme.pk}"),
                Page("/insatser/ by area", f"{listing}?area={area.pk}"),
                Page("/insatser/ full-text", f"{listing}?q=nattvandring"),
                Page("initiative detail", reverse("initiatives:detail", args=[sample.slug])),
                Page("initiative iCal", reverse("initiatives:calendar", args=[sample.slug])),
                Page("map data", reverse("initiatives:map_data")),
                Page("API list", "/api/v1/initiatives"),
                Page("API GeoJSON", "/api/v1/initiatives.geojson"),
                Page("directory", reverse("stakeholders:list")),
                Page("organisation", reverse("stakeholders:detail", args=[organization.slug])),
                Page("Ni sa, vi gjorde", reverse("public_problems")),
                Page("sitemap index", "/sitemap.xml"),
                Page("sitemap page", sitemap_page),
                Page("/insatser/ (partner)", listing, "partner"),
                Page("Mina sidor (partner)", reverse("my_pages"), "partner"),
                Page(
                    "overview (coordinator)",
                    reverse(f"{dashboard}overview"),
                    "coordinator",
                ),
                Page(
                    "overlaps (coordinator)",
                    reverse(f"{dashboard}overlaps"),
                    "coordinator",
                ),
            ]
        return pages

    def _count_queries(self, client: Client, path: str) -> int:
        self._get(client, path)  # warm-up: the steady state counts
        with CaptureQueriesContext(connection) as queries:
            self._get(client, path)
        return len(queries)

    def _count_miss_queries(self, client: Client, path: str) -> int:
        """The queries of the first request after a write: no page cache, no kept figures
        (kept in the ``pages`` cache and shared through the database cache: both emptied
        here), what every page costs once per write."""
        with override_settings(PAGE_CACHE_ENABLED=False):
            page_cache.forget_pages()
            caches["default"].clear()
            with CaptureQueriesContext(connection) as queries:
                self._get(client, path)
        return len(queries)

    def _get(self, client: Client, path: str):
        response = client.get(path, secure=True)
        if response.streaming:
            b"".join(response.streaming_content)
        if response.status_code != 200:
            raise CommandError(f"{path} answered {response.status_code} in the test client.")
        return response

    # --- the servers and wrk ----------------------------------------------------------------

    def _serve(self, wsgi: str, port: int, log: Path) -> subprocess.Popen:
        with socket.socket() as probe:
            if probe.connect_ex((HOST, port)) == 0:
                raise CommandError(
                    f"Port {port} is in use: choose another (--port, --reference-port)."
                )
        gunicorn = Path(sys.executable).with_name("gunicorn")
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": wsgi.replace(".wsgi", ".settings")}
        command = [str(gunicorn), wsgi, "--workers", str(self.options["workers"])]
        command += ["--bind", f"{HOST}:{port}", "--log-level", "warning"]
        # gunicorn's and Django's logs (a 404, a traceback) go to a file, not into the table.
        output = log.open("w")  # noqa: SIM115 - open for the server's lifetime
        return subprocess.Popen(  # noqa: S603
            command,
            cwd=settings.BASE_DIR,
            env=env,
            stdout=output,
            stderr=output,
            start_new_session=True,  # its own process group: stopped with its workers
        )

    def _wait_until_up(self, port: int, path: str, seconds: int = 600) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                if self._status(port, path) == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise CommandError(f"Nothing answered 200 on port {port}{path} within {seconds} s.")

    def _status(self, port: int, path: str, cookie: str | None = None) -> int:
        headers = {"X-Forwarded-Proto": "https", **({"Cookie": cookie} if cookie else {})}
        request = urllib.request.Request(f"http://{HOST}:{port}{path}", headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=600) as response:  # noqa: S310
                response.read()
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def _check_status(self, page: Page, cookie: str | None) -> None:
        status = self._status(self.options["port"], page.path, cookie)
        if status != 200:
            self.stderr.write(f"  {page.label}: {page.path} answered {status} before the run")

    def _wrk(self, port: int, path: str, connections: int, cookie: str | None = None) -> dict:
        command = ["wrk", f"-t{self.options['threads']}", f"-c{connections}"]
        command += [f"-d{self.options['duration']}s", f"--timeout={self.options['timeout']}s"]
        command += ["--latency", "-s", str(LUA), "-H", "X-Forwarded-Proto: https"]
        if cookie:
            command += ["-H", f"Cookie: {cookie}"]
        command.append(f"http://{HOST}:{port}{path}")
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
        line = next((ln for ln in output.splitlines() if ln.startswith("BENCH ")), None)
        if line is None:
            raise CommandError(f"wrk printed no summary for {path}:\n{output}")
        result = json.loads(line.removeprefix("BENCH "))
        seconds = result["duration_us"] / 1_000_000
        result["rps"] = result["requests"] / seconds if seconds else 0.0
        result["errors"] = result["non2xx"] + sum(
            result[kind] for kind in ("connect", "read", "write", "timeout")
        )
        return result

    # --- the table --------------------------------------------------------------------------

    def _print_table(self, pages: list[Page]) -> None:
        options = self.options
        references = [r["rps"] for page in pages for r in page.references]
        self.stdout.write(
            f"\n{Initiative.objects.count():,} initiatives in {self._db()}; gunicorn "
            f"{options['workers']} sync workers; wrk {options['threads']} threads, "
            f"{options['duration']} s per page, {options['connections']} connections "
            f"({options['coordinator_connections']} for coordinator pages, ratio still against "
            f"the reference at {options['connections']})."
        )
        reference_p99s = [r["p99_us"] / 1000 for page in pages for r in page.references]
        self.stdout.write(
            "Reference (50 rows, one raw query), measured before and after every page: "
            f"{min(references):.0f}–{max(references):.0f} req/s, p99 "
            f"{min(reference_p99s):.0f}–{max(reference_p99s):.0f} ms (what the machine's "
            f"load alone costs). Load average {os.getloadavg()[0]:.1f}. Errors: answers other than "
            f"2xx, socket errors and requests over {options['timeout']} s; done: requests "
            "answered within the run (those still waiting at its end count nowhere: p50/p99 "
            "are over the answered ones); “none answered”: not one. Queries: of one "
            "request in the steady state (a page cache hit: 1); miss: of the first request "
            "after a write (no page cache, no kept figures).\n"
        )
        header = f"| {'page':<24} | {'req/s':>7} | {'ratio':>6} | {'p50 ms':>7} | {'p99 ms':>7} "
        header += f"| {'errors':>13} | {'done':>5} | {'queries':>7} | {'miss':>4} |"
        self.stdout.write(header)
        self.stdout.write("|" + "|".join("-" * len(cell) for cell in header.split("|")[1:-1]) + "|")
        for page in pages:
            result = page.result
            ratio = result["rps"] / page.reference_rps if page.reference_rps else 0.0
            answered = result["requests"] > 0
            p50 = f"{result['p50_us'] / 1000:.0f}" if answered else "–"
            p99 = f"{result['p99_us'] / 1000:.0f}" if answered else "–"
            errors = str(result["errors"]) if answered else "none answered"
            self.stdout.write(
                f"| {page.label:<24} | {result['rps']:>7.1f} | {ratio:>5.2f}× | {p50:>7} | "
                f"{p99:>7} | {errors:>13} | {result['requests']:>5} | {page.queries:>7} | "
                f"{page.miss_queries:>4} |"
            )
