"""Every kind of page is valid HTML, as the Nu HTML Checker (vnu, the W3C's validator) reads
it: issue 17 found errors on 11 of 74 pages (``<time datetime>`` with microseconds, the same
``id`` twice on the problem page, invalid redisplayed inputs).

The demo partnership is loaded, then each of the cast — a resident, a partner and a
coordinator — follows the portal's links from a few starting pages, keeping one page of
each kind (the URL pattern's name and whether it has a query string); forms sent back with
errors are added, since no link leads to them. Every page is saved and checked in one run
of the checker (one Java start). ``vnu.jar`` comes from npm's ``vnu-jar`` package, installed
by this test into a cache folder on first use, and runs on the machine's Java (``make test``
installs Java where it is missing)."""

import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from stakeholders.models import User
from tests.coordination.import_samples import import_pages
from tests.coordination.publication_pages import plant_publications
from tests.helpers import login_with_second_factor

pytestmark = pytest.mark.django_db

VNU_VERSION = "26.9.27"
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "partnership-portal"
VNU_PREFIX = CACHE / f"vnu-jar-{VNU_VERSION}"
VNU_JAR = VNU_PREFIX / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# Pages per role at most: with one page per kind, far more than the portal has kinds.
CRAWL_LIMIT = 150
# Never followed: they act (log out), or are not HTML pages.
SKIP = re.compile(
    r"(logout|/admin/|\.(csv|xlsx|ics|geojson|json|xml|txt|pdf|png|svg|js|css)(\?|$)|/static/"
    r"|/api/|/i18n/)"
)


def vnu_jar() -> Path:
    """The checker's jar, installed from npm into the cache folder if it is not there yet
    (no package.json or lock file is written; the package's Java download is not run)."""
    if not VNU_JAR.exists():
        npm = shutil.which("npm")
        assert npm, "the HTML check needs npm (Debian: apt-get install npm) to install vnu-jar"
        VNU_PREFIX.mkdir(parents=True, exist_ok=True)
        subprocess.run(  # noqa: S603 (a fixed command)
            [
                npm,
                "install",
                "--no-save",
                "--no-package-lock",
                "--ignore-scripts",
                "--prefix",
                str(VNU_PREFIX),
                f"vnu-jar@{VNU_VERSION}",
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
    return VNU_JAR


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.links.append(href)


def _kind(url: str) -> str:
    """One page of each kind: the URL pattern's name, and whether it is filtered or paged."""
    parts = urlsplit(url)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return "page not found"
    return f"{match.view_name}{'?' if parts.query else ''}"


def crawl(client, starts: list[str], pages: dict[str, tuple[str, str]], role: str) -> None:
    """Follow same-site links from ``starts``, keeping the first page of each kind in
    ``pages`` (kind → (url, html))."""
    queue = list(starts)
    seen_kinds: set[str] = set()
    visited = 0
    while queue and visited < CRAWL_LIMIT:
        url = queue.pop(0)
        kind = _kind(url)
        if kind in seen_kinds:
            continue
        seen_kinds.add(kind)
        response = client.get(url)
        visited += 1
        html_page = "text/html" in response.get("Content-Type", "")
        if response.status_code not in (200, 404) or not html_page:  # the 404 page too
            continue
        html = response.content.decode()
        pages.setdefault(f"{role} {kind}", (url, html))
        parser = _Links()
        parser.feed(html)
        for href in parser.links:
            target = urljoin(url, href).split("#")[0]
            parts = urlsplit(target)
            if parts.netloc not in ("", "testserver") or SKIP.search(target):
                continue
            queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))


def _posted(client, url: str, data: dict) -> str:
    response = client.post(url, data)
    assert response.status_code == 400, (url, response.status_code)
    return response.content.decode()


def _delivery_pages(client, pages: dict) -> None:
    """The delivery log (issue 13): the log and a session's form with errors as a member of
    the lead organisation; an email link's confirm page and a tampered link, logged out."""
    import datetime as dt

    from django.utils import timezone

    from initiatives import delivery
    from initiatives.models import Initiative

    walk = Initiative.objects.filter(session_marks__isnull=False).order_by("title").first()
    client.force_login(walk.lead_organization.memberships.first().user)
    log = reverse("initiatives:delivery", args=[walk.slug])
    crawl(client, [log], pages, "partner delivery")
    today = timezone.localdate()
    session = delivery.sessions_between(walk, today - dt.timedelta(days=14), today)[0]
    pages["partner session form with errors"] = (
        session.page_url,
        _posted(client, session.page_url, {"outcome": "moved"}),
    )
    client.logout()
    link = delivery.session_link_path(session, "held")
    pages["resident session link"] = (link, client.get(link).content.decode())
    bad = link.rstrip("/") + "x/"
    pages["resident session link tampered"] = (bad, client.get(bad).content.decode())


