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
