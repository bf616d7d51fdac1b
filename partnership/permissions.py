"""Who may do what, for the whole portal. Nothing else decides access.

Roles (see DESIGN.md): an anonymous *resident*; a *partner member* (a membership in an
approved organisation); an *organisation admin* (a membership with the admin role); a
*coordinator* (``User.is_coordinator``); a *superuser*.

Helpers answer one question each and take the user first. Queryset methods such as
``Initiative.objects.visible_to(user)`` build on :func:`is_partner`.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _

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


def belongs_to(user: User, organization: Organization) -> bool:
    """A membership of any role, whatever the organisation's status (pending, suspended …)."""
    if not (user.is_authenticated and user.is_active):
        return False
    return organization.memberships.filter(user=user).exists()


def can_know_organization(user: User, organization: Organization) -> bool:
    """An approved organisation is public; a pending, rejected or suspended one is known only
    to its own members and to coordinators (everyone else gets a 404)."""
    return (
        organization.status == organization.Status.APPROVED
        or is_coordinator(user)
        or belongs_to(user, organization)
    )


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


# --- Coordinator pages --------------------------------------------------------------------------


def has_totp(user: User) -> bool:
    """Whether the user has set up an authenticator app (allauth MFA, TOTP)."""
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def coordinator_required(view):
    """Coordinator pages open only to coordinators who use two-factor authentication.

    Anonymous visitors are sent to log in; other users get 403. A coordinator without an
    authenticator app is sent to set one up first, with a message saying why: coordinators
    approve organisations and read everyone's history, so a stolen password must not be
    enough.
    """

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_coordinator(user):
            raise PermissionDenied
        if not has_totp(user):
            messages.warning(
                request,
                _(
                    "Coordinators must use two-factor authentication. Set up an "
                    "authenticator app, then open the coordinator pages again."
                ),
            )
            return redirect("mfa_activate_totp")
        return view(request, *args, **kwargs)

    return wrapper


# --- Directory and accounts ---------------------------------------------------------------------


def can_see_member_contacts(user: User) -> bool:
    """Partners see the contact details of members who chose to share them with partners;
    residents never see member names."""
    return is_partner(user)


def can_export_directory(user: User) -> bool:
    """The directory as a spreadsheet is a partners' working tool."""
    return is_partner(user)


# --- Initiatives ---------------------------------------------------------------------------------


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
    if initiative.archived_at is not None or initiative.status not in ("planned", "active"):
        return frozenset()
    partners = {o.pk for o in initiative.partner_organizations.all()}
    return partner_organization_ids(user) - partners - {initiative.lead_organization_id}


def organizations_requesting_to_join(user: User, initiative) -> list:
    """The organisations the user may ask to join the initiative for: their approved ones
    that are neither its lead nor already a partner organisation. Any member may ask on
    their organisation's behalf (as any member may register an initiative); nobody asks to
    join an archived, completed or cancelled initiative. (Uses ``partner_organizations``
    as prefetched.)"""
    from stakeholders.models import Organization

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


# --- Problems ------------------------------------------------------------------------------------
# A problem is the partnership's, not one organisation's: any partner organisation records,
# endorses and takes responsibility; status is changed by those who answer for the problem.


def _problem_is_open(problem) -> bool:
    return problem.archived_at is None and problem.status in ("open", "being_addressed")


def can_record_problem(user: User) -> bool:
    """Members of an approved organisation record problems for it; coordinators for any
    approved organisation."""
    return is_coordinator(user) or bool(partner_organization_ids(user))


def can_know_problem(user: User, problem) -> bool:
    """Whether the user may know the problem exists: it is among
    ``Problem.objects.visible_to(user)``. Everyone else (residents and members of suspended
    organisations for a partners-only problem) gets a 404."""
    return type(problem).objects.visible_to(user).filter(pk=problem.pk).exists()


def can_see_problem_details(user: User) -> bool:
    """Partners see a problem's exact point, the endorsers' notes and its history; residents
    see the area only."""
    return is_partner(user)


