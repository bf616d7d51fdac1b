"""The public list of initiatives as a resident meets it on a phone (issue 14) and at
national scale (issue 16): filters behind "Filter (n)", current initiatives by default with
one control for the ended ones, initiatives without a place shown as their area, and
filters that ship no list of every organisation or area."""

import datetime as dt
import json
import re

import pytest

from initiatives.filters import AREA_OPTIONS_CAP
from tests import factories
from tests.helpers import query_count

pytestmark = pytest.mark.django_db

LIST_EN = "/en/initiatives/"


def titles(response) -> list[str]:
    return re.findall(r'<h2 class="card-title"><a [^>]*>([^<]+)</a>', response.text)


def summary(html: str) -> str:
    return re.search(r'<summary class="filter-details__summary">(.*?)<span', html).group(1)


def test_filters_are_a_closed_disclosure_counting_the_filters_in_use(resident):
    theme = factories.ThemeFactory()
    html = resident.get(LIST_EN).text
    assert '<details class="filter-details">' in html  # closed: the map comes first
    assert summary(html) == "Filter (0)"
    # The map's section comes before the list; the filters' disclosure is one line above.
    assert html.index('id="map-section"') < html.index('id="list-heading"')
    html = resident.get(LIST_EN, {"theme": theme.pk, "q": "natt", "sort": "title"}).text
    assert summary(html) == "Filter (2)"  # sorting is no filter
    assert ": 2 filters in use" in html
    swedish = resident.get("/insatser/", {"theme": theme.pk}).text
    assert summary(swedish) == "Filtrera (1)"


def test_the_disclosure_opens_when_a_filter_has_an_error(resident):
    html = resident.get(LIST_EN, {"running_on": "not a date"}).text
    assert '<details class="filter-details" open>' in html
    assert 'id="id_running_on_error"' in html


def test_the_default_is_current_initiatives_with_one_control_for_the_rest(resident):
    today = dt.date.today()
    factories.InitiativeFactory(title="Pågår", status="active")
    factories.InitiativeFactory(
        title="Planeras", status="planned", starts_on=today + dt.timedelta(60)
    )
    factories.InitiativeFactory(title="Pausad", status="paused")
    factories.InitiativeFactory(title="Klar", status="completed")
    factories.InitiativeFactory(title="Inställd", status="cancelled")
    factories.InitiativeFactory(
        title="Slutdatum passerat",
        status="active",
        starts_on=today - dt.timedelta(60),
        ends_on=today - dt.timedelta(1),
    )
    page = resident.get(LIST_EN)
    assert sorted(titles(page)) == ["Planeras", "Pågår"]
    assert "Current initiatives: planned or under way." in page.text
    link = re.search(r'<a href="([^"]+)">Include ended and paused initiatives</a>', page.text)
    every = resident.get(LIST_EN + link.group(1).replace("&amp;", "&"))
    assert sorted(titles(every)) == [
        "Inställd",
        "Klar",
        "Pausad",
        "Planeras",
        "Pågår",
        "Slutdatum passerat",
    ]
    assert "Show current initiatives only" in every.text
    # A status chosen says what the user wants: the default steps aside.
    assert titles(resident.get(LIST_EN, {"status": "paused"})) == ["Pausad"]
    # The map follows the list.
    features = json.loads(resident.get("/en/initiatives/map.geojson").content)["features"]
    assert features == []  # (none has a place)


def test_the_map_data_and_downloads_follow_the_default(resident):
    area = factories.AreaFactory(latitude=59.27, longitude=17.89)
    factories.InitiativeFactory(title="Pågår", areas=[area], latitude=59.26, longitude=17.88)
    factories.InitiativeFactory(
        title="Klar", status="completed", areas=[area], latitude=59.26, longitude=17.88
    )
    data = json.loads(resident.get("/insatser/map.geojson").content)
    assert [f["properties"]["title"] for f in data["features"]] == ["Pågår"]
    with_ended = json.loads(resident.get("/insatser/map.geojson?include_ended=on").content)
    assert len(with_ended["features"]) == 2
    csv = b"".join(resident.get("/insatser/export.csv").streaming_content).decode()
    assert "Pågår" in csv and "Klar" not in csv


