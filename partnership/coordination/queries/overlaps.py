# ruff: noqa: S608 -- the SQL is assembled from constant fragments; every value is a parameter.
"""Overlaps (defined in the package docstring): the pairs computed by one statement, or read
from the snapshot; a page of them, their counts, every pair for CSV, one pair now."""

from collections import defaultdict
from dataclasses import dataclass

from django.core.paginator import Page
from django.db import connection
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from initiatives.models import Initiative
from partnership.coordination.models import OverlapDecision
from partnership.coordination.queries import snapshot
from partnership.coordination.queries.common import (
    LIVE_CONDITION,
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

# ``w1`` and ``w2``: whether the initiative is live in each of the two windows a refresh
# computes at once (``SNAPSHOT_FILL``); a page's own computation gives its window twice.
_LIVE = f"""
    live AS MATERIALIZED (
        SELECT i.id, i.lead_organization_id AS org_id, i.period, i.created_at AS registered_at,
               i.latitude AS lat, i.longitude AS lon, {_IN_AREAS} AS in_scope,
               i.period && daterange(%(w1_starts)s::date, %(w1_ends)s::date, '[]') AS w1,
               i.period && daterange(%(w2_starts)s::date, %(w2_ends)s::date, '[]') AS w2
        FROM initiatives_initiative i
        WHERE {LIVE_CONDITION}
    )"""


def windows(params: dict, second: tuple | None = None) -> dict:
    """``params`` with the two windows ``_LIVE`` marks: the scope's own, and ``second``
    (by default the same again)."""
    first = (params["starts"], params["ends"])
    w2_starts, w2_ends = second or first
    return {
        **params,
        "w1_starts": first[0],
        "w1_ends": first[1],
        "w2_starts": w2_starts,
        "w2_ends": w2_ends,
    }


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

# How strongly a pair overlaps (explained on the page): a shared theme in the same place is
# low; a shared target group or coinciding weekly times make it medium; both make it high.
LOW, MEDIUM, HIGH = 1, 2, 3
_STRENGTH = "(1 + (o.group_count > 0)::int + o.coincide::int)"

# Pairs per page of the list: compact, each opens its own decision form.
OVERLAP_PAGE_SIZE = 25


def _listed(hint: str, strength: str) -> str:
    """The pairs as a page lists them: strength and the decision, if one still applies; only
    pairs with an initiative registered since ``since`` when it is given. A page reads
    ``listed`` twice (totals, rows): computed now it is materialised once; read from the
    snapshot it is cheaper to scan the snapshot twice than to write its rows aside."""
    return f"""
    listed AS {hint} (
        SELECT o.*, {strength} AS strength,
               d.id AS decision_id,
               (d.id IS NOT NULL AND d.fingerprint = {_PAIR_FINGERPRINT}) AS decided
        FROM overlapping o
        LEFT JOIN dashboard_overlapdecision d
               ON d.initiative_a_id = o.a AND d.initiative_b_id = o.b
        WHERE %(since)s::timestamptz IS NULL OR o.registered_at >= %(since)s::timestamptz
    )"""


# The target groups two initiatives (rows ``x`` and ``y``) share, negated; looked into only
# when they share one.
_SHARED = """CASE WHEN x.groups && y.groups THEN ARRAY(
                   SELECT -g FROM unnest(x.groups) AS g WHERE g = ANY(y.groups) ORDER BY g)
               ELSE '{}'::bigint[] END"""

# Every overlapping pair in the scope, computed now, as the CTE ``overlapping``.
_OVERLAPPING = f"""
    WITH RECURSIVE {UP},
    {_LIVE},
    weeks AS MATERIALIZED (
        SELECT s.initiative_id AS id, range_agg({SLOT_RANGE}) AS week
        FROM initiatives_scheduleslot s JOIN live l ON l.id = s.initiative_id
        GROUP BY s.initiative_id
    ),
    grouped AS MATERIALIZED (
        SELECT g.initiative_id AS id,
               array_agg(g.targetgroup_id ORDER BY g.targetgroup_id) AS groups
        FROM initiatives_initiative_target_groups g JOIN live l ON l.id = g.initiative_id
        GROUP BY g.initiative_id
    ),
    -- Every live initiative's attributes travel with its rows (one per theme: only a shared
    -- theme makes a pair), so that the pairs need no join back to the initiatives.
    tags AS MATERIALIZED (
        SELECT l.*, w.week, g.groups, t.theme_id AS tag
        FROM live l
        JOIN initiatives_initiative_themes t ON t.initiative_id = l.id
        LEFT JOIN weeks w ON w.id = l.id
        LEFT JOIN grouped g ON g.id = l.id
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
               coalesce(x.week && y.week, false) AS coincide,
               greatest(x.registered_at, y.registered_at) AS registered_at,
               x.w1 AND y.w1 AS w1, x.w2 AND y.w2 AS w2, {_SHARED} AS shared
        FROM placed x
        JOIN placed y ON y.area_id = x.area_id AND y.tag = x.tag
        WHERE x.id < y.id AND x.org_id <> y.org_id AND x.period && y.period
        UNION ALL
        -- y lies in an area below x's: the same work at two levels (a district-wide night
        -- walk and one in a yard of it) is a pair only when they also meet the same people
        -- or at the same hours.
        SELECT x.id, y.id, x.tag, true, false, x.in_scope OR y.in_scope, {_distance("x", "y")},
               coalesce(x.week && y.week, false), greatest(x.registered_at, y.registered_at),
               x.w1 AND y.w1, x.w2 AND y.w2, {_SHARED}
        FROM placed_below x
        JOIN placed y ON y.area_id = x.below_id AND y.tag = x.tag
        WHERE x.id <> y.id AND x.org_id <> y.org_id AND x.period && y.period
          AND (x.groups && y.groups OR x.week && y.week)
        UNION ALL
        SELECT x.id, y.id, x.tag, false, false, x.in_scope OR y.in_scope, {_distance("x", "y")},
               coalesce(x.week && y.week, false), greatest(x.registered_at, y.registered_at),
               x.w1 AND y.w1, x.w2 AND y.w2, {_SHARED}
        FROM pointed x
        CROSS JOIN generate_series(-1, 1) AS oy(d)
        CROSS JOIN generate_series(-1, 1) AS ox(d)
        JOIN pointed y ON y.cy = x.cy + oy.d AND y.cx = x.cx + ox.d AND y.tag = x.tag
        WHERE x.id < y.id AND x.org_id <> y.org_id AND x.period && y.period
          AND {_distance("x", "y")} <= {NEAR_METRES}
    ),
    -- One grouping by pair (a pair found through two areas or by its points too has more
    -- than one row: only those have their themes made distinct). The shared target groups
    -- (negated, to travel in one array with the themes) are the same on every row of a pair.
    themed AS (
        SELECT LEAST(a, b) AS a, GREATEST(a, b) AS b, array_agg(tag ORDER BY tag) AS themes,
               count(*) AS found, bool_or(by_area) AS by_area, bool_or(same_area) AS same_area,
               min(distance) AS distance, bool_or(coincide) AS coincide,
               max(registered_at) AS registered_at, bool_or(w1) AS w1, bool_or(w2) AS w2,
               max(shared) AS shared
        FROM candidates
        GROUP BY 1, 2
        HAVING bool_or(in_scope)
           AND (%(theme)s::bigint IS NULL OR bool_or(tag = %(theme)s::bigint))
    ),
    overlapping AS (
        SELECT o.a, o.b, t.ids || o.shared AS tags, cardinality(t.ids) AS theme_count,
               cardinality(o.shared) AS group_count, o.by_area, o.same_area, o.distance,
               o.coincide, o.registered_at, o.w1, o.w2
        FROM themed o
        CROSS JOIN LATERAL (
            SELECT CASE WHEN o.found = 1 THEN o.themes
                        ELSE ARRAY(SELECT DISTINCT t FROM unnest(o.themes) AS t ORDER BY t)
                   END AS ids
        ) AS t
    )"""

_OVERLAPS = f"""{_OVERLAPPING},
    {_listed("", _STRENGTH)}"""


def _snapshot_overlaps(name: str, *, by_area: bool) -> str:
    """The same pairs as computed by the last refresh, from its table ``name``."""
    return f"""
    WITH {snapshot.snapshot_pairs(name, by_area=by_area)},
    {_listed("NOT MATERIALIZED", "o.snap_strength")}"""


# Every overlapping pair live in either of a refresh's two windows, computed once, into a
# temporary table (``snapshot.fill``): each window's snapshot table is then copied from it.
SNAPSHOT_FILL = f"""
    CREATE TEMPORARY TABLE {snapshot.FILL_TABLE} AS {_OVERLAPPING}
    SELECT a, b, tags, theme_count, group_count, by_area, same_area, distance, coincide,
           registered_at, {_STRENGTH} AS strength, w1, w2
    FROM overlapping o"""


def _overlap_source(scope: Scope, since=None) -> tuple[str, dict, snapshot.SnapshotState]:
    """The overlap CTEs and parameters for the scope: the snapshot of the scope's window
    when there is one, else computed now."""
    params = windows({**scope_params(scope), "since": since})
    # Through the module, so that tests can refresh the snapshot right before it is read.
    state = snapshot.for_scope(scope)
    if state.snapshot is None:
        return _OVERLAPS, params, state
    name = snapshot.table(state.snapshot)
    return _snapshot_overlaps(name, by_area=scope.area is not None), params, state


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
    "registered_at",
]

