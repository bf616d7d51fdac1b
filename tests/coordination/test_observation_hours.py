"""The time gaps' observation hours, on planted observations and initiatives: observed hours
and places where no initiative runs (planned: weekly times of live initiatives there) and
where no session was held (delivered: the delivery log, on the day)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from initiatives.models import Initiative, SessionMark
from partnership.coordination.queries import Scope
from partnership.coordination.queries.gaps import (
    delivered_observation_hours,
    observation_hours,
    observation_pages,
    observation_period,
)
from partnership.observations.models import Observation, ObservationCategory
from tests import factories
from tests.helpers import query_count

pytestmark = pytest.mark.django_db

h = dt.time


def en(name: str) -> str:
    with translation.override("en"):
        return reverse(name)


def last_friday() -> dt.date:
    """The latest Friday before today (within the default period, the last 4 weeks)."""
    today = timezone.localdate()
    return today - dt.timedelta(days=(today.isoweekday() - 5) % 7 or 7)


@pytest.fixture
def district():
    return factories.AreaFactory(name="Vårby")


@pytest.fixture
def yard(district):
    return factories.AreaFactory(name="Vårby gård centrum", parent=district)


@pytest.fixture
def theme():
    return factories.ThemeFactory()


def observe(area, on, start=None, end=None, count=1, category="ungdomar-i-grupp"):
    kind, _created = ObservationCategory.objects.get_or_create(
        slug=category, defaults={"name_sv": category, "name_en": category}
    )
    return Observation.objects.create(
        organization=factories.OrganizationFactory(),
        area=area,
        category=kind,
        observed_on=on,
        time_from=start,
        time_to=end,
        count=count,
    )


def runs(area, theme, weekday, start, end, **kwargs):
    initiative = factories.InitiativeFactory(areas=[area], themes=[theme], **kwargs)
    factories.ScheduleSlotFactory(
        initiative=initiative, weekday=weekday, starts_at=start, ends_at=end
    )
    return initiative


def mark(initiative, day, outcome, start, end):
    SessionMark.objects.create(
        initiative=initiative,
        on_date=day,
        starts_at=start,
        ends_at=end,
        outcome=outcome,
        via="page",
    )


def spans(page, area):
    """{area name: [(weekday, from, to, observations)]} of a page, for one area."""
    rows = {row.area.pk: row for row in page.object_list}
    if area.pk not in rows:
        return None
    return [(s.weekday, s.starts, s.ends, s.observations) for s in rows[area.pk].spans]


# --- Planned ------------------------------------------------------------------------------------


def test_an_observed_hour_with_no_initiative_is_a_gap(yard):
    friday = last_friday()
    observe(yard, friday, h(21), h(0), count=3)  # 21:00–24:00: hours 21, 22, 23
    observe(yard, friday, h(22, 30))  # a moment at 22:30
    observe(yard, friday)  # no time: in no hour, left out
    page = observation_hours(Scope())
    assert spans(page, yard) == [(5, h(21), None, 4)]
    row = page.object_list[0]
    assert (row.uncovered, row.observed) == (4, 4)


def test_an_hour_an_initiative_covers_is_not_a_gap(district, yard, theme):
    friday = last_friday()
    observe(yard, friday, h(21), h(0), count=3)
    observe(yard, friday, h(22, 30))
    # In the district that contains the yard, Fridays 22:00–23:00: hour 22 is covered.
    runs(district, theme, 5, h(22), h(23))
    page = observation_hours(Scope())
    assert spans(page, yard) == [(5, h(21), h(22), 3), (5, h(23), None, 3)]
    assert (page.object_list[0].uncovered, page.object_list[0].observed) == (3, 4)
    # Every hour covered: the yard is not listed.
    runs(yard, theme, 5, h(20), h(0))
    assert spans(observation_hours(Scope()), yard) is None


def test_what_does_not_cover_an_hour(district, yard, theme):
    friday = last_friday()
    observe(yard, friday, h(21), h(22))
    # Another day, another area (below the yard's district, not above the yard), no weekly
    # times, not live: none of them is there on Fridays at 21.
    runs(yard, theme, 4, h(21), h(22))
    runs(factories.AreaFactory(parent=district), theme, 5, h(21), h(22))
    factories.InitiativeFactory(areas=[yard], themes=[theme])
    runs(yard, theme, 5, h(21), h(22), status=Initiative.Status.COMPLETED)
    runs(yard, theme, 5, h(21), h(22), archived_at=timezone.now())
    assert spans(observation_hours(Scope()), yard) == [(5, h(21), h(22), 1)]


def test_a_window_past_midnight_continues_on_the_next_day(yard):
    friday = last_friday()
    observe(yard, friday - dt.timedelta(days=7), h(23), h(1, 30), count=2)
    assert spans(observation_hours(Scope()), yard) == [(5, h(23), None, 2), (6, h(0), h(2), 2)]


def test_the_period_bounds_the_observations(yard):
    today = timezone.localdate()
    observe(yard, today - dt.timedelta(days=40), h(12))
    assert observation_hours(Scope()).paginator.count == 0
    chosen = Scope(starts_on=today - dt.timedelta(days=60), ends_on=today + dt.timedelta(days=60))
    assert observation_period(chosen) == (today - dt.timedelta(days=60), today)
    assert spans(observation_hours(chosen), yard) is not None


def test_the_area_filter_takes_sub_areas_and_the_theme_the_categories(district, yard, theme):
    friday = last_friday()
    observe(yard, friday, h(21))
    elsewhere = factories.AreaFactory(name="Flemingsberg")
    observe(elsewhere, friday, h(21))
    assert {row.area for row in observation_hours(Scope(area=district)).object_list} == {yard}
    assert observation_hours(Scope(theme=theme)).paginator.count == 0
    ObservationCategory.objects.get(slug="ungdomar-i-grupp").themes.add(theme)
    assert observation_hours(Scope(theme=theme)).paginator.count == 2


def test_the_busiest_place_first(yard):
    friday = last_friday()
    quiet = factories.AreaFactory(name="Lugnet")
    observe(quiet, friday, h(10))
    observe(yard, friday, h(10), count=5)
    assert [row.area for row in observation_hours(Scope()).object_list] == [yard, quiet]


# --- Delivered ----------------------------------------------------------------------------------


def test_delivered_an_hour_only_a_cancelled_or_unheld_session_covers_is_a_gap(yard, theme):
    friday = last_friday()
    before = friday - dt.timedelta(days=7)
    earlier = friday - dt.timedelta(days=14)
    for day in (friday, before, earlier):
        observe(yard, day, h(21), h(22))
    walk = runs(yard, theme, 5, h(20), h(23))
    mark(walk, friday, "cancelled", h(20), h(23))
    mark(walk, before, "held", h(20), h(23))
    # ``earlier``: nobody marked the session.
    # Planned: the walk runs on Fridays 20–23, so no hour is a gap.
    assert spans(observation_hours(Scope()), yard) is None
    # Delivered: held only the week before; the cancelled and the unmarked Fridays are gaps.
    row = delivered_observation_hours(Scope()).object_list[0]
    assert [(s.weekday, s.starts, s.ends, s.observations) for s in row.spans] == [
        (5, h(21), h(22), 2)
    ]
    assert (row.uncovered, row.observed) == (2, 3)


def test_delivered_a_moved_session_covers_its_new_hours(yard, theme):
    friday = last_friday()
    observe(yard, friday, h(21), h(23))
    walk = runs(yard, theme, 5, h(18), h(19))
    SessionMark.objects.create(
        initiative=walk,
        on_date=friday,
        starts_at=h(18),
        ends_at=h(19),
        outcome="moved",
        moved_on=friday,
        moved_starts_at=h(22),
        moved_ends_at=h(1),
        via="page",
    )
    assert spans(delivered_observation_hours(Scope()), yard) == [(5, h(21), h(22), 1)]


# --- The page -------------------------------------------------------------------------------------


def test_the_gaps_page_says_the_observed_hours_in_words(coordinator_client, yard, theme):
    friday = last_friday()
    observe(yard, friday, h(21), h(0), count=2)
    walk = runs(yard, theme, 5, h(21), h(0))
    mark(walk, friday, "cancelled", h(21), h(0))
    url = en("coordinator:dashboard:gaps")
    # The observed hours are the gaps page's third view, planned and delivered together.
    observed = coordinator_client.get(url + "?view=observed").content.decode()
    assert "Observed hours with no initiative" in observed
    assert "No observed hour without an initiative." in observed
    assert "Delivered: observed hours with no session held" in observed
    assert "Friday 21:00–24:00 (2 observations)" in observed
    assert "Vårby gård centrum" in observed
    # The filter keeps the view.
    assert '<input type="hidden" name="view" value="observed">' in observed
    for view in ("", "?view=delivered"):
        problems = coordinator_client.get(url + view).content.decode()
        assert "Observed hours with no initiative" not in problems
        assert "Delivered: observed hours with no session held" not in problems


def test_the_gaps_page_in_swedish(coordinator_client, yard):
    observe(yard, last_friday(), h(21))
    response = coordinator_client.get(reverse("coordinator:dashboard:gaps"), {"view": "observed"})
    text = response.content.decode()
    assert "Observerade timmar: planerat och genomfört" in text  # the view's button
    assert "Observerade timmar utan insats" in text
    assert "fredag 21:00–22:00 (1 händelse)" in text.lower()


def _plant(n, yard, theme):
    friday = last_friday()
    for i in range(n):
        area = factories.AreaFactory(name=f"Gård {n}-{i}")
        observe(area, friday, h(i % 24), h((i + 3) % 24))
        observe(yard, friday - dt.timedelta(days=7), h(i % 24))
        walk = runs(area, theme, 5, h(i % 24), h((i + 1) % 24))
        mark(walk, friday, "held" if i % 2 else "cancelled", h(i % 24), h((i + 1) % 24))


@pytest.mark.parametrize("view", ["", "?view=delivered"])
def test_the_gaps_page_takes_as_many_queries_with_many_observations(
    coordinator_client, yard, theme, view
):
    url = en("coordinator:dashboard:gaps") + view
    _plant(2, yard, theme)
    coordinator_client.get(url)
    few = query_count(coordinator_client, url)
    _plant(30, yard, theme)
    assert query_count(coordinator_client, url) == few


def test_both_views_in_one_statement(yard, theme):
    """The gaps page asks for one view; both together read the observations once."""
    observe(yard, last_friday(), h(21))
    pages = observation_pages(Scope())
    assert [row.area for row in pages["planned"].object_list] == [yard]
    assert [row.area for row in pages["delivered"].object_list] == [yard]
