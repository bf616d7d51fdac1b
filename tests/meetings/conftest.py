"""A small partnership with something on each of the agenda's lists: a problem recorded
this week that nobody addresses, a responsibility overdue, and two initiatives of different
organisations doing the same kind of work in the same place."""

import datetime as dt

import pytest
from django.utils import timezone

from partnership.meetings import services
from partnership.problems.models import ProblemResponsibility
from tests import factories

TODAY = dt.date.today()


@pytest.fixture
def area():
    return factories.AreaFactory(name="Vårby gård centrum")


@pytest.fixture
def theme():
    return factories.ThemeFactory(name_sv="Nattvandring", name_en="Night walks")


@pytest.fixture
def problem(area, theme, organization):
    return factories.ProblemFactory(
        title="Mörk gångväg vid tunnelbanan",
        area=area,
        themes=[theme],
        recorded_by_organization=organization,
        severity=4,
    )


@pytest.fixture
def overdue(area, theme, other_organization):
    late = factories.ProblemFactory(
        title="Nedskräpning på torget", area=area, themes=[theme], status="being_addressed"
    )
    return ProblemResponsibility.objects.create(
        problem=late,
        organization=other_organization,
        role="lead",
        commitment="Städa torget varje måndag",
        due_on=TODAY - dt.timedelta(days=3),
    )


@pytest.fixture
def pair(area, theme, organization, other_organization):
    return (
        factories.InitiativeFactory(
            title="Nattvandring fredagar",
            lead_organization=organization,
            areas=[area],
            themes=[theme],
        ),
        factories.InitiativeFactory(
            title="Föräldravandring",
            lead_organization=other_organization,
            areas=[area],
            themes=[theme],
        ),
    )


@pytest.fixture
def dashboard(problem, overdue, pair):
    """Everything the agenda draws from."""
    return {"problem": problem, "overdue": overdue, "pair": pair}


def at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def meeting_data(organizations, *, day=TODAY, kind="operative", hour=9):
    return {
        "kind": kind,
        "starts_at": at(day, hour),
        "ends_at": at(day, hour + 1),
        "place": "Vårby gårds bibliotek",
        "link": "",
        "invited_organizations": list(organizations),
    }


@pytest.fixture
def make_meeting(coordinator_with_mfa):
    def make(organizations, **kwargs):
        return services.meeting_create(
            data=meeting_data(organizations, **kwargs), actor=coordinator_with_mfa
        )

    return make