# The orders a coordinator may sort the open list by (``?sort=``), strongest by default.
SORTS = {
    "strength": "strength DESC, registered_at DESC, a, b",
    "newest": "registered_at DESC, strength DESC, a, b",
}

# Plural weekday names for "why" ("fredagar 21–24"), ISO numbers.
_WEEKDAYS_PLURAL = {
    1: gettext_lazy("Mondays"),
    2: gettext_lazy("Tuesdays"),
    3: gettext_lazy("Wednesdays"),
    4: gettext_lazy("Thursdays"),
    5: gettext_lazy("Fridays"),
    6: gettext_lazy("Saturdays"),
    7: gettext_lazy("Sundays"),
}

STRENGTH_LABELS = {
    LOW: gettext_lazy("low"),
    MEDIUM: gettext_lazy("medium"),
    HIGH: gettext_lazy("high"),
}


def _lower_first(name: str) -> str:
    """ "Nattvandring" → "nattvandring" inside a sentence; acronyms ("ANDT") stay."""
    if len(name) > 1 and name[1].islower():
        return name[0].lower() + name[1:]
    return name


def _clock(minutes: int) -> str:
    """'21', '21.30'; past midnight (over 1440) with two digits: '21–01'."""
    hours, rest = divmod(minutes, 60)
    hours = f"{hours - 24:02d}" if minutes > 1440 else f"{hours}"
    return hours if not rest else f"{hours}.{rest:02d}"


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
    registered_at: object = None

    @property
    def near(self) -> bool:
        return self.distance is not None and self.distance <= NEAR_METRES

    @property
    def key(self) -> str:
        """The pair as a form value: "12-34"."""
        return f"{self.a.pk}-{self.b.pk}"

    @property
    def strength_label(self) -> str:
        return str(STRENGTH_LABELS.get(self.strength, self.strength))

    @property
    def shared_areas(self) -> list:
        """Areas both initiatives name; for nested ones, both sides' areas."""
        mine = {area.pk for area in self.b.areas.all()}
        return [area for area in self.a.areas.all() if area.pk in mine]

    @property
    def coinciding_times(self) -> list[tuple[int, int, int]]:
        """(weekday, from, to) where both initiatives' weekly times meet, in minutes of that
        day (``to`` past 1440 when the time runs past midnight); the slots' own rule
        (``ScheduleSlot.week_minutes``), as the SQL's."""
        times = set()
        for x in self.a.slots.all():
            for y in self.b.slots.all():
                for x_from, x_to in x.week_minutes:
                    for y_from, y_to in y.week_minutes:
                        start, end = max(x_from, y_from), min(x_to, y_to)
                        if start < end:
                            day = start // 1440
                            times.add((day + 1, start - day * 1440, end - day * 1440))
        return sorted(times)

    def _place(self) -> str:
        if self.same_area:
            names = get_text_list([area.name for area in self.shared_areas], _("and"))
            return _("in %(area)s") % {"area": names}
        if self.nested:
            for x, y in ((self.a, self.b), (self.b, self.a)):
                outer = {area.pk: area for area in x.areas.all()}
                for inner in y.areas.all():
                    if inner.parent_id in outer:
                        return _("in %(inner)s, within %(outer)s") % {
                            "inner": inner.name,
                            "outer": outer[inner.parent_id].name,
                        }
            names = [area.name for area in (*self.a.areas.all(), *self.b.areas.all())]
            return _("in %(area)s") % {"area": get_text_list(list(dict.fromkeys(names)), _("and"))}
        return _("%(metres)s m from each other") % {"metres": round(self.distance or 0)}

    def _times(self) -> str:
        spans: dict[tuple[int, int], list[int]] = defaultdict(list)
        for day, start, end in self.coinciding_times:
            spans[(start, end)].append(day)
        return ", ".join(
            f"{get_text_list([str(_WEEKDAYS_PLURAL[d]) for d in days], _('and'))} "
            f"{_clock(start)}–{_clock(end)}"
            for (start, end), days in sorted(spans.items(), key=lambda item: item[1][0])
        )

    @property
    def reason(self) -> str:
        """Why the pair is listed, in words of the active language: "Båda arbetar med
        nattvandring i Vårby gård centrum, fredagar 21–24, för unga 13–17 år"."""
        themes = get_text_list([_lower_first(t.name) for t in self.themes], _("and"))
        parts = [_("Both work on %(themes)s") % {"themes": themes}, self._place()]
        sentence = " ".join(parts)
        times = self._times()
        if times:
            sentence += ", " + times
        if self.groups:
            names = get_text_list([_lower_first(g.name) for g in self.groups], _("and"))
            sentence += ", " + _("for %(groups)s") % {"groups": names}
        return sentence


