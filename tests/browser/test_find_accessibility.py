"""Accessibility scans of the initiative list with its filter form (with and without a
filter error, as a resident and as a partner)."""

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
def initiatives(organization):
    area = factories.AreaFactory(name="Vårby gård")
    theme = factories.ThemeFactory(name_sv="Nattvandring", name_en="Night walks")
    factories.TargetGroupFactory(name_sv="Unga", name_en="Young people")
    for index in range(30):
        factories.InitiativeFactory(
            title=f"Nattvandring {index:02d}",
            lead_organization=organization,
            areas=[area],
            themes=[theme],
        )


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
        "/insatser/",
        "/en/initiatives/?q=nattvandringar&running_on=abc",
        "/en/initiatives/?q=l%C3%A4xhj%C3%A4lp",
    ],
)
def test_initiative_list_has_no_wcag_violations(page, live_server, axe, initiatives, path):
    _scan(page, axe, live_server.url + path)


def test_initiative_list_for_a_partner_has_no_wcag_violations(
    page, live_server, axe, initiatives, member
):
    page.goto(live_server.url + "/en/accounts/login/")
    page.fill("input[name=login]", member.email)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url("**/en/**")
    path = "/en/initiatives/?mine=on&visibility=partners&theme=abc"
    _scan(page, axe, live_server.url + path)
    assert 'name="mine"' in page.content()
