# ruff: noqa: S608 -- the SQL is assembled from constant fragments; every value is a parameter.
"""Gaps and time gaps (defined in the package docstring): a page of them, every one for CSV."""

import datetime as dt
import re
from dataclasses import dataclass

from django.core.paginator import Page
from django.db.models import Prefetch
from django.utils import timezone

from partnership.coordination.queries.common import (
    LIVE_CONDITION,
    LIVE_IDS,
    OPEN_PROBLEM_CONDITION,
    PAGE_SIZE,
    SLOT_RANGE,
    Scope,
    execute,
    minutes,
    page_number,
    page_of,
    scope_params,
    stream,
)
from partnership.models import Area
from partnership.problems.models import Problem, ProblemResponsibility

# When a problem happens, as minutes of the week: each of its weekdays (none = every day)
# from time_from to time_to (none = all day); a span past midnight is split, its second part
# on the next day (Sunday's on Monday).
_PROBLEM_DAYS = (
    "CASE WHEN cardinality(p.weekdays) = 0 THEN ARRAY[1,2,3,4,5,6,7]::int[] "
    "ELSE p.weekdays::int[] END"
)
_FROM = f"coalesce({minutes('p.time_from')}, 0)"
_TO = f"coalesce({minutes('p.time_to')}, 1440)"
PROBLEM_WEEK = f"""(
    SELECT range_agg(r) FROM (
        SELECT int4range((d - 1) * 1440 + {_FROM}, (d - 1) * 1440 + {_TO}) AS r
        FROM unnest({_PROBLEM_DAYS}) AS d WHERE {_FROM} < {_TO}
        UNION ALL
        SELECT int4range((d - 1) * 1440 + {_FROM}, d * 1440)
        FROM unnest({_PROBLEM_DAYS}) AS d WHERE {_FROM} >= {_TO}
        UNION ALL
        SELECT int4range(mod(d, 7) * 1440, mod(d, 7) * 1440 + {_TO})
        FROM unnest({_PROBLEM_DAYS}) AS d WHERE {_FROM} >= {_TO}
    ) AS spans)"""

_OPEN_PROBLEMS = f"""
    open_problems AS (
        SELECT p.* FROM partnership_problem p
        WHERE {OPEN_PROBLEM_CONDITION}
          AND (%(areas)s::bigint[] IS NULL OR p.area_id = ANY(%(areas)s::bigint[]))
          AND (%(theme)s::bigint IS NULL OR EXISTS (
              SELECT 1 FROM partnership_problem_themes pt
              WHERE pt.problem_id = p.id AND pt.theme_id = %(theme)s::bigint))
    )"""

_RANK = """ORDER BY p.severity DESC, endorsements DESC,
                 coalesce(p.observed_on, p.created_at::date) ASC, p.id"""

_GAPS = f"""
    WITH {LIVE_IDS}, {_OPEN_PROBLEMS}
    SELECT p.id,
           (SELECT count(*) FROM partnership_problemendorsement e WHERE e.problem_id = p.id)
               AS endorsements,
           count(*) OVER () AS total
    FROM open_problems p
    WHERE NOT EXISTS (
        SELECT 1 FROM initiatives_initiative_problems ip JOIN live l ON l.id = ip.initiative_id
        WHERE ip.problem_id = p.id)
    {_RANK}"""

_TIME_GAPS = f"""
    WITH {LIVE_IDS}, {_OPEN_PROBLEMS},
    links AS (
        SELECT ip.problem_id, ip.initiative_id
        FROM initiatives_initiative_problems ip JOIN live l ON l.id = ip.initiative_id
    ),
    covered AS (
        SELECT k.problem_id, bool_or(s.id IS NULL) AS untimed,
               range_agg({SLOT_RANGE}) FILTER (WHERE s.id IS NOT NULL) AS week
        FROM links k LEFT JOIN initiatives_scheduleslot s ON s.initiative_id = k.initiative_id
        GROUP BY k.problem_id
    ),
    -- Materialised: each problem's week is computed once, not again for the filter below.
    gaps AS MATERIALIZED (
        SELECT p.*, {PROBLEM_WEEK} - c.week AS uncovered
        FROM open_problems p JOIN covered c ON c.problem_id = p.id
        WHERE NOT c.untimed
    )
    SELECT p.id,
           (SELECT count(*) FROM partnership_problemendorsement e WHERE e.problem_id = p.id)
               AS endorsements,
           count(*) OVER () AS total, p.uncovered
    FROM gaps p
    WHERE NOT isempty(p.uncovered)
    {_RANK}"""


