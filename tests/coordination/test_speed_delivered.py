"""The hours held sessions covered, kept by the database per area, day and hour
(``initiatives.HeldHour``) and as masks per area and day (``HeldDay``, migration 0014, read
by the gaps page's delivered observation hours): always equal to the same count made from the
session marks, after every kind of write — a mark created, edited, moved, cancelled, deleted,
written in bulk, an initiative's areas changed, an initiative deleted — and the page reads the
same from them as from the marks."""

import datetime as dt
import math
from collections import Counter

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from initiatives.models import HeldDay, HeldHour, Initiative, SessionMark
from partnership.coordination.queries import Scope
from partnership.coordination.queries.gaps import observation_pages
from tests import factories
from tests.helpers import query_count

pytestmark = pytest.mark.django_db

h = dt.time


def slots(start: dt.time, end: dt.time) -> list[int]:
    """The hours a session touches (the gaps page's rule), 24 + h for hour h of the next day."""
    first = start.hour
    last = math.ceil((end.hour * 3600 + end.minute * 60 + end.second) / 3600)
    if end > start:
        return list(range(first, last))
    return list(range(first, 24)) + [24 + hour for hour in range(last)]


def raw() -> Counter:
    """The counts from the marks, in Python: every held or moved mark, once per area of its
    initiative, on the day and at the times it was held."""
    counts = Counter()
    for mark in SessionMark.objects.filter(outcome__in=["held", "moved"]):
        day = mark.moved_on or mark.on_date
        start = mark.moved_starts_at or mark.starts_at
        end = mark.moved_ends_at or mark.ends_at
        for area_id in mark.initiative.areas.values_list("pk", flat=True):
            for slot in slots(start, end):
                counts[(area_id, day, slot)] += 1
    return counts


def kept() -> Counter:
    """The kept counts, after checking the kept masks per area and day against them."""
    counts = Counter(
        {(row.area_id, row.held_on, row.slot): row.sessions for row in HeldHour.objects.all()}
    )
    masks = {}
    for (area_id, day, slot), n in raw().items():
        assert n > 0
        mask, next_mask = masks.get((area_id, day), (0, 0))
        if slot < 24:
            mask |= 1 << slot
        else:
            next_mask |= 1 << (slot - 24)
        masks[(area_id, day)] = (mask, next_mask)
    assert {(d.area_id, d.held_on): (d.mask, d.next_mask) for d in HeldDay.objects.all()} == masks
    return counts


def mark(initiative, day, start, end, outcome="held", **fields):
    return SessionMark.objects.create(
        initiative=initiative,
        on_date=day,
        starts_at=start,
        ends_at=end,
        outcome=outcome,
        via="page",
        **fields,
    )


@pytest.fixture
def places():
    town = factories.AreaFactory(name="Skärholmen")
    return town, factories.AreaFactory(name="Vårby gård", parent=town)


def test_the_kept_hours_equal_the_marks_after_every_kind_of_write(places):
    town, yard = places
    day = timezone.localdate() - dt.timedelta(days=10)
    walk = factories.InitiativeFactory(areas=[yard])
    club = factories.InitiativeFactory(areas=[town, yard])

    first = mark(walk, day, h(21, 30), h(22, 15))  # 21, 22
    mark(walk, day + dt.timedelta(days=1), h(22), h(2))  # past midnight
    mark(club, day, h(18), h(20), outcome="cancelled")  # covers nothing
    assert kept() == raw()
    assert kept()[(yard.pk, day, 21)] == 1
    assert kept()[(yard.pk, day + dt.timedelta(days=1), 24 + 1)] == 1

    # Edited, moved, cancelled.
    first.ends_at = h(23, 59)
    first.save()
    assert kept() == raw()
    SessionMark.objects.filter(outcome="cancelled").update(
        outcome="moved",
        moved_on=day + dt.timedelta(days=9),
        moved_starts_at=h(8),
        moved_ends_at=h(9),
    )
    assert kept()[(town.pk, day + dt.timedelta(days=9), 8)] == 1
    assert kept() == raw()
    first.outcome = "cancelled"
    first.save()
    assert kept() == raw()

    # Many marks in one statement, then all of an initiative's in one delete.
    SessionMark.objects.bulk_create(
        SessionMark(
            initiative=club,
            on_date=day - dt.timedelta(days=n),
            starts_at=h(19),
            ends_at=h(21),
            outcome="held",
            via="email",
        )
        for n in range(1, 30)
    )
    assert kept() == raw()
    SessionMark.objects.filter(initiative=walk).delete()
    assert kept() == raw()

    # The initiative's areas change: its held hours move with it.
    club.areas.set([yard])
    assert kept() == raw()
    assert not any(key[0] == town.pk for key in kept())
    club.areas.add(town)
    assert kept() == raw()

    # An initiative deleted takes its marks' hours along; rows at 0 are gone.
    Initiative.objects.filter(pk=club.pk).delete()
    assert HeldHour.objects.count() == HeldDay.objects.count() == 0
    assert kept() == raw() == Counter()


def test_the_delivered_hours_read_the_same_from_the_kept_hours_as_from_the_marks(places):
    """Without a theme the page reads the kept hours; with one, the marks (the kept hours are
    every initiative's). With every initiative of that theme both must agree."""
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


def test_the_delivered_view_takes_as_many_queries_with_more_sessions(coordinator_client, places):
    town, yard = places
    with translation.override("en"):
        url = reverse("coordinator:dashboard:gaps") + "?view=delivered"
    day = timezone.localdate() - dt.timedelta(days=3)
    plant(yard, range(6), day, h(18), h(20))
    coordinator_client.get(url)
    few, response = query_count(coordinator_client, url, with_response=True)
    assert "Vårby gård" in response.text
    plant(town, range(6, 30), day, h(7), h(9))
    many, response = query_count(coordinator_client, url, with_response=True)
    assert "Skärholmen" in response.text
    assert many == few <= 16
