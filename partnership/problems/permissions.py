"""Who may do what with problems, safety walks and the weekly digest (on top of the roles
core, ``partnership.permissions``).

A problem is the partnership's, not one organisation's: any partner organisation records,
endorses and takes responsibility; status is changed by those who answer for the problem.

Views fetch what they act on through the fetch helpers at the end of this module
(:func:`problem_for_user`, :func:`linked_initiative_for_user`, :func:`walk_for_user`): 404
when the user may not know the thing exists, 403 when they know it but may not act. Services
re-check only what depends on submitted data (the organisation chosen in a form, the
initiative chosen to link), through the ``organizations_*_for`` and ``can_*`` helpers here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404

from partnership.permissions import (
    acting_organizations,
    is_coordinator,
    is_partner,
    partner_organization_ids,
)
from partnership.problems import selectors
from stakeholders.models import Organization

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.http import HttpRequest

    from initiatives.models import Initiative
    from partnership.problems.models import Problem, SafetyWalk
    from stakeholders.models import User


def can_record_problem(user: User) -> bool:
    """Members of an approved organisation record problems for it; coordinators for any
    approved organisation."""
    return is_coordinator(user) or bool(partner_organization_ids(user))


def organizations_recording_for(user: User) -> QuerySet[Organization]:
    """The organisations the user may record a problem (or import a safety walk) for: the
    ones they may act for (``acting_organizations``: their approved ones; a coordinator any
    approved one). By name."""
    return acting_organizations(user)


def can_know_problem(user: User, problem) -> bool:
    """Whether the user may know the problem exists: it is among
    ``Problem.objects.visible_to(user)``, or it is archived and the user may edit it (to
    restore it). Everyone else (residents and members of suspended organisations for a
    partners-only problem, anyone but its editors for an archived one) gets a 404."""
    if problem.archived_at is not None:
        return can_edit_problem(user, problem)
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
    if not problem.is_open:
        return []
    done = {e.organization_id for e in problem.endorsements.all()}
    wanted = partner_organization_ids(user) - done - {problem.recorded_by_organization_id}
    if not wanted:
        return []
    return list(Organization.objects.filter(pk__in=wanted).order_by("name"))


def can_endorse(user: User, problem) -> bool:
    """See :func:`organizations_endorsing_for`."""
    return bool(organizations_endorsing_for(user, problem))


def organizations_responsible_for(user: User, problem) -> list:
    """The organisations the user may commit to the problem for (lead or supporting): their
    approved ones not yet responsible for it. A coordinator may commit any approved
    organisation not yet responsible (after agreeing with it at a partnership meeting).
    Only open problems take commitments. (Uses ``responsibilities`` as prefetched.)"""
    if not problem.is_open:
        return []
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


def can_see_walks(user: User) -> bool:
    """The list of safety walks and surveys is for partners: their findings are the
    partnership's working material."""
    return is_partner(user)


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


# --- Fetch helpers: what a view acts on, or 404 / 403 -------------------------------------------

# What each action on a problem asks of the user, once they may know the problem exists.
PROBLEM_ACTIONS = {
    "view": lambda user, problem: True,
    "see_details": lambda user, problem: can_see_problem_details(user),
    "edit": can_edit_problem,
    "endorse": can_endorse,
    "take_responsibility": can_take_responsibility,
    "change_status": can_change_problem_status,
    "link_initiatives": can_link_initiatives,
}


def problem_for_user(request: HttpRequest, public_id, action: str) -> Problem:
    """The problem with everything its page shows, for ``action`` (a key of
    :data:`PROBLEM_ACTIONS`): 404 when the user may not know it exists
    (:func:`can_know_problem`: not visible to them, or archived and they are not among its
    editors), 403 when they know it but the action's rule refuses them."""
    user = request.user
    problem = selectors.problem_for_page(public_id=public_id, user=user)
    if problem is None and user.is_authenticated:
        # Not visible to anyone while archived, except to its editors (to restore it).
        problem = selectors.archived_problem_for_page(public_id=public_id, user=user)
        if problem is not None and not can_edit_problem(user, problem):
            problem = None
    if problem is None:
        raise Http404
    if not PROBLEM_ACTIONS[action](user, problem):
        raise PermissionDenied
    return problem


def linked_initiative_for_user(request: HttpRequest, problem, public_id) -> Initiative:
    """One of the initiatives linked to ``problem`` (as fetched by :func:`problem_for_user`),
    to unlink it: 404 when it is not linked or the user may not see it, 403 when
    :func:`can_link_initiative_to_problem` refuses them."""
    initiative = next((i for i in problem.visible_initiatives if i.public_id == public_id), None)
    if initiative is None:
        raise Http404
    if not can_link_initiative_to_problem(request.user, problem, initiative):
        raise PermissionDenied
    return initiative


# What each action on a safety walk asks of the user. Who confirms a draft (its uploader,
# once) is decided by ``services.walk_confirm`` under a lock, with a message saying why.
WALK_ACTIONS = {"view": can_see_walk}


def walk_for_user(request: HttpRequest, public_id, action: str) -> SafetyWalk:
    """The safety walk, for ``action`` (a key of :data:`WALK_ACTIONS`): 404 whenever the
    rule refuses the user — a draft is nobody's business but its uploader's, and a confirmed
    walk is partners' working material."""
    walk = selectors.walk_for_page(public_id=public_id)
    if walk is None or not WALK_ACTIONS[action](request.user, walk):
        raise Http404
    return walk
