"""Who may do what with organisations, members, invitations and the directory (on top of the
roles core, ``partnership.permissions``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from partnership.permissions import is_admin_of, is_coordinator, is_partner

if TYPE_CHECKING:
    from stakeholders.models import Organization, User


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


def can_manage_organization(user: User, organization: Organization) -> bool:
    """The organisation's admins, and coordinators for any organisation, edit its profile,
    invite members, resend or revoke invitations, change roles and remove members."""
    return is_coordinator(user) or is_admin_of(user, organization)


def can_see_members(user: User, organization: Organization) -> bool:
    """Members see who else belongs to their organisation (read-only); managers too."""
    return can_manage_organization(user, organization) or belongs_to(user, organization)


def can_leave(user: User, membership) -> bool:
    """Anyone may leave an organisation they belong to (unless they are its last admin,
    which the service refuses)."""
    return bool(user.is_authenticated and membership.user_id == user.pk)


# --- Directory and accounts ---------------------------------------------------------------------


def can_see_member_contacts(user: User) -> bool:
    """Partners see the contact details of members who chose to share them with partners;
    residents never see member names."""
    return is_partner(user)


def can_export_directory(user: User) -> bool:
    """The directory as a spreadsheet is a partners' working tool."""
    return is_partner(user)