@dataclass
class OverlapCluster:
    """Open pairs on a page that share a theme in the same area: decided in one step."""

    theme: Theme
    area: object
    pairs: list

    @property
    def initiatives(self) -> list[Initiative]:
        found = {}
        for pair in self.pairs:
            found[pair.a.pk], found[pair.b.pk] = pair.a, pair.b
        return sorted(found.values(), key=lambda i: i.title)

    @property
    def keys(self) -> list[str]:
        return [pair.key for pair in self.pairs]


@dataclass
class OverlapResult:
    page: Page
    open_total: int
    decided_total: int
    clusters: list
    snapshot: snapshot.SnapshotState


# Read from the whole snapshot (no area, theme or "since" filter) the totals need no scan of
# its million pairs: every pair is open but the decided ones, found from the few decisions.
def _snapshot_decided(name: str) -> str:
    return f"""
    WITH {snapshot.snapshot_pairs(name, by_area=False)},
    listed AS (
        SELECT o.*, o.snap_strength AS strength, d.id AS decision_id, true AS decided
        FROM dashboard_overlapdecision d
        JOIN overlapping o ON o.a = d.initiative_a_id AND o.b = d.initiative_b_id
        WHERE d.fingerprint = {_PAIR_FINGERPRINT}
    )"""


def _whole_snapshot(scope: Scope, state: snapshot.SnapshotState) -> bool:
    return state.snapshot is not None and scope.area is None and scope.theme is None


