"""The application form, empty and with errors, passes an axe scan (WCAG 2.1 AA)."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def test_the_application_form_and_its_errors_have_no_wcag_violations(page, live_server):
    factories.AreaFactory(name="Vårby allé")
    factories.ThemeFactory()
    axe = Axe()
    page.goto(live_server.url + "/en/who-does-what/apply/")
    results = axe.run(page, options=WCAG_21_AA)
    assert results.violations_count == 0, results.generate_report()

    page.get_by_label("Name").fill("Ny förening")
    page.get_by_role("button", name="Send the application").click()
    assert page.locator(".errorlist").count() >= 3
    assert page.get_by_label("Name").input_value() == "Ny förening"
    results = axe.run(page, options=WCAG_21_AA)
    assert results.violations_count == 0, results.generate_report()
