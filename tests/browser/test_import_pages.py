"""The onboarding imports in a browser at 360 px: the upload pages with errors and the two
previews (the area preview with its map) scroll nowhere sideways, pass axe's WCAG 2.1 AA
rules and break no Content Security Policy; the map draws the file's areas."""

import pytest
from django.conf import settings
from django.test import Client

from tests import factories
from tests.browser.conftest import assert_accessible
from tests.browser.test_phone_width import MEASURE, PHONE
from tests.coordination.import_samples import import_pages
from tests.helpers import login_with_second_factor

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_import_pages_fit_a_phone_and_are_accessible(
    page, live_server, axe, csp_violations, coordinator_with_mfa
):
    factories.AreaFactory(name="Vårby gård")
    factories.ThemeFactory(name_sv="Trygghet", name_en="Safety")
    client = Client()
    login_with_second_factor(client, coordinator_with_mfa)
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
    pages = import_pages(client)
    for description, (path, _html) in pages.items():
        if "errors" in description:
            continue  # an answer to a POST: its HTML is checked by test_html_validity
        response = page.goto(live_server.url + path)
        assert response.status == 200, description
        found = page.evaluate(MEASURE)
        assert found["scrollWidth"] <= found["clientWidth"], (description, found["wide"])
        assert found["tables"] == [], description
        assert_accessible(page, axe)
        if "area" in description:
            page.wait_for_selector("#area-import-map path.leaflet-interactive")
            assert page.locator("#area-import-map path.leaflet-interactive").count() == 1
    assert csp_violations == []
    # The upload pages with errors, as the browser gets them after sending the form.
    page.goto(live_server.url + "/en/coordinator/import/areas/")
    page.set_input_files("input[name=file]", files=[])
    page.click("main form[enctype] button[type=submit]")
    assert page.locator(".error-summary").is_visible()
    found = page.evaluate(MEASURE)
    assert found["scrollWidth"] <= found["clientWidth"], found["wide"]
    assert_accessible(page, axe)
