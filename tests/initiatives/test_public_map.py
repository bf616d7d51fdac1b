"""The map's data, the "happening now" / "this week" filters, the detail page's words for
when, the CSV, sitemap and robots.txt."""

import csv
import datetime as dt
import html as html_lib
import io
import json
import re
import zoneinfo

import pytest
from django.utils import timezone, translation

from initiatives import geo
from initiatives.templatetags.initiative_public import schedule_in_words
from tests import factories

pytestmark = pytest.mark.django_db

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
WEDNESDAY_9PM = dt.datetime(2026, 6, 17, 21, 0, tzinfo=STOCKHOLM)


def titles(response) -> list[str]:
    assert response.status_code == 200
    found = re.findall(r'<h2 class="card-title"><a href="[^"]*">(.*?)</a>', response.text)
    return sorted(html_lib.unescape(title) for title in found)


def map_data(client, **params):
    response = client.get("/en/initiatives/map.geojson", params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    return json.loads(response.content)


def titles_on_map(client, **params) -> list[str]:
    """The titles on the map: each marker's, and those listed by an area standing for the
    initiatives without a place of their own."""
    titles = []
    for feature in map_data(client, **params)["features"]:
        properties = feature["properties"]
        if properties.get("area"):
            titles += [item["title"] for item in properties["initiatives"]]
        else:
            titles.append(properties["title"])
    return sorted(titles)


# --- "Happening now" and "this week" ------------------------------------------------------------


@pytest.fixture
def wednesday_evening(monkeypatch):
    real = timezone.localtime

    def localtime(value=None, tz=None):
        return WEDNESDAY_9PM if value is None else real(value, tz)

    monkeypatch.setattr("initiatives.filters.timezone.localtime", localtime)


def _with_slot(title, weekday, start, end, **kwargs):
    initiative = factories.InitiativeFactory(title=title, starts_on=dt.date(2026, 6, 1), **kwargs)
    factories.ScheduleSlotFactory(
        initiative=initiative, weekday=weekday, starts_at=dt.time(start), ends_at=dt.time(end)
    )
    return initiative


def test_happening_now_and_this_week(resident, wednesday_evening):
    _with_slot("Nattvandring onsdag kväll", 3, 20, 23)
    _with_slot("Läxhjälp onsdag eftermiddag", 3, 15, 17)
    _with_slot("Fotboll lördag", 6, 18, 20)
    _with_slot("Städdag måndag", 1, 10, 12)  # Monday has passed this week
    _with_slot("Slutade i går", 3, 20, 23, ends_on=dt.date(2026, 6, 16))
    _with_slot("Kvällsfika som ställdes in", 3, 20, 23, status="cancelled")
    factories.InitiativeFactory(title="Ny belysning", starts_on=dt.date(2026, 6, 1))  # no times
    factories.InitiativeFactory(title="Börjar på fredag", starts_on=dt.date(2026, 6, 19))

    assert titles_on_map(resident) == []  # (no points: the map shows none; the list does)
    assert titles(resident.get("/insatser/", {"when": "now"})) == [
        "Nattvandring onsdag kväll",
        "Ny belysning",
    ]
    assert titles(resident.get("/insatser/", {"when": "week"})) == [
        "Börjar på fredag",
        "Fotboll lördag",
        "Läxhjälp onsdag eftermiddag",
        "Nattvandring onsdag kväll",
        "Ny belysning",
    ]


def test_when_is_offered_and_explained_on_the_list(resident):
    html = resident.get("/en/initiatives/").text
    assert 'name="when"' in html
    assert "Happening now" in html and "This week" in html
    assert "from today to Sunday" in html


# --- Map data ------------------------------------------------------------------------------------


@pytest.fixture
def placed(organization):
    walks = factories.ThemeFactory()
    area = factories.AreaFactory(name="Vårby centrum", latitude=59.27, longitude=17.89)
    factories.InitiativeFactory(
        title="Nattvandring",
        lead_organization=organization,
        themes=[walks],
        latitude=59.265,
        longitude=17.883,
    )
    factories.InitiativeFactory(
        title="Läxhjälp", lead_organization=organization, latitude=59.30, longitude=17.95
    )
    factories.InitiativeFactory(title="Städdag", lead_organization=organization, areas=[area])
    factories.InitiativeFactory(title="Utan plats", lead_organization=organization)
    return {"walks": walks}


def test_map_shows_the_lists_initiatives_with_a_place_and_follows_filters(resident, placed):
    data = map_data(resident)
    assert data["complete"] is True
    assert sorted(
        f["properties"]["title"] for f in data["features"] if "title" in f["properties"]
    ) == [
        "Läxhjälp",
        "Nattvandring",
    ]
    walk = next(f for f in data["features"] if f["properties"]["title"] == "Nattvandring")
    assert walk["geometry"]["coordinates"] == [17.883, 59.265]
    assert walk["properties"]["url"].startswith("/en/initiatives/nattvandring")
    assert walk["properties"]["status"] == "Active"
    assert walk["properties"]["organization"] == "Stiftelsen Testbostäder"
    # Without a point of its own: shown as its area (here a point, as it has no boundary),
    # labelled, listing what is there — never a pin of its own pretending to be a place.
    (area,) = [f for f in data["features"] if f["properties"].get("area")]
    assert area["properties"]["name"] == "Vårby centrum"
    assert area["properties"]["count"] == 1
    assert [i["title"] for i in area["properties"]["initiatives"]] == ["Städdag"]
    assert area["properties"]["initiatives"][0]["url"].startswith("/en/initiatives/staddag")
    assert titles_on_map(resident, theme=placed["walks"].pk) == ["Nattvandring"]
    assert titles_on_map(resident, q="läxhjälpen") == ["Läxhjälp"]


def test_map_bbox_limits_and_says_it_is_incomplete(resident, placed):
    data = map_data(resident, bbox="17.85,59.25,17.90,59.28")
    assert data["complete"] is False
    assert titles_on_map(resident, bbox="17.85,59.25,17.90,59.28") == ["Nattvandring", "Städdag"]


def test_many_initiatives_become_server_side_clusters(resident, placed, monkeypatch):
    monkeypatch.setattr(geo, "MAP_FEATURE_CAP", 2)
    data = map_data(resident)
    assert data.get("clustered") is True
    assert sum(f["properties"]["count"] for f in data["features"]) == 3
    assert all(f["properties"]["cluster"] for f in data["features"])
    in_view = map_data(resident, bbox="17.0,59.0,18.5,59.5")
    assert sum(f["properties"]["count"] for f in in_view["features"]) == 3


@pytest.mark.parametrize(
    "bbox", ["abc", "1,2,3", "18,59,17,60", "17,59,18,95", "nan,nan,nan,nan", "1" * 300]
)
def test_a_bad_bbox_is_400(resident, bbox):
    response = resident.get("/insatser/map.geojson", {"bbox": bbox})
    assert response.status_code == 400
    assert "bbox" in json.loads(response.content)["detail"]


def test_bad_filters_on_the_map_are_a_400_naming_them(resident, placed):
    """The page shows the same errors next to its fields (test_find); the map's data, like
    every machine output, refuses them rather than drawing something else."""
    response = resident.get("/en/initiatives/map.geojson", {"theme": "abc", "running_on": "x"})
    assert response.status_code == 400
    detail = json.loads(response.content)["detail"]
    assert set(detail) == {"theme", "running_on"}
    assert detail["theme"][0].startswith("Select a valid choice")


def test_list_page_has_the_map_and_take_along_links(resident, placed):
    html = resident.get("/insatser/", {"theme": placed["walks"].pk}).text
    assert 'id="initiative-map"' in html
    assert 'data-data-url="/insatser/map.geojson"' in html
    assert f"/insatser/calendar.ics?theme={placed['walks'].pk}" in html
    assert f"/insatser/export.csv?theme={placed['walks'].pk}" in html
    assert "js/initiative_map.js" in html
    assert "<script>" not in html  # the CSP forbids inline scripts


def test_map_tiles_are_configurable_and_optional(resident, settings):
    settings.MAP_TILE_URL = ""
    html = resident.get("/insatser/").text
    assert 'data-tile-url=""' in html


# --- Detail page ---------------------------------------------------------------------------------


@translation.override("en")
def test_when_in_words(organization):
    this_year = dt.date.today().year
    initiative = factories.InitiativeFactory(
        lead_organization=organization, starts_on=dt.date(this_year, 3, 1)
    )
    factories.ScheduleSlotFactory(initiative=initiative, weekday=5)
    assert schedule_in_words(initiative) == "Fridays 20–23, from 1 March"
    factories.ScheduleSlotFactory(
        initiative=initiative, weekday=1, starts_at=dt.time(18, 30), ends_at=dt.time(20)
    )
    factories.ScheduleSlotFactory(
        initiative=initiative, weekday=3, starts_at=dt.time(18, 30), ends_at=dt.time(20)
    )
    initiative.ends_on = dt.date(this_year + 1, 6, 30)
    expected = f"1 March {this_year}–30 June {this_year + 1}"
    assert schedule_in_words(initiative) == (
        f"Mondays and Wednesdays 18:30–20, Fridays 20–23, {expected}"
    )


def test_detail_page_for_residents(resident, organization, other_organization):
    area = factories.AreaFactory(
        name="Vårby centrum",
        boundary={
            "type": "Polygon",
            "coordinates": [[[17.88, 59.26], [17.89, 59.26], [17.89, 59.27], [17.88, 59.26]]],
        },
    )
    initiative = factories.InitiativeFactory(
        title="Nattvandring på torget",
        summary="Vuxna går i par fredagskvällar.",
        lead_organization=organization,
        areas=[area],
    )
    initiative.partner_organizations.add(other_organization)
    factories.ScheduleSlotFactory(initiative=initiative)
    html = resident.get(f"/en/initiatives/{initiative.slug}/").text
    assert '<meta name="description" content="Vuxna går i par fredagskvällar.">' in html
    assert '<meta property="og:title" content="Nattvandring på torget">' in html
    assert f'href="/en/who-does-what/{other_organization.slug}/"' in html
    assert "Fridays 20–23" in html
    assert f"/en/initiatives/{initiative.slug}/calendar.ics" in html
    assert 'id="initiative-place"' in html and "17.88" in html  # the small map's data
    assert "its page in the directory" in html  # no contact email: through the organisation


# --- CSV, sitemap, robots.txt --------------------------------------------------------------------


def test_csv_is_the_filtered_public_list(resident, placed):
    response = resident.get("/en/initiatives/export.csv", {"theme": placed["walks"].pk})
    assert response["Content-Disposition"].startswith("attachment;")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "Title"
    assert [row[0] for row in rows[1:]] == ["Nattvandring"]
    assert rows[1][-1].startswith("http://testserver/en/initiatives/nattvandring")


def test_csv_neutralises_formulas(resident, organization):
    factories.InitiativeFactory(
        title="=HYPERLINK(1)", slug="formel", lead_organization=organization
    )
    text = b"".join(resident.get("/insatser/export.csv").streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text


def test_sitemap_lists_public_pages_in_both_languages(resident, placed):
    index = resident.get("/sitemap.xml").content.decode()
    assert "sitemap-initiatives.xml" in index
    initiatives = resident.get("/sitemap-initiatives.xml").content.decode()
    assert "/insatser/nattvandring/" in initiatives
    assert "/en/initiatives/nattvandring/" in initiatives
    pages = resident.get("/sitemap-pages.xml").content.decode()
    assert "/insatser/" in pages


def test_robots_txt_points_to_the_sitemap(resident):
    response = resident.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Disallow: /admin/" in text
    # The coordinator area and the partners' own pages, in both languages.
    assert "Disallow: /samordning/\n" in text and "Disallow: /en/coordinator/\n" in text
    assert "Disallow: /mina-sidor/\n" in text
