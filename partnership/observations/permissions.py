"""Who may do what with observations (on top of the roles core).

- Partners (members of an approved organisation, coordinators) read observations, their
  patterns (heatmap, trend) and the weekly lägesbild. Residents and anonymous visitors see
  nothing of them: every observation page answers them 404.
- Reporters (``Membership.is_reporter`` in an approved organisation) log observations for
  that organisation and import them; its admins grant the role.
- Coordinators (with the second factor) maintain the list of categories.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from partnership.permissions import is_coordinator, is_partner
from stakeholders.models import Organization

if TYPE_CHECKING:
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
