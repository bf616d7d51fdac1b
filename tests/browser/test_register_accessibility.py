"""Accessibility scans of the initiative registration form: empty, and sent back with
errors next to the fields (the form works without JavaScript)."""

import pytest

from initiatives.models import Initiative
from tests import factories
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def no_tiles(settings):
    """No map tiles from the internet in tests: the point picker works without them."""
    settings.MAP_TILE_URL = ""


@pytest.fixture
def vocabulary(db):
    factories.AreaFactory(name="Vårby gård")
    factories.ThemeFactory(name_sv="Nattvandring", name_en="Night walks")
    factories.TargetGroupFactory(name_sv="Unga", name_en="Young people")


def test_register_form_has_no_wcag_violations(live_server, scan, log_in, member, vocabulary):
    log_in(member)
    scan(live_server.url + "/en/initiatives/new/")


def test_register_form_with_errors_has_no_wcag_violations_and_then_saves(
    page, live_server, axe, csp_violations, log_in, member, vocabulary
):
    log_in(member)
    page.goto(live_server.url + "/en/initiatives/new/")
    page.fill("#id_title", "Nattvandring i Vårby gård")
    page.fill("#id_summary", "Vuxna går i området fredagskvällar.")
    page.fill("#id_starts_on", "2026-03-01")
    page.fill("#id_ends_on", "2026-02-01")
    page.get_by_text("Address and the place on a map (optional)").click()
    page.fill("#id_latitude", "10")
    page.fill("#id_longitude", "17,9")
    page.check("#id_areas_0")
    page.check("#id_themes_0")
    page.select_option("#id_slots-0-weekday", "5")
    page.fill("#id_slots-0-starts_at", "22:00")
    page.fill("#id_slots-0-ends_at", "22:00")  # 21:00 would be the next day
    page.click("main form[method=post] button[type=submit]")
    assert page.locator("#id_ends_on_error").inner_text()
    assert page.locator("#id_latitude_error").inner_text()
    assert page.locator("#id_slots-0-ends_at_error").inner_text()
    assert page.input_value("#id_title") == "Nattvandring i Vårby gård"
    assert_accessible(page, axe)
    assert csp_violations == []

    page.fill("#id_ends_on", "")
    page.fill("#id_latitude", "59,265")
    page.fill("#id_slots-0-ends_at", "23:00")
    page.click("main form[method=post] button[type=submit]")
    page.wait_for_url("**/en/initiatives/nattvandring-i-varby-gard/")
    assert Initiative.objects.get().slots.count() == 1


def test_similar_initiatives_appear_as_you_type_and_lead_to_asking_to_join(
    page, live_server, axe, csp_violations, log_in, member, other_organization, vocabulary
):
    """The "someone already does this" prompt: once title, area and theme are filled in, the
    form shows the similar live initiative (no submit), accessibly; its "ask to join" link
    leads to the request form."""
    from partnership.models import Area, Theme

    twin = factories.InitiativeFactory(
        title="Nattvandringar i Vårby gård",
        lead_organization=other_organization,
        areas=[Area.objects.get()],
        themes=[Theme.objects.get()],
    )
    factories.ScheduleSlotFactory(initiative=twin, weekday=5)
    log_in(member)
    page.goto(live_server.url + "/en/initiatives/new/")
    similar = page.locator("#similar-initiatives")

    page.fill("#id_title", "Nattvandring i Vårby")
    page.check("#id_areas_0")
    assert similar.inner_text() == ""  # no theme yet: nothing asked
    page.check("#id_themes_0")

    similar.get_by_role("link", name=twin.title, exact=True).wait_for()
    assert "Föreningen Andra" in similar.inner_text()
    assert Initiative.objects.count() == 1  # nothing saved
    assert_accessible(page, axe)
    assert csp_violations == []

    similar.get_by_role(
        "link", name=f"Ask to join “{twin.title}” as a partner organisation"
    ).click()
    page.wait_for_url(f"**/en/initiatives/{twin.slug}/join/")
    assert page.get_by_role("heading", level=1).inner_text() == f"Ask to join: {twin.title}"


