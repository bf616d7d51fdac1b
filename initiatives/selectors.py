"""Reads of initiatives, with everything each page needs fetched up front."""

from django.core.paginator import Page
from django.db.models import Prefetch, QuerySet, prefetch_related_objects

from initiatives.models import Initiative, InitiativeUpdate, JoinRequest
from partnership.history import history_page
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


def initiative_detail_prefetches(*, user) -> list:
    """What one initiative's page shows besides the row: organisations, vocabulary,
    schedule and the updates the user may read (partners-only updates only for partners)."""
    from partnership.models import Problem
    from partnership.permissions import is_coordinator, is_partner
    from stakeholders.models import Organization

    updates = InitiativeUpdate.objects.select_related("organization").order_by("-happened_on")
    if not is_partner(user):
        updates = updates.filter(visibility=Visibility.PUBLIC)
    # The problems it addresses that the user may see (area-level place only on the page).
    problems = Problem.objects.visible_to(user).select_related("area").order_by("title")
    # A pending or suspended partner organisation is named to coordinators only (its
    # directory page is a 404 to everyone else).
    partners = Organization.objects.order_by("name")
    if not is_coordinator(user):
        partners = partners.filter(status=Organization.Status.APPROVED)
    return [
        Prefetch("partner_organizations", queryset=partners),
        "themes",
        "target_groups",
        "areas",
        "slots",
        Prefetch("updates", queryset=updates, to_attr="visible_updates"),
        Prefetch("problems", queryset=problems, to_attr="visible_problems"),
    ]


def initiative_detail_queryset(*, user) -> QuerySet[Initiative]:
    """For one initiative's page, among those the user may see."""
    return (
        Initiative.objects.visible_to(user)
        .select_related("lead_organization")
        .prefetch_related(*initiative_detail_prefetches(user=user))
    )


# --- Maintaining initiatives ---------------------------------------------------------------------


def initiative_for_page(*, slug: str, user) -> Initiative | None:
    """One initiative for its page, with what ``initiative_detail_prefetches`` lists: those
    ``visible_to(user)``, and for its editors (``can_edit_initiative``) also an archived one.
    None when the user may not know it exists."""
    from partnership.permissions import can_edit_initiative

    initiative = initiative_detail_queryset(user=user).filter(slug=slug).first()
    if initiative is not None or not user.is_authenticated:
        return initiative
    archived = (
        Initiative.objects.filter(slug=slug, archived_at__isnull=False)
        .select_related("lead_organization")
        .first()
    )
    if archived is None or not can_edit_initiative(user, archived):
        return None
    prefetch_related_objects([archived], *initiative_detail_prefetches(user=user))
    return archived


def initiative_for_maintenance(*, slug: str) -> Initiative | None:
    """One initiative, archived or not, with what the permission rules look at (the lead
    and partner organisations); the caller decides who may know and act on it."""
    return (
        Initiative.objects.filter(slug=slug)
        .select_related("lead_organization")
        .prefetch_related("partner_organizations")
        .first()
    )


HISTORY_PAGE_SIZE = 50
# Columns that say nothing to a reader of an initiative's history.
_HISTORY_HIDDEN = {"id", "initiative_id", "created_at", "updated_at", "version", "public_id"}


def _history_event_models() -> dict:
    from initiatives.models import (
        InitiativeAreas,
        InitiativePartnerOrganizations,
        InitiativeProblems,
        InitiativeTargetGroups,
        InitiativeThemes,
        ScheduleSlot,
    )

    return {
        Initiative.pgh_event_model: Initiative,
        InitiativeUpdate.pgh_event_model: InitiativeUpdate,
        ScheduleSlot.pgh_event_model: ScheduleSlot,
        InitiativeThemes.pgh_event_model: InitiativeThemes,
        InitiativeTargetGroups.pgh_event_model: InitiativeTargetGroups,
        InitiativeAreas.pgh_event_model: InitiativeAreas,
        InitiativePartnerOrganizations.pgh_event_model: InitiativePartnerOrganizations,
        InitiativeProblems.pgh_event_model: InitiativeProblems,
    }


