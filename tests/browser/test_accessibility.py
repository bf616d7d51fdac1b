"""Accessibility scans (axe-core, WCAG 2.1 A and AA) and keyboard use, in headless Chromium.

Few and fast: one scan per page layout that matters, one keyboard journey.
"""

import pytest

from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/en/",
        "/tillganglighet/",
        "/personuppgifter/",
        "/accounts/login/",
        "/sidan-finns-inte/",
    ],
)
def test_page_has_no_wcag_violations(page, live_server, axe, csp_violations, path):
    page.goto(live_server.url + path)
    # The stylesheet loaded (colour contrast is only meaningful with it).
    header_background = page.evaluate(
        "getComputedStyle(document.querySelector('.site-header')).backgroundColor"
    )
    assert header_background == "rgb(13, 44, 69)"

    assert_accessible(page, axe)
    assert csp_violations == []


def test_first_tab_reaches_a_visible_skip_link_that_moves_focus_to_main(page, live_server):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/")
    skip_link = page.locator("a.skip-link")
    box_before = skip_link.bounding_box()
    assert box_before is None or box_before["y"] + box_before["height"] <= 0, "hidden until focused"

    page.keyboard.press("Tab")

    assert page.evaluate("document.activeElement.className") == "skip-link"
    box = skip_link.bounding_box()
    assert box["y"] >= 0 and box["height"] > 0
    assert skip_link.inner_text() == "Hoppa till innehållet"

    page.keyboard.press("Enter")

    assert page.evaluate("document.activeElement.id") == "main"
