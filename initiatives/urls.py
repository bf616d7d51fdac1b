from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from initiatives import delivery_views, views

app_name = "initiatives"

urlpatterns = [
    # Finding initiatives
    path("", views.initiative_list, name="list"),
    # Public map, feeds and open data (machine names, the same in every language)
    path("map.geojson", views.initiative_map_data, name="map_data"),
    path("calendar.ics", views.initiative_list_calendar, name="list_calendar"),
    path("export.csv", views.initiative_export_csv, name="export_csv"),
    path("export.xlsx", views.initiative_export_xlsx, name="export_xlsx"),
    # Registering and editing (before the catch-all slug patterns)
    path(_("new/"), views.initiative_create, name="create"),
    path(_("new/similar/"), views.initiative_similar, name="similar"),
    path(_("new/organisations.json"), views.organization_picker, name="organization_picker"),
    path(_("new/problems.json"), views.problem_picker, name="problem_picker"),
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
                path("calendar.ics", views.initiative_calendar, name="calendar"),
                # The delivery log: what actually took place (initiatives/delivery.py)
                path(_("delivery/"), delivery_views.delivery_log, name="delivery"),
                path(
                    _("delivery/partners/"),
                    delivery_views.partners_mark,
                    name="delivery_partners",
                ),
                path(
                    _("delivery/link/<str:token>/"),
                    delivery_views.session_link,
                    name="session_link",
                ),
                path(
                    _("delivery/<str:session>/"),
                    delivery_views.session_mark,
                    name="session_mark",
                ),
                # Asking to join as a partner organisation
                path(_("join/"), views.initiative_join, name="join"),
                path(
                    _("join-requests/<uuid:public_id>/"),
                    views.join_request_decide,
                    name="join_request_decide",
                ),
                path(
                    _("join-requests/<uuid:public_id>/withdraw/"),
                    views.join_request_withdraw,
                    name="join_request_withdraw",
                ),
            ]
        ),
    ),
    # (keep the catch-all slug pattern last)
    path("<slug:slug>/", views.initiative_detail, name="detail"),
]
