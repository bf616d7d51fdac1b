# ruff: noqa: S608 -- the SQL is assembled from constant fragments; every value is a parameter.
"""The coordinator dashboard's reads: overlaps, gaps, time gaps, coverage, attention, report.

Every measure is computed by PostgreSQL in one statement (joins on indexed columns, range,
multirange and array expressions), never by looping over pairs in Python; each page then
fetches the few rows it shows with their related objects in a fixed number of queries.
The definitions below are also explained on each page ("Why is this listed?").

**Live** (for a window, by default from today on, open-ended): planned or active, not
archived, and the period (``Initiative.period``; an open end is ongoing) intersects the window.

**Overlap**: two live initiatives whose lead organisations differ, whose periods intersect,
that are in the same or nested areas (one's area equals, contains or lies within one of the
other's) *or* whose points lie within :data:`NEAR_METRES` of each other, and that share a
theme or a target group *in that place* — both conditions hold together. Candidate pairs are
found by equality joins: on (area, theme-or-group) with one side's areas expanded to their
ancestors (a recursive CTE over the area tree), and on (grid cell, theme-or-group) for points,
the grid being cells of at least 300 m so that close points are in the same or a
neighbouring cell, then checked with an equirectangular distance (exact enough below 1 km).
Schedules coincide when the weekly slots, as ``int4multirange`` of minutes of the week,
intersect (same weekday, intersecting hours).

**Strength** ranks the pairs: 3 per shared theme, 2 per shared target group, 3 for the same
area (2 for nested ones), 2 for points within 300 m, 3 when the schedules coincide.

**Gap**: an open problem (open or being addressed, not archived) that no live initiative is
linked to, ranked by severity, then the number of endorsing organisations, then age (oldest
observation first). **Time gap**: an open problem linked to live initiatives which all have
weekly times, whose own weekdays and hours (no weekdays = every day; no hours = all day; a
span like 22:00–02:00 is split at midnight) are not all covered by those slots. An initiative
without weekly times (lighting, cameras) is not tied to the hour and covers every hour.
"""

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db import connection, transaction
from django.db.backends.postgresql.psycopg_any import DateRange
from django.db.models import Exists, Max, OuterRef, Prefetch
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from initiatives.models import (
    Initiative,
    InitiativeAreas,
    InitiativeTargetGroups,
    InitiativeThemes,
    ScheduleSlot,
)
from partnership.coordination.models import OverlapDecision, OverlapSnapshot
from partnership.models import Area, TargetGroup, Theme
from partnership.problems.models import Problem, ProblemResponsibility
from stakeholders.models import Organization

NEAR_METRES = 300
STALE_DAYS = 90
PAGE_SIZE = 100
ATTENTION_PAGE_SIZE = 50
# A grid cell is at least this many degrees of latitude (just over 300 m) high and as many
# metres wide at the highest latitude among the points, so close points are neighbours.
_CELL_DEGREES = 0.0028


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


def _params(scope: Scope) -> dict:
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
    }


# --- SQL building blocks ---------------------------------------------------------------------

# Each area with itself and every ancestor.
_UP = """
    up(area_id, ancestor_id) AS (
        SELECT id, id FROM partnership_area
        UNION ALL
        SELECT up.area_id, a.parent_id FROM up JOIN partnership_area a ON a.id = up.ancestor_id
        WHERE a.parent_id IS NOT NULL
    )"""

_LIVE_CONDITION = """
    i.archived_at IS NULL AND i.status IN ('planned', 'active')
    AND i.period && daterange(%(starts)s::date, %(ends)s::date, '[]')
    AND (%(only)s::bigint[] IS NULL OR i.id = ANY(%(only)s::bigint[]))"""

_IN_AREAS = """
    (%(areas)s::bigint[] IS NULL OR EXISTS (
        SELECT 1 FROM initiatives_initiative_areas s
        WHERE s.initiative_id = i.id AND s.area_id = ANY(%(areas)s::bigint[])))"""

_HAS_THEME = """
    (%(theme)s::bigint IS NULL OR EXISTS (
        SELECT 1 FROM initiatives_initiative_themes s
        WHERE s.initiative_id = i.id AND s.theme_id = %(theme)s::bigint))"""

_LIVE = f"""
    live AS MATERIALIZED (
        SELECT i.id, i.lead_organization_id AS org_id, i.period,
               i.latitude AS lat, i.longitude AS lon, {_IN_AREAS} AS in_scope
        FROM initiatives_initiative i
        WHERE {_LIVE_CONDITION}
    )"""


def _minutes(column: str) -> str:
    return f"(extract(hour FROM {column}) * 60 + extract(minute FROM {column}))::int"


