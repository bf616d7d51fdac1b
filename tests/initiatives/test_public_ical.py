"""Calendar feeds: weekly slots become recurring events bounded by the period, each event
links back to the initiative's page, and the output parses with ``icalendar``."""

import datetime as dt

import pytest
from icalendar import Calendar

from tests import factories

pytestmark = pytest.mark.django_db


def events(response) -> list:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    return list(calendar.walk("VEVENT"))


def test_a_weekly_slot_is_a_recurring_event_within_the_period(resident, organization):
    initiative = factories.InitiativeFactory(
        title="Nattvandring på torget",
        lead_organization=organization,
        starts_on=dt.date(2026, 3, 1),  # a Sunday
        ends_on=dt.date(2026, 6, 30),
    )
    factories.ScheduleSlotFactory(
        initiative=initiative, weekday=5, starts_at=dt.time(20), ends_at=dt.time(23)
    )
    [event] = events(resident.get(f"/insatser/{initiative.slug}/calendar.ics"))

    assert str(event["summary"]) == "Nattvandring på torget"
    start = event.decoded("dtstart")
    assert start.date() == dt.date(2026, 3, 6)  # the first Friday on or after 1 March
    assert (start.hour, start.minute) == (20, 0)
    assert str(start.tzinfo) == "Europe/Stockholm"
    assert event.decoded("dtend").hour == 23
    rule = event["rrule"]
    assert rule["FREQ"] == ["WEEKLY"]
    assert rule["BYDAY"] == ["FR"]
    [until] = rule["UNTIL"]
    assert until.astimezone(dt.UTC) == dt.datetime(2026, 6, 30, 21, 0, tzinfo=dt.UTC)  # 23:00 CEST
    assert str(event["url"]) == f"http://testserver/insatser/{initiative.slug}/"
    assert f"/insatser/{initiative.slug}/" in str(event["description"])


def test_an_open_period_repeats_without_end_and_uids_are_stable(resident, organization):
    initiative = factories.InitiativeFactory(
        lead_organization=organization, starts_on=dt.date(2026, 3, 2)
    )
    factories.ScheduleSlotFactory(initiative=initiative, weekday=1)
    factories.ScheduleSlotFactory(initiative=initiative, weekday=3)
    url = f"/insatser/{initiative.slug}/calendar.ics"
    first = events(resident.get(url))
    assert sorted(e["rrule"]["BYDAY"][0] for e in first) == ["MO", "WE"]
    assert all("UNTIL" not in e["rrule"] for e in first)
    assert [str(e["uid"]) for e in first] == [str(e["uid"]) for e in events(resident.get(url))]


def test_without_weekly_times_an_all_day_event_spans_the_period(resident, organization):
    initiative = factories.InitiativeFactory(
        lead_organization=organization,
        starts_on=dt.date(2026, 4, 1),
        ends_on=dt.date(2026, 4, 30),
    )
    [event] = events(resident.get(f"/insatser/{initiative.slug}/calendar.ics"))
    assert event.decoded("dtstart") == dt.date(2026, 4, 1)
    assert event.decoded("dtend") == dt.date(2026, 5, 1)  # DTEND of a date is exclusive
    assert "rrule" not in event


def test_a_slot_the_short_period_never_reaches_has_no_event(resident, organization):
    initiative = factories.InitiativeFactory(
        lead_organization=organization,
        starts_on=dt.date(2026, 3, 2),  # Monday
        ends_on=dt.date(2026, 3, 3),
    )
    factories.ScheduleSlotFactory(initiative=initiative, weekday=5)
    assert events(resident.get(f"/insatser/{initiative.slug}/calendar.ics")) == []


def test_the_list_feed_follows_the_filters(resident, organization):
    walks = factories.ThemeFactory()
    wanted = factories.InitiativeFactory(
        title="Nattvandring", lead_organization=organization, themes=[walks]
    )
    factories.ScheduleSlotFactory(initiative=wanted)
    other = factories.InitiativeFactory(title="Läxhjälp", lead_organization=organization)
    factories.ScheduleSlotFactory(initiative=other)

    everything = events(resident.get("/insatser/calendar.ics"))
    assert sorted(str(e["summary"]) for e in everything) == ["Läxhjälp", "Nattvandring"]
    filtered = events(resident.get("/insatser/calendar.ics", {"theme": walks.pk}))
    assert [str(e["summary"]) for e in filtered] == ["Nattvandring"]


@pytest.mark.parametrize("query", [{"theme": "abc"}, {"running_on": "not-a-date"}])
def test_bad_filters_on_the_feed_are_400(resident, query):
    response = resident.get("/en/initiatives/calendar.ics", query)
    assert response.status_code == 400
    assert "not valid" in response.content.decode()


def test_cancelled_initiatives_are_cancelled_events(resident, organization):
    initiative = factories.InitiativeFactory(lead_organization=organization, status="cancelled")
    [event] = events(resident.get(f"/insatser/{initiative.slug}/calendar.ics"))
    assert str(event["status"]) == "CANCELLED"
