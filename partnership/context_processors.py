"""Values every template needs: the portal's name and the user's role."""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser

from partnership import permissions


def portal(request):
    # A request refused early (a bad Host header gives a 400) never reached
    # AuthenticationMiddleware; its error page still renders the layout.
    user = getattr(request, "user", None) or AnonymousUser()
    return {
        "portal_name": settings.PORTAL_NAME,
        "portal_contact_email": settings.PORTAL_CONTACT_EMAIL,
        "user_is_partner": permissions.is_partner(user),
        "user_is_coordinator": permissions.is_coordinator(user),
    }
