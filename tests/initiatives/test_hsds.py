"""Open Referral HSDS 3.1 at /api/hsds/ (initiatives/hsds.py): every answer validated against
the project's own statement of the HSDS 3.1 rules it serves
(tests/data/hsds/hsds-3.1-subset.schema.json), schedules from the weekly slots (past midnight
too), the same visibility as the open data, the API reference's filters and pagination, 400 for
bad parameters, a fixed number of queries per page."""

import datetime as dt
import functools
import json
import re
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from jsonschema import Draft202012Validator, FormatChecker
from schemathesis.specs.openapi.checks import positive_data_acceptance

from initiatives.hsds import derived_id
from initiatives.models import Initiative
from tests import factories
from tests.helpers import query_count

pytestmark = pytest.mark.django_db

HSDS = "/api/hsds"
SCHEMA = Path(__file__).resolve().parent.parent / "data" / "hsds" / "hsds-3.1-subset.schema.json"

# The formats jsonschema checks for Draft 2020-12 (uuid, date, email …), and the two the
# schema uses that it leaves unchecked without optional packages: uri and date-time.
FORMATS = FormatChecker(Draft202012Validator.FORMAT_CHECKER.checkers)
URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+")
DATE_TIME = re.compile(r"\d{4}-\d\d-\d\d[Tt]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)")


@FORMATS.checks("uri", raises=ValueError)
def _is_uri(value) -> bool:
    """RFC 3986: ASCII, a scheme; a web address has a host (``urlsplit`` raises for a bad
    port or IPv6 host)."""
    if not isinstance(value, str):
        return True
    if not (value.isascii() and URI.fullmatch(value)):
        return False
    parts = urlsplit(value)
    parts.port  # raises ValueError for a port that is not one
    return parts.scheme not in ("http", "https") or bool(parts.hostname)


@FORMATS.checks("date-time", raises=ValueError)
def _is_date_time(value) -> bool:
    """RFC 3339: a date, a time with seconds and a UTC offset (or Z), all in range."""
    if not isinstance(value, str):
        return True
    return bool(DATE_TIME.fullmatch(value)) and bool(dt.datetime.fromisoformat(value))


@functools.cache
def _schema() -> dict:
    return json.loads(SCHEMA.read_text(encoding="utf-8"))


@functools.cache
def validator(kind: str) -> Draft202012Validator:
    """The validator of one of the schema's definitions (``service``, ``service_page`` …)."""
    schema = _schema()
    assert kind in schema["$defs"], kind
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator({**schema, "$ref": f"#/$defs/{kind}"}, format_checker=FORMATS)


def assert_valid(kind: str, item: dict) -> None:
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator(kind).iter_errors(item)
    ]
    assert not errors, errors


def assert_page(body: dict, kind: str) -> list[dict]:
    """A list answer: the envelope and every item in it (``<kind>_page``)."""
    assert_valid(f"{kind}_page", body)
    assert body["size"] == len(body["contents"])
    return body["contents"]


def get(client, path, status=200, **params):
    response = client.get(HSDS + path, params)
    assert response.status_code == status, (path, response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)


@pytest.fixture
def data(organization, other_organization):
    varby = factories.AreaFactory(
        name="Vårby gård",
        latitude=59.26,
        longitude=17.88,
        boundary={
            "type": "Polygon",
            "coordinates": [[[17.87, 59.25], [17.9, 59.25], [17.9, 59.27], [17.87, 59.25]]],
        },
    )
    centrum = factories.AreaFactory(name="Vårby centrum", parent=varby, latitude=59.264)
    walks = factories.ThemeFactory(name_sv="Nattvandring", name_en="Night walks")
    light = factories.ThemeFactory(name_sv="Belysning", name_en="Lighting")
    youth = factories.TargetGroupFactory(name_sv="Unga", name_en="Young people")
    walk = factories.InitiativeFactory(
        title="Nattvandring i centrum",
        summary="Vuxna går ute helgkvällar.",
        description="Vi samlas vid torget.",
        lead_organization=organization,
        areas=[centrum],
        themes=[walks],
        address="Vårby gårds torg",
        latitude=59.2651,
        longitude=17.8832,
        starts_on=dt.date(2026, 3, 1),
        ends_on=dt.date(2026, 6, 30),
    )
    walk.target_groups.add(youth)
    factories.ScheduleSlotFactory(
        initiative=walk, weekday=5, starts_at=dt.time(20), ends_at=dt.time(23)
    )
    factories.ScheduleSlotFactory(
        initiative=walk, weekday=6, starts_at=dt.time(21), ends_at=dt.time(1)
    )
    factories.ScheduleSlotFactory(
        initiative=walk, weekday=7, starts_at=dt.time(22), ends_at=dt.time(0)
    )
    lamps = factories.InitiativeFactory(
        title="Ljus i gångtunneln",
        lead_organization=other_organization,
        areas=[varby],
        themes=[light],
        status=Initiative.Status.PAUSED,
        starts_on=dt.date(2025, 1, 1),
    )
    return {
        "varby": varby,
        "centrum": centrum,
        "walks": walks,
        "light": light,
        "youth": youth,
        "walk": walk,
        "lamps": lamps,
    }


