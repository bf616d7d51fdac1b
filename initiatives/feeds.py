"""Calendar feeds (iCalendar, RFC 5545) of public initiatives, built with ``icalendar``.

- A weekly slot ("Fridays 20–23") becomes one recurring event: its first occurrence on or
  after the start of the period, ``RRULE:FREQ=WEEKLY;BYDAY=FR``, ``UNTIL`` the last day of
  the period (none for an open period).
- An initiative without weekly times becomes one all-day event spanning its period (its
  first day only when the period is open).
- Every event links back to the initiative's page (``URL`` and the description); ``UID`` is
  stable across edits (the initiative's UUID, weekday and start time), so subscribed
  calendars update rather than duplicate.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from icalendar import Calendar, Event, vRecur

from initiatives.models import Initiative

ICAL_WEEKDAYS = {1: "MO", 2: "TU", 3: "WE", 4: "TH", 5: "FR", 6: "SA", 7: "SU"}
# A feed of a filtered list holds at most this many initiatives (newest period first).
LIST_FEED_CAP = 500


def _first_on_weekday(start: dt.date, weekday: int) -> dt.date:
    return start + dt.timedelta(days=(weekday - start.isoweekday()) % 7)


def _status(initiative: Initiative) -> str:
    if initiative.status == Initiative.Status.CANCELLED:
        return "CANCELLED"
    if initiative.status == Initiative.Status.PLANNED:
        return "TENTATIVE"
    return "CONFIRMED"


def _events(initiative: Initiative, url: str, host: str) -> Iterable[Event]:
    zone = ZoneInfo(settings.TIME_ZONE)
    description = f"{initiative.summary}\n\n{initiative.lead_organization.name}\n{url}"
    where = ", ".join(str(area) for area in initiative.areas.all())
    if initiative.address:
        where = f"{initiative.address}, {where}" if where else initiative.address

    def event(uid: str) -> Event:
        item = Event()
        item.add("uid", f"{uid}@{host}")
        item.add("summary", initiative.title)
        item.add("description", description)
        item.add("url", url)
        item.add("dtstamp", initiative.updated_at)
        item.add("last-modified", initiative.updated_at)
        item.add("status", _status(initiative))
        if where:
            item.add("location", where)
        return item

    slots = list(initiative.slots.all())
    for slot in slots:
        first = _first_on_weekday(initiative.starts_on, slot.weekday)
        if initiative.ends_on and first > initiative.ends_on:
            continue  # the period is shorter than a week and misses this weekday
        item = event(f"{initiative.public_id}-{slot.weekday}-{slot.starts_at:%H%M}")
        item.add("dtstart", dt.datetime.combine(first, slot.starts_at, zone))
        item.add("dtend", dt.datetime.combine(first, slot.ends_at, zone))
        rule = {"freq": "weekly", "byday": ICAL_WEEKDAYS[slot.weekday]}
        if initiative.ends_on:
            # UNTIL is in UTC when DTSTART has a time zone (RFC 5545 3.3.10).
            last = dt.datetime.combine(initiative.ends_on, slot.ends_at, zone)
            rule["until"] = last.astimezone(dt.UTC)
        item.add("rrule", vRecur(rule))
        yield item
    if not slots:
        item = event(f"{initiative.public_id}")
        item.add("dtstart", initiative.starts_on)
        end = initiative.ends_on or initiative.starts_on
        item.add("dtend", end + dt.timedelta(days=1))
        yield item


def calendar_ics(
    initiatives: Iterable[Initiative], *, name: str, url_for: Callable[[Initiative], str], host: str
) -> bytes:
    """An iCalendar document with the events of ``initiatives`` (slots, areas and lead
    organisation prefetched), in the portal's time zone (with its VTIMEZONE)."""
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.PORTAL_NAME}//{host}//")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    for initiative in initiatives:
        for item in _events(initiative, url_for(initiative), host):
            calendar.add_component(item)
    calendar.add_missing_timezones()
    return calendar.to_ical()
