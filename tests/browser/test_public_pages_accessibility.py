"""axe (WCAG 2.1 A/AA) on the pages issue 14 changed, in Swedish and English: the home
page with this week and the newest results, "Ni sa, vi gjorde" by what was done and a
problem's own page."""

import datetime as dt

import pytest

from partnership.problems.models import Problem, ProblemResponsibility
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def planted(settings, organization):
    settings.MAP_TILE_URL = ""
    today = dt.date.today()
    initiative = factories.InitiativeFactory(
        title="Nattvandring", lead_organization=organization, starts_on=today
    )
    for weekday in range(1, 8):
        factories.ScheduleSlotFactory(
            initiative=initiative, weekday=weekday, starts_at=dt.time(21), ends_at=dt.time(2)
        )
    done = factories.ProblemFactory(
        title="Mörk gångtunnel",
        status=Problem.Status.RESOLVED,
        outcome="Ny belysning.",
        visibility="public",
    )
    ProblemResponsibility.objects.create(
        problem=done, organization=organization, role="lead", commitment="Byta lampor."
    )
    factories.ProblemFactory(title="Skräp vid torget", visibility="public")
    return done


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_changed_public_pages_have_no_wcag_violations(live_server, scan, planted, prefix):
    problems = "/ni-sa-vi-gjorde/" if not prefix else "/en/you-said-we-did/"
    for path in [f"{prefix}/", problems, f"{problems}{planted.public_id}/"]:
        scan(live_server.url + path)


def test_changed_public_pages_do_not_scroll_sideways_at_360_px(page, live_server, planted):
    page.set_viewport_size({"width": 360, "height": 740})
    for path in [
        "/",
        "/insatser/",
        "/ni-sa-vi-gjorde/",
        f"/ni-sa-vi-gjorde/{planted.public_id}/",
        f"/en/you-said-we-did/{planted.public_id}/",
    ]:
        page.goto(live_server.url + path)
        width = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert width[0] <= width[1], f"{path} is {width[0]} px wide"
