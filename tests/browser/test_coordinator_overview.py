"""The coordinator's overview: what needs the coordinator today is seen without scrolling on
a laptop (1280×800), in Swedish and English, and the page never scrolls sideways on a phone."""

import pytest
from django.conf import settings
from django.test import Client

from stakeholders.models import Organization
from tests import factories
from tests.helpers import login_with_second_factor

pytestmark = pytest.mark.django_db(transaction=True)

COUNTS = ["applications", "new-overlaps", "unowned", "overdue", "stale"]


@pytest.fixture
def coordinator_page(page, live_server, coordinator_with_mfa):
    client = Client()
    login_with_second_factor(client, coordinator_with_mfa)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    # Something in every count, with long names, as a real partnership has.
    centre = factories.AreaFactory(name="Vårby gård centrum och torget")
    theme = factories.ThemeFactory(name_sv="Nattvandring", name_en="Night walks")
    for n in range(3):
        factories.InitiativeFactory(title=f"Nattvandring {n}", areas=[centre], themes=[theme])
    factories.ProblemFactory(title="Mörk gångväg", area=centre)
    factories.OrganizationFactory(
        name="Vårby gårds idrottsförening", status=Organization.Status.PENDING
    )
    return page


@pytest.mark.parametrize("path", ["/en/coordinator/", "/samordning/"])
def test_the_counts_are_above_the_fold_at_1280_by_800(live_server, coordinator_page, path):
    page = coordinator_page
    page.set_viewport_size({"width": 1280, "height": 800})
    response = page.goto(live_server.url + path)
    assert response.status == 200
    assert page.evaluate("window.scrollY") == 0
    for name in COUNTS:
        box = page.locator(f"#count-{name}").bounding_box()
        assert box is not None, name
        assert box["y"] >= 0 and box["y"] + box["height"] <= 800, (name, box)
    # The sub-navigation is one compact row on a wide screen.
    tops = page.eval_on_selector_all(
        ".coordinator-nav li", "items => items.map(i => Math.round(i.getBoundingClientRect().top))"
    )
    assert len(set(tops)) == 1, tops


def test_the_overview_does_not_scroll_sideways_on_a_phone(live_server, coordinator_page):
    page = coordinator_page
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url + "/samordning/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.locator("#count-applications").is_visible()
