"""The home page's "this week" at national scale (issue 16, ``initiatives/week.py``): one query
that reads each day's sessions in the order of the index ``slot_week_idx`` and stops at 12 —
so among sessions that start at the same minute the oldest initiatives come first (shown by
title), a cancelled or moved session gives its place to the next, and a session of an
initiative that is not public, not current or outside its period never takes a place."""

import datetime as dt
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from initiatives import week
from initiatives.models import SessionMark
from tests import factories

pytestmark = pytest.mark.django_db

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
# Wednesday 17 June 2026, 10:00.
WEDNESDAY = dt.datetime(2026, 6, 17, 10, 0, tzinfo=STOCKHOLM)
THURSDAY = dt.date(2026, 6, 18)


def plant(title, *, weekday=4, start=18, **kwargs):
    initiative = factories.InitiativeFactory(
        title=title, starts_on=kwargs.pop("starts_on", dt.date(2026, 6, 1)), **kwargs
    )
    factories.ScheduleSlotFactory(
        initiative=initiative,
        weekday=weekday,
        starts_at=dt.time(start),
        ends_at=dt.time(start + 2),
    )
    return initiative


def titles(sessions) -> list[str]:
    return [session.title for session in sessions]


def test_the_oldest_initiatives_first_among_those_at_the_same_time_shown_by_title():
    # Planted in reverse alphabetical order: the first twelve planted are shown, by title.
    names = [f"Insats {letter}" for letter in "PONMLKJIHGFEDCBA"]
    for name in names:
        plant(name)
    sessions = week._sessions(WEDNESDAY)
    assert titles(sessions) == sorted(names[: week.WEEK_LIMIT])
    assert {session.day for session in sessions} == {THURSDAY}


def test_earlier_sessions_come_first_whoever_is_older():
    plant("Kvällsfika", start=19)
    plant("Morgonpromenad", start=8)
    plant("Eftermiddag i dag", weekday=3, start=14)
    assert titles(week._sessions(WEDNESDAY)) == [
        "Eftermiddag i dag",
        "Morgonpromenad",
        "Kvällsfika",
    ]


def test_sessions_that_cannot_be_shown_give_their_place_to_the_next():
    cancelled = plant("A inställd")
    moved = plant("B flyttad")
    plant("C pausad", status="paused")
    plant("D bara för partner", visibility="partners")
    plant("E slutade i går", ends_on=dt.date(2026, 6, 16))
    plant("F börjar i juli", starts_on=dt.date(2026, 7, 1))
    for initiative, outcome in ((cancelled, "cancelled"), (moved, "moved")):
        SessionMark.objects.create(
            initiative=initiative,
            on_date=THURSDAY,
            starts_at=dt.time(18),
            ends_at=dt.time(20),
            outcome=outcome,
            moved_on=THURSDAY if outcome == "moved" else None,
            moved_starts_at=dt.time(19) if outcome == "moved" else None,
            moved_ends_at=dt.time(21) if outcome == "moved" else None,
            via="page",
        )
    shown = [plant(f"Visas {n:02}") for n in range(week.WEEK_LIMIT)]
    assert titles(week._sessions(WEDNESDAY)) == [initiative.title for initiative in shown]


def test_the_week_is_one_query_whatever_the_number_of_sessions():
    for n in range(3):
        plant(f"Insats {n}")
    with CaptureQueriesContext(connection) as few:
        week._sessions(WEDNESDAY)
    for n in range(3, 30):
        plant(f"Insats {n}", weekday=1 + n % 7, start=8 + n % 12)
    with CaptureQueriesContext(connection) as many:
        assert len(week._sessions(WEDNESDAY)) == week.WEEK_LIMIT
    assert len(few) == len(many) == 1