@pytest.fixture
def hidden(data, organization):
    """What must never be in HSDS: a partners-only and an archived initiative of an approved
    organisation, and a pending organisation with its public initiative."""
    pending = factories.OrganizationFactory(name="Väntande förening", status="pending")
    partners_only = factories.InitiativeFactory(
        title="Intern samordning", lead_organization=organization, visibility="partners"
    )
    archived = factories.InitiativeFactory(
        title="Arkiverad insats", lead_organization=organization, archived_at=timezone.now()
    )
    of_pending = factories.InitiativeFactory(title="Väntande insats", lead_organization=pending)
    return {"pending": pending, "initiatives": [partners_only, archived, of_pending]}


# --- The root and the schemas ---------------------------------------------------------------


def test_the_root_names_the_version_profile_openapi_and_publisher(resident, settings):
    settings.SITE_URL = "https://trygghet.example.se"
    body = get(resident, "/")
    assert_valid("root", body)
    assert body["version"] == "3.1"
    assert body["profile"] == "https://trygghet.example.se/oppna-data/#hsds-heading"
    assert body["openapi_url"] == "https://trygghet.example.se/api/hsds/openapi.json"
    assert body["publisher"] == {
        "name": settings.PORTAL_NAME,
        "email": settings.PORTAL_CONTACT_EMAIL,
        "website": "https://trygghet.example.se/",
    }
    openapi = get(resident, "/openapi.json")
    assert {"/api/hsds/services", "/api/hsds/services/{id}", "/api/hsds/organizations"} <= set(
        openapi["paths"]
    )
    # The profile it names is the open-data page's HSDS section.
    page = resident.get("/oppna-data/").content.decode()
    assert 'id="hsds-heading"' in page and "/api/hsds/services" in page


SERVICE_ID = "0b9f3c52-6f0e-4f4e-9a77-2f1b1c3a5d10"
ORGANIZATION = {"id": "5e0c3f4a-8d1b-4c9e-a2f7-6b3d9e1c0a42", "name": "x", "description": ""}
SERVICE = {
    "id": SERVICE_ID,
    "name": "x",
    "status": "active",
    "url": "https://trygghet.example.se/insatser/x/",
    "last_modified": "2026-03-01T10:00:00.000+00:00",
    "organization": ORGANIZATION,
    "schedules": [
        {
            "id": "9a1d2c3b-4e5f-4a6b-8c7d-0e1f2a3b4c5d",
            "freq": "WEEKLY",
            "byday": "FR",
            "opens_at": "21:00",
            "closes_at": "01:00",
            "valid_from": "2026-03-01",
        }
    ],
}


