"""Writes of the coordinator dashboard."""

import time

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partnership.coordination import queries
from partnership.coordination.models import OverlapDecision, OverlapSnapshot
from partnership.coordination.queries import snapshot


@transaction.atomic
def overlap_decide(
    *, initiative_a_id: int, initiative_b_id: int, decision: str, note: str, actor
) -> OverlapDecision:
    """Record a coordinator's decision on an overlapping pair (complementary, organisations
    contacted, merged, or not an overlap) with a note. Any decision takes the pair off the
    open list. The pair is stored once, in canonical order; a new decision replaces the
    previous one (history keeps it). The decision remembers what the pair looked like (areas,
    themes, periods): when either initiative changes any of them the pair is open again. Only
    a pair that overlaps now can be decided."""
    a_id, b_id = sorted((int(initiative_a_id), int(initiative_b_id)))
    if queries.overlap_pair(a_id, b_id) is None:
        raise ValidationError(_("These initiatives do not overlap (any more)."))
    return _decision_record(a_id, b_id, decision=decision, note=note, actor=actor)


def _decision_record(a_id: int, b_id: int, *, decision: str, note: str, actor) -> OverlapDecision:
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


# A cluster is decided from one page of the list: never more pairs than a page holds.
CLUSTER_MAX_PAIRS = queries.OVERLAP_PAGE_SIZE


@transaction.atomic
def overlap_cluster_decide(
    *, pairs: list[tuple[int, int]], decision: str, note: str, actor
) -> list[OverlapDecision]:
    """The same decision and note for every pair of a cluster (pairs sharing a theme in the
    same place), in one step. Every pair must overlap now (checked in one statement), or
    nothing is recorded."""
    pairs = sorted({tuple(sorted((int(a), int(b)))) for a, b in pairs})
    if not pairs or len(pairs) > CLUSTER_MAX_PAIRS:
        raise ValidationError(_("Choose the pairs of one cluster."))
    overlapping = queries.overlapping_among({i for pair in pairs for i in pair})
    if any(pair not in overlapping for pair in pairs):
        raise ValidationError(
            _("Some of these initiatives do not overlap any more: reload the list.")
        )
    return [_decision_record(a, b, decision=decision, note=note, actor=actor) for a, b in pairs]


_REFRESH_LOCK = 0x0FE7_1A95  # pg_advisory_xact_lock key: "overlaps refresh"


def overlaps_refresh() -> list[OverlapSnapshot]:
    """Recompute every overlapping pair for the default windows (live from today on; the
    current year, the report's) and make them the snapshots the dashboard reads. At national
    scale finding the pairs takes seconds (hundreds of thousands of pairs among 100,000
    initiatives), too long for each request; a worker runs this on a schedule and when a
    coordinator asks (``manage.py refresh_overlaps``, README). Both windows are computed in
    one statement, each into a table of its own (``queries.snapshot``); the new snapshots
    replace the old ones in one transaction, so readers never see a half-made one; one
    refresh runs at a time. Decisions are not part of them: pages apply decisions (and their
    "changed since" check) when they read."""
    today = timezone.localdate()
    with transaction.atomic():
        with connection.cursor() as cursor:
            # One refresh at a time (cron and a coordinator's button may meet).
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_REFRESH_LOCK])
            # Tables of snapshots an earlier refresh replaced: no page reads them any more.
            snapshot.drop_replaced(
                cursor, list(OverlapSnapshot.objects.values_list("pk", flat=True))
            )
        mark = queries.change_mark()
        started = time.monotonic()
        snapshots = [
            OverlapSnapshot.objects.create(window_starts=starts, window_ends=ends, change_mark=mark)
            for starts, ends in queries.snapshot_windows(today)
        ]
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '128MB'")
            snapshot.fill(cursor, snapshots, queries.SNAPSHOT_FILL)
        seconds = round(time.monotonic() - started, 2)
        for new in snapshots:
            new.seconds = seconds
            new.save(update_fields=["pairs", "seconds", "new_by_day"])
        # Readers keep seeing the old snapshots until this commits (MVCC); their tables stay
        # until the next refresh, for a page that read an old snapshot's row just before.
        OverlapSnapshot.objects.exclude(pk__in=[new.pk for new in snapshots]).delete()
    return snapshots
