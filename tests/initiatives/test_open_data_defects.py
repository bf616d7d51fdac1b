"""Issue 17's defects in the open data, each as found by a client nobody here wrote: exports
that dropped the page's filters, no CORS, an organisation filter by row id, GeoJSON winding
and precision, undocumented 400s, Python's exception text, an HTML 404 under /api/, calendar
feeds without a component or with the request's Host, a VTIMEZONE ending in 2038, and a
sitemap without "Ni sa, vi gjorde" and the privacy page."""

import csv
import datetime as dt
import io
import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from icalendar import Calendar
from openpyxl import load_workbook

from initiatives.api import api
from partnership.geometry import normalized_boundary
from partnership.models import Area
from tests import factories

pytestmark = pytest.mark.django_db

CLOCKWISE = [[17.85, 59.27], [17.85, 59.28], [17.87, 59.28], [17.87, 59.27], [17.85, 59.27]]
COUNTER_CLOCKWISE = list(reversed(CLOCKWISE))
HOLE_COUNTER_CLOCKWISE = [[17.855, 59.272], [17.86, 59.272], [17.86, 59.275], [17.855, 59.272]]


def _signed_area(ring) -> float:
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False))


def _decimals(number) -> int:
    text = repr(number)
    return len(text.split(".")[1]) if "." in text else 0


@pytest.fixture
def partner_view(organization, other_organization):
    """Two public initiatives (one of the member's organisation) and a partners-only one of
    the member's organisation: 'Endast partner' finds one, 'Bara min organisation' two."""
    walks = factories.ThemeFactory(name_sv="Nattvandring", name_en="Night walks")
    factories.InitiativeFactory(
        title="Vår öppna insats", lead_organization=organization, themes=[walks]
    )
    factories.InitiativeFactory(
        title="Vår interna insats",
        lead_organization=organization,
        visibility="partners",
        themes=[walks],
    )
    factories.InitiativeFactory(
        title="Andras öppna insats", lead_organization=other_organization, themes=[walks]
    )
    return {"walks": walks}


def _csv(response) -> str:
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode("utf-8-sig")


def _xlsx_titles(response) -> list[str]:
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    return sorted(row[0] for row in sheet.iter_rows(min_row=2, values_only=True))


def _ical_titles(response) -> list[str]:
    assert response.status_code == 200
    return sorted(str(e["summary"]) for e in Calendar.from_ical(response.content).walk("VEVENT"))


# --- 1. Exports carry the page's filters and the user's visibility -------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"visibility": "partners"}, ["Vår interna insats"]),
        ({"mine": "on"}, ["Vår interna insats", "Vår öppna insats"]),
    ],
)
def test_a_partners_filtered_exports_hold_what_the_list_shows(
    client, member, partner_view, params, expected
):
    client.force_login(member)
    page = client.get("/insatser/", params).text
    for name in ("calendar.ics", "export.csv", "export.xlsx"):
        assert f"/insatser/{name}?{next(iter(params))}=" in page
    assert _ical_titles(client.get("/insatser/calendar.ics", params)) == expected
    rows = _csv(client.get("/insatser/export.csv", params)).splitlines()[1:]
    assert sorted(row.split(",")[0] for row in rows) == expected
    assert _xlsx_titles(client.get("/insatser/export.xlsx", params)) == expected
    # The page says what the downloads hold, and that GeoJSON is public data only.
    assert "partners-only" in client.get("/en/initiatives/", params).text
    assert "visibility=" not in re.search(r'href="(/api/v1/initiatives.geojson[^"]*)"', page)[1]


def test_a_sessions_export_is_private_and_never_offered_to_other_sites(
    client, member, partner_view
):
    client.force_login(member)
    for url in ("/insatser/export.csv", "/insatser/export.xlsx", "/insatser/calendar.ics"):
        response = client.get(url, HTTP_ORIGIN="https://example.net")
        assert "private" in response["Cache-Control"], url
        assert "Access-Control-Allow-Origin" not in response, url


def test_a_residents_exports_are_the_public_ones(resident, partner_view):
    assert _xlsx_titles(resident.get("/insatser/export.xlsx", {"visibility": "partners"})) == [
        "Andras öppna insats",
        "Vår öppna insats",
    ]


# --- 2. CORS on anonymous open data, never on session pages --------------------------------------

OPEN_DATA = [
    "/api/v1/initiatives",
    "/api/v1/initiatives.geojson",
    "/api/v1/areas.geojson",
    "/api/v1/openapi.json",
    "/insatser/map.geojson",
    "/insatser/calendar.ics",
    "/en/initiatives/calendar.ics",
    "/insatser/export.csv",
    "/en/initiatives/export.xlsx",
]


