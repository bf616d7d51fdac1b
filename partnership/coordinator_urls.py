"""The coordinator's pages (see ``partnership.views``, "Coordinator pages")."""

from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from partnership import views

app_name = "coordinator"

urlpatterns = [
    path("", views.coordinator_organizations, name="organizations"),
    path(
        _("users/"),
        include(
            [
                path("", views.coordinator_users, name="users"),
                path("<str:action>/", views.coordinator_role, name="role"),
            ]
        ),
    ),
    path(
        _("organisations/"),
        include(
            [
                path("<slug:slug>/", views.coordinator_organization, name="organization"),
                path(
                    "<slug:slug>/<str:decision>/",
                    views.coordinator_organization_decide,
                    name="decide",
                ),
            ]
        ),
    ),
]
