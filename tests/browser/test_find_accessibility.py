"""Accessibility scans of the initiative list with its filter form (with and without a
filter error, as a resident and as a partner)."""

import pytest

from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


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


@pytest.mark.parametrize(
    "path",
    [
        "/insatser/",
        "/en/initiatives/?q=nattvandringar&running_on=abc",
        "/en/initiatives/?q=l%C3%A4xhj%C3%A4lp",
    ],
)
def test_initiative_list_has_no_wcag_violations(live_server, scan, initiatives, path):
    scan(live_server.url + path)


def test_initiative_list_for_a_partner_has_no_wcag_violations(
    page, live_server, scan, log_in, initiatives, member
):
    log_in(member)
    path = "/en/initiatives/?mine=on&visibility=partners&theme=abc"
    scan(live_server.url + path)
    assert 'name="mine"' in page.content()
