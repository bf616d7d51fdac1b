"""Accessibility scans (axe-core, WCAG 2.1 A and AA) and keyboard use, in headless Chromium.

Few and fast: one scan per page layout that matters, one keyboard journey.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.django_db(transaction=True)

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.fixture(scope="module")
def axe():
    return Axe()


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
def test_page_has_no_wcag_violations(page, live_server, axe, path):
    csp_violations = []
    page.on(
        "console",
        lambda msg: (
            csp_violations.append(msg.text) if "Content Security Policy" in msg.text else None
        ),
    )

    page.goto(live_server.url + path)
    # The stylesheet loaded (colour contrast is only meaningful with it).
    header_background = page.evaluate(
        "getComputedStyle(document.querySelector('.site-header')).backgroundColor"
    )
    assert header_background == "rgb(13, 44, 69)"

    results = axe.run(page, options=WCAG_21_AA)

    assert results.violations_count == 0, results.generate_report()
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
