"""Open311 GeoReport v2 answers against their schema (issue 17): every endpoint of
``/open311/v2/`` in JSON, with planted data, validated by ``jsonschema`` against the
project's own statement of the spec's rules (tests/data/open311/georeport-v2.schema.json):
discovery, services, a service definition, requests (listed, filtered and one), a posted
report, and the spec's error list for each refusal. And the schema itself refuses what the
spec forbids, so these tests can fail."""

import copy
import datetime as dt
import json
from pathlib import Path

import pytest
from django.utils import timezone
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from partnership.residents import services as resident_services
from partnership.residents.models import ResidentReport
from tests import factories
from tests.problems.test_open311 import BASE, world  # noqa: F401 (the planted problems)

pytestmark = pytest.mark.django_db

SCHEMA_PATH = (
    Path(__file__).resolve().parent.parent / "data" / "open311" / "georeport-v2.schema.json"
)
SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
REGISTRY = Resource.from_contents(SCHEMA) @ Registry()


def validator(definition: str) -> Draft202012Validator:
    return Draft202012Validator({"$ref": f"{SCHEMA['$id']}#/$defs/{definition}"}, registry=REGISTRY)


def problems(body, definition: str) -> list[str]:
    """Each way ``body`` breaks the schema's ``definition``, as "path: message"."""
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator(definition).iter_errors(body)
    ]


def valid(response, definition: str, status: int = 200):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert problems(body, definition) == []
    return body


def test_the_schema_is_a_valid_draft_2020_12_schema():
    Draft202012Validator.check_schema(SCHEMA)
    assert "GeoReport v2" in SCHEMA["$comment"] and "CC BY 3.0" in SCHEMA["$comment"]


def test_discovery(resident):
    body = valid(resident.get(f"{BASE}/discovery.json"), "discovery")
    assert body["endpoints"][0]["formats"] == ["application/json"]


@pytest.mark.parametrize("locale", ["", "en"])
def test_services_and_every_service_definition(resident, world, locale):  # noqa: F811
    listed = valid(resident.get(f"{BASE}/services.json", {"locale": locale}), "services")
    assert [s["service_code"] for s in listed] == ["belysning", "nedskrapning"]
    for item in listed:
        path = f"{BASE}/services/{item['service_code']}.json"
        definition = valid(resident.get(path, {"locale": locale}), "serviceDefinition")
        assert definition["service_code"] == item["service_code"]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"locale": "en"},
        {"status": "open"},
        {"status": "closed"},
        {"status": "open,closed", "service_code": "belysning,nedskrapning"},
        {"start_date": "2000-01-01T00:00:00Z", "end_date": "2000-03-01T00:00:00Z"},
    ],
)
def test_requests_listed_and_filtered(resident, world, params):  # noqa: F811
    body = valid(resident.get(f"{BASE}/requests.json", params), "serviceRequests")
    if not params.get("start_date"):
        assert body, "the planted public problems should be listed"


def test_every_request_alone(resident, world):  # noqa: F811
    listed = valid(resident.get(f"{BASE}/requests.json"), "serviceRequests")
    assert {r["status"] for r in listed} == {"open", "closed"}
    assert any(r["lat"] is not None for r in listed)
    for item in listed:
        path = f"{BASE}/requests/{item['service_request_id']}.json"
        [alone] = valid(resident.get(path), "singleServiceRequest")
        assert alone == item


def test_a_posted_report_answers_with_a_token(client, world, coordinator):  # noqa: F811
    factories.AreaFactory(
        name="Vårby gård norra",
        slug="varby-gard-norra",
        boundary={
            "type": "Polygon",
            "coordinates": [
                [[17.8815, 59.2665], [17.8925, 59.2665], [17.8925, 59.27], [17.8815, 59.27]]
                + [[17.8815, 59.2665]]
            ],
        },
    )
    _issued, key = resident_services.open311_key_issue(name="FixaMinGata", actor=coordinator)
    data = {
        "api_key": key,
        "service_code": "belysning",
        "lat": "59.268",
        "long": "17.885",
        "description": "Lampan vid trappan är trasig.",
    }
    [answer] = valid(client.post(f"{BASE}/requests.json", data), "postResponse")
    assert answer["token"] == str(ResidentReport.objects.get().public_id)


def far_apart() -> dict:
    start = timezone.now() - dt.timedelta(days=200)
    return {"start_date": start.isoformat(), "end_date": timezone.now().isoformat()}


@pytest.mark.parametrize(
    ("method", "path", "params", "status"),
    [
        ("get", "requests.json", {"service_code": "okand-tjanst"}, 400),
        ("get", "requests.json", far_apart(), 400),
        ("get", "requests.json", {"end_date": "igår"}, 400),
        ("get", "requests.json", {"status": "pending"}, 400),
        ("get", "services/okand-tjanst.json", {}, 404),
        ("get", "requests/00000000-0000-0000-0000-000000000000.json", {}, 404),
        ("get", "requests.xml", {}, 404),
        ("post", "requests.json", {"service_code": "belysning"}, 403),
        ("delete", "services.json", {}, 405),
    ],
)
def test_every_refusal_is_the_specs_error_list(resident, world, method, path, params, status):  # noqa: F811
    response = getattr(resident, method)(f"{BASE}/{path}", params)
    [error] = valid(response, "errors", status)
    assert error["code"] == status


def test_the_schema_refuses_what_the_spec_forbids(resident, world):  # noqa: F811
    [good] = valid(
        resident.get(f"{BASE}/requests/{world['tunnel'].public_id}.json"), "singleServiceRequest"
    )
    wrong_status = dict(good, status="resolved")
    no_id = {k: v for k, v in good.items() if k != "service_request_id"}
    text_lat = dict(good, lat=str(good["lat"]))
    far_lat = dict(good, lat=91.0)
    no_offset = dict(good, requested_datetime=good["requested_datetime"][:19])
    assert problems([wrong_status], "singleServiceRequest") == [
        "0/status: 'resolved' is not one of ['open', 'closed']"
    ]
    assert problems([no_id], "singleServiceRequest") == [
        "0: 'service_request_id' is a required property"
    ]
    assert problems([text_lat], "singleServiceRequest") == [
        f"0/lat: '{good['lat']}' is not of type 'number', 'null'"
    ]
    assert problems([far_lat], "singleServiceRequest") == [
        "0/lat: 91.0 is greater than the maximum of 90"
    ]
    assert len(problems([no_offset], "singleServiceRequest")) == 1
    # The other kinds: a service's type and metadata, an attribute's datatype, an error.
    service = {"service_code": "x", "service_name": "X", "metadata": "false", "type": "later"}
    assert len(problems([service], "services")) == 2
    attribute = {
        "variable": True,
        "code": "c",
        "datatype": "boolean",
        "required": False,
        "order": 1,
        "description": "",
    }
    assert len(problems({"service_code": "x", "attributes": [attribute]}, "serviceDefinition"))
    listed = copy.deepcopy(attribute) | {"datatype": "singlevaluelist"}
    assert problems({"service_code": "x", "attributes": [listed]}, "serviceDefinition") == [
        "attributes/0: 'values' is a required property"
    ]
    both = [{"service_request_id": "1", "token": "t"}]
    assert len(problems(both, "postResponse")) == 1
    assert len(problems([{"code": "400"}], "errors")) == 2
