"""Reads of initiatives, with everything each page needs fetched up front."""

from django.db.models import Prefetch, QuerySet

from initiatives.models import Initiative, InitiativeUpdate
from partnership.models import Visibility

# --- Finding initiatives ------------------------------------------------------------------------


def initiative_list(*, user) -> QuerySet[Initiative]:
    """Initiatives the user may see, newest period first, ready for a list page
    (a fixed number of queries whatever the page size)."""
    return (
        Initiative.objects.visible_to(user)
        .select_related("lead_organization")
        .prefetch_related("themes", "areas", "slots")
        .order_by("-starts_on", "title")
    )


def initiative_detail_queryset(*, user) -> QuerySet[Initiative]:
    """For one initiative's page: organisations, vocabulary, schedule and the updates the
    user may read (partners-only updates only for partners)."""
    from partnership.permissions import is_partner

    updates = InitiativeUpdate.objects.select_related("organization").order_by("-happened_on")
    if not is_partner(user):
        updates = updates.filter(visibility=Visibility.PUBLIC)
    return (
        Initiative.objects.visible_to(user)
        .select_related("lead_organization")
        .prefetch_related(
            "partner_organizations",
            "themes",
            "target_groups",
            "areas",
            "slots",
            Prefetch("updates", queryset=updates, to_attr="visible_updates"),
        )
    )


# --- Maintaining initiatives ---------------------------------------------------------------------
