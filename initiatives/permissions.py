"""Who may do what with initiatives, their updates and requests to join (on top of the roles
core, ``partnership.permissions``), and the fetch helpers through which views get the object
they act on: 404 when the user may not know it exists, 403 when they may not act."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404

from initiatives import selectors
from initiatives.models import Initiative, JoinRequest
from partnership.permissions import (
    is_admin_of,
    is_coordinator,
    is_partner,
    partner_organization_ids,
)
from stakeholders.models import Organization

if TYPE_CHECKING:
    from django.http import HttpRequest

    from stakeholders.models import User


# --- Registering and editing ---------------------------------------------------------------------


def can_register_initiative(user: User) -> bool:
    """Members of an approved organisation register initiatives for it; coordinators for
    any approved organisation."""
    return is_coordinator(user) or bool(partner_organization_ids(user))


def can_choose_lead_organization(
    user: User, organization: Organization, *, initiative: Initiative | None = None
) -> bool:
    """An initiative is led by an organisation the user acts for (``acting_organizations``:
    one of their approved organisations; a coordinator any approved one). An edit may keep
    the initiative's current lead, even one no longer approved."""
    if initiative is not None and organization.pk == initiative.lead_organization_id:
        return True
    return organization.is_approved and (
        is_coordinator(user) or organization.pk in partner_organization_ids(user)
    )


def can_edit_initiative(user: User, initiative) -> bool:
    """Members of the initiative's lead organisation (any role) edit it, provided that
    organisation is approved; coordinators edit every initiative."""
    return is_coordinator(user) or initiative.lead_organization_id in partner_organization_ids(user)


# --- Maintaining initiatives: updates, archive and restore, history ------------------------------


def can_archive_initiative(user: User, initiative) -> bool:
    """Archiving and restoring is editing: the lead organisation's members and coordinators."""
    return can_edit_initiative(user, initiative)


def organizations_posting_for(user: User, initiative) -> list:
    """The organisations the user may post a progress update for: the approved ones among
    the lead and partner organisations that they are a member of; a coordinator may also
    post for the lead organisation. (Uses ``partner_organizations`` as prefetched.)"""
    mine = partner_organization_ids(user)
    candidates = [initiative.lead_organization, *initiative.partner_organizations.all()]
    allowed = [
        org
        for org in candidates
        if org.pk in mine or (is_coordinator(user) and org.pk == initiative.lead_organization_id)
    ]
    return list({org.pk: org for org in allowed}.values())


def can_post_update(user: User, initiative) -> bool:
    """Members of the lead organisation or of a partner organisation (approved ones) post
    dated progress updates; so do coordinators. Partner organisations post but do not edit."""
    return bool(organizations_posting_for(user, initiative))


def can_know_initiative(user: User, initiative) -> bool:
    """Whether the user may know the initiative exists: it is among
    ``Initiative.objects.visible_to(user)``, or it is archived and the user may edit it.
    Everyone else gets a 404."""
    if can_edit_initiative(user, initiative):
        return True
    return type(initiative).objects.visible_to(user).filter(pk=initiative.pk).exists()


def can_see_initiative_history(user: User, initiative) -> bool:
    """Partners who may see the initiative read its history (who changed what, when);
    residents never do."""
    return is_partner(user) and can_know_initiative(user, initiative)


# --- Asking to join as a partner organisation ----------------------------------------------------


def _joinable_organization_ids(user: User, initiative) -> frozenset[int]:
    if initiative.archived_at is not None or initiative.status not in Initiative.LIVE_STATUSES:
        return frozenset()
    partners = {o.pk for o in initiative.partner_organizations.all()}
    return partner_organization_ids(user) - partners - {initiative.lead_organization_id}


def organizations_requesting_to_join(user: User, initiative) -> list:
    """The organisations the user may ask to join the initiative for: their approved ones
    that are neither its lead nor already a partner organisation. Any member may ask on
    their organisation's behalf (as any member may register an initiative); only a planned
    or active initiative that is not archived takes requests (not a paused, completed,
    cancelled or archived one). (Uses ``partner_organizations`` as prefetched.)"""
    wanted = _joinable_organization_ids(user, initiative)
    return list(Organization.objects.filter(pk__in=wanted).order_by("name")) if wanted else []


def can_request_to_join(user: User, initiative) -> bool:
    """See :func:`organizations_requesting_to_join` (without a query once the user's
    organisations are cached and the partners prefetched)."""
    return bool(_joinable_organization_ids(user, initiative))


def can_withdraw_join_request(user: User, join_request) -> bool:
    """The members of the organisation that asked withdraw its waiting request (any member
    may ask, so any member may take it back); coordinators may too."""
    return is_coordinator(user) or join_request.organization_id in partner_organization_ids(user)


def can_decide_join_request(user: User, initiative) -> bool:
    """The lead organisation's admins accept or decline requests to join (they answer for
    their organisation's partnerships); coordinators may too."""
    if is_coordinator(user):
        return True
    if initiative.lead_organization_id not in partner_organization_ids(user):
        return False
    return is_admin_of(user, initiative.lead_organization)