# --- Delivered: hours covered only by sessions actually held (the delivery log) ---------------

# How many weeks a "delivered" window spans; the view compares the last DELIVERED_WEEKS weeks
# with the DELIVERED_WEEKS before them.
DELIVERED_WEEKS = 4

# A held (or moved) session ``m`` as minutes of the week: SLOT_RANGE's rule on the session's
# actual weekday and times (a moved session's new ones).
_MARK_RANGE = (
    SLOT_RANGE.replace("s.weekday", "date_part('isodow', coalesce(m.moved_on, m.on_date))::int")
    .replace("s.starts_at", "coalesce(m.moved_starts_at, m.starts_at)")
    .replace("s.ends_at", "coalesce(m.moved_ends_at, m.ends_at)")
)


def _length(multirange: str) -> str:
    return f"(SELECT coalesce(sum(upper(r) - lower(r)), 0) FROM unnest({multirange}) AS r)"


_DELIVERED_GAPS = f"""
    WITH {LIVE_IDS}, {_OPEN_PROBLEMS},
    links AS (
        SELECT ip.problem_id, ip.initiative_id
        FROM initiatives_initiative_problems ip JOIN live l ON l.id = ip.initiative_id
        WHERE %(problems)s::bigint[] IS NULL OR ip.problem_id = ANY(%(problems)s::bigint[])
    ),
    -- Every linked initiative has weekly times: one hash of the slots' initiatives, not an
    -- index probe per link.
    timed AS (
        SELECT k.problem_id FROM links k
        GROUP BY k.problem_id
        HAVING bool_and(k.initiative_id IN (SELECT s.initiative_id FROM initiatives_scheduleslot s))
    ),
    -- Only the columns the ranking needs: the problems are read twice below.
    pw AS MATERIALIZED (
        SELECT p.id, p.severity, p.observed_on, p.created_at, {PROBLEM_WEEK} AS week
        FROM open_problems p JOIN timed t ON t.problem_id = p.id
    ),
    weeks AS (
        SELECT k.problem_id, (%(today)s::date - m.on_date - 1) / 7 AS week_no,
               range_agg({_MARK_RANGE}) AS held, count(*) AS sessions
        FROM links k JOIN pw ON pw.id = k.problem_id
        -- Each linked initiative's marks from the marks' unique index, which holds what a
        -- session's hours need (OFFSET 0 keeps it so): a fifth of the period's marks, never
        -- a hash of all of them.
        CROSS JOIN LATERAL (
            SELECT * FROM initiatives_sessionmark m
            WHERE m.initiative_id = k.initiative_id
              AND m.on_date >= %(since)s::date AND m.on_date < %(today)s::date
              AND m.outcome = ANY(%(delivered)s::text[])
            OFFSET 0) m
        GROUP BY 1, 2
    ),
    held AS (
        SELECT w.problem_id,
               range_agg(w.held) FILTER (WHERE w.week_no < %(weeks)s) AS recent,
               sum({_length("pw.week * w.held")}) FILTER (WHERE w.week_no < %(weeks)s)
                   AS recent_minutes,
               sum({_length("pw.week * w.held")}) FILTER (WHERE w.week_no >= %(weeks)s)
                   AS previous_minutes,
               sum(w.sessions) FILTER (WHERE w.week_no < %(weeks)s) AS recent_sessions,
               sum(w.sessions) FILTER (WHERE w.week_no >= %(weeks)s) AS previous_sessions
        FROM weeks w JOIN pw ON pw.id = w.problem_id
        GROUP BY w.problem_id
    ),
    gaps AS (
        SELECT p.*, p.week - coalesce(h.recent, '{{}}'::int4multirange) AS uncovered,
               {_length("p.week")} AS problem_minutes,
               coalesce(h.recent_minutes, 0) AS recent_minutes,
               coalesce(h.previous_minutes, 0) AS previous_minutes,
               coalesce(h.recent_sessions, 0) AS recent_sessions,
               coalesce(h.previous_sessions, 0) AS previous_sessions
        FROM pw p LEFT JOIN held h ON h.problem_id = p.id
    )
    SELECT p.id,
           (SELECT count(*) FROM partnership_problemendorsement e WHERE e.problem_id = p.id)
               AS endorsements,
           count(*) OVER () AS total, p.uncovered, p.problem_minutes, p.recent_minutes,
           p.previous_minutes, p.recent_sessions, p.previous_sessions
    FROM gaps p
    WHERE NOT isempty(p.uncovered)
    ORDER BY p.recent_minutes::float / greatest(p.problem_minutes, 1), p.severity DESC,
             endorsements DESC, coalesce(p.observed_on, p.created_at::date) ASC, p.id"""


