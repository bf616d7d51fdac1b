"""Who may do what with initiatives, their updates and requests to join (on top of the roles
core, ``partnership.permissions``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from initiatives.models import Initiative
from partnership.permissions import (
    is_admin_of,
    is_coordinator,
    is_partner,
    partner_organization_ids,
)
from stakeholders.models import Organization

if TYPE_CHECKING:
    from stakeholders.models import User


def can_register_initiative(user: User) -> bool:
    """Members of an approved organisation register initiatives for it; coordinators for
    any approved organisation."""
    return is_coordinator(user) or bool(partner_organization_ids(user))


def can_edit_initiative(user: User, initiative) -> bool:
    """Members of the initiative's lead organisation (any role) edit it, provided that
    organisation is approved; coordinators edit every initiative."""
    return is_coordinator(user) or initiative.lead_organization_id in partner_organization_ids(user)


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


def _joinable_organization_ids(user: User, initiative) -> frozenset[int]:
    if initiative.archived_at is not None or initiative.status not in Initiative.LIVE_STATUSES:
        return frozenset()
    partners = {o.pk for o in initiative.partner_organizations.all()}
    return partner_organization_ids(user) - partners - {initiative.lead_organization_id}


def organizations_requesting_to_join(user: User, initiative) -> list:
    """The organisations the user may ask to join the initiative for: their approved ones
    that are neither its lead nor already a partner organisation. Any member may ask on
    their organisation's behalf (as any member may register an initiative); nobody asks to
    join an archived, completed or cancelled initiative. (Uses ``partner_organizations``
    as prefetched.)"""
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