def organizations_endorsing_for(user: User, problem) -> list:
    """The organisations the user may endorse the problem for ("we see this too"): their
    approved ones other than the one that recorded it and those that already endorsed it
    (one endorsement per organisation). Only open problems are endorsed. (Uses
    ``endorsements`` as prefetched.)"""
    if not _problem_is_open(problem):
        return []
    done = {e.organization_id for e in problem.endorsements.all()}
    wanted = partner_organization_ids(user) - done - {problem.recorded_by_organization_id}
    if not wanted:
        return []
    from stakeholders.models import Organization

    return list(Organization.objects.filter(pk__in=wanted).order_by("name"))


def can_endorse(user: User, problem) -> bool:
    """See :func:`organizations_endorsing_for`."""
    return bool(organizations_endorsing_for(user, problem))


def organizations_responsible_for(user: User, problem) -> list:
    """The organisations the user may commit to the problem for (lead or supporting): their
    approved ones not yet responsible for it. A coordinator may commit any approved
    organisation not yet responsible (after agreeing with it at a partnership meeting).
    Only open problems take commitments. (Uses ``responsibilities`` as prefetched.)"""
    if not _problem_is_open(problem):
        return []
    from stakeholders.models import Organization

    done = {r.organization_id for r in problem.responsibilities.all()}
    organizations = Organization.objects.approved().exclude(pk__in=done).order_by("name")
    if not is_coordinator(user):
        mine = partner_organization_ids(user) - done
        if not mine:
            return []
        organizations = organizations.filter(pk__in=mine)
    return list(organizations)


def can_take_responsibility(user: User, problem) -> bool:
    """See :func:`organizations_responsible_for`."""
    return bool(organizations_responsible_for(user, problem))


def can_edit_problem(user: User, problem) -> bool:
    """Members of the (approved) organisation that recorded the problem correct its details
    (what, where, when, severity, visibility), archive a mistaken or duplicate one and
    restore it; coordinators may too. Status, endorsements and responsibilities have their
    own rules."""
    return is_coordinator(user) or problem.recorded_by_organization_id in partner_organization_ids(
        user
    )


def can_change_problem_status(user: User, problem) -> bool:
    """Members of the organisation that recorded the problem or of one responsible for it
    move it along (open → being addressed → resolved or dismissed, and reopen it);
    coordinators may too. (Uses ``responsibilities`` as prefetched.)"""
    if problem.archived_at is not None:
        return False
    if is_coordinator(user):
        return True
    mine = partner_organization_ids(user)
    answerable = {problem.recorded_by_organization_id}
    answerable |= {r.organization_id for r in problem.responsibilities.all()}
    return bool(mine & answerable)


def can_link_initiative_to_problem(user: User, problem, initiative) -> bool:
    """An initiative is linked to (or unlinked from) a problem it addresses by members of
    the initiative's lead organisation (they answer for the initiative), by members of an
    organisation responsible for the problem (they answer for the problem), and by
    coordinators. Both must be visible to the user. (Uses ``responsibilities`` as
    prefetched.)"""
    if is_coordinator(user):
        return True
    mine = partner_organization_ids(user)
    if initiative.lead_organization_id in mine:
        return True
    return bool(mine & {r.organization_id for r in problem.responsibilities.all()})


def can_link_initiatives(user: User, problem) -> bool:
    """Whether the problem page offers linking at all: a partner whose organisations might
    lead an initiative or answer for the problem (the service checks each initiative)."""
    return problem.archived_at is None and can_record_problem(user)


def can_import_walk(user: User) -> bool:
    """Importing a safety walk or survey records problems: the same people may."""
    return can_record_problem(user)


def can_see_walk(user: User, walk) -> bool:
    """A confirmed walk's page (its findings as each user may see them) is for partners; a
    draft (an unconfirmed upload) only for the user who uploaded it."""
    if walk.confirmed_at is None:
        return bool(user.is_authenticated and walk.imported_by_id == user.pk)
    return is_partner(user)


def can_subscribe_problem_digest(user: User) -> bool:
    """The weekly digest is about the user's organisations: members of an approved one."""
    return bool(partner_organization_ids(user))
