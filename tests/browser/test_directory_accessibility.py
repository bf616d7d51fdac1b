"""Accessibility scans of the directory (list with a filter error, both matrices) and of
My pages, with data on them."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests import factories
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.fixture(scope="module")
def axe():
    return Axe()


@pytest.fixture
def directory_data(organization, other_organization):
    area = factories.AreaFactory(name="Vårby gård")
    theme = factories.ThemeFactory(name_sv="Belysning", name_en="Lighting")
    factories.ThemeFactory(name_sv="Nattvandring", name_en="Night walks")
    organization.areas.add(area)
    organization.themes.add(theme)
    factories.InitiativeFactory(lead_organization=organization)


def _scan(page, axe, url):
    csp_violations = []
    page.on(
        "console",
        lambda msg: (
            csp_violations.append(msg.text) if "Content Security Policy" in msg.text else None
        ),
    )
    response = page.goto(url)
    assert response.status == 200, f"{url} answered {response.status}: nothing real to scan"
    results = axe.run(page, options=WCAG_21_AA)
    assert results.violations_count == 0, results.generate_report()
    assert csp_violations == []


@pytest.mark.parametrize(
    "path",
    [
        "/en/who-does-what/?area=abc&kind=association",
        "/vem-gor-vad/matris/teman/",
        "/en/who-does-what/matrix/areas/?q=Stiftelsen",
    ],
)
def test_directory_pages_have_no_wcag_violations(page, live_server, axe, directory_data, path):
    _scan(page, axe, live_server.url + path)


@pytest.mark.parametrize("path", ["/en/my-pages/", "/en/my-pages/delete-account/"])
def test_my_account_pages_have_no_wcag_violations(page, live_server, axe, member, path):
    page.goto(live_server.url + "/en/accounts/login/")
    page.fill("input[name=login]", member.email)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url("**/en/**")
    _scan(page, axe, live_server.url + path)
    assert page.url == live_server.url + path, "logged in, not sent to the login page"
