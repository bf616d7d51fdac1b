"""The open-data GeoJSON in pages (issue 16, ``/api/v1/initiatives.geojson``): 1,000 features
a page, each full page linking to the next (``links``, as OGC API – Features), the last one
linking nowhere; a page is kept until a write (``figures.kept``) and a write shows on the next
request; "happening now" is never kept."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from initiatives import api
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/api/v1/initiatives.geojson"


@pytest.fixture(autouse=True)
def _views_only(settings):
    """The view and what it keeps, not the page cache in front of it."""
    settings.PAGE_CACHE_ENABLED = False


@pytest.fixture
def pages_of_two(monkeypatch):
    monkeypatch.setattr(api, "GEOJSON_PAGE_SIZE", 2)


def collection(client, **params) -> dict:
    response = client.get(URL, params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    return json.loads(response.content)


def titles(body: dict) -> list[str]:
    return [feature["properties"]["title"] for feature in body["features"]]


def test_the_documented_page_size_is_a_thousand():
    assert api.GEOJSON_PAGE_SIZE == 1_000
    operation = api.api.get_openapi_schema()["paths"]["/api/v1/initiatives.geojson"]["get"]
    assert "1,000 per page" in operation["description"]


def test_full_pages_link_to_the_next_and_the_last_links_nowhere(
    resident, organization, pages_of_two
):
    for title in ("Ett", "Två", "Tre"):
        factories.InitiativeFactory(title=title, lead_organization=organization)
    first = collection(resident, q="")
    assert first["numberReturned"] == 2 and titles(first) == ["Ett", "Två"]
    [link] = first["links"]
    assert link["rel"] == "next" and link["type"] == "application/geo+json"
    assert link["href"].startswith("http://testserver/api/v1/initiatives.geojson?")
    assert "page=2" in link["href"]
    second = json.loads(resident.get(link["href"].removeprefix("http://testserver")).content)
    assert titles(second) == ["Tre"]
    assert second["links"] == []


def test_the_next_page_keeps_the_filters(resident, organization, pages_of_two):
    theme = factories.ThemeFactory()
    for title in ("Ett", "Två", "Tre"):
        factories.InitiativeFactory(title=title, lead_organization=organization, themes=[theme])
    factories.InitiativeFactory(title="Utan tema", lead_organization=organization)
    [link] = collection(resident, theme=theme.pk)["links"]
    assert f"theme={theme.pk}" in link["href"]
    assert titles(json.loads(resident.get(link["href"]).content)) == ["Tre"]


def test_a_page_is_kept_until_a_write(resident, organization):
    initiative = factories.InitiativeFactory(title="Läxhjälp", lead_organization=organization)
    assert titles(collection(resident)) == ["Läxhjälp"]
    with CaptureQueriesContext(connection) as queries:
        assert titles(collection(resident)) == ["Läxhjälp"]
    assert not [q for q in queries.captured_queries if "FeatureCollection" in q["sql"]]
    initiative.title = "Läxhjälp i skolan"
    initiative.save()
    assert titles(collection(resident)) == ["Läxhjälp i skolan"]


def test_happening_now_is_built_for_each_request(resident, organization):
    factories.InitiativeFactory(title="Belysning", lead_organization=organization)
    collection(resident, when="now")
    with CaptureQueriesContext(connection) as queries:
        collection(resident, when="now")
    assert [q for q in queries.captured_queries if "FeatureCollection" in q["sql"]]
