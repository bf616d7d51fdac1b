"""Writes of the coordinator dashboard."""

import time

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partnership.coordination import queries
from partnership.coordination.models import OverlapDecision, OverlapSnapshot


@transaction.atomic
def overlap_decide(
    *, initiative_a_id: int, initiative_b_id: int, decision: str, note: str, actor
) -> OverlapDecision:
    """Record a coordinator's decision on an overlapping pair (complementary, organisations
    contacted, merged) with a note. The pair is stored once, in canonical order; a new
    decision replaces the previous one (history keeps it). The decision remembers what the
    pair looked like (areas, themes, periods): when either initiative changes any of them the
    pair is open again. Only a pair that overlaps now can be decided."""
    a_id, b_id = sorted((int(initiative_a_id), int(initiative_b_id)))
    if queries.overlap_pair(a_id, b_id) is None:
        raise ValidationError(_("These initiatives do not overlap (any more)."))
    decision_obj, _created = OverlapDecision.objects.update_or_create(
        initiative_a_id=a_id,
        initiative_b_id=b_id,
        defaults={
            "decision": decision,
            "note": note,
            "decided_by": actor,
            "fingerprint": queries.pair_fingerprint(a_id, b_id),
        },
    )
    return decision_obj


_REFRESH_LOCK = 0x0FE7_1A95  # pg_advisory_xact_lock key: "overlaps refresh"


def overlaps_refresh() -> list[OverlapSnapshot]:
    """Recompute every overlapping pair for the default windows (live from today on; the
    current year, the report's) and make them the snapshots the dashboard reads. At national
    scale finding the pairs takes seconds (millions of pairs among 100,000 initiatives), too
    long for each request; a worker runs this on a schedule and when a coordinator asks
    (``manage.py refresh_overlaps``, README). The new snapshots replace the old ones in one
    transaction, so readers never see a half-made one; one refresh runs at a time.
    Decisions are not part of them: pages apply decisions (and their "changed since"
    check) when they read."""
    today = timezone.localdate()
    snapshots = []
    with transaction.atomic():
        with connection.cursor() as cursor:
            # One refresh at a time (cron and a coordinator's button may meet).
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_REFRESH_LOCK])
        mark = queries.change_mark()
        for starts, ends in queries.snapshot_windows(today):
            started = time.monotonic()
            snapshot = OverlapSnapshot.objects.create(
                window_starts=starts, window_ends=ends, change_mark=mark
            )
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL work_mem = '128MB'")
                cursor.execute("SET LOCAL jit = off")
                cursor.execute(queries.SNAPSHOT_FILL, queries.snapshot_fill_params(snapshot))
                snapshot.pairs = cursor.rowcount
            snapshot.seconds = round(time.monotonic() - started, 2)
            snapshot.save(update_fields=["pairs", "seconds"])
            snapshots.append(snapshot)
        # Readers keep seeing the old snapshots until this commits (MVCC).
        keep = [snapshot.pk for snapshot in snapshots]
        with connection.cursor() as cursor:  # millions of rows: no ORM collector
            cursor.execute(
                "DELETE FROM dashboard_overlapsnapshotpair WHERE NOT snapshot_id = ANY(%s)",
                [keep],
            )
        OverlapSnapshot.objects.exclude(pk__in=keep).delete()
    return snapshots
