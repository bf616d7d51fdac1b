"""Who may do what, for the whole portal. Nothing else decides access.

Roles (see DESIGN.md): an anonymous *resident*; a *partner member* (a membership in an
approved organisation); an *organisation admin* (a membership with the admin role); a
*coordinator* (``User.is_coordinator``); a *superuser*.

Helpers answer one question each and take the user first. Queryset methods such as
``Initiative.objects.visible_to(user)`` build on :func:`is_partner`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from stakeholders.models import Organization, User


def is_coordinator(user: User) -> bool:
    """Coordinators run the partnership; superusers may do everything a coordinator may."""
    return bool(
        user.is_authenticated and user.is_active and (user.is_coordinator or user.is_superuser)
    )


def partner_organization_ids(user: User) -> frozenset[int]:
    """Ids of the approved organisations the user is a member of (cached on the user)."""
    if not (user.is_authenticated and user.is_active):
        return frozenset()
    cached = getattr(user, "_partner_organization_ids", None)
    if cached is None:
        from stakeholders.models import Membership, Organization

        cached = frozenset(
            Membership.objects.filter(
                user=user, organization__status=Organization.Status.APPROVED
            ).values_list("organization_id", flat=True)
        )
        user._partner_organization_ids = cached
    return cached


def is_partner(user: User) -> bool:
    """A partner sees partners-only content: a member of an approved organisation,
    or a coordinator."""
    return is_coordinator(user) or bool(partner_organization_ids(user))


def is_member_of(user: User, organization: Organization) -> bool:
    return organization.pk in partner_organization_ids(user)


def is_admin_of(user: User, organization: Organization) -> bool:
    """Organisation admins edit the profile and manage members of their own organisation."""
    if not (user.is_authenticated and user.is_active):
        return False
    return organization.memberships.filter(user=user, role="admin").exists()


# --- Organisations, members and invitations ------------------------------------------------------

# --- Coordinator pages --------------------------------------------------------------------------

# --- Directory and accounts ---------------------------------------------------------------------
