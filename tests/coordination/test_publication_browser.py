"""Publishing to residents in a browser at 360 px: the coordinator chooses with the keyboard,
is sent back with an error, previews and publishes; every page of it — and the residents'
list and page, in Swedish and English — scrolls nowhere sideways, passes axe's WCAG 2.1 AA
rules, breaks no Content Security Policy and loads no script on the residents' side."""

import pytest
from django.conf import settings
from django.test import Client

from partnership.coordination.models import PublishedSituation
from tests import factories
from tests.browser.conftest import (  # noqa: F401 (fixtures, used below)
    assert_accessible,
    axe,
    csp_violations,
)
from tests.browser.test_phone_width import MEASURE, PHONE
from tests.helpers import login_with_second_factor

pytestmark = pytest.mark.django_db(transaction=True)


def fits(page, description: str) -> None:
    found = page.evaluate(MEASURE)
    assert found["scrollWidth"] <= found["clientWidth"], (description, found["wide"])
    assert found["tables"] == [], description


def test_publishing_by_keyboard_at_360_px_and_what_residents_see(
    page,
    live_server,
    axe,  # noqa: F811 (the browser tests' fixture, imported above)
    csp_violations,  # noqa: F811
    coordinator_with_mfa,
):
    district = factories.AreaFactory(name="Vårby gård centrum med en lång områdesbeskrivning")
    for slug, count in (("nedskrapning", 12), ("klotter", 2), ("ungdomar-i-grupp", 5)):
        factories.ObservationFactory(
            area=district, category=factories.observation_category(slug), count=count
        )
    client = login_with_second_factor(Client(), coordinator_with_mfa)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/en/coordinator/report/")
    page.get_by_role("link", name="Publish to residents").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/published/new/**")
    fits(page, "the choice")
    assert_accessible(page, axe)
    # Personal data in the text: sent back with the error in the summary and at the field.
    page.get_by_label("Text for residents").fill("Ring 070-123 45 67")
    page.get_by_role("button", name="Preview").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector(".error-summary")
    assert page.locator(".error-summary").is_visible()
    assert page.locator(".error-summary a[href='#id_text']").count() == 1
    fits(page, "the choice with an error")
    assert_accessible(page, axe)
    page.get_by_label("Text for residents").fill("Mer nedskräpning efter helgerna.")
    page.get_by_role("button", name="Preview").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Preview: what residents will see")
    fits(page, "the preview")
    assert_accessible(page, axe)
    page.get_by_role("button", name="Publish", exact=True).focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Published: residents see it now.")
    situation = PublishedSituation.objects.get()
    assert situation.is_public
    page.goto(live_server.url + "/en/coordinator/published/")
    fits(page, "the coordinator's list")
    assert_accessible(page, axe)

    page.context.clear_cookies()
    for path in (
        "/lagesbilder/",
        f"/lagesbilder/{situation.public_id}/",
        f"/en/situation-reports/{situation.public_id}/",
    ):
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        assert "<script" not in page.content()
        fits(page, path)
        assert_accessible(page, axe)
    assert page.locator("svg.situation-bars").is_visible()
    assert "fewer than 3" in page.locator("main").inner_text()
    assert csp_violations == []
