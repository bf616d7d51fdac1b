"""Who may use the coordinator's area: coordinators who log in with two factors, and nobody
else. Every view carries ``partnership.permissions.coordinator_required``; the area has no
finer rule, since a coordinator may decide on every organisation and every overlap. What the
views fetch, they fetch here."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from partnership.coordination import queries
from stakeholders.models import Organization
from stakeholders.selectors import organization_for_coordinator


def organization_for_user(request, slug: str) -> Organization:
    """An organisation whatever its status (pending, rejected and suspended ones are a
    coordinator's business too), with its memberships; 404 when there is no such slug.
    The caller is behind ``coordinator_required``."""
    return get_object_or_404(organization_for_coordinator(), slug=slug)


def overlap_pair_for_user(request, a, b):
    """The pair of initiatives ``a`` and ``b`` as it overlaps now; 404 when the ids are not
    numbers or the two do not overlap. The caller is behind ``coordinator_required``."""
    try:
        a_id, b_id = int(a), int(b)
    except (TypeError, ValueError):
        raise Http404 from None
    pair = queries.overlap_pair(a_id, b_id) if a_id != b_id else None
    if pair is None:
        raise Http404
    return pair
