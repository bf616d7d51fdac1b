"""Patterns in the observations: when in the week things happen (the weekday × hour heatmap)
and how this week compares with the weeks before (the trend).

How the heatmap counts (``docs/observations.md``): every observation adds its **count** to
each hour it covers — a moment (``time_from`` only) to its hour; a window to every hour it
touches (21:00–24:00 → 21, 22, 23; 21:30–22:15 → 21 and 22), one crossing midnight
(22:00–02:00) to 22 and 23 of its day and 0 and 1 of the next weekday. An observation
without a time (an imported weekly statistic) is counted under "time unknown", never in the
grid. The covered hours are stored generated columns (migration 0003), so one query groups
the matching rows by (weekday, hours, next-day hours) — a few hundred groups at most — and
Python spreads each group's sum over its hours. The trend's weeks come from the same scan.

At 1,000,000 observations the whole partnership does not scan them: it reads
``ObservationHourTotal`` (per category, day and hour, kept by triggers, migration 0004;
about 115,000 rows a year), and an area holding most areas reads those totals minus the rows
of the few areas outside it (:func:`_plan`). ``docs/observations.md`` has the numbers.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import QuerySet, Sum
from django.db.models.expressions import RawSQL

from partnership.models import Area
from partnership.observations.models import Observation, ObservationHourTotal
from partnership.residents.models import TIME_OF_DAY_HOURS

WEEKDAYS = range(1, 8)
HOURS = range(24)
WEEKS_SHORT = 4
WEEKS_LONG = 52


def area_ids(area: Area | None) -> list[int] | None:
    """The area and every area below it, as ids; None (no filter) for the whole
    partnership."""
    if area is None:
        return None
    return list(Area.objects.with_descendants(area).values_list("pk", flat=True))


def _where(area_ids, category_ids, start: dt.date, end: dt.date) -> tuple[str, list]:
    clauses, params = ["observed_on BETWEEN %s AND %s"], [start, end]
    if area_ids is not None:
        clauses.append("area_id = ANY(%s)")
        params.append(list(area_ids))
    if category_ids:
        clauses.append("category_id = ANY(%s)")
        params.append(list(category_ids))
    return " AND ".join(clauses), params


@dataclass
class Heatmap:
    """Counts per ISO weekday (1–7) and hour (0–23), plus those without a time."""

    cells: dict[tuple[int, int], int] = field(default_factory=dict)
    unknown: int = 0

    def count(self, weekday: int, hour: int) -> int:
        return self.cells.get((weekday, hour), 0)

    @property
    def maximum(self) -> int:
        return max(self.cells.values(), default=0)

    @property
    def grid_total(self) -> int:
        """The sum of the cells (a window counts once per hour it covers)."""
        return sum(self.cells.values())

    def rows(self) -> list[tuple[int, list[int]]]:
        return [(day, [self.count(day, hour) for hour in HOURS]) for day in WEEKDAYS]

    def day_totals(self) -> list[int]:
        return [sum(self.count(day, hour) for hour in HOURS) for day in WEEKDAYS]

    def hour_totals(self) -> list[int]:
        return [sum(self.count(day, hour) for day in WEEKDAYS) for hour in HOURS]


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.isoweekday() - 1)


@dataclass
class Trend:
    """Observations (sum of counts) per ISO week; ``this_week`` is the week of the period's
    end, compared with the mean of the 4 and the 52 weeks before it (weeks without
    observations count as 0)."""

    this_week_start: dt.date
    weeks: list[tuple[dt.date, int]]  # the weeks of the period, Monday and total
    this_week: int
    average_short: float
    average_long: float

    @property
    def maximum(self) -> int:
        return max(
            [total for _week, total in self.weeks] + [self.average_short, self.average_long],
            default=0,
        )


# A chosen area covering more than this share of all areas is counted the other way round:
# the partnership's hour totals minus the raw rows of the areas outside it.
COMPLEMENT_FROM = 0.5


def _plan(area_ids) -> tuple[str, list[int] | None]:
    """How to count the areas: ``("all", None)`` from the hour totals alone (the whole
    partnership, or an area holding every area), ``("raw", ids)`` from the area's own rows,
    ``("complement", ids)`` the hour totals minus the rows of the areas outside it (``ids``)
    — whichever side has fewer areas is scanned."""
    if area_ids is None:
        return "all", None
    chosen = set(area_ids)
    every = list(Area.objects.values_list("pk", flat=True))
    outside = [pk for pk in every if pk not in chosen]
    if not outside:
        return "all", None
    if len(outside) < len(every) * (1 - COMPLEMENT_FROM):
        return "complement", outside
    return "raw", list(area_ids)


def _add_raw(heatmap, totals, *, sign, area_ids, category_ids, start, end, first, last) -> None:
    """Add (``sign`` 1) or subtract (-1) the observations of the areas, from the rows: an
    index-only scan of ``observation_heatmap_idx`` grouped by (weekday, hours, next-day
    hours) for the heatmap and by week for the trend."""
    where, params = _where(area_ids, category_ids, first, last)
    sql = f"""
        SELECT iso_weekday, hours_mask, next_day_mask, observed_on - (iso_weekday - 1),
               sum(count) FILTER (WHERE observed_on BETWEEN %s AND %s), sum(count)
        FROM observations_observation
        WHERE {where}
        GROUP BY GROUPING SETS ((iso_weekday, hours_mask, next_day_mask), (4))
    """  # noqa: S608 (the clauses are constants; values are parameters)
    cells = heatmap.cells
    with connection.cursor() as cursor:
        cursor.execute(sql, [start, end, *params])
        for weekday, mask, next_mask, monday, in_period, total in cursor.fetchall():
            if monday is not None:
                totals[monday] = totals.get(monday, 0) + sign * int(total)
                continue
            if not in_period:
                continue
            in_period = sign * int(in_period)
            if not mask:
                heatmap.unknown += in_period
                continue
            for hour in HOURS:
                if mask >> hour & 1:
                    cells[weekday, hour] = cells.get((weekday, hour), 0) + in_period
            next_day = weekday % 7 + 1
            for hour in HOURS:
                if next_mask >> hour & 1:
                    cells[next_day, hour] = cells.get((next_day, hour), 0) + in_period


# A Monday before any date Python can hold (1 January of year 1): the weekday is whole days
# from it modulo 7, integer arithmetic (``extract(isodow …)`` costs more per row).
MONDAY = dt.date(1, 1, 1)


def _add_hour_totals(heatmap, totals, *, category_ids, start, end, first, last) -> None:
    """Add every area's observations from ``ObservationHourTotal`` (kept by triggers): a
    year is about 100,000 rows of (category, day, hour) instead of a million observations."""
    clauses, params = ["observed_on BETWEEN %s AND %s"], [first, last]
    if category_ids:
        clauses.append("category_id = ANY(%s)")
        params.append(list(category_ids))
    sql = f"""
        SELECT (observed_on - %s) %% 7 + 1 AS weekday, slot,
               observed_on - (observed_on - %s) %% 7 AS monday,
               sum(total) FILTER (WHERE slot >= 0 AND observed_on BETWEEN %s AND %s),
               sum(total) FILTER (WHERE slot = %s)
        FROM observations_hour_total
        WHERE {" AND ".join(clauses)}
        GROUP BY GROUPING SETS ((weekday, slot), (monday))
    """  # noqa: S608 (the clauses are constants; values are parameters)
    cells = heatmap.cells
    with connection.cursor() as cursor:
        cursor.execute(sql, [MONDAY, MONDAY, start, end, ObservationHourTotal.SLOT_DAY, *params])
        for weekday, slot, monday, in_period, total in cursor.fetchall():
            if monday is not None:
                if total:
                    totals[monday] = totals.get(monday, 0) + int(total)
                continue
            if not in_period:
                continue
            if slot == ObservationHourTotal.SLOT_UNKNOWN:
                heatmap.unknown += int(in_period)
                continue
            if slot >= ObservationHourTotal.SLOT_NEXT_DAY:
                weekday, slot = weekday % 7 + 1, slot - ObservationHourTotal.SLOT_NEXT_DAY
            cells[weekday, slot] = cells.get((weekday, slot), 0) + int(in_period)


def patterns_for(*, area_ids, category_ids, start: dt.date, end: dt.date) -> tuple[Heatmap, Trend]:
    """The heatmap of the observations from ``start`` to ``end`` (inclusive) and the trend
    (the weeks from the week of ``start`` to the week of ``end``, and the 52 weeks before
    the latter) in the areas (None: all) and categories (empty: all).

    One scan feeds both (``GROUPING SETS``: the heatmap's groups and the trend's weeks;
    the heatmap sums only the rows of the period, ``FILTER``). The whole partnership reads
    the hour totals; a small area its own rows (index-only); an area holding most areas the
    hour totals minus the rows of the few areas outside it (:func:`_plan`)."""
    this_monday = week_start(end)
    first_monday = min(week_start(start), this_monday - dt.timedelta(weeks=WEEKS_LONG))
    window = {
        "start": start,
        "end": end,
        "first": first_monday,
        "last": this_monday + dt.timedelta(6),
    }
    heatmap, totals = Heatmap(), {}
    how, ids = _plan(area_ids)
    if how in ("all", "complement"):
        _add_hour_totals(heatmap, totals, category_ids=category_ids, **window)
    if how in ("raw", "complement"):
        sign = -1 if how == "complement" else 1
        _add_raw(heatmap, totals, sign=sign, area_ids=ids, category_ids=category_ids, **window)
    heatmap.cells = {key: n for key, n in heatmap.cells.items() if n}

    def before(weeks: int) -> float:
        mondays = [this_monday - dt.timedelta(weeks=n) for n in range(1, weeks + 1)]
        return sum(totals.get(m, 0) for m in mondays) / weeks

    weeks, monday = [], week_start(start)
    while monday <= this_monday:
        weeks.append((monday, totals.get(monday, 0)))
        monday += dt.timedelta(weeks=1)
    trend = Trend(
        this_week_start=this_monday,
        weeks=weeks,
        this_week=totals.get(this_monday, 0),
        average_short=before(WEEKS_SHORT),
        average_long=before(WEEKS_LONG),
    )
    return heatmap, trend


def heatmap(*, area_ids, category_ids, start: dt.date, end: dt.date) -> Heatmap:
    return patterns_for(area_ids=area_ids, category_ids=category_ids, start=start, end=end)[0]


def trend(*, area_ids, category_ids, start: dt.date, end: dt.date) -> Trend:
    return patterns_for(area_ids=area_ids, category_ids=category_ids, start=start, end=end)[1]


# --- The report's groups (``coordination.queries.report.observation_groups``) ---------------

# The part of the day a time starts in (the residents' four parts), by the lowest hour of
# ``hours_mask``: a moment's hour, or the first hour of a window (across midnight too, whose
# ``hours_mask`` runs from its start to 23). 0: no time given.
_PARTS = list(TIME_OF_DAY_HOURS.items())


def _part_sql(column: str) -> str:
    """A ``CASE`` giving 0 (no time) or the 1-based position of the part in :data:`_PARTS`
    from the lowest bit of ``column`` (``mask & -mask``), integer arithmetic only."""
    low = f"({column} & -{column})"
    whens = [f"WHEN {column} = 0 THEN 0"]
    for number, (_part, (first, last)) in enumerate(_PARTS, start=1):
        if first < last:
            whens.append(f"WHEN {low} >= {1 << first} AND {low} < {1 << last} THEN {number}")
        else:  # the night runs past midnight
            whens.append(f"WHEN {low} >= {1 << first} OR {low} < {1 << last} THEN {number}")
    return f"CASE {' '.join(whens)} END"


def place_time_groups(observations: QuerySet) -> list[dict]:
    """``observations`` (a filtered queryset) summed per area, category, ISO weekday and
    part of the day of their start: dicts with ``area_id``, ``area__name``, ``category_id``,
    ``weekday``, ``part`` (a ``TimeOfDay`` value, "" without a time) and ``n``.

    One statement: the sums grouped by integers from the generated columns (``iso_weekday``,
    the part from ``hours_mask``), which the covering index holds, and the areas' names
    joined to the groups afterwards — not to each of a million rows."""
    table = Observation._meta.db_table
    grouped = (
        observations.order_by()
        .annotate(
            weekday=RawSQL(f"{table}.iso_weekday", ()),  # noqa: S611 (constant)
            part_number=RawSQL(_part_sql(f"{table}.hours_mask"), ()),  # noqa: S611 (constant)
        )
        .values("area_id", "category_id", "weekday", "part_number")
        .annotate(n=Sum("count"))
    )
    sql, params = grouped.query.sql_with_params()
    parts = ["", *(str(part) for part, _hours in _PARTS)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT g.area_id, a.name, g.category_id, g.weekday, g.part_number, g.n
                FROM ({sql}) AS g JOIN {Area._meta.db_table} AS a ON a.id = g.area_id""",  # noqa: S608
            params,
        )
        return [
            {
                "area_id": area_id,
                "area__name": name,
                "category_id": category_id,
                "weekday": weekday,
                "part": parts[part],
                "n": int(n),
            }
            for area_id, name, category_id, weekday, part, n in cursor.fetchall()
        ]