@dataclass
class DeliveredRow:
    """A problem whose hours the sessions held in the last weeks did not all cover:
    ``uncovered`` spans, and hours a week delivered now and in the weeks before."""

    problem: Problem
    endorsements: int
    uncovered: list
    problem_minutes: int
    recent_minutes: int
    previous_minutes: int
    recent_sessions: int
    previous_sessions: int

    @staticmethod
    def _hours_a_week(minutes: int) -> float:
        return round(minutes / DELIVERED_WEEKS / 60, 1)

    @property
    def problem_hours(self) -> float:
        return round(self.problem_minutes / 60, 1)

    @property
    def recent_hours(self) -> float:
        """Hours of the problem's week covered by held sessions, a week on average."""
        return self._hours_a_week(self.recent_minutes)

    @property
    def previous_hours(self) -> float:
        return self._hours_a_week(self.previous_minutes)


def delivered_gaps(
    scope: Scope, *, page=1, per_page: int = PAGE_SIZE, today: dt.date | None = None
) -> Page:
    """Open problems addressed by live initiatives with weekly times, whose days and hours
    the sessions actually held (or moved and held) in the last :data:`DELIVERED_WEEKS` weeks
    did not all cover (an hour counts once a held session covered it in that time), least
    delivered first; with the hours a week delivered then and in the weeks before."""
    today = today or timezone.localdate()
    number = page_number(page)
    # The ranking and the count need only the last weeks' marks; the weeks before are read
    # for the page's problems alone (half the marks for the first statement, a few for the
    # second).
    params = {
        **scope_params(scope),
        "today": today,
        "since": today - dt.timedelta(weeks=DELIVERED_WEEKS),
        "weeks": DELIVERED_WEEKS,
        "delivered": ["held", "moved"],
        "problems": None,
        "limit": per_page,
        "offset": (number - 1) * per_page,
    }
    limited = f"{_DELIVERED_GAPS} LIMIT %(limit)s OFFSET %(offset)s"
    rows = execute(limited, params)
    if not rows and number > 1:
        number, params["offset"] = 1, 0
        rows = execute(limited, params)
    ids = [row[0] for row in rows]
    before = {}
    if ids:
        since = today - dt.timedelta(weeks=2 * DELIVERED_WEEKS)
        page_params = {**params, "since": since, "problems": ids, "limit": len(ids), "offset": 0}
        before = {row[0]: (row[6], row[8]) for row in execute(limited, page_params)}
    problems = _problems(ids)
    found = []
    for row in rows:
        # (0, 0) for a problem a write between the two statements left out of the second.
        previous_minutes, previous_sessions = before.get(row[0], (0, 0))
        found.append(
            DeliveredRow(
                problems[row[0]],
                row[1],
                week_spans(row[3]),
                problem_minutes=int(row[4]),
                recent_minutes=int(row[5]),
                previous_minutes=int(previous_minutes),
                recent_sessions=int(row[7]),
                previous_sessions=int(previous_sessions),
            )
        )
    return page_of(found, rows[0][2] if rows else 0, number, per_page)


