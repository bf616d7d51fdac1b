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
from django.db.models import QuerySet

from partnership.models import Area
from partnership.observations.models import (
    Observation,
    ObservationHourTotal,
    ObservationYearTotal,
)
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


# The part numbers' values (``ObservationYearTotal.part``, :func:`_part_sql`): "" no time.
PART_VALUES = ["", *(str(part) for part, _hours in _PARTS)]


def whole_years(start: dt.date, end: dt.date) -> tuple[int, int] | None:
    """The first and last calendar year lying wholly inside ``start``–``end`` (inclusive),
    None when no year does."""
    first = start.year if (start.month, start.day) == (1, 1) else start.year + 1
    last = end.year if (end.month, end.day) == (12, 31) else end.year - 1
    return (first, last) if first <= last else None


@dataclass(frozen=True)
class PlaceTimeSums:
    """The observations of a period summed for the report's sections (counts added up):
    ``cells`` per (area id, category id), with ``area_names``; ``weekdays`` per (category
    id, ISO weekday); ``parts`` per (category id, part: a ``TimeOfDay`` value, "" without a
    time); ``top`` the commonest (area, category, weekday, part) groups, dicts with
    ``area_id``, ``area__name``, ``category_id``, ``weekday``, ``part``, ``n``, most first
    (ties by area name, category id, weekday, part)."""

    cells: dict[tuple[int, int], int]
    area_names: dict[int, str]
    weekdays: dict[tuple[int, int], int]
    parts: dict[tuple[int, str], int]
    top: list[dict]


def _subquery(queryset: QuerySet | None, column: str) -> tuple[str, list]:
    """``column`` among the ids ``queryset`` selects, as an array computed once before the
    scan (``= ANY(ARRAY(…))``): with ``IN (…)`` the planner guessed half of all areas for a
    district of 21 and scanned the whole year totals three times (180 ms instead of 12)."""
    if queryset is None:
        return "", []
    sql, params = queryset.query.sql_with_params()
    return f" AND {column} = ANY(ARRAY({sql}))", list(params)


def place_time_sums(
    *, areas: QuerySet | None, categories: QuerySet | None, start: dt.date, end: dt.date, top: int
) -> PlaceTimeSums:
    """The observations from ``start`` to ``end`` (inclusive) in ``areas`` and
    ``categories`` (querysets of ids; None: all) summed per area, category, ISO weekday and
    part of the day of their start, then regrouped in the same statement into what the
    report shows (:class:`PlaceTimeSums`) — a few thousand rows, not the ~140,000 groups of
    a year at 1,000,000 observations.

    The calendar years lying wholly inside the period (:func:`whole_years`) are read from
    ``ObservationYearTotal`` (kept by triggers, migration 0006: ~140,000 rows a year instead
    of ~920,000 observations); the days before and after them from the observations
    themselves, grouped by integers from the generated columns (``iso_weekday``, the part
    from ``hours_mask``, :func:`_part_sql`), which the covering index holds. One statement,
    whatever the number of observations."""
    area_sql, area_params = _subquery(areas, "area_id")
    category_sql, category_params = _subquery(categories, "category_id")
    filters, filter_params = area_sql + category_sql, area_params + category_params
    branches, params = [], []
    years = whole_years(start, end)
    days = [(start, end)]
    if years:
        first, last = years
        branches.append(
            f"""SELECT area_id, category_id, weekday, part, total AS n
                FROM {ObservationYearTotal._meta.db_table}
                WHERE year BETWEEN %s AND %s{filters}"""  # noqa: S608 (constants)
        )
        params += [first, last, *filter_params]
        days = [
            (start, dt.date(first, 1, 1) - dt.timedelta(days=1)),
            (dt.date(last, 12, 31) + dt.timedelta(days=1), end),
        ]
    for day_from, day_to in days:
        if day_from > day_to and years:
            continue
        branches.append(
            f"""SELECT area_id, category_id, iso_weekday, {_part_sql("hours_mask")}, count
                FROM {Observation._meta.db_table}
                WHERE observed_on BETWEEN %s AND %s{filters}"""  # noqa: S608 (constants)
        )
        params += [day_from, day_to, *filter_params]
    # One calendar year's totals alone are already one row per (area, category, weekday,
    # part): summed again, they would only cost a second aggregation (and spill to disk).
    single_year = bool(years) and years[0] == years[1] and len(branches) == 1
    fine = (
        "SELECT * FROM rows"
        if single_year
        else """SELECT area_id, category_id, weekday, part, sum(n) AS n FROM rows
                GROUP BY area_id, category_id, weekday, part"""
    )
    area_table = Area._meta.db_table
    # ``rows``: the year totals' and the days' rows; ``groups``: their (area, category,
    # weekday, part) sums, computed once. From them, three sets of sums (kind 0: per area and
    # category; 1: per category and weekday; 2: per category and part) and the top (kind
    # 3): only groups counting at least as much as the ``top``-th largest, sorted as Python
    # sorts the dicts (names and parts by their code points, ``COLLATE "C"``; a part by its
    # value, "" first). The areas' names are joined to the few rows returned.
    sql = f"""
        WITH rows (area_id, category_id, weekday, part, n) AS NOT MATERIALIZED (
            {" UNION ALL ".join(branches)}
        ),
        groups AS {"NOT MATERIALIZED" if single_year else "MATERIALIZED"} ({fine})
        SELECT CASE s.kind WHEN 3 THEN 0 WHEN 5 THEN 1 ELSE 2 END, s.area_id, a.name,
               s.category_id, s.weekday, s.part, s.n
        FROM (
            SELECT GROUPING(area_id, weekday, part) AS kind, area_id, category_id, weekday,
                   part, sum(n) AS n
            FROM groups
            GROUP BY GROUPING SETS ((area_id, category_id), (category_id, weekday),
                                    (category_id, part))
        ) AS s LEFT JOIN {area_table} AS a ON a.id = s.area_id
        UNION ALL (
            SELECT 3, g.area_id, a.name, g.category_id, g.weekday, g.part, g.n
            FROM groups AS g JOIN {area_table} AS a ON a.id = g.area_id
            WHERE g.n >= coalesce(
                (SELECT n FROM groups ORDER BY n DESC OFFSET %s LIMIT 1), 0
            )
            ORDER BY g.n DESC, a.name COLLATE "C", g.category_id, g.weekday,
                     (%s::text[])[g.part + 1] COLLATE "C"
            LIMIT %s
        )
    """  # noqa: S608 (the clauses are constants; values are parameters)
    cells, area_names, weekdays, parts, top_rows = {}, {}, {}, {}, []
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, max(top - 1, 0), PART_VALUES, top])
        for kind, area_id, name, category_id, weekday, part, n in cursor.fetchall():
            n = int(n)
            if kind == 0:
                cells[area_id, category_id] = n
                area_names[area_id] = name
            elif kind == 1:
                weekdays[category_id, weekday] = n
            elif kind == 2:
                parts[category_id, PART_VALUES[part]] = n
            else:
                top_rows.append(
                    {
                        "area_id": area_id,
                        "area__name": name,
                        "category_id": category_id,
                        "weekday": weekday,
                        "part": PART_VALUES[part],
                        "n": n,
                    }
                )
    # UNION ALL keeps no order between its branches: the top's own order, restored.
    top_rows.sort(
        key=lambda r: (-r["n"], r["area__name"], r["category_id"], r["weekday"], r["part"])
    )
    return PlaceTimeSums(cells, area_names, weekdays, parts, top_rows)
