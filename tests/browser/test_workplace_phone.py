"""Mina sidor and the searchable pickers on a phone (360 × 740): full of work items and chips
with long names, nothing scrolls sideways and the page passes axe's WCAG 2.1 AA rules. (The
sweep of every page, tests/browser/test_phone_width.py, visits them with the walk's small
partnership; this fills them first.)"""

import pytest
from playwright.sync_api import expect

from initiatives.models import Initiative
from tests import factories
from tests.browser.conftest import assert_accessible
from tests.browser.test_phone_width import MEASURE, PHONE
from tests.stakeholders.test_workplace import plant

pytestmark = pytest.mark.django_db(transaction=True)

LONG = "Föreningen för trygghetsvandringar och nattvandringar i Vårby gård och Masmo"


@pytest.fixture(autouse=True)
def no_tiles(settings):
    settings.MAP_TILE_URL = ""


def assert_fits(page) -> None:
    found = page.evaluate(MEASURE)
    assert found["scrollWidth"] <= found["clientWidth"], found["wide"]


def test_mina_sidor_full_of_work_fits_a_phone(
    page, live_server, axe, csp_violations, log_in, org_admin, organization, other_organization
):
    requester = factories.UserFactory(email="requester@example.org")
    factories.MembershipFactory(
        user=requester, organization=factories.OrganizationFactory(name=LONG)
    )
    plant(organization, other_organization, requester, "A")
    Initiative.objects.filter(title="Tyst insats A").update(title=f"Tyst insats A: {LONG}")
    log_in(org_admin)
    page.set_viewport_size(PHONE)
    for path in ("/mina-sidor/", "/en/my-pages/", "/mina-sidor/profil/"):
        page.goto(live_server.url + path)
        assert_fits(page)
        assert_accessible(page, axe)
    # No script on these pages (base.html loads none; Mina sidor adds none).
    page.goto(live_server.url + "/mina-sidor/")
    assert page.locator("script").count() == 0
    assert csp_violations == []


def test_the_pickers_with_long_chips_fit_a_phone(
    page, live_server, axe, csp_violations, log_in, member
):
    factories.AreaFactory(name="Vårby gård")
    factories.ThemeFactory(name_sv="Nattvandring", name_en="Night walks")
    factories.OrganizationFactory(name=LONG)
    log_in(member)
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/insatser/ny/")
    combobox = page.locator("#id_partner_organizations")
    combobox.focus()
    page.keyboard.type("trygghet")
    expect(page.locator("[role=option]", has_text=LONG)).to_be_visible()
    assert_fits(page)  # the open list of matches
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.locator(".combobox__chip", has_text=LONG)).to_be_visible()
    page.keyboard.press("Escape")
    assert_fits(page)  # the chip with a long name
    assert_accessible(page, axe)
    assert csp_violations == []