# A slot as minutes of the week (Monday 00:00 = 0). Slots never pass midnight; one ending at
# 23:59 (the latest a form accepts) is taken to run to midnight.
SLOT_RANGE = f"""int4range(
    (s.weekday - 1) * 1440 + {_minutes("s.starts_at")},
    (s.weekday - 1) * 1440
        + CASE WHEN s.ends_at >= '23:59' THEN 1440 ELSE {_minutes("s.ends_at")} END)"""

# When a problem happens, as minutes of the week: each of its weekdays (none = every day)
# from time_from to time_to (none = all day); a span past midnight is split, its second part
# on the next day (Sunday's on Monday).
_PROBLEM_DAYS = (
    "CASE WHEN cardinality(p.weekdays) = 0 THEN ARRAY[1,2,3,4,5,6,7]::int[] "
    "ELSE p.weekdays::int[] END"
)
_FROM = f"coalesce({_minutes('p.time_from')}, 0)"
_TO = f"coalesce({_minutes('p.time_to')}, 1440)"
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


def _distance(x: str, y: str) -> str:
    """Metres between two points (equirectangular: exact enough at these distances)."""
    return f"""(6371000 * sqrt(
        power(radians({y}.lat - {x}.lat), 2)
        + power(cos(radians(({x}.lat + {y}.lat) / 2)) * radians({y}.lon - {x}.lon), 2)))"""


def _one_fingerprint(column: str) -> str:
    return f"""concat_ws(':',
        (SELECT f.period::text FROM initiatives_initiative f WHERE f.id = {column}),
        array_to_string(ARRAY(SELECT area_id FROM initiatives_initiative_areas
                              WHERE initiative_id = {column} ORDER BY 1), ','),
        array_to_string(ARRAY(SELECT theme_id FROM initiatives_initiative_themes
                              WHERE initiative_id = {column} ORDER BY 1), ','))"""


# What a pair looks like: both initiatives' period, areas and themes, hashed.
FINGERPRINT = (
    f"md5({_one_fingerprint('%(a)s::bigint')} || '|' || {_one_fingerprint('%(b)s::bigint')})"
)
_PAIR_FINGERPRINT = f"md5({_one_fingerprint('o.a')} || '|' || {_one_fingerprint('o.b')})"

# How strongly a pair overlaps (explained on the page).
_STRENGTH = f"""(3 * o.theme_count + 2 * o.group_count
               + CASE WHEN o.same_area THEN 3 WHEN o.by_area THEN 2 ELSE 0 END
               + CASE WHEN o.distance <= {NEAR_METRES} THEN 2 ELSE 0 END
               + CASE WHEN o.coincide THEN 3 ELSE 0 END)"""

# The pairs as a page lists them: strength and the decision, if one still applies. A page
# reads ``listed`` twice (totals, rows): computed now it is materialised once; read from the
# snapshot it is cheaper to scan the snapshot twice than to write 3 million rows aside
# (measured on 100,000 initiatives: 3.0 → see bench_dashboard).
_LISTED = f"""
    listed AS __HINT__ (
        SELECT o.*, __STRENGTH__ AS strength,
               d.id AS decision_id,
               (d.id IS NOT NULL AND d.fingerprint = {_PAIR_FINGERPRINT}) AS decided
        FROM overlapping o
        LEFT JOIN dashboard_overlapdecision d
               ON d.initiative_a_id = o.a AND d.initiative_b_id = o.b
    )"""