def _with(document: dict, path: str, value) -> dict:
    """``document`` with the field at ``path`` (``schedules/0/byday``) set, or removed
    when ``value`` is ``...``."""
    copy = json.loads(json.dumps(document))
    *parents, last = [int(p) if p.isdigit() else p for p in path.split("/")]
    target = copy
    for part in parents:
        target = target[part]
    if value is ...:
        del target[last]
    else:
        target[last] = value
    return copy


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("status", "planned"),  # not one of HSDS's four
        ("name", ...),  # required
        ("id", "insats-1"),  # not a UUID
        ("organization/id", "stiftelsen-testbostader"),
        ("description", None),  # HSDS has no null
        ("url", "trygghet.example.se/insatser/x/"),  # no scheme: not a URI
        ("last_modified", "2026-03-01 10:00"),  # no seconds, no offset
        ("organization/description", ...),  # required of an organisation
        ("schedules/0/freq", "DAILY"),
        ("schedules/0/byday", "FREDAG"),
        ("schedules/0/byday", "-1FR"),  # an occurrence in a month: not under WEEKLY
        ("schedules/0/opens_at", "9pm"),
        ("schedules/0/valid_from", "2026-02-30"),
        ("schedules/0/id", ...),
    ],
)
def test_the_schema_refuses_what_hsds_does_not_allow(path, value):
    """The validation can fail: each of these breaks one HSDS rule of a valid service."""
    assert_valid("service", SERVICE)
    with pytest.raises(AssertionError):
        assert_valid("service", _with(SERVICE, path, value))


def test_the_schema_refuses_a_broken_envelope_root_and_term():
    page = {
        "total_items": 1,
        "total_pages": 1,
        "page_number": 1,
        "size": 1,
        "first_page": True,
        "last_page": True,
        "empty": False,
        "contents": [SERVICE],
    }
    assert_valid("service_page", page)
    for broken in (
        _with(page, "contents", ...),
        _with(page, "total_items", "1"),
        _with(page, "contents/0/status", "closed"),
    ):
        with pytest.raises(AssertionError):
            assert_valid("service_page", broken)
    root = {
        "version": "3.1",
        "profile": "https://x.example/p",
        "openapi_url": "https://x.example/o",
    }
    assert_valid("root", root)
    with pytest.raises(AssertionError):
        assert_valid("root", _with(root, "openapi_url", "openapi.json"))
    term = {"id": SERVICE_ID, "name": "Unga", "description": "", "language": "sv"}
    assert_valid("taxonomy_term", term)
    with pytest.raises(AssertionError):
        assert_valid("taxonomy_term", _with(term, "language", "svenska"))


def test_every_endpoint_answers_valid_hsds(resident, data):
    services = assert_page(get(resident, "/services"), "service")
    assert {s["name"] for s in services} == {"Nattvandring i centrum", "Ljus i gångtunneln"}
    full = assert_page(get(resident, "/services", full="true"), "service")
    assert all("schedules" in s and "organization" in s for s in full)
    assert "schedules" not in services[0]  # a list holds one-to-one fields only
    for item in services:
        detail = get(resident, f"/services/{item['id']}")
        assert_valid("service", detail)
        assert detail == next(s for s in full if s["id"] == item["id"])

    organizations = assert_page(get(resident, "/organizations"), "organization")
    assert [o["name"] for o in organizations] == ["Föreningen Andra", "Stiftelsen Testbostäder"]
    for item in organizations:
        detail = get(resident, f"/organizations/{item['id']}")
        assert_valid("organization", detail)
        for summary in detail["services"]:
            assert_valid("service", summary)

    taxonomies = assert_page(get(resident, "/taxonomies"), "taxonomy")
    assert [t["name"] for t in taxonomies] == ["Teman", "Målgrupper"]
    for item in taxonomies:
        assert_valid("taxonomy", get(resident, f"/taxonomies/{item['id']}"))
    terms = assert_page(get(resident, "/taxonomy_terms"), "taxonomy_term")
    assert {t["name"] for t in terms} == {"Nattvandring", "Belysning", "Unga"}
    for item in terms:
        assert get(resident, f"/taxonomy_terms/{item['id']}") == item


