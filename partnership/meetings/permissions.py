"""Who may do what with partnership meetings (on top of the roles core).

Coordinators run the meetings: they create them, draw up the agenda, write the minutes,
record decisions and approve the minutes; the views that write carry
``coordinator_required`` (two-factor). Partners read the meetings one of their approved
organisations is invited to — when and where, the agenda, the minutes and decisions, the
PDF and the calendar invitation. Nobody else knows a meeting exists (404).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404

from partnership.meetings import selectors
from partnership.meetings.models import AgendaItem, Decision, Meeting
from partnership.permissions import is_coordinator

if TYPE_CHECKING:
    from django.http import HttpRequest

    from stakeholders.models import User


def can_see_meeting(user: User, meeting: Meeting) -> bool:
    """Coordinators see every meeting; partners those one of their approved organisations
    is invited to (``Meeting.objects.visible_to``)."""
    return Meeting.objects.visible_to(user).filter(pk=meeting.pk).exists()


def can_edit_meeting(user: User, meeting: Meeting) -> bool:
    """Coordinators change a meeting, its agenda, minutes and decisions until the minutes
    are approved; approved minutes are locked for everyone."""
    return is_coordinator(user) and not meeting.is_approved


def can_approve_minutes(user: User, meeting: Meeting) -> bool:
    """A coordinator approves the minutes once the meeting has started, once."""
    return can_edit_meeting(user, meeting) and meeting.has_started


def can_mark_decision_done(user: User, decision: Decision) -> bool:
    """Coordinators follow up decisions (also of meetings whose minutes are approved: being
    done is the work's state, not the minutes')."""
    return is_coordinator(user) and decision.kind in Decision.FOLLOWED_UP


# --- Fetch helpers for views -------------------------------------------------------------------


def meeting_for_user(request: HttpRequest, public_id, action: str = "view") -> Meeting:
    """The meeting with its agenda and decisions: 404 when the user may not know it exists,
    403 when they may see it but not ``edit`` (or ``approve``) it."""
    meeting = selectors.meeting_detail_queryset().filter(public_id=public_id).first()
    if meeting is None or not can_see_meeting(request.user, meeting):
        raise Http404
    allowed = {
        "view": lambda: True,
        "edit": lambda: can_edit_meeting(request.user, meeting),
        "approve": lambda: can_approve_minutes(request.user, meeting),
    }[action]
    if not allowed():
        raise PermissionDenied
    return meeting


def item_for_user(request: HttpRequest, public_id, item_id: int) -> AgendaItem:
    """An item of a meeting the user may edit (404 for an item of another meeting)."""
    meeting = meeting_for_user(request, public_id, "edit")
    item = next((i for i in meeting.items.all() if i.pk == item_id), None)
    if item is None:
        raise Http404
    item.meeting = meeting
    return item


def decision_for_user(request: HttpRequest, decision_id: int) -> Decision:
    """A decision the user may mark done (404 when they may not see its meeting)."""
    decision = Decision.objects.select_related("meeting", "problem").filter(pk=decision_id).first()
    if decision is None or not can_see_meeting(request.user, decision.meeting):
        raise Http404
    if not can_mark_decision_done(request.user, decision):
        raise PermissionDenied
    return decision
