"""The roles core: who someone is in the partnership. Each app decides what its own objects
allow in its own ``permissions.py`` (``stakeholders``, ``initiatives``, ``problems``) on top
of these; nothing else decides access. The core imports no app: it reaches organisations
through the user model's ``memberships`` relation.

Roles (see docs/design.md): an anonymous *resident*; a *partner member* (a membership in an
approved organisation); an *organisation admin* (a membership with the admin role); a
*coordinator* (``User.is_coordinator``); a *superuser*.

Helpers answer one question each and take the user first. Queryset methods such as
``Initiative.objects.visible_to(user)`` build on :func:`is_partner`.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, get_user_model
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
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


def coordinator_required(view):
    """Coordinator pages open only to coordinators who use two-factor authentication.

    Anonymous visitors are sent to log in; other users get 403. A coordinator without an
    authenticator app is sent to set one up first, with a message saying why: coordinators
    approve organisations and read everyone's history, so a stolen password must not be
    enough. The set-up then takes them on to the page they opened (``next``; not for a
    POST, whose URL cannot be opened).
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
                    "authenticator app to continue."
                ),
            )
            setup_url = reverse("mfa_activate_totp")
            if request.method in ("GET", "HEAD"):
                setup_url += "?" + urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})
            return redirect(setup_url)
        return view(request, *args, **kwargs)

    return wrapper
