"""The pattern page and the observation import in a browser: axe's WCAG 2.1 AA rules in
Swedish and English, no Content Security Policy violation, nothing scrolls sideways at
360 px (the heatmap and the trend scale to the width; the tables scroll in their own
region), the table alternative opens from its summary by keyboard, and the import's
preview and its page with errors fit a phone too."""

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client

from stakeholders.models import Membership
from tests import factories
from tests.browser.conftest import assert_accessible
from tests.browser.test_phone_width import MEASURE, PHONE

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def planted(organization, member):
    Membership.objects.filter(user=member).update(is_reporter=True)
    area = factories.AreaFactory(name="Vårby gård centrum", slug="varby-gard-centrum")
    litter = factories.observation_category("nedskrapning")
    today = dt.date.today()
    for days, start, end, count in [
        (1, dt.time(21), None, 3),
        (2, dt.time(22), dt.time(2), 1),
        (9, None, None, 5),
        (30, dt.time(14, 30), dt.time(16), 2),
    ]:
        factories.ObservationFactory(
            organization=organization,
            area=area,
            category=litter,
            observed_on=today - dt.timedelta(days=days),
            time_from=start,
            time_to=end,
            count=count,
        )
    return area


def _log_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


@pytest.mark.parametrize("path", ["/handelser/monster/", "/en/observations/patterns/"])
def test_pattern_page_is_accessible_and_fits_a_phone(
    page, live_server, axe, csp_violations, member, planted, path
):
    _log_in(page, live_server, member)
    for viewport in (PHONE, {"width": 1280, "height": 900}):
        page.set_viewport_size(viewport)
        response = page.goto(f"{live_server.url}{path}?area=varby-gard-centrum")
        assert response.status == 200
        assert_accessible(page, axe)
        found = page.evaluate(MEASURE)
        assert found["scrollWidth"] <= found["clientWidth"], found["wide"]
        assert found["tables"] == []
        heatmap = page.locator("svg.heatmap").bounding_box()
        assert heatmap["width"] <= viewport["width"]
    # The table alternative opens by keyboard and shows the numbers.
    summary = page.locator("details.pattern-table summary").first
    summary.focus()
    page.keyboard.press("Enter")
    table = page.locator("#heatmap-caption").locator("xpath=..")
    assert table.is_visible()
    assert "3" in table.locator("tbody tr").nth(21).inner_text()
    assert_accessible(page, axe)
    found = page.evaluate(MEASURE)
    assert found["scrollWidth"] <= found["clientWidth"], found["wide"]
    assert csp_violations == []


def test_import_pages_fit_a_phone(page, live_server, axe, csp_violations, member, planted):
    _log_in(page, live_server, member)
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/handelser/importera/")
    assert_accessible(page, axe)
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    bad = f"datum;tid;område;kategori;antal;anteckning\n{yesterday};25:00;Atlantis;x;0;\n"
    page.set_input_files(
        "input[name=file]",
        files=[{"name": "h.csv", "mimeType": "text/csv", "buffer": bad.encode()}],
    )
    page.click("main form[enctype] button[type=submit]")
    assert page.locator(".error-summary").is_visible()
    found = page.evaluate(MEASURE)
    assert found["scrollWidth"] <= found["clientWidth"], found["wide"]
    assert found["tables"] == []
    assert_accessible(page, axe)
    good = (
        "datum;tid;område;kategori;antal;anteckning\n"
        f"{yesterday};22:00–02:00;varby-gard-centrum;nedskrapning;2;Skräp vid en lång "
        "gångväg bakom skolan där många går kvällstid\n"
    )
    page.set_input_files(
        "input[name=file]",
        files=[{"name": "h.csv", "mimeType": "text/csv", "buffer": good.encode()}],
    )
    page.click("main form[enctype] button[type=submit]")
    page.wait_for_url("**/importera/*/")
    found = page.evaluate(MEASURE)
    assert found["scrollWidth"] <= found["clientWidth"], found["wide"]
    assert found["tables"] == []
    assert_accessible(page, axe)
    assert csp_violations == []
