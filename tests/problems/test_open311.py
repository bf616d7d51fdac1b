"""Open311 GeoReport v2, the read side (issue 17): the spec's fields and types on every
endpoint, the privacy rules (public problems only, located by their area, never their own
point), the spec's filters and its error format, POST refused without a key, CORS, a fixed
query count."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from partnership.problems import services
from partnership.problems.models import Problem
from tests import factories
from tests.helpers import query_count

pytestmark = pytest.mark.django_db

BASE = "/open311/v2"
SITE_URL = "https://trygghet.example.se"
# GeoReport v2's service request, field by field: the type each field has here (None allowed
# for the fields the spec says "may not be returned" and those the portal has no value for).
REQUEST_FIELDS = {
    "service_request_id": (str,),
    "status": (str,),
    "status_notes": (str,),
    "service_name": (str, type(None)),
    "service_code": (str, type(None)),
    "description": (str,),
    "agency_responsible": (str, type(None)),
    "service_notice": (str, type(None)),
    "requested_datetime": (str,),
    "updated_datetime": (str,),
    "expected_datetime": (str, type(None)),
    "address": (str,),
    "address_id": (str, type(None)),
    "zipcode": (str, type(None)),
    "lat": (float, type(None)),
    "long": (float, type(None)),
    "media_url": (str, type(None)),
}
SERVICE_FIELDS = {
    "service_code": str,
    "service_name": str,
    "description": str,
    "metadata": bool,
    "type": str,
    "keywords": str,
    "group": str,
}


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE_URL


@pytest.fixture
def world(organization, other_organization, member):
    """Two themes; a public problem resolved by the member's organisation (lead) with a
    point of its own, in a sub-area without a point; an open public one elsewhere; a
    partners-only and an archived public problem."""
    lighting = factories.ThemeFactory(name_sv="Belysning", name_en="Lighting", slug="belysning")
    litter = factories.ThemeFactory(name_sv="Nedskräpning", name_en="Litter", slug="nedskrapning")
    varby = factories.AreaFactory(
        name="Vårby gård", slug="varby-gard", latitude=59.2651, longitude=17.8842
    )
    centrum = factories.AreaFactory(
        name="Vårby gård centrum", slug="varby-centrum", parent=varby, latitude=None, longitude=None
    )
    masmo = factories.AreaFactory(name="Masmo", slug="masmo", latitude=59.2491, longitude=17.8806)
    tunnel = factories.ProblemFactory(
        title="Mörk gångtunnel",
        area=centrum,
        visibility="public",
        recorded_by_organization=organization,
        latitude=59.2612345,
        longitude=17.8712345,
    )
    tunnel.themes.set([lighting])
    services.problem_take_responsibility(
        problem=tunnel,
        organization=organization,
        actor=member,
        role="lead",
        commitment="Vi byter armaturerna.",
    )
    services.problem_change_status(
        problem=tunnel, actor=member, status="resolved", outcome="Ny LED-belysning sedan maj."
    )
    rubbish = factories.ProblemFactory(title="Skräp vid Masmo", area=masmo, visibility="public")
    rubbish.themes.set([litter, lighting])
    secret = factories.ProblemFactory(
        title="Hemligt problem vid torget", area=centrum, visibility="partners"
    )
    secret.themes.set([lighting])
    archived = factories.ProblemFactory(title="Arkiverat problem", area=masmo, visibility="public")
    Problem.objects.filter(pk=archived.pk).update(archived_at=timezone.now())
    tunnel.refresh_from_db()
    return {
        "tunnel": tunnel,
        "rubbish": rubbish,
        "secret": secret,
        "archived": archived,
        "lighting": lighting,
        "litter": litter,
    }


def ok(response) -> list | dict:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def refused(response, status: int) -> str:
    """The spec's error format: a list of {code, description}, the code the HTTP status."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    [error] = response.json()
    assert set(error) == {"code", "description"}
    assert error["code"] == status
    assert isinstance(error["description"], str) and error["description"]
    return error["description"]


