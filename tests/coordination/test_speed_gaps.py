"""The gaps page at scale (issue 12): its observation hours are read as hour bitmasks (no row
per observed hour), and neither view's query count grows with problems, initiatives,
sessions or observations. Planted data: a window past midnight is checked against the next
day's weekly times (planned) and sessions held (delivered)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from initiatives.models import SessionMark
from partnership.coordination.queries import Scope
from partnership.coordination.queries.gaps import observation_pages
from tests import factories
from tests.helpers import query_count

pytestmark = pytest.mark.django_db

h = dt.time


def gaps_url(view=""):
    with translation.override("en"):
        return reverse("coordinator:dashboard:gaps") + view


def last_friday() -> dt.date:
    today = timezone.localdate()
    return today - dt.timedelta(days=(today.isoweekday() - 5) % 7 or 7)


def observe(area, on, start, end=None, count=1):
    return factories.ObservationFactory(
        area=area, observed_on=on, time_from=start, time_to=end, count=count
    )


def runs(area, theme, weekday, start, end):
    initiative = factories.InitiativeFactory(areas=[area], themes=[theme])
    factories.ScheduleSlotFactory(
        initiative=initiative, weekday=weekday, starts_at=start, ends_at=end
    )
    return initiative


def held(initiative, day, start, end, outcome="held"):
    SessionMark.objects.create(
        initiative=initiative,
        on_date=day,
        starts_at=start,
        ends_at=end,
        outcome=outcome,
        via="page",
    )


def spans(page, area):
    rows = {row.area.pk: row for row in page.object_list}
    return [(s.weekday, s.starts, s.ends, s.observations) for s in rows[area.pk].spans]


@pytest.fixture
def yard():
    return factories.AreaFactory(name="Vårby gård centrum")


@pytest.fixture
def theme():
    return factories.ThemeFactory()


def test_the_hours_after_midnight_are_checked_against_the_next_day(yard, theme):
    """Friday 22:00–02:00 touches Friday 22, 23 and Saturday 0, 1. A Saturday slot (planned)
    and a session held that Saturday (delivered) from midnight to 01:00 leave Friday 22–24
    and Saturday 01–02 open."""
    friday = last_friday()
    observe(yard, friday, h(22), h(2), count=3)
    walk = runs(yard, theme, 6, h(0), h(1))
    held(walk, friday + dt.timedelta(days=1), h(0), h(1))
    pages = observation_pages(Scope())
    expected = [(5, h(22), None, 3), (6, h(1), h(2), 3)]
    assert spans(pages["planned"], yard) == expected
    assert spans(pages["delivered"], yard) == expected
    row = pages["planned"].object_list[0]
    assert (row.uncovered, row.observed) == (3, 3)


def test_a_cancelled_session_past_midnight_covers_nothing(yard, theme):
    friday = last_friday()
    observe(yard, friday, h(23), h(1))
    walk = runs(yard, theme, 5, h(22), h(2))
    held(walk, friday, h(22), h(2), outcome="cancelled")
    pages = observation_pages(Scope())
    assert pages["planned"].paginator.count == 0  # the weekly time covers both days
    assert spans(pages["delivered"], yard) == [(5, h(23), None, 1), (6, h(0), h(1), 1)]


def _plant(n, theme):
    friday = last_friday()
    for i in range(n):
        area = factories.AreaFactory(name=f"Gård {n}-{i}")
        observe(area, friday, h(i % 24), h((i + 5) % 24), count=1 + i % 3)
        walk = runs(area, theme, 5, h(i % 24), h((i + 1) % 24))
        held(walk, friday, h(i % 24), h((i + 1) % 24), "held" if i % 2 else "cancelled")
        # A problem addressed at the wrong hour (a time gap, and a delivered gap) and one
        # nobody addresses (a gap).
        timed = factories.ProblemFactory(area=area, themes=[theme], weekdays=[5, 6])
        timed.initiatives.add(walk)
        factories.ProblemFactory(area=area, themes=[theme])


@pytest.mark.parametrize("view", ["", "?view=delivered"])
def test_neither_view_takes_more_queries_with_more_rows(coordinator_client, theme, view):
    _plant(2, theme)
    coordinator_client.get(gaps_url(view))
    few, response = query_count(coordinator_client, gaps_url(view), with_response=True)
    assert "Gård 2-1" in response.text
    _plant(30, theme)
    many, response = query_count(coordinator_client, gaps_url(view), with_response=True)
    assert "Gård 30-29" in response.text
    assert many == few
