"""The coverage table on a phone (360 px): the page does not scroll sideways, the table
scrolls inside its wrapper, and the area column stays in view (sticky, with a background so
the cells scrolling under it do not show through)."""

import pytest
from playwright.sync_api import expect

from tests import factories

# The coordinator's session in the browser, as the dashboard's accessibility scans set it.
from tests.browser.test_dashboard_accessibility import logged_in_coordinator  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def wide_matrix():
    area = factories.AreaFactory(name="Vårby gård")
    for name in ("Centrum", "Norra Vårby gård"):
        factories.AreaFactory(name=name, parent=area)
    themes = [factories.ThemeFactory(name_en=f"Theme number {n}") for n in range(8)]
    factories.InitiativeFactory(areas=[area], themes=themes[:2])
    factories.ProblemFactory(area=area, themes=[themes[5]])


def test_the_area_column_stays_in_view_while_the_themes_scroll(
    page,
    live_server,
    logged_in_coordinator,  # noqa: F811
    wide_matrix,
):
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(live_server.url + "/en/coordinator/coverage/")
    wrapper = page.locator(".table-wrap:has(table.coverage)")
    expect(wrapper).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert wrapper.evaluate("(w) => w.scrollWidth > w.clientWidth")

    first_header = page.locator("table.coverage thead th").first
    area_cell = page.locator("table.coverage tbody th").first
    data_cell = page.locator("table.coverage tbody td").first
    area_cell.scroll_into_view_if_needed()
    wrapper_left = wrapper.bounding_box()["x"]
    cell_left = data_cell.bounding_box()["x"]

    wrapper.evaluate("(w) => { w.scrollLeft = 300; }")
    page.wait_for_function("document.querySelector('.table-wrap:has(.coverage)').scrollLeft > 0")
    assert abs(area_cell.bounding_box()["x"] - wrapper_left) < 1
    assert abs(first_header.bounding_box()["x"] - wrapper_left) < 1
    assert data_cell.bounding_box()["x"] < cell_left - 100  # the themes did move
    assert area_cell.evaluate("(th) => getComputedStyle(th).position") == "sticky"
    background = area_cell.evaluate("(th) => getComputedStyle(th).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    # What is on top at the area column's spot is the area cell, not a cell scrolled under it.
    box = area_cell.bounding_box()
    on_top = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).closest('th')?.textContent.trim()",
        [box["x"] + 4, box["y"] + box["height"] / 2],
    )
    assert on_top == area_cell.text_content().strip()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
