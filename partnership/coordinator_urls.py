"""The coordinator's pages (see ``partnership.views``, "Coordinator pages")."""

from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from partnership import views

app_name = "coordinator"

urlpatterns = [
    # --- Coordinator dashboard --- (the overview is the first page a coordinator sees)
    path("", include("partnership.dashboard.urls")),
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
                path("", views.coordinator_organizations, name="organizations"),
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
