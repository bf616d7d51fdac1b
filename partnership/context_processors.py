"""Values every template needs: the portal's name and the user's role."""

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils.http import urlencode

from partnership import permissions


def portal(request):
    # A request refused early (a bad Host header gives a 400) never reached
    # AuthenticationMiddleware; its error page still renders the layout.
    user = getattr(request, "user", None) or AnonymousUser()
    return {
        **_second_factor_notice(request, user),
        "portal_name": settings.PORTAL_NAME,
        "portal_contact_email": settings.PORTAL_CONTACT_EMAIL,
        "admin_enabled": settings.ADMIN_ENABLED,
        "user_is_partner": permissions.is_partner(user),
        "user_is_coordinator": permissions.is_coordinator(user),
    }


# The pages that give the second factor do not point to themselves.
SECOND_FACTOR_PAGES = {"mfa_activate_totp", "mfa_reauthenticate", "mfa_authenticate"}


def _second_factor_notice(request, user) -> dict:
    """A coordinator without the second factor in this login is told on every page how to
    get their powers: set up an authenticator app, or enter a code from it (and come back
    here). Nothing for anyone else."""
    match = getattr(request, "resolver_match", None)
    if (
        not permissions.has_coordinator_role(user)
        or permissions.passed_second_factor(user)
        or (match and match.url_name in SECOND_FACTOR_PAGES)
    ):
        return {"coordinator_second_factor_url": None}
    has_app = permissions.has_totp(user)
    url = reverse("mfa_reauthenticate" if has_app else "mfa_activate_totp")
    if request.method == "GET":
        url += "?" + urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})
    return {"coordinator_second_factor_url": url, "coordinator_has_authenticator": has_app}
