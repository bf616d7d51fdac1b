"""Background work of the dashboard: recomputing the overlap snapshot (see ``services``)."""

from django.tasks import task

from partnership.coordination.services import overlaps_refresh


@task
def overlaps_refresh_task() -> int:
    """Recompute the overlap snapshots; returns the number of pairs of each."""
    return sum(snapshot.pairs for snapshot in overlaps_refresh())
