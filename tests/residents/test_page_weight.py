"""What a phone downloads (issue 14): the public pages without a map load no JavaScript at all
— a filter, the menu and the report form's area choice work without it — and the map pages
stay within 200 KB of compressed JavaScript, tiles excluded. Pages are sent compressed.

Lighthouse measures the same in a browser (``make lighthouse``); this test reads the pages
the server sends, so that a script added to a page without a map fails here first."""

import gzip
import re
from pathlib import Path

import pytest
from django.conf import settings

from partnership.problems.models import Problem
from tests import factories
from tests.coordination.publication_pages import plant_publications

pytestmark = pytest.mark.django_db

MAP_BUDGET = 200 * 1024  # compressed bytes of JavaScript on a page with a map
EXECUTABLE = re.compile(r"<script(?![^>]*\btype=\"application/(?:ld\+)?json\")[^>]*>", re.I)
SOURCES = re.compile(r'<script[^>]*\bsrc="([^"]+)"', re.I)


@pytest.fixture
def public_pages(organization):
    area = factories.AreaFactory(name="Vårby gård centrum", slug="varby-gard-centrum")
    initiative = factories.InitiativeFactory(
        title="Nattvandring",
        lead_organization=organization,
        areas=[area],
        latitude=59.2647,
        longitude=17.8843,
    )
    problem = factories.ProblemFactory(
        title="Mörk gångväg",
        area=area,
        visibility="public",
        status=Problem.Status.RESOLVED,
        outcome="Nya lampor.",
    )
    problem.initiatives.add(initiative)
    situation = plant_publications(factories.UserFactory(is_coordinator=True), area=area)[
        "published"
    ]
    without_map = [
        "/",
        "/en/",
        "/vem-gor-vad/",
        "/vem-gor-vad/?kind=association",
        "/en/who-does-what/matrix/themes/",
        f"/vem-gor-vad/{organization.slug}/",
        "/ni-sa-vi-gjorde/",
        "/en/you-said-we-did/?status=resolved",
        f"/ni-sa-vi-gjorde/{problem.public_id}/",
        "/sag-till/vad-boende-sager/",
        f"/en/tell-us/what-residents-say/{area.slug}/",
        "/sag-till/tack/",
        "/tillganglighet/",
        "/personuppgifter/",
        "/oppna-data/",
        "/en/open-data/",
        "/accounts/login/",
        "/lagesbilder/",  # published situation pictures (publish)
        f"/en/situation-reports/{situation.public_id}/",
    ]
    with_map = ["/insatser/", "/en/initiatives/", f"/insatser/{initiative.slug}/", "/sag-till/"]
    return without_map, with_map


def _scripts(client, path) -> tuple[str, list[str]]:
    response = client.get(path)
    assert response.status_code == 200, path
    html = response.content.decode()
    return html, SOURCES.findall(html)


def _compressed_size(url: str) -> int:
    assert url.startswith(settings.STATIC_URL) or url.startswith("/" + settings.STATIC_URL)
    relative = url.split(settings.STATIC_URL.strip("/") + "/", 1)[1]
    return len(gzip.compress((Path(settings.BASE_DIR) / "static" / relative).read_bytes(), 9))


def test_pages_without_a_map_load_no_javascript(resident, public_pages):
    without_map, _ = public_pages
    for path in without_map:
        html, sources = _scripts(resident, path)
        assert sources == [], f"{path} loads {sources}"
        assert not EXECUTABLE.search(html), f"{path} has a script"


def test_map_pages_stay_within_200_kb_of_compressed_javascript(resident, public_pages):
    _, with_map = public_pages
    for path in with_map:
        _html, sources = _scripts(resident, path)
        assert any("leaflet" in source for source in sources), f"{path}: the map's script"
        total = sum(_compressed_size(source) for source in sources)
        assert total <= MAP_BUDGET, f"{path}: {total / 1024:.0f} KB of JavaScript"


def test_pages_are_sent_compressed_to_browsers_that_accept_it(resident, public_pages):
    for path in ["/", "/ni-sa-vi-gjorde/", "/insatser/"]:
        response = resident.get(path, headers={"accept-encoding": "gzip, br"})
        assert response["Content-Encoding"] == "gzip", path
        assert "Accept-Encoding" in response["Vary"]
        assert b"<!DOCTYPE html>" in gzip.decompress(response.content)
    plain = resident.get("/")
    assert not plain.has_header("Content-Encoding")
