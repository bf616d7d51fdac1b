# ruff: noqa: S608 -- the SQL is assembled from constant fragments; every value is a parameter.
"""Gaps and time gaps (defined in the package docstring): a page of them, every one for CSV."""

import datetime as dt
import re
from dataclasses import dataclass

from django.core.paginator import Page
from django.db.models import Prefetch
from django.utils import timezone

from partnership.coordination.queries.common import (
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
    gaps AS (
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
    SLOT_RANGE.replace("s.weekday", "extract(isodow FROM coalesce(m.moved_on, m.on_date))::int")
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
    ),
    timed AS (
        SELECT k.problem_id FROM links k
        GROUP BY k.problem_id
        HAVING bool_and(EXISTS (
            SELECT 1 FROM initiatives_scheduleslot s WHERE s.initiative_id = k.initiative_id))
    ),
    pw AS MATERIALIZED (
        SELECT p.*, {PROBLEM_WEEK} AS week
        FROM open_problems p JOIN timed t ON t.problem_id = p.id
    ),
    weeks AS (
        SELECT k.problem_id, (%(today)s::date - m.on_date - 1) / 7 AS week_no,
               range_agg({_MARK_RANGE}) AS held, count(*) AS sessions
        FROM links k JOIN pw ON pw.id = k.problem_id
        JOIN initiatives_sessionmark m ON m.initiative_id = k.initiative_id
        WHERE m.outcome = ANY(%(delivered)s::text[])
          AND m.on_date >= %(since)s::date AND m.on_date < %(today)s::date
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
    params = {
        **scope_params(scope),
        "today": today,
        "since": today - dt.timedelta(weeks=2 * DELIVERED_WEEKS),
        "weeks": DELIVERED_WEEKS,
        "delivered": ["held", "moved"],
        "limit": per_page,
        "offset": (number - 1) * per_page,
    }
    limited = f"{_DELIVERED_GAPS} LIMIT %(limit)s OFFSET %(offset)s"
    rows = execute(limited, params)
    if not rows and number > 1:
        number, params["offset"] = 1, 0
        rows = execute(limited, params)
    problems = _problems([row[0] for row in rows])
    found = [
        DeliveredRow(problems[row[0]], row[1], week_spans(row[3]), *(int(v) for v in row[4:9]))
        for row in rows
    ]
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
