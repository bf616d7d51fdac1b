"""Residents' reports in a browser: the form "Säg till om en plats" sent by keyboard alone
(no mouse, no map: the area list and the checkboxes), a refusal read from the error summary,
axe on every new page in Swedish and English, and the pages no link walk reaches at 360 px."""

import pytest
from django.conf import settings
from django.test import Client

from partnership.residents import services
from partnership.residents.models import ResidentReport
from tests import factories
from tests.browser.conftest import assert_accessible
from tests.helpers import login_with_second_factor

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 360, "height": 740}


@pytest.fixture(autouse=True)
def _no_tiles(settings):
    settings.MAP_TILE_URL = ""  # offline: the map still works without tiles


def box(south, west, north, east):
    return {
        "type": "Polygon",
        "coordinates": [
            [[west, south], [east, south], [east, north], [west, north], [west, south]]
        ],
    }


@pytest.fixture
def places(db):
    varby = factories.AreaFactory(
        name="Vårby gård", slug="varby-gard", boundary=box(59.258, 17.8715, 59.2768, 17.893)
    )
    centrum = factories.AreaFactory(
        name="Vårby gård centrum",
        slug="varby-gard-centrum",
        parent=varby,
        boundary=box(59.263, 17.8815, 59.2665, 17.887),
    )
    for text in ("Mörkt vid trappan.", "Skräp vid bänkarna.", ""):
        services.report_create(
            kind="unsafe",
            area=centrum,
            reasons=["badly_lit", "litter"],
            times_of_day=["evening"],
            text=text,
            latitude=59.2647,
            longitude=17.8843,
        )
    return {"varby": varby, "centrum": centrum}


@pytest.fixture
def coordinator_in_browser(page, live_server, coordinator_with_mfa):
    client = Client()
    login_with_second_factor(client, coordinator_with_mfa)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    return coordinator_with_mfa


def focused(page) -> str:
    return page.evaluate(
        "document.activeElement.id || document.activeElement.name "
        "|| document.activeElement.textContent.trim()"
    )


def tab_to(page, element_id: str, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == element_id:
            return
    raise AssertionError(f"Tab never reached #{element_id}")


def test_a_resident_sends_a_report_by_keyboard_alone(page, live_server, places, axe):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/sag-till/")
    assert_accessible(page, axe)
    # First a refusal: personal data in the text, read from the error summary.
    tab_to(page, "id_area")
    page.keyboard.press("ArrowDown")  # the first area in the list
    tab_to(page, "id_reasons_0")
    page.keyboard.press("Space")
    tab_to(page, "id_text")
    page.keyboard.type("Ring mig på 070-123 45 67")
    tab_to(page, "send-report")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-error-summary]")
    assert "telefonnummer" in page.inner_text("[data-error-summary]")
    # The summary has the focus (once the page has settled: waiting, not racing it on a
    # loaded machine), and its link leads to the text, which kept the input.
    page.wait_for_function("document.activeElement.matches('[data-error-summary]')")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert focused(page) == "id_text"
    assert page.input_value("#id_text") == "Ring mig på 070-123 45 67"
    assert_accessible(page, axe)
    page.keyboard.press("Control+A")
    page.keyboard.type("Mörkt vid trappan mot tunnelbanan.")
    tab_to(page, "send-report")
    page.keyboard.press("Enter")
    page.wait_for_url("**/sag-till/tack/**")
    assert "Tack" in page.inner_text("h1")
    assert ResidentReport.objects.filter(text="Mörkt vid trappan mot tunnelbanan.").exists()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page, axe)


def test_the_map_marks_the_point(page, live_server, places):
    page.goto(live_server.url + "/en/tell-us/")
    page.click("#point-picker", position={"x": 160, "y": 110})
    assert page.input_value("#id_latitude").startswith("59.")
    assert page.input_value("#id_longitude").startswith("17.")


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_the_public_pages_have_no_wcag_violations(live_server, scan, places, prefix):
    if prefix:
        paths = ["/tell-us/", "/tell-us/what-residents-say/", "/tell-us/thanks/?area=varby-gard"]
        paths.append("/tell-us/what-residents-say/varby-gard-centrum/")
    else:
        paths = ["/sag-till/", "/sag-till/vad-boende-sager/", "/sag-till/tack/?area=varby-gard"]
        paths.append("/sag-till/vad-boende-sager/varby-gard-centrum/")
    for path in paths:
        scan(live_server.url + prefix + path)


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_the_partner_and_coordinator_pages_have_no_wcag_violations_at_360_px(
    page, live_server, scan, places, coordinator_in_browser, prefix
):
    page.set_viewport_size(PHONE)
    key, _value = services.open311_key_issue(name="FixaMinGata", actor=coordinator_in_browser)
    if prefix:
        paths = [
            "/tell-us/reports/",
            "/tell-us/reports/?reason=drugs&sent_from=2026-05-01&sent_until=2026-01-01",
            "/tell-us/open311-keys/",
            f"/tell-us/open311-keys/{key.public_id}/revoke/",
            "/problems/new/from-reports/?area=varby-gard-centrum",
        ]
    else:
        paths = [
            "/sag-till/synpunkter/",
            "/sag-till/open311-nycklar/",
            f"/sag-till/open311-nycklar/{key.public_id}/aterkalla/",
            "/problem/ny/fran-synpunkter/?area=varby-gard-centrum",
        ]
    for path in paths:
        status = 400 if "sent_until=2026-01-01" in path else 200
        scan(live_server.url + prefix + path, status=status)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{path} is {width} px wide"