_OVERLAPS = f"""
    WITH RECURSIVE {_UP},
    {_LIVE},
    weeks AS MATERIALIZED (
        SELECT s.initiative_id AS id, range_agg({SLOT_RANGE}) AS week
        FROM initiatives_scheduleslot s JOIN live l ON l.id = s.initiative_id
        GROUP BY s.initiative_id
    ),
    -- Every live initiative's attributes travel with its rows, so that the pairs need no
    -- join back to the initiatives after grouping.
    tags AS MATERIALIZED (
        SELECT l.*, w.week, tg.tag
        FROM live l
        JOIN (
            SELECT initiative_id AS id, theme_id AS tag FROM initiatives_initiative_themes
            UNION ALL
            SELECT initiative_id, -targetgroup_id FROM initiatives_initiative_target_groups
        ) AS tg ON tg.id = l.id
        LEFT JOIN weeks w ON w.id = l.id
    ),
    placed AS MATERIALIZED (
        SELECT tg.*, ia.area_id
        FROM initiatives_initiative_areas ia JOIN tags tg ON tg.id = ia.initiative_id
    ),
    -- Each row of ``placed`` once for every area strictly below its area. Materialised on its
    -- own so that the planner cannot join the two sides on the tag alone first (measured on
    -- 100,000 initiatives: a join of hundreds of millions of rows).
    placed_below AS MATERIALIZED (
        SELECT x.*, up.area_id AS below_id
        FROM placed x JOIN up ON up.ancestor_id = x.area_id AND up.area_id <> up.ancestor_id
    ),
    grid AS MATERIALIZED (
        SELECT {_CELL_DEGREES} AS dlat,
               {_CELL_DEGREES} / cos(radians(LEAST(coalesce(max(abs(lat)), 0), 85))) AS dlon
        FROM live
    ),
    pointed AS MATERIALIZED (
        SELECT tg.*, floor(tg.lat / grid.dlat)::int AS cy, floor(tg.lon / grid.dlon)::int AS cx
        FROM tags tg CROSS JOIN grid
        WHERE tg.lat IS NOT NULL
    ),
    candidates AS (
        SELECT x.id AS a, y.id AS b, x.tag, true AS by_area, x.area_id = y.area_id AS same_area,
               x.in_scope OR y.in_scope AS in_scope, {_distance("x", "y")} AS distance,
               coalesce(x.week && y.week, false) AS coincide
        FROM placed x
        JOIN placed y ON y.area_id = x.area_id AND y.tag = x.tag
        WHERE x.id < y.id AND x.org_id <> y.org_id AND x.period && y.period
        UNION ALL
        -- y lies in an area below x's
        SELECT x.id, y.id, x.tag, true, false, x.in_scope OR y.in_scope, {_distance("x", "y")},
               coalesce(x.week && y.week, false)
        FROM placed_below x
        JOIN placed y ON y.area_id = x.below_id AND y.tag = x.tag
        WHERE x.id <> y.id AND x.org_id <> y.org_id AND x.period && y.period
        UNION ALL
        SELECT x.id, y.id, x.tag, false, false, x.in_scope OR y.in_scope, {_distance("x", "y")},
               coalesce(x.week && y.week, false)
        FROM pointed x
        CROSS JOIN generate_series(-1, 1) AS oy(d)
        CROSS JOIN generate_series(-1, 1) AS ox(d)
        JOIN pointed y ON y.cy = x.cy + oy.d AND y.cx = x.cx + ox.d AND y.tag = x.tag
        WHERE x.id < y.id AND x.org_id <> y.org_id AND x.period && y.period
          AND {_distance("x", "y")} <= {NEAR_METRES}
    ),
    -- Two groupings without DISTINCT aggregates (which would sort every group).
    pair_tags AS (
        SELECT LEAST(a, b) AS a, GREATEST(a, b) AS b, tag,
               bool_or(by_area) AS by_area, bool_or(same_area) AS same_area,
               bool_or(in_scope) AS in_scope, min(distance) AS distance,
               bool_or(coincide) AS coincide
        FROM candidates GROUP BY 1, 2, 3
    ),
    overlapping AS (
        SELECT a, b, array_agg(tag) AS tags,
               count(*) FILTER (WHERE tag > 0) AS theme_count,
               count(*) FILTER (WHERE tag < 0) AS group_count,
               bool_or(by_area) AS by_area, bool_or(same_area) AS same_area,
               min(distance) AS distance, bool_or(coincide) AS coincide
        FROM pair_tags
        GROUP BY a, b
        HAVING bool_or(in_scope)
           AND (%(theme)s::bigint IS NULL OR bool_or(tag = %(theme)s::bigint))
    ),
    {_LISTED.replace("__HINT__", "").replace("__STRENGTH__", _STRENGTH)}"""

# The same pairs as computed by the last refresh (``services.overlaps_refresh``), narrowed to
# the scope as the live query narrows them: an area of either initiative within the scope's
# area, the scope's theme among the tags they share.
_SNAPSHOT_OVERLAPS = f"""
    WITH overlapping AS (
        SELECT o.a, o.b, o.tags, o.theme_count, o.group_count, o.by_area, o.same_area,
               o.distance, o.coincide, o.strength AS snap_strength
        FROM dashboard_overlapsnapshotpair o
        WHERE o.snapshot_id = %(snapshot)s
          AND (%(areas)s::bigint[] IS NULL
               OR o.a IN (SELECT initiative_id FROM initiatives_initiative_areas
                          WHERE area_id = ANY(%(areas)s::bigint[]))
               OR o.b IN (SELECT initiative_id FROM initiatives_initiative_areas
                          WHERE area_id = ANY(%(areas)s::bigint[])))
          AND (%(theme)s::bigint IS NULL OR %(theme)s::bigint = ANY(o.tags))
    ),
    {_LISTED.replace("__HINT__", "NOT MATERIALIZED").replace("__STRENGTH__", "o.snap_strength")}"""

