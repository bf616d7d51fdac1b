"""Setting up two-factor in a browser: the page a coordinator lands on after logging in is
accessible, its key field is reached by keyboard, and the copy button copies the key."""

import pytest

from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_set_up_page_is_accessible_and_its_key_can_be_reached_and_copied(
    page, live_server, axe, csp_violations, log_in, coordinator
):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    log_in(coordinator)

    page.goto(live_server.url + "/en/coordinator/")

    assert page.locator("h1").inner_text() == "Set up an authenticator app"
    assert_accessible(page, axe)
    assert csp_violations == []
    key = page.locator("#authenticator_secret")
    secret = key.input_value()
    key.focus()
    assert page.evaluate("document.activeElement.id") == "authenticator_secret"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Copy the key"

    page.keyboard.press("Enter")

    status = page.locator('[data-copy-status="authenticator_secret"]')
    status.filter(has_text="The key is copied.").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == secret