@pytest.mark.parametrize("url", OPEN_DATA)
def test_open_data_may_be_read_by_other_sites(resident, partner_view, url):
    response = resident.get(url, HTTP_ORIGIN="https://example.net")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response


def test_a_preflight_to_the_api_allows_reading_only(resident):
    response = resident.options(
        "/api/v1/initiatives",
        HTTP_ORIGIN="https://example.net",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "POST" not in response["Access-Control-Allow-Methods"]


@pytest.mark.parametrize("url", ["/insatser/", "/", "/en/open-data/", "/vem-gor-vad/export.csv"])
def test_pages_get_no_cors(resident, url):
    response = resident.get(url, HTTP_ORIGIN="https://example.net")
    assert "Access-Control-Allow-Origin" not in response


def test_a_logged_in_page_gets_no_cors(client, member):
    client.force_login(member)
    for url in ("/mina-sidor/", "/insatser/map.geojson"):
        response = client.get(url, HTTP_ORIGIN="https://example.net")
        assert response.status_code == 200
        assert "Access-Control-Allow-Origin" not in response, url


def test_the_cors_pattern_matches_the_open_data_addresses_in_both_languages(settings):
    """The pattern names the list's address in Swedish and English: a renamed URL fails here."""
    names = ["initiatives:map_data", "initiatives:list_calendar", "initiatives:export_csv"]
    names.append("initiatives:export_xlsx")
    for language in ("sv", "en"):
        with translation.override(language):
            urls = [reverse(name) for name in names]
            urls.append(reverse("initiatives:calendar", args=["nattvandring-1"]))
            for url in urls:
                assert re.match(settings.CORS_URLS_REGEX, url), url
            for private in ("my_pages", "initiatives:list", "stakeholders:export_csv"):
                assert not re.match(settings.CORS_URLS_REGEX, reverse(private)), private


# --- 3. The API names organisations by slug, in filters and answers -----------------------------


def test_the_api_filters_organisations_by_slug(resident, organization, partner_view):
    body = resident.get("/api/v1/initiatives", {"organization": organization.slug}).json()
    assert sorted(r["title"] for r in body["results"]) == ["Vår öppna insats"]
    assert body["results"][0]["lead_organization"]["slug"] == organization.slug
    by_id = resident.get("/api/v1/initiatives", {"organization": organization.pk})
    assert by_id.status_code == 400
    parameter = next(
        p
        for p in api.get_openapi_schema()["paths"]["/api/v1/initiatives"]["get"]["parameters"]
        if p["name"] == "organization"
    )
    assert "slug" in parameter["description"]
    assert "slug" in resident.get("/en/open-data/").text


def test_the_list_page_filters_organisations_by_slug(resident, organization, partner_view):
    html = resident.get("/insatser/", {"organization": organization.slug}).text
    assert f'name="organization" value="{organization.slug}"' in html
    assert "Andras öppna insats" not in html


# --- 4. GeoJSON winding and precision ------------------------------------------------------------


def test_a_clockwise_exterior_is_stored_counter_clockwise_and_a_hole_clockwise():
    area = Area.objects.create(
        name="Huddinge",
        slug="huddinge",
        boundary={"type": "Polygon", "coordinates": [CLOCKWISE, HOLE_COUNTER_CLOCKWISE]},
    )
    area.refresh_from_db()
    exterior, hole = area.boundary["coordinates"]
    assert _signed_area(exterior) > 0
    assert _signed_area(hole) < 0
    assert exterior[0] == exterior[-1]


def test_coordinates_are_stored_with_six_decimals():
    ring = [[17.123456789, 59.1], [17.2, 59.1], [17.2, 59.2], [17.123456789, 59.1]]
    area = Area.objects.create(
        name="A", slug="a", boundary={"type": "MultiPolygon", "coordinates": [[ring]]}
    )
    area.refresh_from_db()
    assert area.boundary["coordinates"][0][0][0] == [17.123457, 59.1]


@pytest.mark.parametrize(
    ("boundary", "reason"),
    [
        ({"type": "Point", "coordinates": [17.8, 59.2]}, "Polygon"),
        ({"type": "Polygon", "coordinates": [CLOCKWISE[:-1]]}, "not closed"),
        ({"type": "Polygon", "coordinates": [[[17.8, 59.2], [17.9, 59.2], [17.8, 59.2]]]}, "four"),
        (
            {
                "type": "Polygon",
                "coordinates": [[[59.2, 17.8], [59.3, 97.8], [59.3, 17.9], [59.2, 17.8]]],
            },
            "outside",
        ),
        ({"type": "Polygon", "coordinates": [[["a", 1], [1, 1], [1, 2], ["a", 1]]]}, "numbers"),
        ({"type": "MultiPolygon", "coordinates": []}, "Polygon"),
        ("POLYGON((1 1))", "Polygon"),
    ],
)
def test_an_invalid_boundary_is_refused_with_the_reason(boundary, reason):
    area = Area(name="Fel", slug="fel", boundary=boundary)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        area.full_clean()
    assert reason in " ".join(error.value.message_dict["boundary"])
    with pytest.raises(ValidationError):
        normalized_boundary(boundary)


def test_areas_geojson_has_counter_clockwise_exteriors_and_six_decimals(resident):
    Area.objects.create(
        name="Huddinge", slug="huddinge", boundary={"type": "Polygon", "coordinates": [CLOCKWISE]}
    )
    Area.objects.create(name="Punkt", slug="punkt", latitude=59.123456789, longitude=17.987654321)
    body = resident.get("/api/v1/areas.geojson").json()
    geometries = {f["id"]: f["geometry"] for f in body["features"]}
    assert _signed_area(geometries["huddinge"]["coordinates"][0]) > 0
    assert geometries["punkt"]["coordinates"] == [17.987654, 59.123457]


def test_map_features_and_clusters_have_six_decimals(resident, organization, monkeypatch):
    from initiatives import geo

    for n in range(3):
        factories.InitiativeFactory(
            lead_organization=organization,
            latitude=59.26 + n / 7,
            longitude=17.88 + n / 3,
        )
    features = resident.get("/insatser/map.geojson").json()["features"]
    api_features = resident.get("/api/v1/initiatives.geojson").json()["features"]
    monkeypatch.setattr(geo, "MAP_FEATURE_CAP", 1)
    clusters = resident.get("/insatser/map.geojson").json()["features"]
    assert clusters[0]["properties"]["cluster"]
    for feature in features + api_features + clusters:
        assert all(_decimals(c) <= 6 for c in feature["geometry"]["coordinates"]), feature


# --- 5. OpenAPI, filters, bbox, 404 --------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/areas", "/api/v1/organizations"])
def test_the_schema_documents_the_400_of_every_list(resident, path):
    responses = api.get_openapi_schema()["paths"][path]["get"]["responses"]
    assert "400" in {str(code) for code in responses}
    assert resident.get(path, {"page": "0"}).status_code == 400


@pytest.mark.parametrize("value", ["1700000000", "1700000000.5", "20260401", "2026-4-1"])
def test_running_on_takes_iso_dates_only(resident, value):
    response = resident.get("/api/v1/initiatives", {"running_on": value})
    assert response.status_code == 400
    assert resident.get("/api/v1/initiatives", {"running_on": "2026-04-01"}).status_code == 200


@pytest.mark.parametrize(
    "url",
    ["/insatser/map.geojson", "/insatser/export.csv", "/insatser/calendar.ics"],
)
def test_an_unknown_filter_value_is_a_400_on_every_machine_output(resident, url):
    response = resident.get(url, {"theme": "99999"})
    assert response.status_code == 400
    assert re.search("theme|tema", response.content.decode(), re.IGNORECASE)


def test_the_page_shows_an_unknown_filter_value_next_to_the_field(resident):
    html = resident.get("/en/initiatives/", {"theme": "99999"}).text
    assert "Select a valid choice" in html


@pytest.mark.parametrize("bbox", ["a,b,c,d", "17,59,x,60", "1,2"])
def test_a_bad_bbox_says_so_in_the_portals_words(resident, bbox):
    response = resident.get("/en/initiatives/map.geojson", {"bbox": bbox})
    assert response.status_code == 400
    [message] = response.json()["detail"]["bbox"]
    assert "west,south,east,north" in message
    assert "could not convert" not in message and "float" not in message


@pytest.mark.parametrize("url", ["/api/", "/api/v2/initiatives", "/api/v1/nothing-here"])
def test_an_unknown_api_address_is_a_json_404(resident, url):
    response = resident.get(url)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]


