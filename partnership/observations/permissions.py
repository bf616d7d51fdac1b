"""Who may do what with observations (on top of the roles core).

- Partners (members of an approved organisation, coordinators) read observations, their
  patterns (heatmap, trend) and the weekly lägesbild. Residents and anonymous visitors see
  nothing of them: every observation page answers them 404.
- Reporters (``Membership.is_reporter`` in an approved organisation) log observations for
  that organisation and import them; its admins grant the role.
- Coordinators (with the second factor) maintain the list of categories.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from partnership.observations.models import Observation
from partnership.permissions import is_coordinator, is_partner
from stakeholders.models import Organization

if TYPE_CHECKING:
    from django.http import HttpRequest

    from stakeholders.models import User


def can_read_observations(user: User) -> bool:
    return is_partner(user)


def reporting_organizations(user: User) -> list[Organization]:
    """The approved organisations ``user`` logs observations for (as a reporter)."""
    if not user.is_authenticated:
        return []
    return list(
        Organization.objects.filter(
            Organization.approved_q(),
            memberships__user=user,
            memberships__is_reporter=True,
        ).order_by("name")
    )


def can_log_observations(user: User) -> bool:
    return bool(reporting_organizations(user))


def can_maintain_categories(user: User) -> bool:
    return is_coordinator(user)


# --- One observation (obslog) ---------------------------------------------------------------------

# A reporter corrects or deletes their own observation this long after logging it; after
# that it is part of the lägesbild others have read (weekly summaries, heatmaps).
EDIT_WINDOW = dt.timedelta(hours=24)


def can_edit_observation(
    user: User, observation: Observation, *, reporting: list[Organization] | None = None
) -> bool:
    """The reporter who logged it, within ``EDIT_WINDOW`` of logging it, while they still
    report for its organisation. Imported observations are corrected by a new import.
    ``reporting``: the user's :func:`reporting_organizations`, when a list already has them."""
    if not (
        user.is_authenticated
        and observation.reported_by_id == user.pk
        and observation.source == Observation.Source.LOGGED
        and timezone.now() - observation.created_at <= EDIT_WINDOW
    ):
        return False
    if reporting is None:
        reporting = reporting_organizations(user)
    return any(o.pk == observation.organization_id for o in reporting)


OBSERVATION_ACTIONS = {"edit": can_edit_observation}


def observation_for_user(request: HttpRequest, public_id, action: str) -> Observation:
    """The observation ``public_id`` if the user may ``action`` it: 404 for anyone who may
    not read observations (or an unknown id), 403 for a partner who may not act on it."""
    if not can_read_observations(request.user):
        raise Http404
    observation = get_object_or_404(
        Observation.objects.select_related("area", "category", "organization"),
        public_id=public_id,
    )
    if not OBSERVATION_ACTIONS[action](request.user, observation):
        raise PermissionDenied
    return observation