# --- The delivery log: marking what took place at sessions ----------------------------------------


def can_mark_sessions(user: User, initiative) -> bool:
    """The lead organisation's members mark an initiative's sessions held, cancelled or
    moved; the partner organisations' members too where the lead allows it
    (``Initiative.partners_mark_sessions``); coordinators always. Not on an archived
    initiative. (Uses ``partner_organizations`` as prefetched.)"""
    if initiative.archived_at is not None:
        return False
    if is_coordinator(user):
        return True
    mine = partner_organization_ids(user)
    if initiative.lead_organization_id in mine:
        return True
    return initiative.partners_mark_sessions and any(
        org.pk in mine for org in initiative.partner_organizations.all()
    )


def can_allow_partners_to_mark(user: User, initiative) -> bool:
    """Whether partner organisations may mark sessions is the lead's choice: those who edit
    the initiative (its lead organisation's members, coordinators), when it is not archived."""
    return initiative.archived_at is None and can_edit_initiative(user, initiative)


# --- Fetching: what a view acts on ---------------------------------------------------------------
# Views enforce access here, once; services re-check only what depends on submitted data.

Rule = Callable[..., bool]

# What a view may do with an initiative, and the rule that allows it once the user may know
# the initiative exists (``can_know_initiative``); None: knowing it is enough.
INITIATIVE_ACTIONS: dict[str, Rule | None] = {
    "view": None,
    "edit": can_edit_initiative,
    "archive": can_archive_initiative,
    "restore": can_archive_initiative,
    "post_update": can_post_update,
    "see_history": can_see_initiative_history,
    "request_to_join": can_request_to_join,
    "decide_join_request": can_decide_join_request,
    "mark_sessions": can_mark_sessions,
    "allow_partners_to_mark": can_allow_partners_to_mark,
}

# What a view may do with a request to join (the initiative it belongs to must be known).
JOIN_REQUEST_ACTIONS = ("decide", "withdraw")


def _known_initiative(user: User, initiative: Initiative | None) -> Initiative:
    if initiative is None or not can_know_initiative(user, initiative):
        raise Http404
    return initiative


def _initiative_for_page(user: User, slug: str) -> Initiative:
    """Its page: one of ``visible_to(user)`` in a single fetch; otherwise an archived one,
    for those who may know it (its editors), checked before fetching what the page shows."""
    initiative = selectors.initiative_for_page(slug=slug, user=user)
    if initiative is not None:
        return initiative
    archived = selectors.archived_initiative(slug=slug) if user.is_authenticated else None
    return selectors.initiative_page_prefetch(
        initiative=_known_initiative(user, archived), user=user
    )


def initiative_for_user(request: HttpRequest, slug: str, action: str) -> Initiative:
    """The initiative ``slug`` names, for ``action`` (a key of ``INITIATIVE_ACTIONS``), with
    what that action's page shows ("view": the detail page; "edit": the edit form; the
    others: the lead and partner organisations the rules look at). ``Http404`` when the user
    may not know it exists (``can_know_initiative``), ``PermissionDenied`` when they know it
    but the action's rule refuses."""
    if action not in INITIATIVE_ACTIONS:
        raise ValueError(f"Unknown action on an initiative: {action!r}")
    user, rule = request.user, INITIATIVE_ACTIONS[action]
    if action == "view":
        return _initiative_for_page(user, slug)
    if action == "edit":
        initiative = _known_initiative(user, selectors.initiative_for_edit(slug=slug))
    else:
        initiative = _known_initiative(user, selectors.initiative_for_maintenance(slug=slug))
    if rule is not None and not rule(user, initiative):
        raise PermissionDenied
    return initiative


def join_request_for_user(request: HttpRequest, slug: str, public_id, action: str) -> JoinRequest:
    """The request to join ``public_id`` names on the initiative ``slug`` names, for
    ``action``: "decide" (``can_decide_join_request``, checked on the initiative before the
    request is looked up) or "withdraw" (``can_withdraw_join_request``, on the request).
    ``Http404`` when the user may not know the initiative exists or the request is not one of
    its own, ``PermissionDenied`` when the rule refuses. ``join_request.initiative`` is the
    initiative as fetched."""
    if action not in JOIN_REQUEST_ACTIONS:
        raise ValueError(f"Unknown action on a request to join: {action!r}")
    user = request.user
    if action == "decide":
        initiative = initiative_for_user(request, slug, "decide_join_request")
    else:
        initiative = _known_initiative(user, selectors.initiative_for_maintenance(slug=slug))
    join_request = selectors.join_request_for_decision(initiative=initiative, public_id=public_id)
    if join_request is None:
        raise Http404
    if action == "withdraw" and not can_withdraw_join_request(user, join_request):
        raise PermissionDenied
    join_request.initiative = initiative  # already in hand, with its organisations
    return join_request


def require_can_register(request: HttpRequest) -> None:
    """``PermissionDenied`` unless the user may register initiatives
    (``can_register_initiative``): the register form and its similar-initiatives lookup."""
    if not can_register_initiative(request.user):
        raise PermissionDenied
