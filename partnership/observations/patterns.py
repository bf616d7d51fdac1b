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
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db import connection

from partnership.models import Area

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


def patterns_for(*, area_ids, category_ids, start: dt.date, end: dt.date) -> tuple[Heatmap, Trend]:
    """The heatmap of the observations from ``start`` to ``end`` (inclusive) and the trend
    (the weeks from the week of ``start`` to the week of ``end``, and the 52 weeks before
    the latter) in the areas (None: all) and categories (empty: all).

    One query, one scan: ``GROUPING SETS`` feeds the same rows to both groupings, the
    heatmap's (weekday, hours, next-day hours) and the trend's (the Monday of the week);
    the heatmap sums only the rows of the period (``FILTER``)."""
    this_monday = week_start(end)
    first_monday = min(week_start(start), this_monday - dt.timedelta(weeks=WEEKS_LONG))
    where, params = _where(area_ids, category_ids, first_monday, this_monday + dt.timedelta(6))
    sql = f"""
        SELECT iso_weekday, hours_mask, next_day_mask, observed_on - (iso_weekday - 1),
               sum(count) FILTER (WHERE observed_on BETWEEN %s AND %s), sum(count)
        FROM observations_observation
        WHERE {where}
        GROUP BY GROUPING SETS ((iso_weekday, hours_mask, next_day_mask), (4))
    """  # noqa: S608 (the clauses are constants; values are parameters)
    heatmap, totals = Heatmap(), {}
    cells = heatmap.cells
    with connection.cursor() as cursor:
        cursor.execute(sql, [start, end, *params])
        for weekday, mask, next_mask, monday, in_period, total in cursor.fetchall():
            if monday is not None:
                totals[monday] = int(total)
                continue
            if not in_period:
                continue
            in_period = int(in_period)
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
