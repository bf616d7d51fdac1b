"""The error summary in a browser (issue 13): after a submission with errors the focus is on
the summary — with JavaScript and without it (``autofocus``) — so a screen reader reads it
first; a link in it moves the focus to its field, and for a group of checkboxes brings the
question into view with it. The page with errors passes the WCAG scan."""

import pytest

from tests import factories
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

FOCUSED_SUMMARY = "document.activeElement.hasAttribute('data-error-summary')"


@pytest.fixture
def apply_url(live_server):
    factories.AreaFactory(name="Vårby gård centrum")
    factories.ThemeFactory(name_sv="Belysning", name_en="Lighting")
    return live_server.url + "/en/who-does-what/apply/"


def send_empty(page, url: str) -> None:
    page.goto(url)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


def test_focus_lands_on_the_summary_and_its_links_move_it_to_the_fields(
    page, apply_url, axe, csp_violations
):
    send_empty(page, apply_url)
    assert page.title().startswith("Error: ")
    assert page.evaluate(FOCUSED_SUMMARY)

    # The keyboard goes from the summary to its first link, and the link to the field.
    page.keyboard.press("Tab")
    first = page.evaluate("document.activeElement.getAttribute('href')")
    assert first == "#id_name"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "id_name"

    assert_accessible(page, axe)
    assert csp_violations == []


def test_a_link_to_a_group_of_checkboxes_focuses_the_first_and_shows_the_question(
    page, live_server, log_in, member, apply_url
):
    log_in(member)
    send_empty(page, live_server.url + "/en/problems/new/")
    assert page.evaluate(FOCUSED_SUMMARY)
    page.locator(".error-summary a[href='#id_themes_0']").click()
    assert page.evaluate("document.activeElement.id") == "id_themes_0"
    legend = page.locator("legend", has_text="Themes")
    box = legend.bounding_box()
    assert 0 <= box["y"] < page.viewport_size["height"], "the question is scrolled into view"


def test_without_javascript_the_summary_still_has_the_focus(browser, apply_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    send_empty(page, apply_url)
    assert page.title().startswith("Error: ")
    assert page.evaluate(FOCUSED_SUMMARY)
    context.close()