def _snapshot_totals(params: dict, state: snapshot.SnapshotState, new_since=None) -> tuple:
    """(open, decided, open and new since ``new_since``, decided and new since) of the whole
    snapshot, from the snapshot's pair count, its pairs per day (or its index of
    registrations) and the decisions; one statement."""
    counted = snapshot.new_since(state.snapshot, new_since) if new_since else 0
    sql = f"""{_snapshot_decided(snapshot.table(state.snapshot))}
        SELECT CASE WHEN %(counted)s::int IS NULL THEN
                   (SELECT count(*) FROM {snapshot.table(state.snapshot)} n
                    WHERE n.registered_at >= %(new_since)s)
               END,
               count(*), count(*) FILTER (WHERE registered_at >= %(new_since)s)
        FROM listed"""
    params = {**params, "new_since": new_since, "counted": counted}
    new_all, decided, new_decided = execute(sql, params)[0]
    new_all = counted if counted is not None else new_all
    return state.snapshot.pairs - decided, decided, new_all - new_decided, new_decided


def overlap_counts(scope: Scope, *, new_since=None) -> tuple[int, int, int]:
    """(open pairs, decided pairs, open pairs with an initiative registered since
    ``new_since``) in the scope."""
    source, params, state = _overlap_source(scope)
    if _whole_snapshot(scope, state):
        return _snapshot_totals(params, state, new_since)[:3]
    sql = f"""{source}
        SELECT count(*) FILTER (WHERE NOT decided), count(*) FILTER (WHERE decided),
               count(*) FILTER (WHERE NOT decided AND registered_at >= %(new_since)s)
        FROM listed"""
    return tuple(execute(sql, {**params, "new_since": new_since})[0])


