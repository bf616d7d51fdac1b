"""The roles core: who someone is in the partnership. Each app decides what its own objects
allow in its own ``permissions.py`` (``stakeholders``, ``initiatives``, ``problems``) on top
of these; nothing else decides access. The core imports no app: it reaches organisations
through the user model's ``memberships`` relation.

Roles (see docs/design.md): an anonymous *resident*; a *partner member* (a membership in an
approved organisation); an *organisation admin* (a membership with the admin role); a
*coordinator* (``User.is_coordinator``); a *superuser*.

**Coordinator powers need the second factor.** A coordinator's (or superuser's) powers apply
only to a user that passed the second factor in this login: :class:`SecondFactorMiddleware`
marks ``request.user`` once per request from allauth's record of the session's
authentications (:func:`mark_second_factor`), and :func:`is_coordinator` reads that mark.
Everything built on it (``is_partner``, ``acting_organizations``, every app's rules, the
``user_is_coordinator`` context processor, ``coordinator_required``) follows. A user object
that did not come from a request (a task, an email, a management command) carries no mark
and is judged on its memberships only; whoever must reach *the coordinators* (notifications)
selects them by the role flag (``User.is_coordinator``), not through ``is_coordinator``.

Helpers answer one question each and take the user first. Queryset methods such as
``Initiative.objects.visible_to(user)`` build on :func:`is_partner`.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, get_user_model
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject, empty
from django.utils.http import urlencode
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
    from django.db.models import Model, QuerySet

    # The core names no app's model (it imports none): a user is any user, an organisation
    # any model instance.
    User = AbstractBaseUser | AnonymousUser
    Organization = Model


def _organization_model():
    """The organisation model, reached through the user model's memberships."""
    membership = get_user_model()._meta.get_field("memberships").related_model
    return membership._meta.get_field("organization").related_model


# --- The second factor -----------------------------------------------------------------------

# The mark on a user object: True when the session it came from passed the second factor.
SECOND_FACTOR_MARK = "second_factor_passed"


def session_passed_second_factor(request, user: User) -> bool:
    """Whether this session's login (or a later confirmation) used the second factor: a
    code from the authenticator app, or one of its recovery codes.

    allauth records each authentication of the session (``record_authentication``: the
    password, the two-factor stage, a reauthentication) for the user it belongs to, and the
    record goes with the session when the user logs out. Setting up the authenticator app
    in this session counts too (``stakeholders.mfa`` records it): its code was just typed.
    """
    if not user.is_authenticated:
        return False
    records = get_authentication_records(request, user)
    return any(record.get("method") == "mfa" for record in records)


def mark_second_factor(user: User, passed: bool) -> User:
    """Mark a user object with whether its session passed the second factor."""
    setattr(user, SECOND_FACTOR_MARK, passed)
    return user


def passed_second_factor(user: User) -> bool:
    """The mark :class:`SecondFactorMiddleware` put on the request's user; False on a user
    object that did not come from a request."""
    return getattr(user, SECOND_FACTOR_MARK, False) is True


class SecondFactorMiddleware:
    """Marks ``request.user`` with whether this session passed the second factor, lazily
    (the user is still read from the session only when something asks). After
    ``AuthenticationMiddleware`` and allauth's ``AccountMiddleware``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        lazy_user = request.user

        def marked_user():
            if isinstance(lazy_user, SimpleLazyObject):
                if lazy_user._wrapped is empty:
                    lazy_user._setup()
                user = lazy_user._wrapped
            else:
                user = lazy_user
            return mark_second_factor(user, session_passed_second_factor(request, user))

        request.user = SimpleLazyObject(marked_user)
        return self.get_response(request)


# --- Roles --------------------------------------------------------------------------------------


def has_coordinator_role(user: User) -> bool:
    """The coordinator role (or superuser), whether or not this session may use it. For
    telling a coordinator how to get their powers, and for choosing whom to notify."""
    return bool(
        user.is_authenticated and user.is_active and (user.is_coordinator or user.is_superuser)
    )


def is_coordinator(user: User) -> bool:
    """Coordinators run the partnership; superusers may do everything a coordinator may.

    Only in a session that passed the second factor (:func:`passed_second_factor`): a
    stolen password alone must not be enough. Without it the user has their membership
    rights only.
    """
    return has_coordinator_role(user) and passed_second_factor(user)


def partner_organization_ids(user: User) -> frozenset[int]:
    """Ids of the approved organisations the user is a member of (cached on the user)."""
    if not (user.is_authenticated and user.is_active):
        return frozenset()
    cached = getattr(user, "_partner_organization_ids", None)
    if cached is None:
        # A join on the organisation's status, as before the move: this runs on every
        # request (the context processor), so no subquery.
        approved = _organization_model().approved_q("organization__")
        cached = frozenset(
            user.memberships.filter(approved).values_list("organization_id", flat=True)
        )
        user._partner_organization_ids = cached
    return cached


def acting_organizations(user: User) -> QuerySet[Organization]:
    """The organisations the user may act for (register an initiative, record a problem):
    their approved ones; a coordinator any approved organisation. By name."""
    organizations = _organization_model().objects.approved().order_by("name")
    if is_coordinator(user):
        return organizations
    return organizations.filter(pk__in=partner_organization_ids(user))


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


# --- Coordinator pages --------------------------------------------------------------------------


def has_totp(user: User) -> bool:
    """Whether the user has set up an authenticator app (allauth MFA, TOTP)."""
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def second_factor_redirect(request):
    """Where a user with the coordinator role but without the second factor in this session
    goes to get it, with a message saying why; None for everyone else.

    Without an authenticator app: its set-up. With one (a session from before it was set
    up, or a login that skipped it): allauth's confirmation with a code from the app. Either
    takes them on to the page they opened (``next``; not for a POST, whose URL cannot be
    opened).
    """
    user = request.user
    if not has_coordinator_role(user) or passed_second_factor(user):
        return None
    if has_totp(user):
        messages.warning(
            request,
            _("Coordinator pages need a code from your authenticator app. Enter one to continue."),
        )
        url = reverse("mfa_reauthenticate")
    else:
        messages.warning(
            request,
            _(
                "Coordinators must use two-factor authentication. Set up an "
                "authenticator app to continue."
            ),
        )
        url = reverse("mfa_activate_totp")
    if request.method in ("GET", "HEAD"):
        url += "?" + urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})
    return redirect(url)


def coordinator_required(view):
    """Coordinator pages open only to coordinators in a session that passed the second
    factor.

    Anonymous visitors are sent to log in; users without the role get 403. A coordinator
    without the second factor in this session is sent to get it first
    (:func:`second_factor_redirect`): coordinators approve organisations and read
    everyone's history, so a stolen password must not be enough.
    """

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_coordinator(user):
            response = second_factor_redirect(request)
            if response is None:
                raise PermissionDenied
            return response
        return view(request, *args, **kwargs)

    # Read by the permission sweep (tests/test_permission_sweep.py): only a coordinator
    # with the second factor may get this view's page. Decorators above copy it.
    wrapper.coordinator_only = True
    return wrapper