def initiative_history(*, initiative: Initiative, page_number=None) -> Page:
    """Every recorded change to an initiative, its links (themes, areas, target groups,
    problems, partner organisations), its schedule and its progress updates: who, when, and
    each field before and after. Newest first, paginated, in a fixed number of queries (the
    events, then one query per kind of thing they refer to)."""
    return history_page(
        obj=initiative,
        event_models=_history_event_models(),
        hidden=_HISTORY_HIDDEN,
        page_number=page_number,
        page_size=HISTORY_PAGE_SIZE,
    )


# --- Asking to join as a partner organisation ----------------------------------------------------


def join_requests_for_page(*, initiative: Initiative, user) -> dict:
    """What the initiative's page shows about requests to join, in at most two queries:
    ``waiting`` — the requests waiting for an answer, for those who answer them
    (``can_decide_join_request``); ``mine`` — the latest request of each of the user's
    organisations, so a requester sees where they stand; ``mine_waiting`` — whether one of
    those still waits (the page then offers no second request)."""
    from partnership.permissions import can_decide_join_request, partner_organization_ids

    requests = JoinRequest.objects.filter(initiative=initiative).select_related(
        "organization", "requested_by"
    )
    waiting = []
    if can_decide_join_request(user, initiative):
        waiting = list(requests.filter(status=JoinRequest.Status.PENDING).order_by("created_at"))
    mine = {}
    organization_ids = partner_organization_ids(user)
    if organization_ids:
        for join_request in requests.filter(organization_id__in=organization_ids):
            mine.setdefault(join_request.organization_id, join_request)  # newest first
    mine = list(mine.values())
    return {
        "waiting": waiting,
        "mine": mine,
        "mine_waiting": any(r.status == JoinRequest.Status.PENDING for r in mine),
    }


def join_requests_waiting_for(*, user) -> list[JoinRequest]:
    """Requests to join initiatives led by the approved organisations the user administers,
    waiting for an answer (for "Mina sidor"), oldest first."""
    from stakeholders.models import Membership, Organization

    administered = Membership.objects.filter(
        user=user, role=Membership.Role.ADMIN, organization__status=Organization.Status.APPROVED
    ).values("organization_id")
    return list(
        JoinRequest.objects.filter(
            status=JoinRequest.Status.PENDING,
            initiative__lead_organization_id__in=administered,
            initiative__archived_at__isnull=True,
        )
        .select_related("initiative", "organization")
        .order_by("created_at")
    )


def join_request_for_decision(*, initiative: Initiative, public_id) -> JoinRequest | None:
    return (
        JoinRequest.objects.filter(initiative=initiative, public_id=public_id)
        .select_related("organization", "requested_by")
        .first()
    )


# --- Registering and editing ---------------------------------------------------------------------


def initiative_for_edit(*, slug: str) -> Initiative | None:
    """One initiative, archived or not, with everything its edit form shows (links and
    slots); the caller decides who may know and edit it."""
    return (
        Initiative.objects.filter(slug=slug)
        .select_related("lead_organization")
        .prefetch_related(
            "partner_organizations", "themes", "target_groups", "areas", "problems", "slots"
        )
        .first()
    )


# --- Public map, feeds and open data ------------------------------------------------------------


def public_initiatives() -> QuerySet[Initiative]:
    """``Initiative.objects.public()`` with what the open data, CSV and calendar feeds show
    (organisations, vocabulary, areas, weekly times): a fixed number of queries for any
    number of rows. Newest period first, like the list page."""
    from stakeholders.models import Organization

    partners = Organization.objects.approved().order_by("name")
    return (
        Initiative.objects.public()
        .select_related("lead_organization")
        .prefetch_related(
            # A suspended partner organisation is not named in open data.
            Prefetch("partner_organizations", queryset=partners),
            "themes",
            "target_groups",
            "areas",
            "slots",
        )
        .order_by("-starts_on", "title", "pk")
    )


def public_initiative(*, slug: str) -> Initiative | None:
    """One public initiative with its weekly times (its calendar feed), or None."""
    return (
        Initiative.objects.public()
        .select_related("lead_organization")
        .prefetch_related("slots")
        .filter(slug=slug)
        .first()
    )
