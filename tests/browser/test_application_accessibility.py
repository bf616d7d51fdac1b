"""The application form, empty and with errors, passes an axe scan (WCAG 2.1 AA)."""

import pytest

from tests import factories
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_application_form_and_its_errors_have_no_wcag_violations(page, live_server, scan, axe):
    factories.AreaFactory(name="Vårby allé")
    factories.ThemeFactory()
    scan(live_server.url + "/en/who-does-what/apply/")

    page.get_by_label("Name").fill("Ny förening")
    page.get_by_role("button", name="Send the application").click()
    assert page.locator(".errorlist").count() >= 3
    assert page.get_by_label("Name").input_value() == "Ny förening"
    assert_accessible(page, axe)