@dataclass
class GapRow:
    problem: Problem
    endorsements: int
    uncovered: list | None = None

    @property
    def age_days(self) -> int:
        since = self.problem.observed_on or timezone.localdate(self.problem.created_at)
        return (timezone.localdate() - since).days


def _problems(ids: list[int]) -> dict[int, Problem]:
    return {
        p.pk: p
        for p in Problem.objects.filter(pk__in=ids)
        .select_related("area", "recorded_by_organization")
        .prefetch_related(
            "themes",
            Prefetch(
                "responsibilities",
                queryset=ProblemResponsibility.objects.select_related("organization").order_by(
                    "role", "organization__name"
                ),
            ),
        )
    }


def _gap_page(sql: str, scope: Scope, page, per_page: int) -> Page:
    number = page_number(page)
    limited = f"{sql} LIMIT %(limit)s OFFSET %(offset)s"
    params = {**scope_params(scope), "limit": per_page, "offset": (number - 1) * per_page}
    rows = execute(limited, params)
    if not rows and number > 1:
        number, params["offset"] = 1, 0
        rows = execute(limited, params)
    problems = _problems([row[0] for row in rows])
    gap_rows = [
        GapRow(problems[row[0]], row[1], week_spans(row[3]) if len(row) > 3 else None)
        for row in rows
    ]
    return page_of(gap_rows, rows[0][2] if rows else 0, number, per_page)


def gaps(scope: Scope, *, page=1, per_page: int = PAGE_SIZE) -> Page:
    """Open problems no live initiative addresses, most severe, most endorsed, oldest first."""
    return _gap_page(_GAPS, scope, page, per_page)


def time_gaps(scope: Scope, *, page=1, per_page: int = PAGE_SIZE) -> Page:
    """Open problems addressed on paper whose days and hours the initiatives' slots miss;
    each row has ``uncovered``: (weekday, from, to) spans."""
    return _gap_page(_TIME_GAPS, scope, page, per_page)


def gap_rows(scope: Scope, *, time: bool = False):
    """Every gap (or time gap) for CSV: problem id, endorsements, total[, uncovered]."""
    rows = list(stream(_TIME_GAPS if time else _GAPS, scope_params(scope)))
    problems = _problems([row[0] for row in rows])
    for row in rows:
        yield GapRow(problems[row[0]], row[1], week_spans(row[3]) if time else None)


