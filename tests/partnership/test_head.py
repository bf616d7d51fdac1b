"""HEAD is answered wherever GET is (RFC 9110 §9.3.2): every URL pattern of the URLconf that
answers a GET with 200 for some role answers a HEAD with 200, the same Content-Type and no
body — the pages, the API (django-ninja), HSDS, Open311, feeds, sitemaps, downloads.

The URLs come from the permission sweep (``url_leaves``, the planted ``world``), so a new
pattern is swept here without anyone remembering to. The page cache is off: the views
themselves must answer HEAD (tests/partnership/test_page_cache.py covers cached answers)."""

import pytest
from django.db import DatabaseError, transaction
from django.test import Client
from django.utils import translation

from partnership import views
from tests.helpers import login_with_second_factor
from tests.test_permission_sweep import (  # noqa: F401 - world is a fixture
    CannotFill,
    build_url,
    is_admin,
    make_filler,
    url_leaves,
    world,
)

pytestmark = pytest.mark.django_db

ROLES = ("resident", "org_admin", "coordinator")


class _Rollback(Exception):
    pass


def _request(client, method, url):
    """The response to one request, its writes rolled back (the world stays the same)."""
    response = None
    try:
        with transaction.atomic():
            response = getattr(client, method)(url)
            raise _Rollback
    except _Rollback:
        pass
    return response


def test_every_page_that_answers_get_answers_head(world, settings):  # noqa: F811
    settings.PAGE_CACHE_ENABLED = False
    fill = make_filler(world["fill"])
    urls = []
    for leaf in url_leaves():
        if is_admin(leaf):
            continue  # Django's own admin: not ours to sweep here
        try:
            with translation.override("sv"):
                urls.append((leaf, build_url(leaf, fill)))
        except CannotFill:
            continue  # the permission sweep fails on these
    clients = {}
    for role in ROLES:
        client = Client()
        if role == "coordinator":
            login_with_second_factor(client, world["users"][role])
        elif role != "resident":
            client.force_login(world["users"][role])
        clients[role] = client

    answered, problems = 0, []
    for leaf, url in urls:
        for role, client in clients.items():
            get = _request(client, "get", url)
            if get.status_code != 200 or getattr(get, "streaming", False):
                continue
            head = _request(client, "head", url)
            answered += 1
            where = f"{role} HEAD {url} ({leaf.label})"
            if head.status_code != 200:
                problems.append(f"{where}: {head.status_code}")
            elif head.content:
                problems.append(f"{where}: a body of {len(head.content)} bytes")
            elif head["Content-Type"] != get["Content-Type"]:
                problems.append(f"{where}: {head['Content-Type']} != {get['Content-Type']}")
            break  # one role that gets a 200 is enough for this pattern
    assert not problems, "\n".join(problems)
    assert answered > 80, f"only {answered} patterns answered GET with 200"


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/initiatives",
        "/api/v1/themes",
        "/api/hsds/",
        "/api/hsds/services",
        "/open311/v2/services.json",
        "/open311/v2/requests.json",
        "/healthz",
        "/robots.txt",
        "/sitemap.xml",
    ],
)
def test_machine_endpoints_answer_head(client, url, settings):
    settings.PAGE_CACHE_ENABLED = False
    get = client.get(url)
    head = client.head(url)
    assert head.status_code == get.status_code == 200, url
    assert head.content == b""
    assert head["Content-Type"] == get["Content-Type"]


def test_healthz_head_is_503_without_the_database(rf, monkeypatch):
    class NoDatabase:
        def cursor(self):
            raise DatabaseError("connection refused")

    monkeypatch.setattr(views, "connection", NoDatabase())
    response = views.healthz(rf.head("/healthz"))
    assert response.status_code == 503
    assert "no-store" in response["Cache-Control"]


def test_healthz_is_never_kept_by_the_page_cache(client):
    assert "X-Page-Cache" not in client.get("/healthz")
    assert "X-Page-Cache" not in client.head("/healthz")


def test_head_never_submits_a_form(client, org_admin, organization):
    """A view that tells GET from POST by ``method == "GET"`` once took HEAD for a submit:
    archiving an initiative by HEAD. HEAD runs as GET now."""
    from initiatives.models import Initiative
    from tests import factories

    initiative = factories.InitiativeFactory(lead_organization=organization)
    client.force_login(org_admin)
    url = f"/insatser/{initiative.slug}/arkivera/"
    head = client.head(url)
    assert head.status_code == client.get(url).status_code == 200
    assert Initiative.objects.get(pk=initiative.pk).archived_at is None
