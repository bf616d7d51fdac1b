# ruff: noqa: S608 -- the SQL is assembled from constant fragments; every value is a parameter.
"""The overlap snapshot: every overlapping pair as the last refresh computed it
(``services.overlaps_refresh``), which a page reads instead of computing the pairs when one
exists for its window.

Each snapshot's pairs are a table of their own, ``dashboard_overlapsnapshotpair_<id>``
(:func:`table`): the refresh computes the pairs of both windows once (``overlaps.SNAPSHOT_FILL``
into a temporary table), copies each window's into a new table and only then builds its
indexes, which is several times faster than inserting a million rows into indexed tables, and
a replaced snapshot is dropped as a table, never deleted row by row. A replaced snapshot's
table is dropped by the next refresh, so that a page that read the old snapshot's row just
before the new one was committed still finds its table."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.utils import timezone

from initiatives.models import (
    Initiative,
    InitiativeAreas,
    InitiativeTargetGroups,
    InitiativeThemes,
    ScheduleSlot,
)
from partnership.coordination.models import OverlapSnapshot
from partnership.coordination.queries.common import Scope, scope_params


def snapshot_windows(today: dt.date) -> list[tuple[dt.date, dt.date | None]]:
    """The windows a snapshot is kept for: the pages' default (from today on) and the
    report's (the current year)."""
    return [(today, None), (dt.date(today.year, 1, 1), dt.date(today.year, 12, 31))]


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


# The table the refresh computes both windows' pairs into (temporary: this session only).
FILL_TABLE = "overlap_fill"
_TABLE_PREFIX = "dashboard_overlapsnapshotpair_"


def table(snapshot: OverlapSnapshot) -> str:
    """The name of the table holding the snapshot's pairs (a number: safe in SQL)."""
    return f"{_TABLE_PREFIX}{int(snapshot.pk)}"


def fill(cursor, snapshots: list[OverlapSnapshot], sql: str) -> None:
    """Compute every pair of the (two) snapshots' windows in one statement (``sql``,
    ``overlaps.SNAPSHOT_FILL``), then give each snapshot its own table: the window's pairs,
    indexed for the pages' orders and lookups, with fresh statistics."""
    first, second = (snapshot_fill_params(s) for s in snapshots)
    ends = (first["ends"], second["ends"])
    union = {
        **first,
        "starts": min(first["starts"], second["starts"]),
        "ends": None if None in ends else max(ends),
        "w1_starts": first["starts"],
        "w1_ends": first["ends"],
        "w2_starts": second["starts"],
        "w2_ends": second["ends"],
    }
    cursor.execute(f"DROP TABLE IF EXISTS {FILL_TABLE}")
    cursor.execute(sql, union)
    for flag, snapshot in zip(("w1", "w2"), snapshots, strict=True):
        name = table(snapshot)
        cursor.execute(
            f"""CREATE TABLE {name} AS
                SELECT a, b, tags, theme_count, group_count, by_area, same_area, distance,
                       coincide, registered_at, strength
                FROM {FILL_TABLE} WHERE {flag}"""
        )
        snapshot.pairs = cursor.rowcount
        for suffix, columns in (
            ("pair", "a, b"),
            ("b", "b"),
            # Strongest first, the way the page lists them (newest first within a strength).
            ("rank", "strength DESC, registered_at DESC, a, b"),
            ("new", "registered_at DESC, a, b"),
        ):
            cursor.execute(f"CREATE INDEX {name}_{suffix} ON {name} ({columns})")
        cursor.execute(f"CREATE INDEX {name}_tags ON {name} USING gin (tags)")
        cursor.execute(f"ANALYZE {name}")
    # The pairs per day each became new, for both windows in one reading.
    cursor.execute(
        f"""SELECT (registered_at AT TIME ZONE %s)::date, count(*) FILTER (WHERE w1),
                   count(*) FILTER (WHERE w2)
            FROM {FILL_TABLE} WHERE registered_at IS NOT NULL GROUP BY 1""",
        [settings.TIME_ZONE],
    )
    days = cursor.fetchall()
    for index, snapshot in enumerate(snapshots):
        snapshot.new_by_day = {
            day.isoformat(): counts[index] for day, *counts in days if counts[index]
        }
    cursor.execute(f"DROP TABLE {FILL_TABLE}")


