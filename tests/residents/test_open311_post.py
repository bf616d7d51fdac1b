"""Open311 GeoReport v2 ``POST requests.json`` (issue 17): an app with a key a coordinator
issued sends a resident report, under the same privacy rules as the form; every refusal is
the spec's error list. And the coordinator's page to issue and revoke keys."""

import hashlib
import re

import pytest

from partnership.residents import services
from partnership.residents.models import Open311Key, ResidentReport
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/open311/v2/requests.json"


@pytest.fixture
def key(places, coordinator):
    factories.ThemeFactory(slug="belysning", name_sv="Belysning", name_en="Lighting")
    factories.ThemeFactory(slug="klotter", name_sv="Klotter", name_en="Graffiti")
    _issued, value = services.open311_key_issue(name="FixaMinGata", actor=coordinator)
    return value


def post(client, key, **changes):
    data = {
        "api_key": key,
        "service_code": "belysning",
        "lat": "59.264712",
        "long": "17.884321",
        "description": "Lampan vid trappan är trasig.",
        "email": "someone@example.org",
        "first_name": "Kim",
        "phone": "070-123 45 67",
        "device_id": "device-4711-xyz",
    }
    data.update(changes)
    return client.post(URL, {k: v for k, v in data.items() if v is not None})


def refused(response, status) -> str:
    assert response.status_code == status
    body = response.json()
    assert isinstance(body, list) and len(body) == 1
    assert body[0]["code"] == status and body[0]["description"]
    assert ResidentReport.objects.count() == 0
    return body[0]["description"]


def test_a_posted_request_becomes_an_anonymous_resident_report(client, key, places, settings):
    settings.RESIDENT_REASON_THEMES = {"badly_lit": ["belysning"], "other": []}
    response = post(client, key)
    assert response.status_code == 200
    (answer,) = response.json()
    report = ResidentReport.objects.get()
    assert answer["token"] == str(report.public_id)
    assert "service_request_id" not in answer and answer["service_notice"]
    assert report.channel == "open311"
    assert report.area == places["centrum"]
    assert report.reasons == ["badly_lit"]
    assert report.text == "Lampan vid trappan är trasig."
    stored = str(ResidentReport.objects.values().get())
    for personal in ("someone@example.org", "Kim", "070-123", "device-4711"):
        assert personal not in stored
    assert Open311Key.objects.get().last_used_on is not None


def test_a_theme_no_reason_names_is_other(client, key, places, settings):
    settings.RESIDENT_REASON_THEMES = {"badly_lit": ["belysning"]}
    assert post(client, key, service_code="klotter").status_code == 200
    assert ResidentReport.objects.get().reasons == ["other"]


def test_an_area_by_name_instead_of_a_point(client, key, places):
    response = post(client, key, lat=None, long=None, address_string="vårby gård norra")
    assert response.status_code == 200
    report = ResidentReport.objects.get()
    assert report.area == places["norra"] and not report.has_point
    assert post(client, key, lat=None, long=None, area="varby-gard").status_code == 200


@pytest.mark.parametrize("value", ["", "wrong", None])
def test_without_a_valid_key_it_is_refused_with_403(client, key, value):
    assert "api_key" in refused(post(client, value), 403)


def test_a_revoked_key_is_refused(client, key):
    services.open311_key_revoke(key=Open311Key.objects.get())
    refused(post(client, key), 403)


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"service_code": ""}, "service_code"),
        ({"service_code": "aliens"}, "aliens"),
        ({"lat": "59.21", "long": "17.90"}, "outside"),
        ({"lat": "48.85", "long": "2.35"}, "outside"),
        ({"lat": "abc", "long": "17.88"}, "decimal degrees"),
        ({"lat": "nan", "long": "nan"}, "decimal degrees"),
        ({"lat": None, "long": None}, "address_string"),
        ({"lat": None, "long": None, "address_string": "Paris"}, "Paris"),
        ({"description": "x" * 10_000}, "500"),
        ({"description": "Ring 070-123 45 67"}, "phone number"),
        ({"description": "121212-1212 bor där"}, "personal identity number"),
        ({"description": "Bilen ABC 123"}, "licence plate"),
        ({"description": "skriv till a@example.se"}, "e-mail address"),
    ],
)
def test_bad_requests_are_refused_in_the_specs_format(client, key, changes, words):
    assert words in refused(post(client, key, locale="en", **changes), 400)


def test_refusals_are_in_english_when_asked(client, key):
    response = client.post(f"{URL}?locale=en", {"api_key": "nope"})
    assert "A valid api_key" in refused(response, 403)


def test_discovery_says_how_to_get_a_key(client):
    discovery = client.get("/open311/v2/discovery.json?locale=en").json()
    assert "Ask the partnership's coordinator for a key" in discovery["key_service"]


# --- Keys ---------------------------------------------------------------------------------------


def test_a_coordinator_issues_a_key_shown_once_and_stored_as_a_hash(coordinator_client):
    response = coordinator_client.post("/en/tell-us/open311-keys/", {"name": "FixaMinGata"})
    assert response.status_code == 200
    page = response.content.decode()
    value = re.search(r'<code class="secret-key">([^<]+)</code>', page).group(1)
    key = Open311Key.objects.get()
    assert key.key_hash == hashlib.sha256(value.encode()).hexdigest()
    assert value not in str(Open311Key.objects.values().get())
    again = coordinator_client.get("/en/tell-us/open311-keys/").content.decode()
    assert value not in again and key.prefix in again


def test_an_unnamed_key_is_refused_with_the_summary(coordinator_client):
    response = coordinator_client.post("/en/tell-us/open311-keys/", {"name": ""})
    assert response.status_code == 400
    assert "data-error-summary" in response.content.decode()
    assert not Open311Key.objects.exists()


def test_a_coordinator_revokes_a_key_after_confirming(coordinator_client, key, client):
    issued = Open311Key.objects.get()
    url = f"/en/tell-us/open311-keys/{issued.public_id}/revoke/"
    confirm = coordinator_client.get(url).content.decode()
    assert "Revoke the key of FixaMinGata?" in confirm
    issued.refresh_from_db()
    assert issued.revoked_at is None
    assert coordinator_client.post(url).status_code == 302
    issued.refresh_from_db()
    assert issued.revoked_at is not None
    refused(post(client, key), 403)


@pytest.mark.parametrize("role", ["resident", "member", "coordinator_without_mfa"])
def test_only_coordinators_issue_keys(client, request, role):
    from tests.helpers import login_as

    login_as(client, request, role)
    response = client.post("/en/tell-us/open311-keys/", {"name": "Sneaky"})
    assert response.status_code in (302, 403)
    assert not Open311Key.objects.exists()
