"""Background work of the meeting cycle: the invitations (one email per member of every
invited organisation, each with its calendar invitation) leave from the task worker, not
from the coordinator's request."""

from django.tasks import task

from partnership.meetings.invitations import meeting_invite


@task
def meeting_invitations_task(meeting_id: int, updated: bool = False) -> int:
    """Email the meeting's invitations; returns how many were sent."""
    return meeting_invite(meeting_id, updated=updated)