def test_initiatives_without_a_place_are_their_area_outlined_and_labelled(resident):
    square = {
        "type": "Polygon",
        "coordinates": [
            [[17.86, 59.25], [17.91, 59.25], [17.91, 59.28], [17.86, 59.28], [17.86, 59.25]]
        ],
    }
    area = factories.AreaFactory(
        name="Vårby centrum", latitude=59.265, longitude=17.885, boundary=square
    )
    factories.InitiativeFactory(title="Städdag", areas=[area])
    factories.InitiativeFactory(title="Belysning", areas=[area])
    factories.InitiativeFactory(title="Nattvandring", areas=[area], latitude=59.26, longitude=17.87)
    data = json.loads(resident.get("/en/initiatives/map.geojson").content)
    points = [f for f in data["features"] if f["geometry"]["type"] == "Point"]
    assert [f["properties"]["title"] for f in points] == ["Nattvandring"]  # own place only
    (outlined,) = [f for f in data["features"] if f["properties"].get("area")]
    assert outlined["geometry"]["type"] == "Polygon"
    assert outlined["geometry"]["coordinates"] == square["coordinates"]
    assert outlined["properties"]["name"] == "Vårby centrum"
    assert outlined["properties"]["count"] == 2
    assert [i["title"] for i in outlined["properties"]["initiatives"]] == ["Belysning", "Städdag"]


def test_the_map_data_query_count_does_not_grow(resident):
    area = factories.AreaFactory(latitude=59.27, longitude=17.89)
    factories.InitiativeFactory(areas=[area])
    few = query_count(resident, "/insatser/map.geojson")
    for _ in range(10):
        factories.InitiativeFactory(areas=[factories.AreaFactory(latitude=59.26, longitude=17.9)])
        factories.InitiativeFactory(latitude=59.26, longitude=17.88)
    assert query_count(resident, "/insatser/map.geojson") == few


def test_the_organisation_filter_ships_no_options_and_matches_on_the_server(resident):
    for index in range(30):
        factories.OrganizationFactory(name=f"Förening {index:02d}")
    html = resident.get(LIST_EN).text
    assert "Förening 07" not in html
    assert '<input type="search" name="organization"' in html
    too_broad = resident.get(LIST_EN, {"organization": "e"})
    assert too_broad.status_code == 200


def test_the_area_filter_lists_two_levels_at_scale_then_the_chosen_ones_places(resident):
    root = factories.AreaFactory(name="Kommunen")
    districts = [factories.AreaFactory(name=f"Stadsdel {d}", parent=root) for d in range(3)]
    for district in districts:
        for n in range(AREA_OPTIONS_CAP // 3 + 1):
            factories.AreaFactory(name=f"{district.name} plats {n:02d}", parent=district)
    html = resident.get(LIST_EN).text
    select = re.search(r'<select name="area".*?</select>', html, re.DOTALL).group(0)
    assert select.count("<option") == 1 + 1 + 3  # "all", the root, its districts
    chosen = districts[1]
    place = chosen.children.order_by("name").first()
    factories.InitiativeFactory(title="I platsen", areas=[place])
    html = resident.get(LIST_EN, {"area": chosen.pk}).text
    select = re.search(r'<select name="area".*?</select>', html, re.DOTALL).group(0)
    assert f'<option value="{chosen.pk}" selected>' in select
    assert f">\u2003\u2003{place.name}</option>" in select  # its places, indented
    assert "Stadsdel 0 plats" not in select
    assert titles(resident.get(LIST_EN, {"area": place.pk})) == ["I platsen"]


def test_a_residents_unfiltered_list_counts_nothing_per_request(resident):
    """The total comes from the kept count (the home page's figure): after the first
    request no query counts the initiatives, and a write shows on the next request."""
    factories.InitiativeFactory(title="En")
    assert "1 initiative" in resident.get(LIST_EN).text
    count_queries = query_count(resident, LIST_EN)
    factories.InitiativeFactory(title="Två")
    assert "2 initiatives" in resident.get(LIST_EN).text
    assert query_count(resident, LIST_EN) == count_queries
