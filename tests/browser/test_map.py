"""The initiative map in a real browser: markers from the page's own filters, keyboard
reachable, a filter changes markers and list alike, a popup leads to the detail page.
Tiles are switched off (no network here): markers and areas must show without them."""

import re

import pytest
from playwright.sync_api import expect

from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def no_tiles(settings):
    settings.MAP_TILE_URL = ""


@pytest.fixture
def mapped(organization):
    area = factories.AreaFactory(
        name="Vårby gård",
        latitude=59.265,
        longitude=17.883,
        boundary={
            "type": "Polygon",
            "coordinates": [[[17.86, 59.25], [17.91, 59.25], [17.91, 59.28], [17.86, 59.25]]],
        },
    )
    walks = factories.ThemeFactory(name_sv="Nattvandring", name_en="Night walks")
    homework = factories.ThemeFactory(name_sv="Läxhjälp", name_en="Homework help")
    places = [(59.255, 17.87), (59.275, 17.90), (59.265, 17.93)]
    for index, (lat, lon) in enumerate(places):
        factories.InitiativeFactory(
            title=f"Nattvandring {index + 1}",
            lead_organization=organization,
            themes=[walks],
            areas=[area],
            latitude=lat,
            longitude=lon,
        )
    factories.InitiativeFactory(
        title="Läxhjälp på biblioteket",
        summary="Hjälp med läxorna varje tisdag.",
        lead_organization=organization,
        themes=[homework],
        areas=[area],
        latitude=59.262,
        longitude=17.84,
    )
    return {"walks": walks, "homework": homework}


MARKERS = ".leaflet-marker-icon"


def test_map_filter_and_detail_journey(page, live_server, no_tiles, mapped, csp_violations):
    page.set_viewport_size({"width": 1024, "height": 900})
    page.goto(live_server.url + "/en/initiatives/")
    expect(page.locator("#map-section")).to_be_visible()
    expect(page.locator(MARKERS)).to_have_count(4)
    expect(page.locator("#map-status")).to_contain_text("4")
    assert page.locator(".card-title").count() == 4

    page.click("summary.filter-details__summary")  # the filters sit behind "Filter (0)"
    page.select_option("#id_theme", str(mapped["homework"].pk))
    page.click("button[type=submit].button >> text=Filter")
    page.wait_for_url(re.compile(r"theme="))
    expect(page.locator(MARKERS)).to_have_count(1)
    expect(page.locator(".card-title")).to_have_count(1)
    expect(page.locator(".card-title")).to_have_text("Läxhjälp på biblioteket")

    # Keyboard: Tab reaches the marker (a focusable button named by its title), Enter opens
    # its popup, whose link leads to the detail page.
    marker = page.locator(MARKERS).first
    assert marker.get_attribute("tabindex") == "0"
    assert marker.get_attribute("alt") == "Läxhjälp på biblioteket"
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('leaflet-marker-icon')"):
            break
    else:
        pytest.fail("Tab never reached the marker")
    page.keyboard.press("Enter")
    link = page.locator(".leaflet-popup-content a")
    expect(link).to_have_text("Läxhjälp på biblioteket")
    # The popup takes the focus; Esc closes it and gives the focus back to the marker.
    expect(link).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator(".leaflet-popup")).to_have_count(0)
    expect(marker).to_be_focused()
    page.keyboard.press("Enter")
    expect(link).to_be_focused()
    link.click()
    page.wait_for_url(re.compile(r"/en/initiatives/laxhjalp-pa-biblioteket/$"))
    expect(page.locator("h1")).to_have_text("Läxhjälp på biblioteket")
    expect(page.locator("#initiative-place-map")).to_be_visible()
    expect(page.locator("#initiative-place-map " + MARKERS)).to_have_count(1)
    assert csp_violations == []


def test_many_matches_show_as_keyboard_reachable_clusters(
    page, live_server, no_tiles, mapped, monkeypatch
):
    from initiatives import geo

    monkeypatch.setattr(geo, "MAP_FEATURE_CAP", 2)
    page.goto(live_server.url + "/en/initiatives/")
    clusters = page.locator(".map-cluster")
    expect(clusters.first).to_be_visible()
    assert clusters.first.get_attribute("tabindex") == "0"
    assert "zoom in" in clusters.first.get_attribute("aria-label")


@pytest.mark.parametrize(
    "path",
    ["/insatser/", "/en/initiatives/?when=now", "/oppna-data/", "/en/open-data/"],
)
def test_public_pages_have_no_wcag_violations(live_server, scan, no_tiles, mapped, path):
    scan(live_server.url + path)


def test_detail_page_has_no_wcag_violations(live_server, scan, no_tiles, mapped):
    scan(live_server.url + "/insatser/nattvandring-1/")


def test_an_area_stands_for_initiatives_without_a_place_and_its_label_opens_by_keyboard(
    page, live_server, no_tiles, organization
):
    area = factories.AreaFactory(
        name="Vårby allé",
        latitude=59.265,
        longitude=17.883,
        boundary={
            "type": "Polygon",
            "coordinates": [[[17.86, 59.25], [17.91, 59.25], [17.91, 59.28], [17.86, 59.25]]],
        },
    )
    for title in ("Städdag", "Belysningsvandring"):
        factories.InitiativeFactory(title=title, lead_organization=organization, areas=[area])
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url + "/en/initiatives/")
    expect(page.locator(".leaflet-overlay-pane path")).to_have_count(1)  # the outline
    expect(page.locator(".leaflet-marker-icon:not(.map-area-label)")).to_have_count(0)  # no pin
    label = page.locator(".map-area-label")
    expect(label).to_have_count(1)
    expect(label).to_have_text("Vårby allé (2)")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('map-area-label')"):
            break
    else:
        pytest.fail("Tab never reached the area's label")
    page.keyboard.press("Enter")
    links = page.locator(".leaflet-popup-content a")
    expect(links).to_have_count(2)
    expect(links.first).to_be_focused()
    page.keyboard.press("Escape")
    expect(label).to_be_focused()