def test_asking_to_join_and_answering_have_no_wcag_violations(
    page, live_server, scan, log_in, outsider, org_admin, organization, other_organization
):
    from initiatives import services

    initiative = factories.InitiativeFactory(title="Läxhjälp", lead_organization=organization)
    log_in(outsider)
    scan(f"{live_server.url}/en/initiatives/{initiative.slug}/")  # "Take part"
    scan(f"{live_server.url}/en/initiatives/{initiative.slug}/join/")
    services.join_request_create(
        initiative=initiative,
        organization=other_organization,
        requested_by=outsider,
        message="Vi har läxhjälp på tisdagar.",
    )
    scan(f"{live_server.url}/en/initiatives/{initiative.slug}/")  # "Your request to join"
    page.context.clear_cookies()
    log_in(org_admin)
    scan(f"{live_server.url}/en/initiatives/{initiative.slug}/")  # "Requests to join"
    assert page.get_by_text("Vi har läxhjälp på tisdagar.").is_visible()


def test_the_point_is_picked_on_the_map_or_typed(page, live_server, csp_violations, log_in, member):
    log_in(member)
    page.goto(live_server.url + "/en/initiatives/new/")
    picker = page.locator("#point-picker")
    assert not page.locator("#point-picker-help").is_visible()  # optional: folded
    page.get_by_text("Address and the place on a map (optional)").click()
    assert page.locator("#point-picker-help").is_visible()

    picker.click()  # the middle of the map: the configured centre

    latitude, longitude = (
        float(page.input_value("#id_latitude")),
        float(page.input_value("#id_longitude")),
    )
    assert 59.20 <= latitude <= 59.33 and 17.75 <= longitude <= 18.05
    assert page.locator("#point-picker .leaflet-marker-icon").count() == 1
    # Typing moves the marker (a decimal comma too).
    page.fill("#id_latitude", "59,2700")
    page.fill("#id_longitude", "17,8800")
    assert page.locator("#point-picker .leaflet-marker-icon").count() == 1
    assert csp_violations == []


def test_the_few_things_first_and_the_similar_prompt_within_the_first_screen(
    page, live_server, log_in, member, organization
):
    """Issue 13: what, themes, where, when, then the rest; lists as long as the demo
    partnership's (16 themes, 7 areas, 19 organisations, 22 problems) fit in 3,000 px at
    1280 px, and the "someone already does this" answer shows within a screen (800 px) of
    the title."""
    areas = [factories.AreaFactory(name=f"Område {n}") for n in range(7)]
    themes = [factories.ThemeFactory() for _ in range(16)]
    for _ in range(8):
        factories.TargetGroupFactory()
    for _ in range(18):
        factories.OrganizationFactory()
    for _ in range(22):
        factories.ProblemFactory(area=areas[0], themes=[themes[0]])
    factories.InitiativeFactory(
        title="Nattvandring i Vårby gård",
        lead_organization=factories.OrganizationFactory(),
        areas=[areas[0]],
        themes=[themes[0]],
    )
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(member)
    page.goto(live_server.url + "/en/initiatives/new/")

    legends = page.locator("main form fieldset.form-section > legend").all_inner_texts()
    assert legends[:4] == ["What", "Where", "When", "Who"]
    assert page.evaluate("document.documentElement.scrollHeight") <= 3000

    page.fill("#id_title", "Nattvandring")
    page.check("#id_areas_0")
    page.check("#id_themes_0")
    similar = page.locator("#similar-initiatives")
    similar.get_by_role("link", name="Nattvandring i Vårby gård", exact=True).wait_for()
    title_top = page.locator("#id_title").bounding_box()["y"]
    assert similar.bounding_box()["y"] - title_top < 800
