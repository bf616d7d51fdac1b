"""Observations in a browser (issue 15): a reporter logs one at 360 × 740 with the keyboard
alone (a refusal of a name in the note read from the error summary first), is offered the
next with the place and date kept, and axe finds nothing on the form and the list, in
Swedish and English."""

import pytest
from django.utils import timezone

from partnership.observations.models import Observation, ObservationCategory
from tests import factories
from tests.browser.conftest import assert_accessible
from tests.browser.test_resident_reports import focused, tab_to

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def reporter(settings, organization):
    settings.MAP_TILE_URL = ""  # offline: the map works without tiles
    # The live server's tests flush the tables: the seeded categories are made again.
    for position, (slug, name_sv, name_en) in enumerate(
        [
            ("nedskrapning", "Nedskräpning", "Littering"),
            ("ungdomar-i-grupp", "Ungdomar i grupp", "Young people in groups"),
            ("belysning", "Belysning ur funktion", "Lighting out of order"),
        ],
        start=1,
    ):
        ObservationCategory.objects.get_or_create(
            slug=slug, defaults={"name_sv": name_sv, "name_en": name_en, "position": position}
        )
    factories.AreaFactory(name="Vårby allé", slug="varby-alle")
    factories.AreaFactory(name="Vårby gård centrum", slug="varby-gard-centrum")
    user = factories.UserFactory(email="bovard@example.org", first_name="Bo")
    factories.MembershipFactory(user=user, organization=organization, is_reporter=True)
    factories.ObservationFactory(
        organization=organization,
        area=factories.AreaFactory(name="Vårby udde"),
        note="Glas vid stranden",
        reported_by=user,
    )
    return user


def test_a_reporter_logs_an_observation_by_keyboard_at_360_px(
    page, live_server, log_in, reporter, axe
):
    page.set_viewport_size(PHONE)
    log_in(reporter)
    page.goto(live_server.url + "/handelser/ny/")
    assert_accessible(page, axe)
    # What: the second category, by the arrow keys in the radio group.
    tab_to(page, "id_category_0")
    page.keyboard.press("ArrowDown")
    assert page.is_checked("#id_category_1")
    chosen = page.input_value("#id_category_1")
    tab_to(page, "id_count")
    page.keyboard.press("Control+A")
    page.keyboard.type("8")
    # When: today (the default), some time that day. Where: the first area of the list.
    assert page.input_value("#id_observed_on") == timezone.localdate().isoformat()
    tab_to(page, "id_area")
    page.keyboard.press("ArrowDown")
    tab_to(page, "id_note")
    page.keyboard.type("Killen som heter Kalle stod vid porten")
    tab_to(page, "save-observation")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-error-summary]")
    assert "namnge en person" in page.inner_text("[data-error-summary]")
    assert not Observation.objects.filter(count=8).exists()
    # The summary has the focus; its link leads to the note, which kept the input.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert focused(page) == "id_note"
    assert page.input_value("#id_count") == "8"
    assert_accessible(page, axe)
    page.keyboard.press("Control+A")
    page.keyboard.type("Stor grupp vid tunnelbaneuppgången.")
    tab_to(page, "save-observation")
    page.keyboard.press("Enter")
    page.wait_for_url("**/handelser/ny/?area=*")
    assert "Sparat. Logga en till?" in page.inner_text("main")
    saved = Observation.objects.get(count=8)
    assert str(saved.category.pk) == chosen
    assert saved.note == "Stor grupp vid tunnelbaneuppgången."
    assert saved.time_from is None
    # The next one starts at the same place and date.
    assert page.input_value("#id_area") == str(saved.area.pk)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page, axe)


@pytest.mark.parametrize(
    "paths", [["/handelser/ny/", "/handelser/"], ["/en/observations/new/", "/en/observations/"]]
)
def test_the_form_and_the_list_are_accessible(page, live_server, log_in, reporter, axe, paths):
    log_in(reporter)
    for path in paths:
        page.set_viewport_size(PHONE)
        response = page.goto(live_server.url + path)
        assert response.status == 200
        assert_accessible(page, axe)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert "Glas vid stranden" in page.inner_text("main")
