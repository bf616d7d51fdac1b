# ruff: noqa: S608 -- the SQL is assembled from constant fragments; every value is a parameter.
"""The overlap snapshot: every overlapping pair as the last refresh computed it
(``services.overlaps_refresh``, filled by ``overlaps.SNAPSHOT_FILL``), which a page reads
instead of computing the pairs when one exists for its window."""

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


def snapshot_new_by_day(snapshot: OverlapSnapshot) -> dict[str, int]:
    """The snapshot's pairs counted by the day they became new (the newer registration, in
    the portal's time zone): ``OverlapSnapshot.new_by_day``."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT (registered_at AT TIME ZONE %s)::date, count(*)
               FROM dashboard_overlapsnapshotpair WHERE snapshot_id = %s GROUP BY 1""",
            [settings.TIME_ZONE, snapshot.pk],
        )
        return {day.isoformat(): count for day, count in cursor.fetchall() if day is not None}


def new_since(snapshot: OverlapSnapshot, since: dt.datetime) -> int | None:
    """Pairs of the snapshot new since ``since`` from its day counts, when ``since`` is the
    start of a day (as the overview asks); None otherwise."""
    local = timezone.localtime(since)
    if local.time() != dt.time():
        return None
    day = local.date().isoformat()
    return sum(count for key, count in snapshot.new_by_day.items() if key >= day)


def snapshot_fill_params(snapshot: OverlapSnapshot) -> dict:
    """``overlaps.SNAPSHOT_FILL``'s parameters: every pair live in the snapshot's window."""
    scope = Scope(starts_on=snapshot.window_starts, ends_on=snapshot.window_ends)
    return {**scope_params(scope), "snapshot": snapshot.pk}


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


# The snapshot's pairs (``%(snapshot)s``) as the ``overlapping`` CTE, narrowed to the scope as
# the computed pairs are narrowed: an area of either initiative within the scope's area, the
# scope's theme among the tags they share.
SNAPSHOT_PAIRS = """
    overlapping AS (
        SELECT o.a, o.b, o.tags, o.theme_count, o.group_count, o.by_area, o.same_area,
               o.distance, o.coincide, o.registered_at, o.strength AS snap_strength
        FROM dashboard_overlapsnapshotpair o
        WHERE o.snapshot_id = %(snapshot)s
          AND (%(areas)s::bigint[] IS NULL
               OR o.a IN (SELECT initiative_id FROM initiatives_initiative_areas
                          WHERE area_id = ANY(%(areas)s::bigint[]))
               OR o.b IN (SELECT initiative_id FROM initiatives_initiative_areas
                          WHERE area_id = ANY(%(areas)s::bigint[])))
          AND (%(theme)s::bigint IS NULL OR %(theme)s::bigint = ANY(o.tags))
    )"""