def week_spans(multirange) -> list[tuple[int, dt.time, dt.time | None]]:
    """Minutes of the week as (ISO weekday, from, to) spans, split at midnight; ``to`` None
    means until midnight."""
    spans = []
    if isinstance(multirange, str):  # psycopg2 returns a multirange as its text
        bounds = [(int(a), int(b)) for a, b in re.findall(r"\[(\d+),(\d+)\)", multirange)]
    else:
        bounds = [(span.lower, span.upper) for span in multirange or ()]
    for lower, upper in bounds:
        while lower < upper:
            day, start = divmod(lower, 1440)
            end = min(upper, (day + 1) * 1440)
            to_minute = end - day * 1440
            spans.append(
                (
                    day + 1,
                    dt.time(start // 60, start % 60),
                    None if to_minute == 1440 else dt.time(to_minute // 60, to_minute % 60),
                )
            )
            lower = end
    return spans


# --- Observation hours: observed hours and places nobody is present (planned or delivered) ------

# Without a chosen period the observation hours look at the last OBSERVATION_WEEKS weeks
# (to today), in both views.
OBSERVATION_WEEKS = 4
OBSERVATION_PAGE_SIZE = 25

# Each observation's hours in the period as two masks, kept by PostgreSQL on every row
# (``observations`` migration 0003): ``hours_mask``, bit h for every hour h of its own day it
# touches (a moment its hour; 21:00–24:00 → 21, 22, 23; 21:30–22:15 → 21, 22), and
# ``next_day_mask``, the hours after midnight of a window that crosses it (22:00–02:00 → 0, 1
# of the next day); an observation without a time (some time that day) has no hour (mask 0).
# The heatmap's rule (``observations/patterns.py``): no row per hour is ever made, an hour is
# a bit.
_OBSERVED = """
    observed AS MATERIALIZED (
        SELECT o.area_id, o.observed_on AS on_date, o.hours_mask AS mask,
               o.next_day_mask AS next_mask, o.count::bigint AS count
        FROM observations_observation o
        WHERE o.observed_on BETWEEN %(obs_from)s::date AND %(obs_to)s::date
          AND o.hours_mask <> 0
          AND (%(areas)s::bigint[] IS NULL OR o.area_id = ANY(%(areas)s::bigint[]))
          AND (%(theme)s::bigint IS NULL OR EXISTS (
              SELECT 1 FROM observations_observationcategory_themes ct
              WHERE ct.observationcategory_id = o.category_id
                AND ct.theme_id = %(theme)s::bigint))
    ),
    -- Each observed area with itself and every area above it: an initiative there is present.
    places AS MATERIALIZED (
        WITH RECURSIVE up(area_id, ancestor_id) AS (
            SELECT DISTINCT area_id, area_id FROM observed
            UNION ALL
            SELECT up.area_id, a.parent_id FROM up
            JOIN partnership_area a ON a.id = up.ancestor_id
            WHERE a.parent_id IS NOT NULL
        )
        SELECT * FROM up
    )"""

# An initiative of the scope's theme in one of these areas (``ia``).
_IN_THEME = """(%(theme)s::bigint IS NULL OR EXISTS (
            SELECT 1 FROM initiatives_initiative_themes it
            WHERE it.initiative_id = ia.initiative_id AND it.theme_id = %(theme)s::bigint))"""


# Hours as bits: bit h of a day's mask is the hour h:00–h+1:00. A time span from ``start`` to
# ``end`` covers every hour it touches (the observations' rule: 21:30–22:15 → 21 and 22); an
# end at or before the start is past midnight, its hours after midnight in the next day's mask.
# (``date_part`` rather than ``extract``: a float, several times cheaper than extract's numeric
# on the hundreds of thousands of sessions a period holds.)
def _day_mask(start: str, end: str) -> str:
    first = f"date_part('hour', {start})::int"
    last = f"ceil(date_part('epoch', {end}) / 3600)::int"
    return f"""(CASE WHEN {end} > {start} THEN ((1 << {last}) - 1) & ~((1 << {first}) - 1)
                 ELSE ((1 << 24) - 1) & ~((1 << {first}) - 1) END)"""


def _next_mask(start: str, end: str) -> str:
    last = f"ceil(date_part('epoch', {end}) / 3600)::int"
    return f"(CASE WHEN {end} <= {start} THEN (1 << {last}) - 1 ELSE 0 END)"


# Planned: an observed hour of the week is covered when a live initiative (in the scope's
# window) in the observation's area, or an area containing it, has a weekly time over some of
# that hour. An initiative without weekly times is at no particular hour and covers none.
# ``own_planned``: the hours the initiatives of each area above an observed one cover, a mask
# per weekday (a slot past Sunday midnight continues on Monday).
_OWN_PLANNED = f"""
    own_planned AS (
        SELECT x.area_id, x.day, bit_or(x.mask) AS mask
        FROM (
            SELECT ia.area_id, s.weekday AS day, {_day_mask("s.starts_at", "s.ends_at")} AS mask
            FROM initiatives_initiative_areas ia
            JOIN initiatives_initiative i ON i.id = ia.initiative_id
            JOIN initiatives_scheduleslot s ON s.initiative_id = i.id
            WHERE ia.area_id IN (SELECT ancestor_id FROM places) AND {LIVE_CONDITION}
              AND {_IN_THEME}
            UNION ALL
            SELECT ia.area_id, mod(s.weekday, 7) + 1, {_next_mask("s.starts_at", "s.ends_at")}
            FROM initiatives_initiative_areas ia
            JOIN initiatives_initiative i ON i.id = ia.initiative_id
            JOIN initiatives_scheduleslot s ON s.initiative_id = i.id
            WHERE ia.area_id IN (SELECT ancestor_id FROM places) AND {LIVE_CONDITION}
              AND {_IN_THEME} AND s.ends_at <= s.starts_at
        ) x
        GROUP BY x.area_id, x.day
    )"""

# Delivered: an observed hour (on its date) is covered when a session of an initiative in the
# observation's area, or an area containing it, was marked held (or moved and held) over
# some of that hour on that date. Cancelled and unmarked sessions cover nothing.
# ``own_delivered``: the hours held sessions covered, a mask per area and date.
_HELD_ON = "coalesce(m.moved_on, m.on_date)"
_HELD_FROM = "coalesce(m.moved_starts_at, m.starts_at)"
_HELD_TO = "coalesce(m.moved_ends_at, m.ends_at)"
_OWN_DELIVERED = f"""
    held AS MATERIALIZED (
        SELECT ia.area_id, {_HELD_ON} AS day, {_HELD_FROM} AS starts, {_HELD_TO} AS ends
        FROM initiatives_sessionmark m
        JOIN initiatives_initiative_areas ia ON ia.initiative_id = m.initiative_id
        WHERE m.outcome = ANY(%(delivered)s::text[])
          AND m.on_date BETWEEN %(obs_from)s::date - 7 AND %(obs_to)s::date + 1
          AND {_HELD_ON} BETWEEN %(obs_from)s::date - 1 AND %(obs_to)s::date
          AND ia.area_id IN (SELECT ancestor_id FROM places) AND {_IN_THEME}
    ),
    own_delivered AS (
        SELECT x.area_id, x.day, bit_or(x.mask) AS mask
        FROM (
            SELECT h.area_id, h.day, {_day_mask("h.starts", "h.ends")} AS mask FROM held h
            UNION ALL
            SELECT h.area_id, h.day + 1, {_next_mask("h.starts", "h.ends")} FROM held h
            WHERE h.ends <= h.starts
        ) x
        GROUP BY x.area_id, x.day
    )"""


# Without a theme the same masks come from the hours the database keeps per area and day
# (``initiatives.HeldDay``, kept exactly by triggers on the marks and the initiatives' areas):
# a row per area and day instead of every mark of the period. A session past midnight is
# already on the next day's row. (The kept counts are every initiative's: with a theme the
# marks are read.)
_OWN_DELIVERED_KEPT = """
    own_delivered AS (
        SELECT d.area_id, d.held_on AS day, d.mask
        FROM initiatives_held_day d
        WHERE d.held_on BETWEEN %(obs_from)s::date AND %(obs_to)s::date + 1
          AND d.area_id IN (SELECT ancestor_id FROM places)
    )"""


# Which day's mask an observation's own day (``o.on_date``) and next day are checked
# against, in each view.
_VIEWS = {
    "planned": (
        _OWN_PLANNED,
        "date_part('isodow', o.on_date)::int",
        "mod(date_part('isodow', o.on_date)::int, 7) + 1",
    ),
    "delivered": (_OWN_DELIVERED, "o.on_date", "o.on_date + 1"),
}

# ``present_<view>``: an observed area's own masks and its ancestors' together.
_PRESENT = """
    present_{view} AS (
        SELECT p.area_id, o.day, bit_or(o.mask) AS mask
        FROM places p JOIN own_{view} o ON o.area_id = p.ancestor_id
        GROUP BY p.area_id, o.day
    )"""

# The open hours of a view as spans per area and weekday (consecutive open hours joined),
# each with the observations in it (an observation over several hours of a span counts once),
# and per area the observations with an open hour and all observations with a time; busiest
# first. ``open_<view>``: per observation and weekday (its own day's and, past midnight,
# the next day's), the hours nobody covered.
_OBSERVATION_HOURS = """
    open_{view} AS (
        SELECT f.area_id, date_part('isodow', f.on_date)::int AS weekday,
               f.open_{view} AS bits, f.count
        FROM flagged f WHERE f.open_{view} <> 0
        UNION ALL
        SELECT f.area_id, mod(date_part('isodow', f.on_date)::int, 7) + 1,
               f.open_next_{view}, f.count
        FROM flagged f WHERE f.open_next_{view} <> 0
    ),
    union_{view} AS (
        SELECT o.area_id, o.weekday, bit_or(o.bits) AS bits
        FROM open_{view} o GROUP BY o.area_id, o.weekday
    ),
    -- Consecutive open hours of a weekday share ``hour - row_number``: a span, as a mask.
    span_masks_{view} AS (
        SELECT r.area_id, r.weekday, min(r.hour) AS from_hour, max(r.hour) + 1 AS to_hour,
               ((1 << (max(r.hour) + 1)) - 1) & ~((1 << min(r.hour)) - 1) AS bits
        FROM (
            SELECT u.area_id, u.weekday, h AS hour,
                   h - row_number() OVER (PARTITION BY u.area_id, u.weekday ORDER BY h)
                       AS island
            FROM union_{view} u CROSS JOIN generate_series(0, 23) AS h
            WHERE (u.bits >> h) & 1 = 1
        ) r
        GROUP BY r.area_id, r.weekday, r.island
    ),
    spans_{view} AS (
        SELECT s.area_id, s.weekday, s.from_hour, s.to_hour, sum(o.count)::bigint AS observations
        FROM span_masks_{view} s
        JOIN open_{view} o ON o.area_id = s.area_id AND o.weekday = s.weekday
         AND o.bits & s.bits <> 0
        GROUP BY s.area_id, s.weekday, s.from_hour, s.to_hour
    ),
    rows_{view} AS (
        SELECT s.area_id,
               array_agg(ARRAY[s.weekday, s.from_hour, s.to_hour, s.observations]
                         ORDER BY s.weekday, s.from_hour) AS spans
        FROM spans_{view} s
        GROUP BY s.area_id
    )"""

_VIEW_PAGE = """(
    SELECT '{view}', p.area_id, n.uncovered_{view}, n.observed, p.spans,
           count(*) OVER () AS total
    FROM rows_{view} p
    JOIN counted n ON n.area_id = p.area_id
    JOIN partnership_area a ON a.id = p.area_id
    ORDER BY n.uncovered_{view} DESC, a.name, a.id
    LIMIT %(limit)s OFFSET %({view}_offset)s)"""


def _observation_statement(views: list[str], *, kept: bool = False) -> str:
    """One statement for the views (``planned``, ``delivered``): the observations read
    once, each with the hours nobody was present at (``open_<view>``, ``open_next_<view>``),
    each view's page of places. ``kept``: the delivered hours from ``HeldDay`` (no theme
    chosen) rather than from the marks."""
    flags = ",\n".join(
        f"o.mask & ~coalesce(present_{view}.mask, 0) AS open_{view},\n"
        f"o.next_mask & ~coalesce(next_{view}.mask, 0) AS open_next_{view}"
        for view in views
    )
    joins = "\n".join(
        f"""LEFT JOIN present_{view} ON present_{view}.area_id = o.area_id
                AND present_{view}.day = {_VIEWS[view][1]}
            LEFT JOIN present_{view} next_{view} ON next_{view}.area_id = o.area_id
                AND next_{view}.day = {_VIEWS[view][2]} AND o.next_mask <> 0"""
        for view in views
    )
    sums = ",\n".join(
        f"sum(f.count) FILTER (WHERE f.open_{view} <> 0 OR f.open_next_{view} <> 0) "
        f"AS uncovered_{view}"
        for view in views
    )
    ctes = [_OBSERVED]
    ctes += [
        _OWN_DELIVERED_KEPT if view == "delivered" and kept else _VIEWS[view][0] for view in views
    ]
    ctes += [_PRESENT.format(view=view) for view in views]
    ctes.append(f"""
    flagged AS MATERIALIZED (
        SELECT o.area_id, o.on_date, o.count, {flags}
        FROM observed o {joins}
    )""")
    ctes += [_OBSERVATION_HOURS.format(view=view) for view in views]
    ctes.append(f"""
    counted AS (
        SELECT f.area_id, {sums}, sum(f.count) AS observed
        FROM flagged f GROUP BY f.area_id
    )""")
    pages = "\nUNION ALL\n".join(_VIEW_PAGE.format(view=view) for view in views)
    return f"WITH {', '.join(ctes)}\n{pages}"


@dataclass
class ObservedSpan:
    """Consecutive hours of a weekday with observations and nobody present."""

    weekday: int
    starts: dt.time
    ends: dt.time | None  # None: until midnight
    observations: int


@dataclass
class ObservationHoursRow:
    """A place (area) with observed hours nobody was present at: the spans, the observations
    in them and all observations with a time in the period there."""

    area: Area
    uncovered: int
    observed: int
    spans: list


def observation_period(scope: Scope, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The days whose observations the observation hours read: the chosen period up to
    today, or without a chosen start the last :data:`OBSERVATION_WEEKS` weeks (to today)."""
    today = today or timezone.localdate()
    if scope.starts_on is None:
        return today - dt.timedelta(days=7 * OBSERVATION_WEEKS - 1), today
    ends = min(scope.ends_on or today, today)
    return scope.starts_on, max(ends, scope.starts_on)


def observation_pages(
    scope: Scope,
    *,
    planned_page=1,
    delivered_page=1,
    views: tuple[str, ...] = ("planned", "delivered"),
    per_page: int = OBSERVATION_PAGE_SIZE,
    today: dt.date | None = None,
) -> dict[str, Page]:
    """A page of places for each view (``planned``: :func:`observation_hours`,
    ``delivered``: :func:`delivered_observation_hours`) in one statement, which reads the
    period's observations once: {view: page of :class:`ObservationHoursRow`}. The gaps page
    shows both."""
    obs_from, obs_to = observation_period(scope, today)
    numbers = {"planned": page_number(planned_page), "delivered": page_number(delivered_page)}
    params = {
        **scope_params(scope),
        "obs_from": obs_from,
        "obs_to": obs_to,
        "delivered": ["held", "moved"],
        "limit": per_page,
        **{f"{view}_offset": (numbers[view] - 1) * per_page for view in views},
    }
    sql = _observation_statement(list(views), kept=scope.theme is None)
    rows = execute(sql, params)
    # A page past the end shows the first (one more statement, only then).
    beyond = [view for view in views if numbers[view] > 1 and not any(r[0] == view for r in rows)]
    if beyond:
        for view in beyond:
            numbers[view], params[f"{view}_offset"] = 1, 0
        rows = execute(sql, params)
    areas = Area.objects.in_bulk({row[1] for row in rows})
    found: dict[str, list] = {view: [] for view in views}
    totals = dict.fromkeys(views, 0)
    for view, area_id, uncovered_count, observed, spans, total in rows:
        totals[view] = total
        found[view].append(
            ObservationHoursRow(
                area=areas[area_id],
                uncovered=int(uncovered_count),
                observed=int(observed),
                spans=[
                    ObservedSpan(
                        weekday,
                        dt.time(from_hour),
                        None if to_hour == 24 else dt.time(to_hour),
                        int(count),
                    )
                    for weekday, from_hour, to_hour, count in spans
                ],
            )
        )
    return {view: page_of(found[view], totals[view], numbers[view], per_page) for view in views}


def observation_hours(
    scope: Scope, *, page=1, per_page: int = OBSERVATION_PAGE_SIZE, today: dt.date | None = None
) -> Page:
    """Places (areas, with the scope's sub-areas) and hours of the week with observations in
    the period (:func:`observation_period`) when no live initiative there has a weekly time:
    a page of :class:`ObservationHoursRow`, the most such observations first. An initiative
    is there when one of its areas is the observation's or contains it."""
    pages = observation_pages(
        scope, planned_page=page, views=("planned",), per_page=per_page, today=today
    )
    return pages["planned"]


def delivered_observation_hours(
    scope: Scope, *, page=1, per_page: int = OBSERVATION_PAGE_SIZE, today: dt.date | None = None
) -> Page:
    """As :func:`observation_hours`, but an observed hour (on its date) is covered only when a
    session of an initiative there was marked held (or moved and held) over it that day."""
    pages = observation_pages(
        scope, delivered_page=page, views=("delivered",), per_page=per_page, today=today
    )
    return pages["delivered"]