def w3c(value: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(value)
    assert moment.tzinfo is not None, value  # the spec requires the offset
    return moment


def test_discovery_points_at_the_endpoint_and_says_json(resident):
    body = ok(resident.get(f"{BASE}/discovery.json"))
    [endpoint] = body["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == f"{SITE_URL}/open311/v2"
    assert endpoint["formats"] == ["application/json"]
    assert endpoint["type"] == "production"
    assert isinstance(body["changeset"], str) and isinstance(body["contact"], str)


def test_services_are_the_themes(resident, world):
    body = ok(resident.get(f"{BASE}/services.json"))
    assert [s["service_code"] for s in body] == ["belysning", "nedskrapning"]
    for item in body:
        assert {name: type(item[name]) for name in item} == SERVICE_FIELDS
        assert item["metadata"] is False
        # A posted report answers with a token only (tests/residents/test_open311_post.py).
        assert item["type"] == "blackbox"
    assert body[0]["service_name"] == "Belysning"
    english = ok(resident.get(f"{BASE}/services.json", {"locale": "en"}))
    assert english[0]["service_name"] == "Lighting"


def test_a_service_definition_asks_for_nothing_more(resident, world):
    assert ok(resident.get(f"{BASE}/services/belysning.json")) == {
        "service_code": "belysning",
        "attributes": [],
    }
    assert "okand-tjanst" in refused(resident.get(f"{BASE}/services/okand-tjanst.json"), 404)


def test_requests_are_public_problems_with_the_specs_fields(resident, world, organization):
    body = ok(resident.get(f"{BASE}/requests.json"))
    assert {r["service_request_id"] for r in body} == {
        str(world["tunnel"].public_id),
        str(world["rubbish"].public_id),
    }
    for item in body:
        assert set(item) == set(REQUEST_FIELDS)
        for name, kinds in REQUEST_FIELDS.items():
            assert isinstance(item[name], kinds), (name, item[name])
        assert item["status"] in {"open", "closed"}
        assert w3c(item["updated_datetime"]) >= w3c(item["requested_datetime"])
    [tunnel] = [r for r in body if r["service_request_id"] == str(world["tunnel"].public_id)]
    assert tunnel["status"] == "closed"
    assert tunnel["status_notes"] == "Löst: Ny LED-belysning sedan maj."
    assert tunnel["agency_responsible"] == organization.name
    assert tunnel["service_notice"] == f"{organization.name}: Vi byter armaturerna."
    assert tunnel["service_code"] == "belysning" and tunnel["service_name"] == "Belysning"
    assert tunnel["description"].startswith("Mörk gångtunnel\n\n")
    assert w3c(tunnel["requested_datetime"]) == world["tunnel"].created_at.replace(microsecond=0)
    [rubbish] = [r for r in body if r["service_request_id"] == str(world["rubbish"].public_id)]
    assert rubbish["status"] == "open" and rubbish["status_notes"] == "Öppet"
    assert rubbish["agency_responsible"] is None


def test_a_request_is_located_by_its_area_never_its_point(resident, world):
    [tunnel] = ok(resident.get(f"{BASE}/requests/{world['tunnel'].public_id}.json"))
    # The sub-area has no point: its parent's representative point, never the problem's.
    assert (tunnel["lat"], tunnel["long"]) == (59.2651, 17.8842)
    assert tunnel["address"] == "Vårby gård centrum, Vårby gård"
    text = resident.get(f"{BASE}/requests.json").text
    assert "59.2612345" not in text and "17.8712345" not in text
    assert "59.261234" not in text  # not rounded either


@pytest.mark.parametrize("which", ["secret", "archived"])
def test_partners_only_and_archived_problems_are_unknown(resident, client, member, world, which):
    problem = world[which]
    assert problem.title not in resident.get(f"{BASE}/requests.json").text
    url = f"{BASE}/requests/{problem.public_id}.json"
    refused(resident.get(url), 404)
    client.force_login(member)  # a partner gets the public answer too
    refused(client.get(url), 404)
    assert problem.title not in client.get(f"{BASE}/requests.json").text
    by_id = ok(resident.get(f"{BASE}/requests.json", {"service_request_id": problem.public_id}))
    assert by_id == []


def test_an_unknown_or_malformed_request_id_is_a_404(resident, world):
    refused(resident.get(f"{BASE}/requests/{uuid.uuid4()}.json"), 404)
    refused(resident.get(f"{BASE}/requests/123.json"), 404)


def test_the_english_answer(resident, world):
    [tunnel] = ok(resident.get(f"{BASE}/requests/{world['tunnel'].public_id}.json?locale=en"))
    assert tunnel["status_notes"] == "Resolved: Ny LED-belysning sedan maj."
    assert tunnel["service_name"] == "Lighting"


# --- Filters ------------------------------------------------------------------------------------


def ids(response) -> set[str]:
    return {r["service_request_id"] for r in ok(response)}


def test_service_code_status_and_ids_filter(resident, world):
    tunnel, rubbish = str(world["tunnel"].public_id), str(world["rubbish"].public_id)
    get = resident.get
    assert ids(get(f"{BASE}/requests.json", {"service_code": "nedskrapning"})) == {rubbish}
    assert ids(get(f"{BASE}/requests.json", {"service_code": "belysning"})) == {tunnel, rubbish}
    assert ids(get(f"{BASE}/requests.json", {"status": "closed"})) == {tunnel}
    assert ids(get(f"{BASE}/requests.json", {"status": "open"})) == {rubbish}
    assert ids(get(f"{BASE}/requests.json", {"status": "open,closed"})) == {tunnel, rubbish}
    assert ids(get(f"{BASE}/requests.json", {"status": ""})) == {tunnel, rubbish}
    # Several ids at once; they override every other filter.
    both = f"{tunnel},{rubbish}"
    found = ids(get(f"{BASE}/requests.json", {"service_request_id": both, "status": "open"}))
    assert found == {tunnel, rubbish}
    # Listed under the theme asked for.
    [item] = ok(get(f"{BASE}/requests.json", {"service_code": "nedskrapning"}))
    assert item["service_code"] == "nedskrapning"


def test_dates_filter_on_when_a_problem_was_recorded(resident, world):
    tunnel = world["tunnel"]
    Problem.objects.filter(pk=tunnel.pk).update(created_at=timezone.now() - dt.timedelta(days=120))
    rubbish = str(world["rubbish"].public_id)
    # By default the last 90 days.
    assert ids(resident.get(f"{BASE}/requests.json")) == {rubbish}
    start = (timezone.now() - dt.timedelta(days=130)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (timezone.now() - dt.timedelta(days=100)).strftime("%Y-%m-%dT%H:%M:%S+01:00")
    found = ids(resident.get(f"{BASE}/requests.json", {"start_date": start, "end_date": end}))
    assert found == {str(tunnel.public_id)}
    # A start alone runs 90 days from it.
    assert ids(resident.get(f"{BASE}/requests.json", {"start_date": start})) == {
        str(tunnel.public_id)
    }


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"}, "90"),
        ({"start_date": "2026-03-01T00:00:00Z", "end_date": "2026-02-01T00:00:00Z"}, "end_date"),
        ({"start_date": "igår"}, "start_date"),
        ({"end_date": "2026-13-01"}, "end_date"),
        ({"status": "pending"}, "status"),
        ({"service_code": "belysning,okand-tjanst"}, "okand-tjanst"),
        ({"service_request_id": "abc"}, "service_request_id"),
        ({"start_date": "9999-12-31T00:00:00Z"}, "start_date"),
        ({"end_date": "0001-01-01"}, "end_date"),
    ],
)
def test_bad_filters_are_the_specs_400(resident, world, params, says):
    assert says in refused(resident.get(f"{BASE}/requests.json", params), 400)


def test_a_span_of_exactly_90_days_is_allowed(resident, world):
    params = {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-04-01T00:00:00Z"}
    assert ok(resident.get(f"{BASE}/requests.json", params)) == []


# --- Posting, other methods and addresses -----------------------------------------------------


def test_posting_a_request_without_a_key_is_refused_in_the_specs_words(resident, world):
    # With a key it becomes a resident report: tests/residents/test_open311_post.py.
    before = Problem.objects.count()
    response = resident.post(
        f"{BASE}/requests.json",
        {"service_code": "belysning", "lat": "59.26", "long": "17.88", "description": "Mörkt"},
    )
    assert "api_key" in refused(response, 403)
    assert Problem.objects.count() == before


def test_other_methods_and_addresses_answer_in_the_specs_format(resident, world):
    refused(resident.post(f"{BASE}/services.json"), 405)
    assert "JSON" in refused(resident.get(f"{BASE}/services.xml"), 404)
    refused(resident.get(f"{BASE}/tokens/123.json"), 404)


@pytest.mark.parametrize("path", ["discovery.json", "services.json", "requests.json"])
def test_other_sites_may_read_open311(resident, world, path):
    response = resident.get(f"{BASE}/{path}", HTTP_ORIGIN="https://example.net")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response


def test_requests_take_the_same_number_of_queries_for_2_and_30_problems(
    resident, organization, other_organization
):
    area = factories.AreaFactory()

    def add(count):
        for _ in range(count):
            problem = factories.ProblemFactory(area=area, visibility="public")
            problem.themes.set([factories.ThemeFactory()])
            problem.responsibilities.create(
                organization=organization, role="lead", commitment="Vi gör vår del."
            )

    add(2)
    few = query_count(resident, f"{BASE}/requests.json")
    add(28)
    many, response = query_count(resident, f"{BASE}/requests.json", with_response=True)
    assert len(response.json()) == 30
    assert few == many


def test_the_open_data_page_names_open311(resident):
    assert 'href="/open311/v2/discovery.json"' in resident.get("/oppna-data/").text
    assert "Open311 GeoReport v2" in resident.get("/en/open-data/").text
