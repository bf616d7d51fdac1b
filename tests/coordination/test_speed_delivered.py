"""The gaps page's delivered observation hours: hours with observations where no session was
held (a session past midnight covers the next day's hours), read from the kept held hours
without a theme and from the session marks with one — the same when every initiative has
that theme — and a number of queries that does not grow with the sessions."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from partnership.coordination.queries import Scope
from partnership.coordination.queries.gaps import observation_pages
from tests import factories
from tests.helpers import mark_session as mark
from tests.helpers import query_count

pytestmark = pytest.mark.django_db

h = dt.time


@pytest.fixture
def places():
    town = factories.AreaFactory(name="Skärholmen")
    return town, factories.AreaFactory(name="Vårby gård", parent=town)


def test_the_delivered_hours_are_the_same_with_and_without_the_theme_all_initiatives_share(places):
    """With every initiative of a theme, choosing that theme changes nothing."""
    town, yard = places
    theme = factories.ThemeFactory()
    today = timezone.localdate()
    friday = today - dt.timedelta(days=(today.isoweekday() - 5) % 7 or 7)
    walk = factories.InitiativeFactory(areas=[town], themes=[theme])
    for start, end, n in [(h(22), h(2), 3), (h(15), h(16, 30), 2), (h(9), None, 1)]:
        observation = factories.ObservationFactory(
            area=yard, observed_on=friday, time_from=start, time_to=end, count=n
        )
        observation.category.themes.add(theme)
    mark(walk, friday, h(21, 30), h(23))  # Friday 21, 22
    mark(walk, friday + dt.timedelta(days=1), h(0, 30), h(0, 45))  # Saturday 0

    def rows(scope):
        page = observation_pages(scope, views=("delivered",), per_page=50)["delivered"]
        return [
            (r.area.pk, r.uncovered, r.observed, [(s.weekday, s.starts, s.ends) for s in r.spans])
            for r in page.object_list
        ]

    everyone = rows(Scope())
    assert everyone == rows(Scope(theme=theme))
    # Friday 23 and Saturday 1 stay open after midnight; 15–17 nobody; 9 covered by nobody.
    assert everyone == [
        (yard.pk, 6, 6, [(5, h(9), h(10)), (5, h(15), h(17)), (5, h(23), None), (6, h(1), h(2))])
    ]


def plant(area, numbers, day, start, end):
    for n in numbers:
        initiative = factories.InitiativeFactory(areas=[area])
        factories.ScheduleSlotFactory(initiative=initiative)
        mark(initiative, day - dt.timedelta(days=n % 20), start, end)
        factories.ObservationFactory(area=area, observed_on=day, time_from=h(n % 24), count=1)


def delivered_places(html: str) -> str:
    """The status line of the observed view's delivered table ("2 places")."""
    found = re.search(r'id="observed-delivered".*?<p role="status">([^<]+)</p>', html, re.S)
    assert found, "the delivered observed hours are on the page"
    return found.group(1)


@pytest.mark.parametrize("view", ["delivered", "observed"])
def test_the_delivered_views_take_as_many_queries_with_more_sessions(
    coordinator_client, places, view
):
    """The gaps page's delivered view (problems) and its observed view (observed hours,
    planned and delivered) ask the database as often with 6 sessions as with 30."""
    town, yard = places
    with translation.override("en"):
        url = reverse("coordinator:dashboard:gaps") + f"?view={view}"
    day = timezone.localdate() - dt.timedelta(days=3)
    plant(yard, range(6), day, h(18), h(20))
    coordinator_client.get(url)
    few, response = query_count(coordinator_client, url, with_response=True)
    if view == "observed":
        assert delivered_places(response.text) == "1 place"
    plant(town, range(6, 30), day, h(7), h(9))
    many, response = query_count(coordinator_client, url, with_response=True)
    if view == "observed":
        assert delivered_places(response.text) == "2 places"
    assert many == few <= 16
