"""Values every template needs: the portal's name and the user's role."""

from django.conf import settings

from partnership import permissions


def portal(request):
    user = request.user
    return {
        "portal_name": settings.PORTAL_NAME,
        "portal_contact_email": settings.PORTAL_CONTACT_EMAIL,
        "user_is_partner": permissions.is_partner(user),
        "user_is_coordinator": permissions.is_coordinator(user),
    }
