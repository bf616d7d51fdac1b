"""What happens this week: the home page's first section for residents.

The sessions of public, current initiatives (``Initiative.objects.current()``) from now to
the end of the seventh day, in time order, each with when in words ("i kväll 21–24",
"i morgon 18–20", "lördag 10–13") and a link. Sessions come from the weekly slots
(``ScheduleSlot``) on the days within the initiative's period; a slot past midnight
belongs to the day it starts, and one that started yesterday and is still running shows
as "now, until 02". Sessions marked cancelled or moved (the delivery log's
``SessionMark``) are left out. Initiatives without weekly times (ongoing work such as
lighting) are in the list's "This week" filter, not here.

One query, kept per quarter of an hour until a write changes it (``figures.kept``).
"""

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.urls import reverse
from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext as _

from initiatives import figures
from initiatives.models import Initiative, SessionMark
from initiatives.templatetags.initiative_public import _slot_clock

# At most this many sessions on the home page; the list's "This week" filter has the rest.
WEEK_LIMIT = 12
DAYS = 7
# "Tonight" from this hour; before it, "today".
EVENING = dt.time(17)


@dataclass(frozen=True)
class Session:
    title: str
    slug: str
    organization: str
    day: dt.date
    starts_at: dt.time
    ends_at: dt.time

    @property
    def passes_midnight(self) -> bool:
        return self.ends_at <= self.starts_at

    @property
    def ends(self) -> dt.datetime:
        day = self.day + dt.timedelta(days=1) if self.passes_midnight else self.day
        return timezone.make_aware(dt.datetime.combine(day, self.ends_at))

    def when(self, now: dt.datetime) -> str:
        """When in words, seen from ``now`` (local time)."""
        today = now.date()
        hours = _slot_clock(self.starts_at, self.ends_at)
        if self.day < today:
            # Translators: a session that started yesterday and runs past midnight.
            return _("now, until %(end)s") % {"end": hours.split("–")[1]}
        if self.day == today:
            if self.starts_at >= EVENING:
                return _("tonight %(hours)s") % {"hours": hours}
            return _("today %(hours)s") % {"hours": hours}
        if self.day == today + dt.timedelta(days=1):
            return _("tomorrow %(hours)s") % {"hours": hours}
        # The weekday's name in the active language: "lördag" (Swedish writes it in lower
        # case, whatever the catalogue's label), "Saturday".
        weekday = dateformat.format(self.day, "l")
        if translation.get_language() != "en":
            weekday = weekday.lower()
        return f"{weekday} {hours}"


def _sessions(start: dt.datetime) -> list[Session]:
    """The first ``WEEK_LIMIT`` sessions ending after ``start`` and starting before the end
    of its seventh day (local times, the portal's time zone): in time order, the oldest
    initiative first among sessions that start at the same time (shown by title).

    One query, a few milliseconds at 100,000 initiatives (docs/caching.md): for each day
    from yesterday (a session past midnight may still run) to the seventh, the day's first
    sessions in the order of the index ``slot_week_idx`` (weekday, start, initiative), each
    checked against its initiative (public, current, within its period, not cancelled or
    moved) until ``WEEK_LIMIT`` pass — never a pass over every slot or initiative."""
    today = start.date()
    days = [today + dt.timedelta(days=offset) for offset in range(-1, DAYS)]
    public = Initiative.objects.public().current(on=today).order_by().values("pk")
    ids_sql, ids_params = public.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT i.title, i.slug, o.name, x.day, x.starts_at, x.ends_at
            FROM unnest(%s::date[]) AS d(day)
            CROSS JOIN LATERAL (
                SELECT d.day, s.starts_at, s.ends_at, s.initiative_id
                FROM initiatives_scheduleslot s
                WHERE s.weekday = extract(isodow FROM d.day)::integer
                  AND d.day + s.starts_at < %s::timestamp
                  AND d.day + s.ends_at + CASE WHEN s.ends_at <= s.starts_at
                      THEN interval '1 day' ELSE interval '0' END > %s::timestamp
                  -- Per slot, its initiative by its key (OFFSET 0: not turned into a
                  -- join that starts from every initiative within its period).
                  AND EXISTS (
                      SELECT 1 FROM initiatives_initiative p
                      WHERE p.id = s.initiative_id AND p.period @> d.day
                        AND p.id IN ({ids_sql})
                      OFFSET 0)
                  AND NOT EXISTS (
                      SELECT 1 FROM initiatives_sessionmark m
                      WHERE m.initiative_id = s.initiative_id AND m.on_date = d.day
                        AND m.starts_at = s.starts_at AND m.outcome IN %s)
                ORDER BY s.starts_at, s.initiative_id
                LIMIT %s
            ) x
            JOIN initiatives_initiative i ON i.id = x.initiative_id
            JOIN stakeholders_organization o ON o.id = i.lead_organization_id
            ORDER BY x.day, x.starts_at, x.initiative_id
            LIMIT %s
            """,  # noqa: S608 (the ids come from the ORM's own compiler, with parameters)
            [
                days,
                dt.datetime.combine(today + dt.timedelta(days=DAYS), dt.time()),
                start.replace(tzinfo=None),
                *ids_params,
                (SessionMark.Outcome.CANCELLED, SessionMark.Outcome.MOVED),
                WEEK_LIMIT,
                WEEK_LIMIT,
            ],
        )
        sessions = [Session(*row) for row in cursor.fetchall()]
    # Shown by title among those that start at the same time.
    return sorted(sessions, key=lambda s: (s.day, s.starts_at, s.title))


def week_ahead(*, now: dt.datetime) -> list[Session]:
    """The sessions from ``now`` (aware) on, kept per quarter of an hour."""
    local = timezone.localtime(now)
    start = local.replace(minute=local.minute - local.minute % 15, second=0, microsecond=0)
    return figures.kept("week", lambda: _sessions(start), start.isoformat())


def home_section(*, now: dt.datetime) -> dict:
    """The home page's "this week" (``site.home_sections``): each session's title, link,
    organisation and when in words."""
    return {
        "week": [
            {
                "title": session.title,
                "url": reverse("initiatives:detail", args=[session.slug]),
                "organization": session.organization,
                "when": session.when(timezone.localtime(now)),
                "day": session.day,
            }
            for session in week_ahead(now=now)
        ]
    }
