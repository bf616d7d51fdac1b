"""Who may use the coordinator's area: coordinators who log in with two factors, and nobody
else. Every view carries ``partnership.permissions.coordinator_required``; the area has no
finer rule, since a coordinator may decide on every organisation and every overlap. What the
views fetch, they fetch here."""

from django.shortcuts import get_object_or_404

from stakeholders.models import Organization
from stakeholders.selectors import organization_for_coordinator


def organization_for_user(request, slug: str) -> Organization:
    """An organisation whatever its status (pending, rejected and suspended ones are a
    coordinator's business too), with its memberships; 404 when there is no such slug.
    The caller is behind ``coordinator_required``."""
    return get_object_or_404(organization_for_coordinator(), slug=slug)
