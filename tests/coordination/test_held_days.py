"""The hours held sessions covered, kept by the database per area and day
(``initiatives.HeldDay``, migration 0014, read by the gaps page's delivered observation
hours): always equal to the same count made here in Python from the session marks, after
every kind of write — a mark created, edited, moved, cancelled, deleted, written in bulk, an
initiative's areas changed, an initiative deleted — and when a session is marked while
another transaction changes the initiative's areas, in either order."""

import datetime as dt
import math
import threading
from collections import Counter

import pytest
from django.db import connection, transaction
from django.utils import timezone

from initiatives.models import HeldDay, Initiative, SessionMark
from tests import factories
from tests.helpers import mark_session as mark

h = dt.time


def hours(start: dt.time, end: dt.time) -> list[tuple[int, int]]:
    """(days after the session's, hour) of every hour a session touches (the gaps page's
    rule: 21:30–22:15 → 21, 22; past midnight the next day's hours)."""
    first = start.hour
    last = math.ceil((end.hour * 3600 + end.minute * 60 + end.second) / 3600)
    if end > start:
        return [(0, hour) for hour in range(first, last)]
    return [(0, hour) for hour in range(first, 24)] + [(1, hour) for hour in range(last)]


def raw() -> Counter:
    """The counts from the marks: every held or moved mark, once per area of its initiative,
    on the day and at the times it was held."""
    counts = Counter()
    for held in SessionMark.objects.filter(outcome__in=["held", "moved"]):
        day = held.moved_on or held.on_date
        start = held.moved_starts_at or held.starts_at
        end = held.moved_ends_at or held.ends_at
        for area_id in held.initiative.areas.values_list("pk", flat=True):
            for after, hour in hours(start, end):
                counts[(area_id, day + dt.timedelta(days=after), hour)] += 1
    return counts


def hours_of(row: HeldDay) -> list[int]:
    """The hours of a kept day at least one held session touched."""
    return [hour for hour, count in enumerate(row.sessions) if count]


def kept() -> Counter:
    """The kept counts, after checking each row's mask against its counts."""
    counts = Counter()
    for row in HeldDay.objects.all():
        assert any(row.sessions), "a row whose counts all fell to 0 is deleted"
        assert row.mask == sum(1 << hour for hour in hours_of(row))
        for hour, n in enumerate(row.sessions):
            if n:
                counts[(row.area_id, row.held_on, hour)] = n
    return counts


@pytest.fixture
def places():
    town = factories.AreaFactory(name="Skärholmen")
    return town, factories.AreaFactory(name="Vårby gård", parent=town)


@pytest.mark.django_db
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
    assert kept()[(yard.pk, day + dt.timedelta(days=2), 1)] == 1  # the next day's row
    assert hours_of(HeldDay.objects.get(area_id=yard.pk, held_on=day)) == [21, 22]

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
    assert HeldDay.objects.count() == 0
    assert kept() == raw() == Counter()


def _at_once(first, second) -> None:
    """``first`` writes and holds its transaction open until ``second`` has started its own
    write (which may wait for ``first``'s locks), then commits; each in its own connection."""
    started = threading.Event()
    errors = []

    def run(write, before_commit):
        try:
            with transaction.atomic():
                write()
                before_commit()
        except Exception as error:  # noqa: BLE001 - reported by the test below
            errors.append(error)
        finally:
            connection.close()

    def hold():
        started.set()
        # Time for the second writer to reach its trigger while this one is uncommitted.
        threading.Event().wait(0.5)

    one = threading.Thread(target=run, args=(first, hold))
    two = threading.Thread(target=run, args=(lambda: (started.wait(5), second()), lambda: None))
    one.start()
    two.start()
    one.join(10)
    two.join(10)
    assert errors == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("mark_first", [True, False], ids=["mark-first", "area-first"])
def test_a_session_marked_while_the_areas_change_counts_once_in_each_area(places, mark_first):
    """Without the triggers' locks neither transaction sees the other's uncommitted row and
    the new area would miss the session's hours (or, removing an area, keep them)."""
    town, yard = places
    day = timezone.localdate() - dt.timedelta(days=3)
    walk = factories.InitiativeFactory(areas=[yard])
    mark(walk, day - dt.timedelta(days=1), h(18), h(19))

    def new_mark():
        mark(walk, day, h(21), h(23))

    def new_area():
        walk.areas.add(town)

    if mark_first:
        _at_once(new_mark, new_area)
    else:
        _at_once(new_area, new_mark)
    assert kept() == raw()
    assert kept()[(town.pk, day, 21)] == 1
    assert kept()[(town.pk, day - dt.timedelta(days=1), 18)] == 1