# Every overlapping pair for the default window, for the snapshot.
SNAPSHOT_FILL = f"""{_OVERLAPS}
    INSERT INTO dashboard_overlapsnapshotpair
        (snapshot_id, a, b, tags, theme_count, group_count, by_area, same_area, distance,
         coincide, strength)
    SELECT %(snapshot)s, a, b, tags, theme_count, group_count, by_area, same_area, distance,
           coincide, {_STRENGTH}
    FROM overlapping o"""


def snapshot_windows(today: dt.date) -> list[tuple[dt.date, dt.date | None]]:
    """The windows a snapshot is kept for: the pages' default (from today on) and the
    report's (the current year)."""
    return [(today, None), (dt.date(today.year, 1, 1), dt.date(today.year, 12, 31))]


def snapshot_fill_params(snapshot) -> dict:
    """``SNAPSHOT_FILL``'s parameters: every pair live in the snapshot's window."""
    scope = Scope(starts_on=snapshot.window_starts, ends_on=snapshot.window_ends)
    return {**_params(scope), "snapshot": snapshot.pk}


def _change_tables() -> list[str]:
    """History tables whose new rows can change the overlaps: initiatives, their areas,
    themes, target groups and weekly slots."""
    models = [Initiative, InitiativeAreas, InitiativeThemes, InitiativeTargetGroups, ScheduleSlot]
    return [model.pgh_event_model._meta.db_table for model in models]


