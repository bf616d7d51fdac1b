from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from initiatives import views

app_name = "initiatives"

urlpatterns = [
    # Finding initiatives
    path("", views.initiative_list, name="list"),
    # Registering and editing (before the catch-all slug patterns)
    path(_("new/"), views.initiative_create, name="create"),
    # Maintaining initiatives
    path(
        "<slug:slug>/",
        include(
            [
                path(_("edit/"), views.initiative_edit, name="edit"),
                path(_("updates/new/"), views.initiative_update_create, name="update_create"),
                path(_("archive/"), views.initiative_archive, name="archive"),
                path(_("restore/"), views.initiative_restore, name="restore"),
                path(_("history/"), views.initiative_history, name="history"),
            ]
        ),
    ),
    # (keep the catch-all slug pattern last)
    path("<slug:slug>/", views.initiative_detail, name="detail"),
]