def drop_replaced(cursor, keep: list[int]) -> None:
    """Drop the tables of snapshots no longer kept (``keep``: the ids of every snapshot row
    still there), in one statement whatever their number."""
    kept = ",".join(str(int(pk)) for pk in keep)
    cursor.execute(
        f"""DO $$
        DECLARE name text;
        BEGIN
            FOR name IN
                SELECT tablename FROM pg_tables
                WHERE schemaname = current_schema()
                  AND tablename ~ '^{_TABLE_PREFIX}[0-9]+$'
                  AND NOT substr(tablename, {len(_TABLE_PREFIX) + 1})::bigint
                          = ANY(ARRAY[{kept}]::bigint[])
            LOOP
                EXECUTE 'DROP TABLE ' || quote_ident(name);
            END LOOP;
        END $$"""
    )


def new_since(snapshot: OverlapSnapshot, since: dt.datetime) -> int | None:
    """Pairs of the snapshot new since ``since`` from its day counts, when ``since`` is the
    start of a day (as the overview asks); None otherwise."""
    local = timezone.localtime(since)
    if local.time() != dt.time():
        return None
    day = local.date().isoformat()
    return sum(count for key, count in snapshot.new_by_day.items() if key >= day)


def snapshot_fill_params(snapshot: OverlapSnapshot) -> dict:
    """The scope parameters of the snapshot's window (``fill`` joins two of them)."""
    scope = Scope(starts_on=snapshot.window_starts, ends_on=snapshot.window_ends)
    return scope_params(scope)


@dataclass
class SnapshotState:
    """The snapshot a page read (None: computed now) and whether initiatives changed since."""

    snapshot: object = None
    changed_since: bool = False


def for_scope(scope: Scope) -> SnapshotState:
    """The snapshot of exactly the scope's window (from today on; the current year), if
    there is one. A small partnership without a refresh schedule has none."""
    starts, ends = scope.window
    snapshot = OverlapSnapshot.objects.filter(
        window_starts=starts, window_ends=ends, window_ends__isnull=ends is None
    ).first()
    if snapshot is None:
        return SnapshotState()
    return SnapshotState(snapshot, change_mark() > snapshot.change_mark)


_SNAPSHOT_COLUMNS = """o.a, o.b, o.tags, o.theme_count, o.group_count, o.by_area, o.same_area,
               o.distance, o.coincide, o.registered_at, o.strength AS snap_strength"""


def snapshot_pairs(name: str, *, by_area: bool) -> str:
    """The pairs of the snapshot table ``name`` as the ``overlapping`` CTE, narrowed to the
    scope as the computed pairs are narrowed: an area of either initiative within the scope's
    area (``by_area``: the initiatives there, each looked up in the pair indexes), the scope's
    theme among the tags they share (the tags' GIN index)."""
    theme = "(%(theme)s::bigint IS NULL OR o.tags @> ARRAY[%(theme)s::bigint])"
    if not by_area:
        return f"""
    overlapping AS (
        SELECT {_SNAPSHOT_COLUMNS} FROM {name} o WHERE {theme}
    )"""
    return f"""
    scoped AS MATERIALIZED (
        SELECT DISTINCT initiative_id AS id FROM initiatives_initiative_areas
        WHERE area_id = ANY(%(areas)s::bigint[])
    ),
    -- Lateral (OFFSET 0 keeps it so): each initiative's pairs through the index, never a
    -- scan of every pair.
    overlapping AS (
        SELECT {_SNAPSHOT_COLUMNS} FROM scoped s
        CROSS JOIN LATERAL (SELECT * FROM {name} p WHERE p.a = s.id OFFSET 0) o
        WHERE {theme}
        UNION ALL
        SELECT {_SNAPSHOT_COLUMNS} FROM scoped s
        CROSS JOIN LATERAL (SELECT * FROM {name} p WHERE p.b = s.id OFFSET 0) o
        WHERE {theme} AND NOT EXISTS (SELECT 1 FROM scoped t WHERE t.id = o.a)
    )"""
