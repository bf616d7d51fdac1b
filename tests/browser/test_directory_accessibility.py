"""Accessibility scans of the directory (list with a filter error, both matrices) and of
My pages, with data on them."""

import pytest

from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def directory_data(organization, other_organization):
    area = factories.AreaFactory(name="Vårby gård")
    theme = factories.ThemeFactory(name_sv="Belysning", name_en="Lighting")
    factories.ThemeFactory(name_sv="Nattvandring", name_en="Night walks")
    organization.areas.add(area)
    organization.themes.add(theme)
    factories.InitiativeFactory(lead_organization=organization)


@pytest.mark.parametrize(
    "path",
    [
        "/en/who-does-what/?area=abc&kind=association",
        "/vem-gor-vad/matris/teman/",
        "/en/who-does-what/matrix/areas/?q=Stiftelsen",
    ],
)
def test_directory_pages_have_no_wcag_violations(live_server, scan, directory_data, path):
    scan(live_server.url + path)


@pytest.mark.parametrize("path", ["/en/my-pages/", "/en/my-pages/delete-account/"])
def test_my_account_pages_have_no_wcag_violations(page, live_server, scan, log_in, member, path):
    log_in(member)
    scan(live_server.url + path)
    assert page.url == live_server.url + path, "logged in, not sent to the login page"
