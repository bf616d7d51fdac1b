"""Tab visits the map's markers and clusters in reading order (top to bottom, then left to
right), whatever order the data came in. Tiles are off (no network here)."""

import pytest
from playwright.sync_api import expect

from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

MARKERS = ".leaflet-marker-icon"
# Two rows of three, far enough apart not to cluster; named by where they are.
READING_ORDER = [
    ("Nordväst", 59.272, 17.85),
    ("Norr", 59.272, 17.88),
    ("Nordost", 59.272, 17.91),
    ("Sydväst", 59.262, 17.85),
    ("Söder", 59.262, 17.88),
    ("Sydost", 59.262, 17.91),
]


@pytest.fixture
def no_tiles(settings):
    settings.MAP_TILE_URL = ""


@pytest.fixture
def spread(organization):
    """Stored bottom right first, so the data's order is the reverse of reading order."""
    area = factories.AreaFactory(name="Vårby gård", latitude=59.267, longitude=17.88)
    theme = factories.ThemeFactory(name_sv="Nattvandring", name_en="Night walks")
    for title, lat, lon in reversed(READING_ORDER):
        factories.InitiativeFactory(
            title=title,
            lead_organization=organization,
            themes=[theme],
            areas=[area],
            latitude=lat,
            longitude=lon,
        )


def _tab_through_markers(page) -> list[dict]:
    """Each marker or cluster Tab reaches, in order, with its name and place on screen."""
    visited = []
    for _ in range(80):
        page.keyboard.press("Tab")
        here = page.evaluate(
            """() => {
                const e = document.activeElement;
                if (!e.classList.contains("leaflet-marker-icon")) return null;
                const box = e.getBoundingClientRect();
                return {name: e.getAttribute("alt") || e.getAttribute("aria-label"),
                        top: box.top + box.height / 2, left: box.left + box.width / 2};
            }"""
        )
        if here:
            visited.append(here)
        elif visited:
            break
    return visited


def _in_reading_order(visited: list[dict]) -> bool:
    """Rows from top to bottom (points within 24 px of a row's first are in it), each read
    left to right: the rule of base_map.js."""
    for before, after in zip(visited, visited[1:], strict=False):
        if after["top"] - before["top"] >= 24:
            continue
        if abs(after["top"] - before["top"]) < 24 and after["left"] > before["left"]:
            continue
        return False
    return True


def test_tab_visits_markers_in_reading_order(page, live_server, no_tiles, spread):
    page.set_viewport_size({"width": 1024, "height": 900})
    page.goto(live_server.url + "/en/initiatives/")
    expect(page.locator(MARKERS)).to_have_count(6)
    visited = _tab_through_markers(page)
    assert [v["name"] for v in visited] == [title for title, _, _ in READING_ORDER]
    assert _in_reading_order(visited), visited

    # After zooming out and back in, the order holds.
    page.locator(MARKERS).first.focus()
    page.keyboard.press("Escape")
    page.locator("#initiative-map").focus()
    page.keyboard.press("Minus")
    page.keyboard.press("Equal")
    page.wait_for_timeout(800)
    order = page.eval_on_selector_all(MARKERS, "(icons) => icons.map((i) => i.alt)")
    assert order == [title for title, _, _ in READING_ORDER]


def test_tab_visits_server_clusters_in_reading_order(
    page, live_server, no_tiles, spread, monkeypatch
):
    from initiatives import geo

    monkeypatch.setattr(geo, "MAP_FEATURE_CAP", 2)
    page.set_viewport_size({"width": 1024, "height": 900})
    page.goto(live_server.url + "/en/initiatives/")
    expect(page.locator(".map-cluster").first).to_be_visible()
    page.wait_for_timeout(500)
    visited = _tab_through_markers(page)
    assert len(visited) == page.locator(MARKERS).count() > 1
    assert _in_reading_order(visited), visited
