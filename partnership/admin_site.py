"""The Django admin behind the portal's one door.

The admin has no login of its own: ``/admin/login/`` sends the visitor to the account login
(allauth: rate limits, email verification, the second factor) with ``next``, and the admin
opens only to active staff whose session passed the second factor
(``partnership.permissions.passed_second_factor``). Staff who logged in with the password
alone are sent to confirm with their authenticator app (or to set one up) first. With
``ADMIN_ENABLED=False`` the admin is not served at all (``partnership/urls.py``).

Installed in place of ``django.contrib.admin`` by ``partnership.apps.PortalAdminConfig``,
so every ``admin.site.register`` uses this site.
"""

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.contrib.contenttypes import views as contenttype_views
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse

from partnership import permissions


class PortalAdminSite(admin.AdminSite):
    def has_permission(self, request) -> bool:
        """Active staff, in a session that passed the second factor."""
        return super().has_permission(request) and permissions.passed_second_factor(request.user)

    def login(self, request, extra_context=None):
        """No password form here: to the account login, or on to the second factor."""
        next_url = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index")
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(next_url, reverse("account_login"))
        if not (user.is_active and user.is_staff):
            raise PermissionDenied
        if self.has_permission(request):
            return redirect("admin:index")
        url = reverse("mfa_reauthenticate" if permissions.has_totp(user) else "mfa_activate_totp")
        return redirect_to_login(next_url, url)

    def get_urls(self):
        """Django's "view on site" (``r/<content type>/<id>/``) only for models registered
        here that have a page on the site (``get_absolute_url``): it looked the object up
        first, and for pghistory's events, which have no table of their own, answered 500."""
        urls = super().get_urls()
        return [
            path(
                "r/<int:content_type_id>/<path:object_id>/",
                self.admin_view(self.view_on_site),
                name="view_on_site",
            )
            if getattr(url, "name", None) == "view_on_site"
            else url
            for url in urls
        ]

    def view_on_site(self, request, content_type_id, object_id):
        content_type = get_object_or_404(ContentType, pk=content_type_id)
        model = content_type.model_class()
        if model not in self._registry or not hasattr(model, "get_absolute_url"):
            raise Http404
        return contenttype_views.shortcut(request, content_type_id, object_id)