def validate(pages: dict[str, tuple[str, str]], folder: Path) -> dict[str, list[str]]:
    """{page: [error, …]} for every page with errors, from one run of the checker."""
    names = {}
    for number, (key, (url, html)) in enumerate(sorted(pages.items())):
        path = folder / f"{number:03d}.html"
        path.write_text(html, encoding="utf-8")
        names[path.name] = f"{key} {url}"
    java = shutil.which("java")
    assert java, "the HTML check needs Java (Debian: apt-get install default-jre-headless)"
    command = [java, "-jar", str(vnu_jar()), "--format", "json", "--errors-only"]
    result = subprocess.run(  # noqa: S603 (a fixed command)
        [*command, *(str(folder / name) for name in sorted(names))],
        capture_output=True,
        text=True,
        timeout=600,
    )
    errors: dict[str, list[str]] = {}
    for message in json.loads(result.stderr or "{}").get("messages", []):
        page = names.get(message.get("url", "").rsplit("/", 1)[-1], message.get("url", ""))
        extract = message.get("extract", "").strip()
        errors.setdefault(page, []).append(f"{message['message']} [{extract[:120]}]")
    return errors


@pytest.fixture
def demo(settings):
    settings.DEBUG = True  # load_demo is for development
    call_command("load_demo", verbosity=0)
    settings.DEBUG = False


def test_every_kind_of_page_is_valid_html(client, demo, tmp_path):
    pages: dict[str, tuple[str, str]] = {}
    public = ["/", "/en/", "/insatser/", "/insatser/?theme=99999&running_on=x", "/vem-gor-vad/"]
    public += ["/ni-sa-vi-gjorde/", "/oppna-data/", "/accounts/login/", "/finns-inte/"]
    crawl(client, public, pages, "resident")
    apply = reverse("stakeholders:apply")
    pages["resident application with errors"] = (apply, _posted(client, apply, {"name": ""}))
    # "Säg till om en plats": sent back with errors (personal data, a point outside), thanks.
    report = reverse("residents:report")
    sent = {"latitude": "59.0", "longitude": "17.9", "text": "070-123 45 67", "reasons": "x"}
    pages["resident report form with errors"] = (report, _posted(client, report, sent))
    thanks = reverse("residents:thanks") + "?area=varby-gard-centrum"
    pages["resident report thanks"] = (thanks, client.get(thanks).content.decode())

    member = User.objects.get(email="medlem@example.se")
    client.force_login(member)
    partner = ["/", "/insatser/", "/insatser/?visibility=partners&mine=on", "/problem/"]
    partner += ["/mina-sidor/", "/vem-gor-vad/", "/insatser/ny/", "/problem/ny/"]
    crawl(client, partner, pages, "partner")
    # Forms sent back with errors: the input kept, the errors next to the fields.
    pages["partner initiative form with errors"] = (
        "/insatser/ny/",
        _posted(client, "/insatser/ny/", {"title": "x", "starts_on": "2026-13-45"}),
    )
    pages["partner problem form with errors"] = (
        "/problem/ny/",
        _posted(client, "/problem/ny/", {"title": "", "severity": "9"}),
    )
    # The demo member is a reporter (obslog): the observation form sent back with errors.
    pages["partner observation form with errors"] = (
        "/handelser/ny/",
        _posted(client, "/handelser/ny/", {"count": "0", "note": "070-123 45 67"}),
    )
    # Mina sidor's "what needs you" as an organisation admin (requests to join, commitments),
    # and its profile page sent back with an error.
    client.force_login(User.objects.get(email="admin.huge@example.se"))
    for url in ("/mina-sidor/", "/mina-sidor/profil/", "/handelser/rapportorer/huge-bostader/"):
        pages[f"partner admin {url}"] = (url, client.get(url).content.decode())
    pages["partner profile with errors"] = (
        "/mina-sidor/profil/",
        _posted(client, "/mina-sidor/profil/", {"language": "xx", "phone": "x" * 40}),
    )
    client.logout()
    _delivery_pages(client, pages)

    coordinator = User.objects.get(email="samordnare@example.se")
    login_with_second_factor(client, coordinator)
    crawl(
        client,
        ["/samordning/", "/samordning/organisationer/", "/handelser/kategorier/"],
        pages,
        "coordinator",
    )
    # Residents' reports made into a problem: the prefilled form, and sent back with errors.
    from_reports = reverse("problems:from_reports") + "?area=varby-gard-centrum"
    pages["coordinator problem from reports"] = (
        from_reports,
        client.get(from_reports).content.decode(),
    )
    ids = client.get(from_reports).context["reports"]
    pages["coordinator problem from reports with errors"] = (
        from_reports,
        _posted(client, reverse("problems:from_reports"), {"report": [ids[0].public_id]}),
    )
    # The onboarding imports: the upload pages sent back with errors, and their previews.
    pages.update(import_pages(client))
    # "Make this a problem" as a heatmap cell opens it, and sent back with errors; the weekly
    # lägesbild with a bad week (weekly).
    to_problem = reverse("observations:make_problem") + "?area=varby-gard-centrum&weekday=5&hour=21"
    pages["coordinator problem from observations"] = (
        to_problem,
        client.get(to_problem).content.decode(),
    )
    pages["coordinator problem from observations with errors"] = (
        to_problem,
        _posted(client, to_problem, {"title": ""}),
    )
    lagesbild = reverse("lagesbild:week") + "?week=2026-W99"
    pages["coordinator lagesbild with a bad week"] = (
        lagesbild,
        client.get(lagesbild).content.decode(),
    )

    # Publishing to residents (publish): the choice sent back with errors, a draft's
    # preview, a publication's page, and what residents see of it.
    publications = plant_publications(coordinator)
    new = reverse("coordinator:dashboard:publication_new")
    pages["coordinator publication choice with errors"] = (
        new,
        _posted(client, new, {"text": "070-123 45 67", "starts_on": "2026-02-31"}),
    )
    for state, situation in publications.items():
        manage = reverse("coordinator:dashboard:publication", args=[situation.public_id])
        pages[f"coordinator publication {state}"] = (manage, client.get(manage).content.decode())
    listing = reverse("coordinator:dashboard:publications")
    pages["coordinator publications"] = (listing, client.get(listing).content.decode())
    visitor = Client()
    for address in (
        reverse("situation_reports"),
        reverse("situation_report", args=[publications["published"].public_id]),
    ):
        pages[f"resident {address}"] = (address, visitor.get(address).content.decode())
    # Patterns and the observation import (obspattern).
    pages.update(_observation_pattern_pages(client))
    assert len(pages) > 40, sorted(pages)
    errors = validate(pages, tmp_path)
    assert errors == {}, json.dumps(errors, indent=1, ensure_ascii=False)


