"""Who may do what with residents' reports (on top of the roles core).

- Anyone, without an account, sends a report and reads the counts (the aggregates).
- Partners (members of an approved organisation, coordinators) read the reports: the points
  snapped to about 50 m, the texts a coordinator has not hidden.
- Coordinators (with the second factor) also read hidden texts, hide and show texts, make a
  problem of reports, and issue and revoke Open311 keys (``coordinator_required`` views).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404

from partnership.permissions import is_coordinator, is_partner
from partnership.residents.models import Open311Key, ResidentReport

if TYPE_CHECKING:
    from django.http import HttpRequest

    from stakeholders.models import User


def can_read_reports(user: User) -> bool:
    """Partners read the reports (points rounded, texts not hidden); residents the counts."""
    return is_partner(user)


def can_moderate_reports(user: User) -> bool:
    """Coordinators hide abusive texts, read the hidden ones and make problems of reports."""
    return is_coordinator(user)


def can_issue_open311_keys(user: User) -> bool:
    return is_coordinator(user)


def report_for_user(request: HttpRequest, public_id, action: str) -> ResidentReport:
    """The report, for ``action`` "view" (partners) or "moderate" (coordinators): 404 to
    anyone who may not read reports, 403 to a partner who may not moderate."""
    user = request.user
    if not can_read_reports(user):
        raise Http404
    try:
        report = ResidentReport.objects.select_related("area").get(public_id=public_id)
    except ResidentReport.DoesNotExist:
        raise Http404 from None
    if action == "moderate" and not can_moderate_reports(user):
        raise PermissionDenied
    return report


def open311_key_for_user(request: HttpRequest, public_id) -> Open311Key:
    if not can_issue_open311_keys(request.user):
        raise PermissionDenied
    try:
        return Open311Key.objects.get(public_id=public_id)
    except Open311Key.DoesNotExist:
        raise Http404 from None
