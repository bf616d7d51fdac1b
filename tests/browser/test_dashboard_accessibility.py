"""Accessibility scans (axe WCAG 2.1 AA, no CSP violations) of every dashboard page, with data
in each table."""

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client

from tests import factories
from tests.helpers import login_with_second_factor

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def logged_in_coordinator(page, live_server, coordinator_with_mfa):
    """The coordinator's session cookie in the browser (two-factor login is tested elsewhere)."""
    client = Client()
    login_with_second_factor(client, coordinator_with_mfa)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    return coordinator_with_mfa


@pytest.fixture
def data():
    area = factories.AreaFactory(name="Vårby gård")
    centre = factories.AreaFactory(name="Vårby gård centrum", parent=area)
    theme = factories.ThemeFactory(name_sv="Nattvandring", name_en="Night walks")
    for n in range(3):
        initiative = factories.InitiativeFactory(
            title=f"Nattvandring {n}", areas=[centre], themes=[theme]
        )
        factories.ScheduleSlotFactory(initiative=initiative)
    problem = factories.ProblemFactory(
        title="Mörk gångväg",
        area=centre,
        themes=[theme],
        weekdays=[6],
        time_from=dt.time(22),
        time_to=dt.time(2),
    )
    initiative.problems.add(problem)
    factories.ProblemFactory(title="Klotter", area=centre, themes=[factories.ThemeFactory()])


@pytest.mark.parametrize(
    "path",
    [
        "/en/coordinator/",
        "/en/coordinator/overlaps/",
        "/en/coordinator/overlaps/?show=decided",
        "/en/coordinator/gaps/",
        "/en/coordinator/gaps/?view=delivered",
        "/en/coordinator/gaps/?view=observed",
        "/en/coordinator/coverage/",
        "/en/coordinator/attention/",
        "/en/coordinator/attention/?view=delivery",
        "/en/coordinator/report/",
        "/samordning/rapport/?starts_on=x",
    ],
)
def test_dashboard_pages_have_no_wcag_violations(
    live_server, scan, logged_in_coordinator, data, path
):
    scan(live_server.url + path)


def test_the_overlap_page_from_a_snapshot_has_no_wcag_violations(
    live_server, scan, page, logged_in_coordinator, data
):
    from partnership.coordination import services

    services.overlaps_refresh()
    scan(live_server.url + "/en/coordinator/overlaps/")
    assert page.get_by_role("button", name="Compute the pairs again now").is_visible()