def test_a_mistyped_date_is_sent_back_as_text_and_kept(resident):
    """A date input cannot hold "2026-13-45" (the checker refuses it; browsers show it
    empty): it comes back as a text input holding what was typed, next to its error."""
    html = resident.get("/en/initiatives/", {"running_on": "2026-13-45"}).text
    assert 'type="text" name="running_on" value="2026-13-45"' in html
    html = resident.get("/en/initiatives/", {"running_on": "2026-06-15"}).text
    assert 'type="date" name="running_on" value="2026-06-15"' in html


def _observation_pattern_pages(client) -> dict[str, tuple[str, str]]:
    """The pattern page (and with a bad period), the observation import sent back with row
    errors, and a clean file's preview, as the logged-in coordinator (obspattern)."""
    import datetime as dt

    from django.core.files.uploadedfile import SimpleUploadedFile

    from stakeholders.models import Organization

    pages = {}
    url = reverse("observations:patterns") + "?area=varby-gard-centrum"
    pages["coordinator observation patterns"] = (url, client.get(url).content.decode())
    bad = reverse("observations:patterns") + "?from=2026-10-10&to=2026-10-01"
    pages["coordinator observation patterns with errors"] = (bad, client.get(bad).content.decode())
    upload = reverse("observations:import")
    organization = Organization.objects.filter(status="approved").order_by("pk").first()
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    header = "datum;tid;område;kategori;antal;anteckning\n"

    def post(rows: str):
        data = (header + rows).encode()
        return client.post(
            upload,
            {"organization": organization.pk, "file": SimpleUploadedFile("h.csv", data)},
        )

    failing = post(f"{yesterday};25:00;Atlantis;nedskrapning;0;Ring 070-123 45 67\n")
    assert failing.status_code == 400
    pages["coordinator observation import with errors"] = (upload, failing.content.decode())
    clean = post(f"{yesterday};21:00–02:00;varby-gard-centrum;nedskrapning;2;Skräp\n")
    assert clean.status_code == 302, clean.content.decode()[:500]
    pages["coordinator observation import preview"] = (
        clean["Location"],
        client.get(clean["Location"]).content.decode(),
    )
    return pages