def change_mark() -> int:
    """The sum of the newest history event id of each of ``_change_tables``: it grows with
    every change to any of them. (Each table has its own sequence, so the greatest id of
    all would miss a change in a table whose ids are lower than another's.)"""
    parts = " + ".join(
        f"coalesce((SELECT max(pgh_id) FROM {table}), 0)" for table in _change_tables()
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {parts}")
        return cursor.fetchone()[0]


@dataclass
class SnapshotState:
    """The snapshot a page read (None: computed now) and whether initiatives changed since."""

    snapshot: object = None
    changed_since: bool = False


def _overlap_source(scope: Scope) -> tuple[str, dict, SnapshotState]:
    """The overlap CTEs and parameters for the scope: a snapshot of exactly the scope's
    window (from today on; the current year) when there is one, else computed now. A small
    partnership without a refresh schedule has none and is always computed now."""
    params = _params(scope)
    starts, ends = scope.window
    snapshot = OverlapSnapshot.objects.filter(
        window_starts=starts, window_ends=ends, window_ends__isnull=ends is None
    ).first()
    if snapshot is None:
        return _OVERLAPS, params, SnapshotState()
    state = SnapshotState(snapshot, change_mark() > snapshot.change_mark)
    return _SNAPSHOT_OVERLAPS, {**params, "snapshot": snapshot.pk}, state


_OVERLAP_COLUMNS = [
    "a",
    "b",
    "same_area",
    "by_area",
    "tags",
    "distance",
    "coincide",
    "strength",
    "decision_id",
    "decided",
]


def _execute(sql: str, params: dict) -> list[tuple]:
    """Run one dashboard statement with room to hash (the pair joins are large)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '128MB'")
        cursor.execute("SET LOCAL jit = off")  # compiling costs more than it saves here
        cursor.execute(sql, params)
        return cursor.fetchall()


def _stream(sql: str, params: dict, size: int = 2000):
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


def _page(rows: list, total: int, number: int, per_page: int) -> Page:
    paginator = Paginator(_Counted(total), per_page)
    return Page(rows, number, paginator)


def _page_number(value, total_cap: int = 10**6) -> int:
    try:
        return max(1, min(int(value), total_cap))
    except (TypeError, ValueError):
        return 1


# --- Overlaps -------------------------------------------------------------------------------


@dataclass
class OverlapPair:
    a: Initiative
    b: Initiative
    same_area: bool
    nested: bool
    distance: float | None
    themes: list
    groups: list
    coincide: bool
    strength: int
    decision: object = None
    cluster: int | None = None

    @property
    def near(self) -> bool:
        return self.distance is not None and self.distance <= NEAR_METRES

    @property
    def shared_areas(self) -> list:
        """Areas both initiatives name; for nested ones, both sides' areas."""
        mine = {area.pk for area in self.b.areas.all()}
        return [area for area in self.a.areas.all() if area.pk in mine]


@dataclass
class OverlapResult:
    page: Page
    open_total: int
    decided_total: int
    clusters: list
    snapshot: "SnapshotState"


def overlap_counts(scope: Scope) -> tuple[int, int]:
    """(open pairs, decided pairs) in the scope."""
    source, params, _state = _overlap_source(scope)
    sql = f"""{source}
        SELECT count(*) FILTER (WHERE NOT decided), count(*) FILTER (WHERE decided) FROM listed"""
    return tuple(_execute(sql, params)[0])


def overlaps(scope: Scope, *, decided: bool = False, page: int = 1) -> OverlapResult:
    """One page of open (or decided) overlapping pairs, strongest first, with both totals.
    Four queries for the rows (plus the area subtree when filtering by area) whatever the
    number of pairs: the pairs, the initiatives with their links, the vocabulary, the
    decisions."""
    number = _page_number(page)
    source, params, state = _overlap_source(scope)
    params = {**params, "decided": decided, "limit": PAGE_SIZE}
    params["offset"] = (number - 1) * PAGE_SIZE
    # ``listed`` is used twice, so PostgreSQL computes it once; the totals come with the page
    # (a row of NULLs when the page is empty).
    sql = f"""{source},
        totals AS (
            SELECT count(*) FILTER (WHERE NOT decided) AS open_total,
                   count(*) FILTER (WHERE decided) AS decided_total
            FROM listed
        )
        SELECT page.*, totals.open_total, totals.decided_total
        FROM totals LEFT JOIN LATERAL (
            SELECT {", ".join(_OVERLAP_COLUMNS)} FROM listed
            WHERE decided = %(decided)s
            ORDER BY strength DESC, a, b
            LIMIT %(limit)s OFFSET %(offset)s
        ) AS page ON true"""
    rows = _execute(sql, params)
    open_total, decided_total = rows[0][-2], rows[0][-1]
    total = decided_total if decided else open_total
    rows = [row for row in rows if row[0] is not None]
    if not rows and number > 1:
        empty = _page([], total, 1, PAGE_SIZE)
        return OverlapResult(empty, open_total, decided_total, [], state)
    pairs = _pairs_from_rows(rows)
    clusters = _clusters(pairs)
    page_ = _page(pairs, total, number, PAGE_SIZE)
    return OverlapResult(page_, open_total, decided_total, clusters, state)


def _pairs_from_rows(rows: list[tuple]) -> list[OverlapPair]:
    ids = {row[0] for row in rows} | {row[1] for row in rows}
    initiatives = {
        i.pk: i
        for i in Initiative.objects.filter(pk__in=ids)
        .select_related("lead_organization")
        .prefetch_related("areas", "themes", "target_groups", "slots")
    }
    themes = {t.pk: t for t in Theme.objects.all()}
    groups = {g.pk: g for g in TargetGroup.objects.all()}
    decision_ids = [row[8] for row in rows if row[8]]
    decisions = (
        OverlapDecision.objects.select_related("decided_by").in_bulk(decision_ids)
        if decision_ids
        else {}
    )
    pairs = []
    for row in rows:
        a, b, same, by_area, tags, distance, coincide, strength, decision_id = row[:9]
        # Themes are the positive tags, target groups the negated ones.
        theme_ids = sorted(t for t in tags if t > 0)
        group_ids = sorted(-t for t in tags if t < 0)
        pairs.append(
            OverlapPair(
                a=initiatives[a],
                b=initiatives[b],
                same_area=same,
                nested=by_area and not same,
                distance=distance,
                themes=[themes[t] for t in theme_ids if t in themes],
                groups=[groups[g] for g in group_ids if g in groups],
                coincide=coincide,
                strength=strength,
                decision=decisions.get(decision_id),
            )
        )
    return pairs


def _in_a_cluster(pair: OverlapPair) -> bool:
    """Clusters join only close pairs: a shared theme (not just a target group) in the same
    area or within 300 m (not just nested areas). Otherwise an initiative for a whole
    district links everything in it into one cluster of dozens (the demo data: 33 of 48),
    which says nothing a coordinator can act on."""
    return bool(pair.themes) and (pair.same_area or pair.near)


def _clusters(pairs: list[OverlapPair]) -> list[list[Initiative]]:
    """Connected components (more than two initiatives) over the listed close pairs (see
    ``_in_a_cluster``), for display; each such pair gets its cluster number."""
    pairs = [pair for pair in pairs if _in_a_cluster(pair)]
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for pair in pairs:
        parent[find(pair.a.pk)] = find(pair.b.pk)
    members: dict[int, dict[int, Initiative]] = defaultdict(dict)
    for pair in pairs:
        root = find(pair.a.pk)
        members[root][pair.a.pk] = pair.a
        members[root][pair.b.pk] = pair.b
    clusters, number_of = [], {}
    for root, initiatives in members.items():
        if len(initiatives) > 2:
            clusters.append(sorted(initiatives.values(), key=lambda i: i.title))
            number_of[root] = len(clusters)
    for pair in pairs:
        pair.cluster = number_of.get(find(pair.a.pk))
    return clusters


def overlap_rows(scope: Scope, *, decided: bool | None = None):
    """Every pair (for CSV), strongest first: (a, b, same_area, by_area, themes, groups,
    distance, coincide, strength, decided) with titles and organisations joined in."""
    source, params, _state = _overlap_source(scope)
    sql = f"""{source}
        SELECT o.a, ia.title, oa.name, o.b, ib.title, ob.name, o.same_area, o.by_area,
               ARRAY(SELECT t.name_sv FROM partnership_theme t WHERE t.id = ANY(o.tags)
                     ORDER BY t.position, t.name_sv),
               ARRAY(SELECT g.name_sv FROM partnership_targetgroup g WHERE -g.id = ANY(o.tags)
                     ORDER BY g.position, g.name_sv),
               round(o.distance::numeric), o.coincide, o.strength, o.decided, d.decision, d.note
        FROM listed o
        JOIN initiatives_initiative ia ON ia.id = o.a
        JOIN initiatives_initiative ib ON ib.id = o.b
        JOIN stakeholders_organization oa ON oa.id = ia.lead_organization_id
        JOIN stakeholders_organization ob ON ob.id = ib.lead_organization_id
        LEFT JOIN dashboard_overlapdecision d ON d.id = o.decision_id
        WHERE %(decided)s::boolean IS NULL OR o.decided = %(decided)s::boolean
        ORDER BY o.strength DESC, o.a, o.b"""
    return _stream(sql, {**params, "decided": decided})


def pair_fingerprint(a_id: int, b_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {FINGERPRINT}", {"a": a_id, "b": b_id})
        return cursor.fetchone()[0]


def overlap_pair(a_id: int, b_id: int) -> OverlapPair | None:
    """The pair as it overlaps now (whatever the filters), or None when it does not."""
    a_id, b_id = sorted((a_id, b_id))
    sql = f"""{_OVERLAPS}
        SELECT {", ".join(_OVERLAP_COLUMNS)} FROM listed WHERE a = %(a)s AND b = %(b)s"""
    # Computed now for just these two (fast at any scale), never from the snapshot.
    rows = _execute(sql, {**_params(Scope()), "a": a_id, "b": b_id, "only": [a_id, b_id]})
    return _pairs_from_rows(rows)[0] if rows else None


# --- Gaps and time gaps ------------------------------------------------------------------------

_OPEN_PROBLEMS = """
    open_problems AS (
        SELECT p.* FROM partnership_problem p
        WHERE p.archived_at IS NULL AND p.status IN ('open', 'being_addressed')
          AND (%(areas)s::bigint[] IS NULL OR p.area_id = ANY(%(areas)s::bigint[]))
          AND (%(theme)s::bigint IS NULL OR EXISTS (
              SELECT 1 FROM partnership_problem_themes pt
              WHERE pt.problem_id = p.id AND pt.theme_id = %(theme)s::bigint))
    )"""

_LIVE_IDS = f"""
    live AS MATERIALIZED (SELECT i.id FROM initiatives_initiative i WHERE {_LIVE_CONDITION})"""

_RANK = """ORDER BY p.severity DESC, endorsements DESC,
                 coalesce(p.observed_on, p.created_at::date) ASC, p.id"""

_GAPS = f"""
    WITH {_LIVE_IDS}, {_OPEN_PROBLEMS}
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
    WITH {_LIVE_IDS}, {_OPEN_PROBLEMS},
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
    number = _page_number(page)
    limited = f"{sql} LIMIT %(limit)s OFFSET %(offset)s"
    params = {**_params(scope), "limit": per_page, "offset": (number - 1) * per_page}
    rows = _execute(limited, params)
    if not rows and number > 1:
        number, params["offset"] = 1, 0
        rows = _execute(limited, params)
    problems = _problems([row[0] for row in rows])
    gap_rows = [
        GapRow(problems[row[0]], row[1], week_spans(row[3]) if len(row) > 3 else None)
        for row in rows
    ]
    return _page(gap_rows, rows[0][2] if rows else 0, number, per_page)


def gaps(scope: Scope, *, page=1, per_page: int = PAGE_SIZE) -> Page:
    """Open problems no live initiative addresses, most severe, most endorsed, oldest first."""
    return _gap_page(_GAPS, scope, page, per_page)


def time_gaps(scope: Scope, *, page=1, per_page: int = PAGE_SIZE) -> Page:
    """Open problems addressed on paper whose days and hours the initiatives' slots miss;
    each row has ``uncovered``: (weekday, from, to) spans."""
    return _gap_page(_TIME_GAPS, scope, page, per_page)


def gap_rows(scope: Scope, *, time: bool = False):
    """Every gap (or time gap) for CSV: problem id, endorsements, total[, uncovered]."""
    rows = list(_stream(_TIME_GAPS if time else _GAPS, _params(scope)))
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


# --- Coverage matrix --------------------------------------------------------------------------


@dataclass
class CoverageCell:
    theme: Theme | None
    initiatives: int
    problems: int

    @property
    def gap(self) -> bool:
        return self.problems > 0 and self.initiatives == 0


@dataclass
class CoverageRow:
    area: Area
    cells: list
    total: CoverageCell


_COVERAGE = f"""
    WITH RECURSIVE {_UP},
    {_LIVE_IDS},
    initiative_cells AS (
        SELECT DISTINCT up.ancestor_id AS row_id, t.theme_id, l.id
        FROM live l
        JOIN initiatives_initiative_areas ia ON ia.initiative_id = l.id
        JOIN up ON up.area_id = ia.area_id AND up.ancestor_id = ANY(%(rows)s::bigint[])
        JOIN initiatives_initiative_themes t ON t.initiative_id = l.id
    ),
    problem_cells AS (
        SELECT DISTINCT up.ancestor_id AS row_id, t.theme_id, p.id
        FROM partnership_problem p
        JOIN up ON up.area_id = p.area_id AND up.ancestor_id = ANY(%(rows)s::bigint[])
        JOIN partnership_problem_themes t ON t.problem_id = p.id
        WHERE p.archived_at IS NULL AND p.status IN ('open', 'being_addressed')
    ),
    cells AS (
        SELECT row_id, theme_id, id AS initiative_id, NULL::bigint AS problem_id
        FROM initiative_cells
        UNION ALL
        SELECT row_id, theme_id, NULL, id FROM problem_cells
    )
    SELECT row_id, theme_id, count(DISTINCT initiative_id), count(DISTINCT problem_id)
    FROM cells
    WHERE %(theme)s::bigint IS NULL OR theme_id = %(theme)s::bigint
    GROUP BY GROUPING SETS ((row_id, theme_id), (row_id), (theme_id), ())"""


@dataclass
class Coverage:
    rows: list
    themes: list
    theme_totals: list
    total: CoverageCell


def coverage_rows_for(area: Area | None) -> list[Area]:
    """The rows of the matrix: the chosen area's sub-areas and the area itself (each counting
    its whole subtree), or the top-level areas. A single top-level area (a municipality with
    one partnership area, Huddinge > Vårby gård) is opened down to where the tree branches,
    so the first view already shows the neighbourhoods."""
    if area is None:
        top = list(Area.objects.filter(parent__isnull=True).order_by("name")[:2])
        if len(top) != 1:
            return list(Area.objects.filter(parent__isnull=True).order_by("name"))
        area = top[0]
        for _depth in range(5):  # a chain of single children, never deeper than this
            children = list(Area.objects.filter(parent=area).order_by("name")[:2])
            if len(children) != 1:
                break
            area = children[0]
    return [area, *Area.objects.filter(parent=area).order_by("name")]


def coverage(scope: Scope) -> Coverage:
    """Live initiatives and open problems per area (with sub-areas) and theme."""
    areas = coverage_rows_for(scope.area)
    themes = [scope.theme] if scope.theme else list(Theme.objects.all())
    params = {**_params(scope), "rows": [a.pk for a in areas]}
    counts = {(r, t): (i, p) for r, t, i, p in _execute(_COVERAGE, params)}

    def cell(row_id, theme):
        i, p = counts.get((row_id, theme.pk if theme else None), (0, 0))
        return CoverageCell(theme, i, p)

    rows = [CoverageRow(a, [cell(a.pk, t) for t in themes], cell(a.pk, None)) for a in areas]
    return Coverage(rows, themes, [cell(None, t) for t in themes], cell(None, None))


# --- Attention lists --------------------------------------------------------------------------


def _live_initiatives(scope: Scope):
    starts, ends = scope.window
    queryset = Initiative.objects.active().filter(
        status__in=Initiative.LIVE_STATUSES,
        period__overlap=DateRange(starts, ends, "[]"),
    )
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


def stale_initiatives(scope: Scope):
    """Live initiatives without a progress update for :data:`STALE_DAYS` days (counting from
    registration when there is none), the longest silent first; ``last_news`` annotated."""
    cutoff = timezone.localdate() - dt.timedelta(days=STALE_DAYS)
    return (
        _live_initiatives(scope)
        .annotate(last_news=Coalesce(Max("updates__happened_on"), TruncDate("created_at")))
        .filter(last_news__lt=cutoff)
        .select_related("lead_organization")
        .order_by("last_news", "title", "pk")
    )


def unlinked_initiatives(scope: Scope):
    """Live initiatives not linked to any problem."""
    links = Initiative.problems.through.objects.filter(initiative_id=OuterRef("pk"))
    return (
        _live_initiatives(scope)
        .filter(~Exists(links))
        .select_related("lead_organization")
        .order_by("lead_organization__name", "title", "pk")
    )


def idle_organizations(scope: Scope):
    """Approved organisations leading or partnering in no live initiative (in the period);
    filtered by the areas and themes they say they work on."""
    live = _live_initiatives(Scope(starts_on=scope.starts_on, ends_on=scope.ends_on))
    leading = live.filter(lead_organization_id=OuterRef("pk"))
    partnering = Initiative.partner_organizations.through.objects.filter(
        organization_id=OuterRef("pk"), initiative__in=live
    )
    queryset = Organization.objects.approved().filter(~Exists(leading), ~Exists(partnering))
    if scope.area is not None:
        queryset = queryset.filter(
            Exists(
                Organization.areas.through.objects.filter(
                    organization_id=OuterRef("pk"),
                    area__in=Area.objects.with_descendants(scope.area),
                )
            )
        )
    if scope.theme is not None:
        queryset = queryset.filter(
            Exists(
                Organization.themes.through.objects.filter(
                    organization_id=OuterRef("pk"), theme_id=scope.theme.pk
                )
            )
        )
    return queryset.order_by("name", "pk")


def attention_page(queryset, page, per_page: int = ATTENTION_PAGE_SIZE) -> Page:
    return Paginator(queryset, per_page).get_page(page)


# --- Overview and report ----------------------------------------------------------------------


def overview(scope: Scope) -> dict:
    """The numbers on the dashboard's first page."""
    open_pairs, decided_pairs = overlap_counts(scope)
    cov = coverage(scope)
    return {
        "open_overlaps": open_pairs,
        "decided_overlaps": decided_pairs,
        "gaps": gaps(scope, per_page=5),
        "time_gaps": time_gaps(scope, per_page=5).paginator.count,
        "coverage_gaps": sum(1 for row in cov.rows for c in row.cells if c.gap),
        "stale": stale_initiatives(scope).count(),
        "unlinked": unlinked_initiatives(scope).count(),
        "idle": idle_organizations(scope).count(),
    }


def _scoped_initiatives(scope: Scope):
    """Not archived, in the area (with sub-areas) and theme, whatever the status."""
    queryset = Initiative.objects.active()
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
    return queryset.select_related("lead_organization").order_by("starts_on", "title", "pk")


def started_initiatives(scope: Scope):
    """Initiatives (any status but archived) that started in the period."""
    starts, ends = scope.window
    queryset = _scoped_initiatives(scope).filter(starts_on__gte=starts)
    return queryset.filter(starts_on__lte=ends) if ends else queryset


def ended_initiatives(scope: Scope):
    """Initiatives (any status but archived) that ended in the period."""
    starts, ends = scope.window
    queryset = _scoped_initiatives(scope).filter(ends_on__gte=starts)
    queryset = queryset.filter(ends_on__lte=ends) if ends else queryset
    return queryset.order_by("ends_on", "title", "pk")


def open_problems_with_responsibility(scope: Scope):
    """Open problems (open or being addressed) with who answers for them, most severe first."""
    problems = Problem.objects.open()
    if scope.area is not None:
        problems = problems.in_area(scope.area)
    if scope.theme is not None:
        problems = problems.filter(
            Exists(
                Problem.themes.through.objects.filter(
                    problem_id=OuterRef("pk"), theme_id=scope.theme.pk
                )
            )
        )
    return (
        problems.select_related("area")
        .prefetch_related(
            Prefetch(
                "responsibilities",
                queryset=ProblemResponsibility.objects.select_related("organization").order_by(
                    "role", "organization__name"
                ),
            )
        )
        .order_by("-severity", "created_at", "pk")
    )


REPORT_ROWS = 50


def report(scope: Scope) -> dict:
    """The partnership report for a period (lägesbild): counts per area and theme, open
    problems and who is responsible, gaps, decided overlaps, initiatives started and ended."""
    started = started_initiatives(scope)
    ended = ended_initiatives(scope)
    problems = open_problems_with_responsibility(scope)
    return {
        "coverage": coverage(scope),
        "live_count": _live_initiatives(scope).count(),
        "open_problem_count": problems.count(),
        "open_problems": list(problems[:REPORT_ROWS]),
        "gaps": gaps(scope, per_page=20),
        "overlaps": overlaps(scope, decided=True),
        "started_count": started.count(),
        "started": list(started[:REPORT_ROWS]),
        "ended_count": ended.count(),
        "ended": list(ended[:REPORT_ROWS]),
    }