def overlaps(
    scope: Scope,
    *,
    decided: bool = False,
    page: int = 1,
    sort: str = "strength",
    since=None,
    per_page: int = OVERLAP_PAGE_SIZE,
) -> OverlapResult:
    """One page of open (or decided) overlapping pairs, strongest (or newest) first, with
    both totals; only pairs with an initiative registered since ``since`` when given. Four
    queries for the rows (plus the area subtree when filtering by area, or the totals when
    read from the whole snapshot) whatever the number of pairs: the pairs, the initiatives
    with their links, the vocabulary, the decisions."""
    number = page_number(page)
    source, params, state = _overlap_source(scope, since)
    params = {**params, "decided": decided, "limit": per_page}
    params["offset"] = (number - 1) * per_page
    order = SORTS.get(sort, SORTS["strength"])
    if _whole_snapshot(scope, state):
        totals = _snapshot_totals(params, state, since)
        open_total, decided_total = totals[2:] if since else totals[:2]
        # The decided page starts from the decisions; the open one walks the snapshot's
        # index in the page's order (or, since a day, its index of registrations) and stops
        # after a page.
        if decided:
            source = _snapshot_decided(snapshot.table(state.snapshot))
        sql = f"""{source}
            SELECT {", ".join(_OVERLAP_COLUMNS)}, NULL, NULL FROM listed
            WHERE decided = %(decided)s
              AND (%(since)s::timestamptz IS NULL OR registered_at >= %(since)s::timestamptz)
            ORDER BY {order}
            LIMIT %(limit)s OFFSET %(offset)s"""
        rows = execute(sql, params) or [(None,)]
    else:
        # ``listed`` is used twice, so PostgreSQL computes it once; the totals come with the
        # page (a row of NULLs when the page is empty).
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
                ORDER BY {order}
                LIMIT %(limit)s OFFSET %(offset)s
            ) AS page ON true"""
        rows = execute(sql, params)
        open_total, decided_total = rows[0][-2], rows[0][-1]
    total = decided_total if decided else open_total
    rows = [row for row in rows if row[0] is not None]
    if not rows and number > 1:
        empty = page_of([], total, 1, per_page)
        return OverlapResult(empty, open_total, decided_total, [], state)
    pairs = _pairs_from_rows(rows)
    clusters = [] if decided else _clusters(pairs)
    page_ = page_of(pairs, total, number, per_page)
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
                registered_at=row[10],
            )
        )
    return pairs


def _clusters(pairs: list[OverlapPair]) -> list[OverlapCluster]:
    """Clusters on a page: open pairs that share a theme in the same area, two pairs or more
    (three initiatives or more doing the same thing in one place). Each pair joins the
    largest cluster it can (a pair sharing two themes is decided once); a cluster left with
    fewer than two pairs is dropped. Nested areas and nearby points do not cluster: an
    initiative for a whole district would otherwise link everything in it."""
    candidates: dict[tuple[int, int], OverlapCluster] = {}
    for pair in pairs:
        if not pair.same_area:
            continue
        for theme in pair.themes:
            for area in pair.shared_areas:
                cluster = candidates.setdefault(
                    (theme.pk, area.pk), OverlapCluster(theme=theme, area=area, pairs=[])
                )
                cluster.pairs.append(pair)
    taken: set[str] = set()
    clusters = []
    for cluster in sorted(candidates.values(), key=lambda c: (-len(c.pairs), c.area.name)):
        cluster.pairs = [pair for pair in cluster.pairs if pair.key not in taken]
        if len(cluster.pairs) < 2:
            continue
        taken.update(cluster.keys)
        clusters.append(cluster)
        for pair in cluster.pairs:
            pair.cluster = len(clusters)
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


def overlapping_among(initiative_ids) -> set[tuple[int, int]]:
    """The pairs (canonical order) among these initiatives that overlap now, in one
    statement, never from the snapshot."""
    ids = sorted({int(i) for i in initiative_ids})
    if len(ids) < 2:
        return set()
    sql = f"""{_OVERLAPS}
        SELECT a, b FROM listed"""
    rows = execute(sql, windows({**scope_params(Scope()), "since": None, "only": ids}))
    return {(a, b) for a, b in rows}


def overlap_pair(a_id: int, b_id: int) -> OverlapPair | None:
    """The pair as it overlaps now (whatever the filters), or None when it does not."""
    a_id, b_id = sorted((a_id, b_id))
    sql = f"""{_OVERLAPS}
        SELECT {", ".join(_OVERLAP_COLUMNS)} FROM listed WHERE a = %(a)s AND b = %(b)s"""
    # Computed now for just these two (fast at any scale), never from the snapshot.
    params = windows(
        {**scope_params(Scope()), "since": None, "a": a_id, "b": b_id, "only": [a_id, b_id]}
    )
    rows = execute(sql, params)
    return _pairs_from_rows(rows)[0] if rows else None
