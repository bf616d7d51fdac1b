"""Residents' reports (``residents:``), under "Säg till om en plats" (``/sag-till/``)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from partnership.residents import views

app_name = "residents"

urlpatterns = [
    path("", views.report, name="report"),
    path(_("thanks/"), views.thanks, name="thanks"),
    path(_("what-residents-say/"), views.summary, name="summary"),
    path(_("what-residents-say/<slug:area>/"), views.summary, name="area_summary"),
    path(_("reports/"), views.report_list, name="list"),
    path(_("reports/map.geojson"), views.map_data, name="map_data"),
    path(_("reports/<uuid:public_id>/hide/"), views.report_hide, name="hide"),
    path(_("reports/<uuid:public_id>/show/"), views.report_show, name="show"),
    path(_("open311-keys/"), views.open311_keys, name="open311_keys"),
    path(
        _("open311-keys/<uuid:public_id>/revoke/"),
        views.open311_key_revoke,
        name="open311_key_revoke",
    ),
]
