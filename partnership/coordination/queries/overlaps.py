# ruff: noqa: S608 -- the SQL is assembled from constant fragments; every value is a parameter.
"""Overlaps (defined in the package docstring): the pairs computed by one statement, or read
from the snapshot; a page of them, their counts, every pair for CSV, one pair now."""

from collections import defaultdict
from dataclasses import dataclass

from django.core.paginator import Page
from django.db import connection

from initiatives.models import Initiative
from partnership.coordination.models import OverlapDecision
from partnership.coordination.queries import snapshot
from partnership.coordination.queries.common import (
    LIVE_CONDITION,
    PAGE_SIZE,
    SLOT_RANGE,
    UP,
    Scope,
    execute,
    page_number,
    page_of,
    scope_params,
    stream,
)
from partnership.models import TargetGroup, Theme

NEAR_METRES = 300
# A grid cell is at least this many degrees of latitude (just over 300 m) high and as many
# metres wide at the highest latitude among the points, so close points are neighbours.
_CELL_DEGREES = 0.0028

_IN_AREAS = """
    (%(areas)s::bigint[] IS NULL OR EXISTS (
        SELECT 1 FROM initiatives_initiative_areas s
        WHERE s.initiative_id = i.id AND s.area_id = ANY(%(areas)s::bigint[])))"""

_LIVE = f"""
    live AS MATERIALIZED (
        SELECT i.id, i.lead_organization_id AS org_id, i.period,
               i.latitude AS lat, i.longitude AS lon, {_IN_AREAS} AS in_scope
        FROM initiatives_initiative i
        WHERE {LIVE_CONDITION}
    )"""


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


def _listed(hint: str, strength: str) -> str:
    """The pairs as a page lists them: strength and the decision, if one still applies. A
    page reads ``listed`` twice (totals, rows): computed now it is materialised once; read
    from the snapshot it is cheaper to scan the snapshot twice than to write 3 million rows
    aside (measured on 100,000 initiatives: 3.0 → see bench_dashboard)."""
    return f"""
    listed AS {hint} (
        SELECT o.*, {strength} AS strength,
               d.id AS decision_id,
               (d.id IS NOT NULL AND d.fingerprint = {_PAIR_FINGERPRINT}) AS decided
        FROM overlapping o
        LEFT JOIN dashboard_overlapdecision d
               ON d.initiative_a_id = o.a AND d.initiative_b_id = o.b
    )"""


# Every overlapping pair in the scope, computed now, as the CTE ``overlapping``.
_OVERLAPPING = f"""
    WITH RECURSIVE {UP},
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
    )"""

_OVERLAPS = f"""{_OVERLAPPING},
    {_listed("", _STRENGTH)}"""

# The same pairs as computed by the last refresh.
_SNAPSHOT_OVERLAPS = f"""
    WITH {snapshot.SNAPSHOT_PAIRS},
    {_listed("NOT MATERIALIZED", "o.snap_strength")}"""

# Every overlapping pair for a snapshot's window, into the snapshot
# (``snapshot.snapshot_fill_params``).
SNAPSHOT_FILL = f"""{_OVERLAPPING}
    INSERT INTO dashboard_overlapsnapshotpair
        (snapshot_id, a, b, tags, theme_count, group_count, by_area, same_area, distance,
         coincide, strength)
    SELECT %(snapshot)s, a, b, tags, theme_count, group_count, by_area, same_area, distance,
           coincide, {_STRENGTH}
    FROM overlapping o"""


def _overlap_source(scope: Scope) -> tuple[str, dict, snapshot.SnapshotState]:
    """The overlap CTEs and parameters for the scope: the snapshot of the scope's window
    when there is one, else computed now."""
    params = scope_params(scope)
    # Through the module, so that tests can refresh the snapshot right before it is read.
    state = snapshot.for_scope(scope)
    if state.snapshot is None:
        return _OVERLAPS, params, state
    return _SNAPSHOT_OVERLAPS, {**params, "snapshot": state.snapshot.pk}, state


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
    snapshot: snapshot.SnapshotState


def overlap_counts(scope: Scope) -> tuple[int, int]:
    """(open pairs, decided pairs) in the scope."""
    source, params, _state = _overlap_source(scope)
    sql = f"""{source}
        SELECT count(*) FILTER (WHERE NOT decided), count(*) FILTER (WHERE decided) FROM listed"""
    return tuple(execute(sql, params)[0])


def overlaps(scope: Scope, *, decided: bool = False, page: int = 1) -> OverlapResult:
    """One page of open (or decided) overlapping pairs, strongest first, with both totals.
    Four queries for the rows (plus the area subtree when filtering by area) whatever the
    number of pairs: the pairs, the initiatives with their links, the vocabulary, the
    decisions."""
    number = page_number(page)
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
    rows = execute(sql, params)
    open_total, decided_total = rows[0][-2], rows[0][-1]
    total = decided_total if decided else open_total
    rows = [row for row in rows if row[0] is not None]
    if not rows and number > 1:
        empty = page_of([], total, 1, PAGE_SIZE)
        return OverlapResult(empty, open_total, decided_total, [], state)
    pairs = _pairs_from_rows(rows)
    clusters = _clusters(pairs)
    page_ = page_of(pairs, total, number, PAGE_SIZE)
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
    return stream(sql, {**params, "decided": decided})


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
    rows = execute(sql, {**scope_params(Scope()), "a": a_id, "b": b_id, "only": [a_id, b_id]})
    return _pairs_from_rows(rows)[0] if rows else None
