"""Who may do what with organisations, members, invitations and the directory (on top of the
roles core, ``partnership.permissions``).

Views fetch an organisation or a membership through one helper per object kind
(:func:`organization_for_user`, :func:`membership_for_user`): 404 when the user may not know
the object exists, 403 when they know it but may not act. Services re-check, through
:func:`organization_check`, only what depends on submitted data (a membership or an
invitation picked in a form).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from partnership.permissions import is_admin_of, is_coordinator, is_partner
from stakeholders.models import Organization

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.http import HttpRequest

    from stakeholders.models import Membership, User


# --- Organisations, members and invitations ------------------------------------------------------


def belongs_to(user: User, organization: Organization) -> bool:
    """A membership of any role, whatever the organisation's status (pending, suspended …)."""
    if not (user.is_authenticated and user.is_active):
        return False
    return organization.memberships.filter(user=user).exists()


def can_know_organization(user: User, organization: Organization) -> bool:
    """An approved organisation is public; a pending, rejected or suspended one is known only
    to its own members and to coordinators (everyone else gets a 404)."""
    return organization.is_approved or is_coordinator(user) or belongs_to(user, organization)


def can_view_organization_page(user: User, organization: Organization) -> bool:
    """The organisation's page in the directory is public and exists only while the
    organisation is approved: a pending, rejected or suspended organisation has no page, for
    anyone (its members reach it through the members page, coordinators through theirs)."""
    return organization.is_approved


def can_manage_organization(user: User, organization: Organization) -> bool:
    """The organisation's admins, and coordinators for any organisation, edit its profile,
    invite members, resend or revoke invitations, change roles and remove members."""
    return is_coordinator(user) or is_admin_of(user, organization)


def can_see_members(user: User, organization: Organization) -> bool:
    """Members see who else belongs to their organisation (read-only); managers too."""
    return can_manage_organization(user, organization) or belongs_to(user, organization)


def can_leave(user: User, membership: Membership) -> bool:
    """Anyone may leave an organisation they belong to (unless they are its last admin,
    which the service refuses)."""
    return bool(user.is_authenticated and membership.user_id == user.pk)


# What each action on an organisation asks of the user, once they may know it exists.
ORGANIZATION_ACTIONS = {
    "view": can_view_organization_page,
    "manage": can_manage_organization,
    "see_members": can_see_members,
}

MEMBERSHIP_ACTIONS = {
    "leave": can_leave,
}


def organization_check(user: User, organization: Organization, action: str) -> None:
    """Whether ``user`` may ``action`` (a key of ``ORGANIZATION_ACTIONS``) ``organization``:
    ``Http404`` when they may not know it exists (:func:`can_know_organization`),
    ``PermissionDenied`` when they know it but the action's rule says no. Viewing the public
    page of an organisation that has none (not approved) is a 404 for everyone: there is
    nothing to find, whoever asks."""
    rule = ORGANIZATION_ACTIONS[action]
    if not can_know_organization(user, organization):
        raise Http404
    if not rule(user, organization):
        raise Http404 if rule is can_view_organization_page else PermissionDenied


def organization_for_user(
    request: HttpRequest,
    slug: str,
    action: str,
    *,
    queryset: QuerySet[Organization] | None = None,
) -> Organization:
    """The organisation ``slug`` if the user may ``action`` it (see
    :func:`organization_check`): 404 for an unknown slug or an organisation the user may not
    know, 403 when they know it but may not act. ``queryset`` is where to look (a selector's,
    with what the page needs); every organisation by default."""
    organization = get_object_or_404(
        Organization.objects.all() if queryset is None else queryset, slug=slug
    )
    organization_check(request.user, organization, action)
    return organization


def membership_for_user(request: HttpRequest, slug: str, action: str) -> Membership:
    """The user's own membership of the organisation ``slug``, if they may ``action`` (a key
    of ``MEMBERSHIP_ACTIONS``) it: 404 for an organisation they may not know, 403 when they
    know it but do not belong to it (nothing to leave) or the action's rule says no."""
    organization = get_object_or_404(Organization, slug=slug)
    user = request.user
    if not can_know_organization(user, organization):
        raise Http404
    membership = None
    if user.is_authenticated and user.is_active:  # as belongs_to
        # Through the organisation's manager, so membership.organization costs no query.
        membership = organization.memberships.filter(user=user).first()
    if membership is None or not MEMBERSHIP_ACTIONS[action](user, membership):
        raise PermissionDenied
    return membership


# --- Directory and accounts ---------------------------------------------------------------------


def can_see_member_contacts(user: User) -> bool:
    """Partners see the contact details of members who chose to share them with partners;
    residents never see member names."""
    return is_partner(user)


def can_export_directory(user: User) -> bool:
    """The directory as a spreadsheet is a partners' working tool."""
    return is_partner(user)