def test_a_service_carries_its_organisation_areas_location_and_terms(resident, data, settings):
    settings.SITE_URL = "https://trygghet.example.se"
    walk = data["walk"]
    service = get(resident, f"/services/{walk.public_id}")
    service_id = str(walk.public_id)
    assert service["id"] == service_id
    assert service["name"] == "Nattvandring i centrum"
    assert service["description"] == "Vuxna går ute helgkvällar.\n\nVi samlas vid torget."
    assert service["url"] == f"https://trygghet.example.se/insatser/{walk.slug}/"
    assert service["status"] == "active"
    organization_id = derived_id("organization", walk.lead_organization.slug)
    assert service["organization_id"] == service["organization"]["id"] == organization_id
    assert service["organization"]["name"] == "Stiftelsen Testbostäder"
    [area] = service["service_areas"]
    assert (area["name"], area["service_id"]) == ("Vårby centrum", service_id)
    assert "extent" not in area  # the area has no boundary
    [place] = service["service_at_locations"]
    assert place["location"] == {
        "id": place["location_id"],
        "location_type": "physical",
        "name": "Vårby gårds torg",
        "latitude": 59.2651,
        "longitude": 17.8832,
    }
    terms = {(a["link_type"], a["taxonomy_term"]["name"]) for a in service["attributes"]}
    assert terms == {("theme", "Nattvandring"), ("target_group", "Unga")}
    for attribute in service["attributes"]:
        assert attribute["link_id"] == service_id
        assert attribute["taxonomy_term_id"] == attribute["taxonomy_term"]["id"]

    lamps = get(resident, f"/services/{data['lamps'].public_id}")
    assert lamps["status"] == "temporarily closed"  # paused
    [area] = lamps["service_areas"]
    assert json.loads(area["extent"]) == data["varby"].boundary
    assert area["extent_type"] == "geojson"
    # No point of its own: placed at its area's centre, and said to be the area's.
    [place] = lamps["service_at_locations"]
    assert (place["location"]["latitude"], place["location"]["name"]) == (59.26, "Vårby gård")
    assert place["location"]["description"]


def test_ids_are_stable_uuids_derived_from_public_identifiers(resident, data, settings):
    first = get(resident, "/services", full="true")
    assert get(resident, "/services", full="true") == first
    organization = data["walk"].lead_organization
    ids = {o["id"] for o in get(resident, "/organizations")["contents"]}
    assert derived_id("organization", organization.slug) in ids
    # Another portal (another SITE_URL) gives its organisations other ids.
    settings.SITE_URL = "https://annan.example.se"
    assert derived_id("organization", organization.slug) not in ids


# --- Schedules -------------------------------------------------------------------------------


def test_each_weekly_slot_is_a_weekly_schedule_past_midnight_too(resident, data):
    service = get(resident, f"/services/{data['walk'].public_id}")
    schedules = service["schedules"]
    assert [
        (s["freq"], s["interval"], s["byday"], s["opens_at"], s["closes_at"]) for s in schedules
    ] == [
        ("WEEKLY", 1, "FR", "20:00", "23:00"),
        ("WEEKLY", 1, "SA", "21:00", "01:00"),  # closes_at before opens_at: the next day
        ("WEEKLY", 1, "SU", "22:00", "00:00"),  # until midnight
    ]
    for schedule in schedules:
        assert schedule["service_id"] == service["id"]
        assert (schedule["valid_from"], schedule["valid_to"]) == ("2026-03-01", "2026-06-30")
        assert schedule["dtstart"] == "2026-03-01"
    assert "nästa dag" in schedules[1]["description"]
    assert "nästa dag" not in schedules[0]["description"]
    assert "Europe/Stockholm" in schedules[0]["description"]
    assert len({s["id"] for s in schedules}) == 3


def test_an_ongoing_initiative_has_no_valid_to(resident, data):
    factories.ScheduleSlotFactory(initiative=data["lamps"], weekday=1)
    [schedule] = get(resident, f"/services/{data['lamps'].public_id}")["schedules"]
    assert schedule["valid_from"] == "2025-01-01"
    assert "valid_to" not in schedule


# --- Visibility ------------------------------------------------------------------------------


def test_only_public_initiatives_and_approved_organisations(resident, data, hidden):
    names = {s["name"] for s in get(resident, "/services")["contents"]}
    assert names == {"Nattvandring i centrum", "Ljus i gångtunneln"}
    for initiative in hidden["initiatives"]:
        body = get(resident, f"/services/{initiative.public_id}", status=404)
        assert body["detail"]
    organizations = {o["name"] for o in get(resident, "/organizations")["contents"]}
    assert "Väntande förening" not in organizations
    pending_id = derived_id("organization", hidden["pending"].slug)
    get(resident, f"/organizations/{pending_id}", status=404)
    # A pending organisation is not a filter value either: the same 400 as an unknown one.
    get(resident, "/services", status=400, organization_id=pending_id)
    # An organisation's own page lists its public services only.
    own_id = derived_id("organization", data["walk"].lead_organization.slug)
    services = get(resident, f"/organizations/{own_id}")["services"]
    assert [s["name"] for s in services] == ["Nattvandring i centrum"]


