"""Calendar feeds (iCalendar, RFC 5545) of public initiatives, built with ``icalendar``.

- A weekly slot ("Fridays 20–23") becomes one recurring event: its first occurrence on or
  after the start of the period, ``RRULE:FREQ=WEEKLY;BYDAY=FR``, ``UNTIL`` the last day of
  the period (none for an open period). A slot past midnight is one event whose ``DTEND``
  is the next day (Fridays 21–01: Saturday 01:00).
- An initiative without weekly times becomes one all-day event spanning its period (its
  first day only when the period is open).
- Every event links back to the initiative's page (``URL`` and the description); ``UID`` is
  stable across edits (the initiative's UUID, weekday and start time, at the host of
  ``SITE_URL`` — never the request's Host, which a client chooses), so subscribed calendars
  update rather than duplicate. ``PRODID`` names the same host.
- Every feed holds the portal's time zone as a ``VTIMEZONE`` built from the zone's current
  rule (``RRULE:FREQ=YEARLY``), so it holds past 2038 as open-ended weekly events do; it is
  there even when no initiative matches, so an empty feed is still a valid calendar
  (RFC 5545 requires one component).
- The delivery log (``initiatives/delivery.py``): a **cancelled** session is an ``EXDATE``
  of its slot's event, so it disappears from subscribed calendars; a **moved** one is an
  ``EXDATE`` plus an event of its own at the new time (its ``UID`` is the slot's with the
  original date appended), simpler for clients than ``RECURRENCE-ID`` overrides and
  correct in all of them. The marks come in one query for the whole feed.
- Only a planned or active initiative publishes coming sessions. A **paused**, completed or
  cancelled one publishes none from today on: its events stop the day before (``UNTIL``;
  an all-day event ends then), so what took place stays in the calendar and nothing
  confirmed lies ahead. (We chose this over ``STATUS:TENTATIVE``/``CANCELLED`` because
  calendar apps show those events all the same.) A completed or cancelled one never goes
  past its end date.
- A list feed is named after its filters (``X-WR-CALNAME``) and says in
  ``X-WR-CALDESC`` that it holds at most ``LIST_FEED_CAP`` initiatives.
"""

import datetime as dt
import re
import zoneinfo
from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vRecur

from initiatives.models import Initiative, SessionMark

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


def site_host() -> str:
    """The portal's host name, from ``SITE_URL`` (an IPv6 address without brackets)."""
    return urlsplit(settings.SITE_URL).hostname or "localhost"


# A POSIX TZ rule as zone files end with (tzfile(5)): "CET-1CEST,M3.5.0,M10.5.0/3".
_POSIX_RULE = re.compile(
    r"^(?P<std><[^>]+>|[A-Za-z]+)(?P<std_offset>[-+]?[\d:]+)"
    r"(?:(?P<dst><[^>]+>|[A-Za-z]+)(?P<dst_offset>[-+]?[\d:]+)?"
    r",M(?P<on>[\d.]+)(?:/(?P<on_time>[-+]?[\d:]+))?"
    r",M(?P<off>[\d.]+)(?:/(?P<off_time>[-+]?[\d:]+))?)?$"
)
ICAL_WEEKDAYS_FROM_SUNDAY = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"]


def _posix_rule(tzid: str) -> re.Match | None:
    """The zone's current rule, read from the last line of its zone file, or None."""
    for root in zoneinfo.TZPATH:
        path = Path(root) / tzid
        if path.is_file():
            return _POSIX_RULE.match(path.read_bytes().rstrip(b"\n").rsplit(b"\n", 1)[-1].decode())
    return None


def _seconds(value: str | None, default: int) -> int:
    if value is None:
        return default
    sign = -1 if value.startswith("-") else 1
    parts = [int(part) for part in value.lstrip("+-").split(":")] + [0, 0]
    return sign * (parts[0] * 3600 + parts[1] * 60 + parts[2])


def _observance(kind, name: str, *, rule: str, at: int, before: int, after: int):
    """One yearly change, e.g. "the last Sunday of March at 02:00" (POSIX ``M3.5.0/2``)."""
    month, week, weekday = (int(n) for n in rule.split("."))
    first = dt.date(1970, month, 1)
    day = first + dt.timedelta(days=(weekday - first.isoweekday() % 7) % 7 + 7 * (week - 1))
    while day.month != month:  # week 5 is "the last"
        day -= dt.timedelta(days=7)
    item = kind()
    item.add("tzname", name.strip("<>"))
    item.add("dtstart", dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=at))
    item.add("tzoffsetfrom", dt.timedelta(seconds=before))
    item.add("tzoffsetto", dt.timedelta(seconds=after))
    byday = f"{-1 if week == 5 else week}{ICAL_WEEKDAYS_FROM_SUNDAY[weekday]}"
    item.add("rrule", {"freq": "yearly", "bymonth": month, "byday": byday})
    return item