def test_the_open_data_page_documents_the_filter_behaviour(resident):
    html = resident.get("/en/open-data/").text
    assert "400" in html and "next to the filter" in html


# --- 6. Calendar feeds ---------------------------------------------------------------------------


def test_an_empty_feed_still_has_a_component(resident):
    calendar = Calendar.from_ical(resident.get("/insatser/calendar.ics").content)
    assert calendar.subcomponents
    assert [c.name for c in calendar.subcomponents] == ["VTIMEZONE"]


def test_uids_and_prodid_come_from_site_url_not_the_host(resident, organization, settings):
    settings.SITE_URL = "https://trygghet.example.se"
    settings.ALLOWED_HOSTS = ["*"]
    initiative = factories.InitiativeFactory(lead_organization=organization)
    response = resident.get(f"/insatser/{initiative.slug}/calendar.ics", HTTP_HOST="[::1]")
    calendar = Calendar.from_ical(response.content)
    assert "trygghet.example.se" in str(calendar["prodid"])
    [event] = calendar.walk("VEVENT")
    assert str(event["uid"]).endswith("@trygghet.example.se")


def test_the_time_zone_holds_past_2038(resident, organization):
    initiative = factories.InitiativeFactory(
        lead_organization=organization, starts_on=dt.date(2026, 3, 2)
    )
    factories.ScheduleSlotFactory(initiative=initiative, weekday=1)
    calendar = Calendar.from_ical(resident.get(f"/insatser/{initiative.slug}/calendar.ics").content)
    [zone] = calendar.walk("VTIMEZONE")
    assert "2038" not in zone.to_ical().decode()
    tz = zone.to_tz()
    assert tz.utcoffset(dt.datetime(2045, 7, 1, 12)) == dt.timedelta(hours=2)
    assert tz.utcoffset(dt.datetime(2045, 12, 1, 12)) == dt.timedelta(hours=1)


