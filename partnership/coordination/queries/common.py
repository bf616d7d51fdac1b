# ruff: noqa: S608 -- the SQL is assembled from constant fragments; every value is a parameter.
"""What every dashboard measure shares: the scope and its SQL parameters, the one SQL
definition of a live initiative and of an open problem (the models' states, taken as
parameters), the area tree, weekly slots as minutes of the week, and paging."""

import datetime as dt
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from initiatives.models import Initiative
from partnership.models import Area, Theme
from partnership.problems.models import Problem

PAGE_SIZE = 100


@dataclass(frozen=True)
class Scope:
    """What every dashboard view is filtered by: area (with its sub-areas), theme, period."""

    area: Area | None = None
    theme: Theme | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None

    @property
    def window(self) -> tuple[dt.date, dt.date | None]:
        return (self.starts_on or timezone.localdate(), self.ends_on)


def scope_params(scope: Scope) -> dict:
    """The parameters of every dashboard statement: the scope, and the states as the models
    define them (read on each call, so the SQL always follows the model)."""
    starts, ends = scope.window
    area_ids = None
    if scope.area is not None:
        area_ids = list(Area.objects.with_descendants(scope.area).values_list("pk", flat=True))
    return {
        "starts": starts,
        "ends": ends,
        "areas": area_ids,
        "theme": scope.theme.pk if scope.theme else None,
        "only": None,
        "live_statuses": list(Initiative.LIVE_STATUSES),
        "open_statuses": list(Problem.OPEN_STATUSES),
    }


# --- SQL building blocks ---------------------------------------------------------------------

# Each area with itself and every ancestor.
UP = """
    up(area_id, ancestor_id) AS (
        SELECT id, id FROM partnership_area
        UNION ALL
        SELECT up.area_id, a.parent_id FROM up JOIN partnership_area a ON a.id = up.ancestor_id
        WHERE a.parent_id IS NOT NULL
    )"""

# A live initiative ``i`` in the window (``Initiative.LIVE_STATUSES``); ``live_initiatives``
# is the same in the ORM. ``only`` narrows it to given ids (one pair).
LIVE_CONDITION = """
    i.archived_at IS NULL AND i.status = ANY(%(live_statuses)s::text[])
    AND i.period && daterange(%(starts)s::date, %(ends)s::date, '[]')
    AND (%(only)s::bigint[] IS NULL OR i.id = ANY(%(only)s::bigint[]))"""

LIVE_IDS = f"""
    live AS MATERIALIZED (SELECT i.id FROM initiatives_initiative i WHERE {LIVE_CONDITION})"""

# An open problem ``p`` (``Problem.OPEN_STATUSES``, not archived): ``Problem.objects.open()``.
OPEN_PROBLEM_CONDITION = """
    p.archived_at IS NULL AND p.status = ANY(%(open_statuses)s::text[])"""


def minutes(column: str) -> str:
    """A time's minutes since midnight (``date_part``: a float, several times cheaper than
    ``extract``'s numeric over the hundreds of thousands of slots and sessions)."""
    return f"(date_part('hour', {column}) * 60 + date_part('minute', {column}))::int"


# A slot ``s`` as minutes of the week (Monday 00:00 = 0), a multirange: the rule of
# ``ScheduleSlot.week_minutes``. An end at or before the start is the next day (the hours
# after midnight count on the next weekday; Sunday's on Monday, the week's second span); an
# end at 23:59 (the latest a time input offered before midnight) runs to midnight.
_SLOT_END = f"""(s.weekday - 1) * 1440 + CASE
    WHEN s.ends_at <= s.starts_at THEN 1440 + {minutes("s.ends_at")}
    WHEN s.ends_at >= '23:59' THEN 1440 ELSE {minutes("s.ends_at")} END"""
SLOT_RANGE = f"""int4multirange(
    int4range((s.weekday - 1) * 1440 + {minutes("s.starts_at")}, LEAST({_SLOT_END}, 10080)),
    int4range(0, GREATEST({_SLOT_END} - 10080, 0)))"""


def live_initiatives(scope: Scope):
    """Live initiatives in the scope, in the ORM: ``LIVE_CONDITION`` with the scope's area
    (with sub-areas) and theme."""
    starts, ends = scope.window
    queryset = Initiative.objects.active().live_during(starts, ends)
    if scope.area is not None:
        areas = Initiative.areas.through.objects.filter(
            initiative_id=OuterRef("pk"), area__in=Area.objects.with_descendants(scope.area)
        )
        queryset = queryset.filter(Exists(areas))
    if scope.theme is not None:
        themes = Initiative.themes.through.objects.filter(
            initiative_id=OuterRef("pk"), theme_id=scope.theme.pk
        )
        queryset = queryset.filter(Exists(themes))
    return queryset


# --- Running statements and paging -------------------------------------------------------------


def execute(sql: str, params: dict) -> list[tuple]:
    """Run one dashboard statement with room to hash (the pair joins are large). (JIT is
    off for every connection: ``settings.DATABASES``.)"""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '128MB'")
        cursor.execute(sql, params)
        return cursor.fetchall()


def stream(sql: str, params: dict, size: int = 2000):
    """Rows of a large statement, fetched in chunks through a server-side cursor."""
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(size):
            yield from rows


class _Counted:
    def __init__(self, total: int):
        self.total = total

    def count(self) -> int:
        return self.total


def page_of(rows: list, total: int, number: int, per_page: int) -> Page:
    """A page of rows already fetched, out of ``total``."""
    paginator = Paginator(_Counted(total), per_page)
    return Page(rows, number, paginator)


def page_number(value, total_cap: int = 10**6) -> int:
    try:
        return max(1, min(int(value), total_cap))
    except (TypeError, ValueError):
        return 1
