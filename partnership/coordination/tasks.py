"""Background work of the dashboard: recomputing the overlap snapshot (see ``services``)."""

from django.tasks import task


@task
def overlaps_refresh_task() -> int:
    """Recompute the overlap snapshots; returns the number of pairs of each."""
    from partnership.coordination.services import overlaps_refresh

    return sum(snapshot.pairs for snapshot in overlaps_refresh())