def test_a_logged_in_partner_sees_no_more_than_a_resident(client, member, data, hidden):
    client.force_login(member)
    names = {s["name"] for s in get(client, "/services")["contents"]}
    assert names == {"Nattvandring i centrum", "Ljus i gångtunneln"}
    get(client, f"/services/{hidden['initiatives'][0].public_id}", status=404)


def test_unknown_and_malformed_ids_are_json_404s(resident, data):
    for path in (
        f"/services/{uuid.uuid4()}",
        "/services/inte-ett-id",
        f"/organizations/{uuid.uuid4()}",
        "/organizations/stiftelsen-testbostader",
        f"/taxonomies/{uuid.uuid4()}",
        f"/taxonomy_terms/{uuid.uuid4()}",
        "/nothing-here",
    ):
        assert get(resident, path, status=404)["detail"]


# --- Filters ---------------------------------------------------------------------------------


def names(client, **params) -> list[str]:
    return sorted(s["name"] for s in get(client, "/services", **params)["contents"])


def test_the_api_references_filters(resident, data):
    walks_term = derived_id("theme", data["walks"].slug)
    youth_term = derived_id("target-group", data["youth"].slug)
    themes = derived_id("taxonomy", "theme")
    groups = derived_id("taxonomy", "target-group")
    organization = derived_id("organization", data["lamps"].lead_organization.slug)
    assert names(resident, search="nattvandringar") == ["Nattvandring i centrum"]
    assert names(resident, taxonomy_term_id=walks_term) == ["Nattvandring i centrum"]
    assert names(resident, taxonomy_term_id=youth_term) == ["Nattvandring i centrum"]
    assert names(resident, taxonomy_id=themes) == ["Ljus i gångtunneln", "Nattvandring i centrum"]
    assert names(resident, taxonomy_id=groups) == ["Nattvandring i centrum"]
    assert names(resident, organization_id=organization) == ["Ljus i gångtunneln"]
    assert names(resident, organization_id=organization, search="nattvandring") == []

    long_ago = timezone.now() - dt.timedelta(days=10)
    Initiative.objects.filter(pk=data["lamps"].pk).update(updated_at=long_ago)
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    assert names(resident, modified_after=yesterday) == ["Nattvandring i centrum"]
    assert names(resident, modified_after=f"{yesterday}T12:00:00+02:00") == [
        "Nattvandring i centrum"
    ]
    twenty_days_ago = (timezone.now() - dt.timedelta(days=20)).isoformat()
    assert len(names(resident, modified_after=twenty_days_ago)) == 2

    terms = get(resident, "/taxonomy_terms", taxonomy_id=groups)["contents"]
    assert [t["name"] for t in terms] == ["Unga"]
    assert [t["name"] for t in get(resident, "/taxonomy_terms", search="belys")["contents"]] == [
        "Belysning"
    ]
    organizations = get(resident, "/organizations", search="andra")["contents"]
    assert [o["name"] for o in organizations] == ["Föreningen Andra"]


@pytest.mark.parametrize(
    "params",
    [
        {"page": "0"},
        {"page": "x"},
        {"per_page": "201"},
        {"per_page": "0"},
        {"format": "ndjson"},
        {"full": "kanske"},
        {"search": "a" * 201},
        {"search": "natt\x00"},
        {"taxonomy_term_id": "nattvandring"},
        {"taxonomy_term_id": str(uuid.uuid4())},
        {"taxonomy_id": str(uuid.uuid4())},
        {"organization_id": "stiftelsen-testbostader"},
        {"organization_id": str(uuid.uuid4())},
        {"modified_after": "igår"},
        {"modified_after": "2026-13-01"},
        {"modified_after": "9999-12-31T23:59:59-05:00"},
        {"modified_after": "0001-01-01T00:00:00+05:00"},
    ],
)
def test_bad_parameters_are_400_saying_what_was_wrong(resident, data, params):
    body = get(resident, "/services", status=400, **params)
    assert body["detail"]
    assert next(iter(params)) in json.dumps(body["detail"])