def _timezone(tzid: str) -> Timezone:
    """The zone as a VTIMEZONE that holds for ever: its current rule as yearly RRULEs (what
    Outlook and Google Calendar write). A zone without summer time is one STANDARD
    observance; a zone whose rule cannot be read falls back to icalendar's list of dates
    up to 2100."""
    rule = _posix_rule(tzid)
    if rule is None:
        return Timezone.from_tzid(tzid, last_date=dt.date(2100, 1, 1))
    standard = -_seconds(rule["std_offset"], 0)  # POSIX counts hours west of UTC
    zone = Timezone()
    zone.add("tzid", tzid)
    if not rule["dst"]:
        item = TimezoneStandard()
        item.add("tzname", rule["std"].strip("<>"))
        item.add("dtstart", dt.datetime(1970, 1, 1))
        item.add("tzoffsetfrom", dt.timedelta(seconds=standard))
        item.add("tzoffsetto", dt.timedelta(seconds=standard))
        zone.add_component(item)
        return zone
    daylight = -_seconds(rule["dst_offset"], -standard - 3600)
    zone.add_component(
        _observance(
            TimezoneDaylight,
            rule["dst"],
            rule=rule["on"],
            at=_seconds(rule["on_time"], 7200),
            before=standard,
            after=daylight,
        )
    )
    zone.add_component(
        _observance(
            TimezoneStandard,
            rule["std"],
            rule=rule["off"],
            at=_seconds(rule["off_time"], 7200),
            before=daylight,
            after=standard,
        )
    )
    return zone


def _last_day(initiative: Initiative, today: dt.date) -> dt.date | None:
    """The last day the feed publishes: the period's end; for a paused, completed or
    cancelled initiative at the latest yesterday (nothing from today on)."""
    if initiative.status in Initiative.LIVE_STATUSES:
        return initiative.ends_on
    yesterday = today - dt.timedelta(days=1)
    return min(initiative.ends_on, yesterday) if initiative.ends_on else yesterday


def _marks_by_initiative(initiatives: list[Initiative]) -> dict[int, list[SessionMark]]:
    """The cancelled and moved sessions of the feed's initiatives, in one query."""
    found: dict[int, list[SessionMark]] = {}
    if not initiatives:
        return found
    marks = SessionMark.objects.filter(
        initiative_id__in=[i.pk for i in initiatives],
        outcome__in=[SessionMark.Outcome.CANCELLED, SessionMark.Outcome.MOVED],
    ).order_by("on_date", "starts_at")
    for mark in marks:
        found.setdefault(mark.initiative_id, []).append(mark)
    return found


def _events(
    initiative: Initiative,
    url: str,
    host: str,
    marks: list[SessionMark] = (),
    today: dt.date | None = None,
) -> Iterable[Event]:
    zone = ZoneInfo(settings.TIME_ZONE)
    today = today or timezone.localdate()
    last_day = _last_day(initiative, today)
    if last_day is not None and last_day < initiative.starts_on:
        return
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
        if last_day and first > last_day:
            continue  # the period is shorter than a week and misses this weekday
        uid = f"{initiative.public_id}-{slot.weekday}-{slot.starts_at:%H%M}"
        item = event(uid)
        item.add("dtstart", dt.datetime.combine(first, slot.starts_at, zone))
        # A slot past midnight is one event ending the next day (Friday 21–01: Saturday 01:00).
        end_day = first + dt.timedelta(days=int(slot.ends_at <= slot.starts_at))
        item.add("dtend", dt.datetime.combine(end_day, slot.ends_at, zone))
        rule = {"freq": "weekly", "byday": ICAL_WEEKDAYS[slot.weekday]}
        if last_day:
            # UNTIL is in UTC when DTSTART has a time zone (RFC 5545 3.3.10). It bounds the
            # starts: the period's last night past midnight starts on its last day.
            last = dt.datetime.combine(last_day, max(slot.starts_at, slot.ends_at), zone)
            rule["until"] = last.astimezone(dt.UTC)
        item.add("rrule", vRecur(rule))
        own = [
            m
            for m in marks
            if m.on_date.isoweekday() == slot.weekday
            and m.starts_at == slot.starts_at
            and first <= m.on_date
            and (last_day is None or m.on_date <= last_day)
        ]
        if own:
            item.add("exdate", [dt.datetime.combine(m.on_date, m.starts_at, zone) for m in own])
        yield item
        for mark in own:
            if mark.outcome != SessionMark.Outcome.MOVED:
                continue
            if last_day and mark.moved_on > last_day:
                continue
            moved = event(f"{uid}-{mark.on_date:%Y%m%d}")
            moved.add("dtstart", dt.datetime.combine(mark.moved_on, mark.moved_starts_at, zone))
            moved_end = mark.moved_on + dt.timedelta(
                days=int(mark.moved_ends_at <= mark.moved_starts_at)
            )
            moved.add("dtend", dt.datetime.combine(moved_end, mark.moved_ends_at, zone))
            yield moved
    if not slots:
        item = event(f"{initiative.public_id}")
        item.add("dtstart", initiative.starts_on)
        end = last_day or initiative.starts_on
        item.add("dtend", end + dt.timedelta(days=1))
        yield item


def calendar_ics(
    initiatives: Iterable[Initiative],
    *,
    name: str,
    url_for: Callable[[Initiative], str],
    description: str = "",
) -> bytes:
    """An iCalendar document with the events of ``initiatives`` (slots, areas and lead
    organisation prefetched), in the portal's time zone (with its VTIMEZONE, always)."""
    host = site_host()
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.PORTAL_NAME}//{host}//")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    if description:
        calendar.add("x-wr-caldesc", description)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    calendar.add_component(_timezone(settings.TIME_ZONE))
    initiatives = list(initiatives)
    marks = _marks_by_initiative(initiatives)
    today = timezone.localdate()
    for initiative in initiatives:
        own = marks.get(initiative.pk, [])
        for item in _events(initiative, url_for(initiative), host, own, today):
            calendar.add_component(item)
    return calendar.to_ical()
