"""Registering an initiative with the keyboard only (issue 13): from an empty form to a saved
initiative, moving with Tab, choosing with Space, Enter and the arrow keys — no mouse, no
programmatic focus. A first empty submit moves the focus to the error summary; the
searchable pickers (static/js/combobox.js) find a partner organisation and a problem by
typing, add them as chips and remove one from its chip's button."""

import re

import pytest
from playwright.sync_api import expect

from initiatives.models import Initiative
from tests import factories
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

MAX_TABS = 150


@pytest.fixture(autouse=True)
def no_tiles(settings):
    """No map tiles from the internet in tests: the point picker works without them."""
    settings.MAP_TILE_URL = ""


@pytest.fixture
def planted(db):
    factories.AreaFactory(name="Vårby gård")
    factories.ThemeFactory(name_sv="Nattvandring", name_en="Night walks")
    factories.OrganizationFactory(name="Vårby gårds skola")
    factories.OrganizationFactory(name="Brf Vårby Strand")
    problem = factories.ProblemFactory(title="Mörk gångtunnel vid centrum")
    # More problems than the list box shows would not change a thing: the search finds all.
    return problem


def focused(page) -> str:
    """What has the focus, as ``tag#id`` (or its role and text when it has no id)."""
    return page.evaluate(
        """() => {
          const el = document.activeElement;
          if (!el) return "";
          return el.id ? `${el.tagName.toLowerCase()}#${el.id}`
                       : `${el.tagName.toLowerCase()}:${(el.textContent || "").trim()}`;
        }"""
    )


def tab_to(page, selector: str) -> None:
    """Press Tab until the element matching ``selector`` has the focus (fails after
    ``MAX_TABS``): the element is reachable by keyboard, in the page's order."""
    for _ in range(MAX_TABS):
        if page.evaluate("(s) => document.activeElement?.matches(s) ?? false", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} not reached with Tab; focus on {focused(page)}")


def choose_in_picker(page, field_id: str, text: str, label: str) -> None:
    """Type in the picker, move to the match with Down, add it with Enter."""
    tab_to(page, f"#{field_id}")
    page.keyboard.type(text)
    option = page.locator(f"#{field_id} ~ [role=listbox] [role=option]", has_text=label)
    expect(option).to_be_visible()
    expect(page.locator(f"#{field_id}")).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("ArrowDown")
    while page.locator(f"#{field_id}").get_attribute(
        "aria-activedescendant"
    ) != option.get_attribute("id"):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(option).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Escape")
    expect(page.locator(f"#{field_id}")).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Escape")  # and clear the text
    expect(page.locator(f"#{field_id}")).to_have_value("")


def test_register_an_initiative_with_the_keyboard_only(
    page, live_server, axe, csp_violations, log_in, member, organization, planted
):
    log_in(member)
    page.goto(live_server.url + "/en/initiatives/new/")

    # An empty submit: Enter in the first field. The error summary takes the focus.
    tab_to(page, "#id_title")
    # The answer has the same address: wait for its load, not for an address already shown.
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("role", "alert")
    # Its first link leads to the title, the first field in error.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#id_title")).to_be_focused()

    page.keyboard.type("Nattvandring på torget")
    expect(page.locator("#id_title")).to_have_value("Nattvandring på torget")
    tab_to(page, "#id_summary")
    page.keyboard.type("Vuxna går i området fredagskvällar.")
    tab_to(page, "input[name=themes]")
    page.keyboard.press("Space")
    tab_to(page, "input[name=areas]")
    page.keyboard.press("Space")
    tab_to(page, "#id_starts_on")
    page.keyboard.type("03012026")  # mm dd yyyy in an en-US browser

    # The partner organisations: two chosen by typing, one removed from its chip.
    choose_in_picker(page, "id_partner_organizations", "vårby", "Vårby gårds skola")
    choose_in_picker(page, "id_partner_organizations", "strand", "Brf Vårby Strand")
    chips = page.locator("#id_partner_organizations ~ .combobox__chips, .combobox__chips").first
    expect(chips.locator("li")).to_have_count(2)
    # Back to the chips' remove buttons (the chips follow the list's order: by name).
    page.keyboard.press("Shift+Tab")
    expect(page.locator(":focus")).to_have_attribute("aria-label", "Remove Vårby gårds skola")
    page.keyboard.press("Shift+Tab")
    expect(page.locator(":focus")).to_have_attribute("aria-label", "Remove Brf Vårby Strand")
    page.keyboard.press("Enter")
    expect(chips.locator("li")).to_have_count(1)
    expect(chips).to_contain_text("Vårby gårds skola")
    # The focus stays in the picker (the remaining chip's button), never lost to the page.
    expect(page.locator(":focus")).to_have_attribute("aria-label", "Remove Vårby gårds skola")

    # The problem addressed, from three characters.
    choose_in_picker(page, "id_problems", "gångtunnel", "Mörk gångtunnel vid centrum")

    assert_accessible(page, axe)

    # Save: Tab to the button, Enter.
    tab_to(page, "main form[method=post] button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/initiatives/nattvandring-pa-torget/")
    initiative = Initiative.objects.get()
    assert initiative.title == "Nattvandring på torget"
    assert [o.name for o in initiative.partner_organizations.all()] == ["Vårby gårds skola"]
    assert [p.title for p in initiative.problems.all()] == [planted.title]
    assert initiative.lead_organization == organization
    assert csp_violations == []


def test_without_javascript_the_list_boxes_are_the_control(
    browser, live_server, member, organization, planted
):
    """No script: the partner organisations and problems are the plain list boxes, and the
    register page loads no picker script's output."""
    from tests.factories import PASSWORD

    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/en/accounts/login/")
    page.fill("input[name=login]", member.email)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url("**/en/**")
    page.goto(live_server.url + "/en/initiatives/new/")
    expect(page.locator("select#id_partner_organizations[multiple]")).to_be_visible()
    expect(page.locator("select#id_problems[multiple]")).to_be_visible()
    expect(page.locator("[role=combobox]")).to_have_count(0)
    context.close()