def test_a_list_feed_is_named_after_its_filters_and_says_its_cap(resident, partner_view):
    with translation.override("en"):
        response = resident.get("/en/initiatives/calendar.ics", {"theme": partner_view["walks"].pk})
    calendar = Calendar.from_ical(response.content)
    assert "Theme: Night walks" in str(calendar["x-wr-calname"])
    assert "500" in str(calendar["x-wr-caldesc"])
    assert "at most 500 initiatives" in resident.get("/en/initiatives/").text


# --- 9. The sitemap ------------------------------------------------------------------------------


def test_the_sitemap_lists_you_said_we_did_and_privacy_in_both_languages(resident):
    pages = resident.get("/sitemap-pages.xml").content.decode()
    for path in ("/ni-sa-vi-gjorde/", "/en/you-said-we-did/", "/personuppgifter/", "/en/privacy/"):
        assert f"{path}</loc>" in pages, path


def test_the_openapi_json_is_valid_json(resident):
    assert json.loads(resident.get("/api/v1/openapi.json").content)["openapi"]


# --- 8. A spreadsheet (.xlsx) next to every CSV --------------------------------------------------


def test_the_initiative_spreadsheet_types_its_cells(resident, organization):
    factories.InitiativeFactory(
        title="=HYPERLINK(1)",
        lead_organization=organization,
        starts_on=dt.date(2026, 3, 1),
        latitude=59.26,
        longitude=17.88,
    )
    response = resident.get("/en/initiatives/export.xlsx")
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, row = list(sheet.iter_rows(max_row=2))
    assert header[0].value == "Title" and header[0].font.b
    assert row[0].value == "=HYPERLINK(1)" and row[0].data_type == "s"  # text, not a formula
    assert row[5].value == dt.datetime(2026, 3, 1)  # a date Excel sorts as a date
    assert row[12].value == 59.26
    # The CSV is unchanged for programs: comma-separated, the formula guarded.
    csv_text = _csv(resident.get("/en/initiatives/export.csv"))
    assert csv_text.splitlines()[1].startswith("'=HYPERLINK(1),")


def test_the_directory_spreadsheet_keeps_phone_numbers_as_written(client, member, organization):
    organization.public_phone = "+46 8 735 37 70"
    organization.save()
    client.force_login(member)
    html = client.get("/vem-gor-vad/").text
    assert "/vem-gor-vad/export.xlsx" in html
    sheet = load_workbook(io.BytesIO(client.get("/vem-gor-vad/export.xlsx").content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Organisation"
    assert "+46 8 735 37 70" in rows[1]


def test_the_directory_spreadsheet_is_for_partners(resident):
    response = resident.get("/vem-gor-vad/export.xlsx")
    assert response.status_code in (302, 403)


def test_every_coordinator_table_has_a_spreadsheet(coordinator_client):
    from partnership.coordination import exports

    for table in exports.TABLES:
        url = reverse("coordinator:dashboard:export_xlsx", args=[table])
        response = coordinator_client.get(url)
        assert response.status_code == 200, table
        sheet = load_workbook(io.BytesIO(response.content)).active
        csv_header = _csv(
            coordinator_client.get(reverse("coordinator:dashboard:export", args=[table]))
        )
        first = next(csv.reader(io.StringIO(csv_header.lstrip("\ufeff"))))
        assert [c.value for c in next(sheet.iter_rows(max_row=1))] == first


def test_a_coordinator_spreadsheet_with_a_bad_period_is_refused(coordinator_client):
    url = reverse("coordinator:dashboard:export_xlsx", args=["report-started"])
    response = coordinator_client.get(url, {"starts_on": "2026-06-01", "ends_on": "2026-01-01"})
    assert response.status_code == 400