def test_bad_parameters_of_the_other_lists_are_400(resident, data):
    get(resident, "/organizations", status=400, per_page="many")
    get(resident, "/taxonomies", status=400, page="-1")
    get(resident, "/taxonomy_terms", status=400, taxonomy_id=str(uuid.uuid4()))


# --- Pagination ------------------------------------------------------------------------------


def test_pagination_as_the_api_reference_says(resident, data):
    factories.InitiativeFactory(title="Tredje insatsen", themes=[data["light"]])
    first = get(resident, "/services", per_page=2)
    assert {k: v for k, v in first.items() if k != "contents"} == {
        "total_items": 3,
        "total_pages": 2,
        "page_number": 1,
        "size": 2,
        "first_page": True,
        "last_page": False,
        "empty": False,
    }
    second = get(resident, "/services", per_page=2, page=2)
    assert (second["size"], second["first_page"], second["last_page"]) == (1, False, True)
    seen = [s["id"] for s in first["contents"] + second["contents"]]
    assert len(set(seen)) == 3  # in a stable order, nothing twice
    past = get(resident, "/services", per_page=2, page=3)
    assert (past["size"], past["empty"], past["contents"], past["last_page"]) == (0, True, [], True)
    nothing = get(resident, "/services", search="ingenting alls")
    assert (nothing["total_items"], nothing["total_pages"], nothing["empty"]) == (0, 0, True)


# --- Queries and CORS ------------------------------------------------------------------------


def _plant(count: int) -> None:
    area = factories.AreaFactory()
    for _ in range(count):
        theme = factories.ThemeFactory()
        group = factories.TargetGroupFactory()
        organization = factories.OrganizationFactory(public_phone="08-123 45 67")
        organization.themes.add(theme)
        initiative = factories.InitiativeFactory(
            lead_organization=organization, areas=[area], themes=[theme]
        )
        initiative.target_groups.add(group)
        factories.ScheduleSlotFactory(initiative=initiative, weekday=2)
        factories.ScheduleSlotFactory(
            initiative=initiative, weekday=6, starts_at=dt.time(22), ends_at=dt.time(2)
        )


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/services", {}),
        ("/services", {"full": "true"}),
        ("/services", {"full": "true", "search": "insats"}),
        ("/organizations", {}),
        ("/taxonomy_terms", {}),
    ],
)
def test_a_page_takes_the_same_queries_for_2_rows_and_30(resident, path, params):
    _plant(2)
    few = query_count(resident, HSDS + path, {**params, "per_page": 100})
    _plant(28)
    many, response = query_count(
        resident, HSDS + path, {**params, "per_page": 100}, with_response=True
    )
    assert json.loads(response.content)["size"] >= 30
    assert few == many


def test_another_sites_page_may_read_it(resident, data):
    for path in ("/", "/services", f"/services/{data['walk'].public_id}", "/organizations"):
        response = resident.get(HSDS + path, HTTP_ORIGIN="https://annan.example.org")
        assert response["Access-Control-Allow-Origin"] == "*", path


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "path", ["/services", "/services/{id}", "/organizations", "/taxonomy_terms"]
)
def test_answers_conform_to_its_openapi_schema(data, path):
    """Schemathesis generates valid and invalid parameters from the API's own schema: every
    answer is documented (status, content type) and none is a 500."""
    schema = schemathesis.openapi.from_wsgi(f"{HSDS}/openapi.json", get_wsgi_application())
    operation = schema[f"{HSDS}{path}"]["GET"]

    @given(case=operation.as_strategy())
    @hypothesis_settings(
        max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def conforms(case):
        # An id of the right form that names nothing is refused (400 in a filter, 404 as
        # an address) by design, so "schema-valid input is accepted" cannot hold.
        # The WSGI transport does not unzip as an HTTP client does: ask for plain bodies.
        case.call_and_validate(
            headers={"Accept-Encoding": "identity"},
            excluded_checks=[positive_data_acceptance],
        )

    conforms()
