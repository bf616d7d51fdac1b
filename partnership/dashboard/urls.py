"""The coordinator dashboard (``coordinator:dashboard:``), under /samordning/."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from partnership.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.overview, name="overview"),
    path(_("overlaps/"), views.overlaps, name="overlaps"),
    path(_("overlaps/decide/"), views.overlap_decide, name="overlap_decide"),
    path(_("overlaps/compute/"), views.overlaps_refresh, name="overlaps_refresh"),
    path(_("gaps/"), views.gaps, name="gaps"),
    path(_("coverage/"), views.coverage, name="coverage"),
    path(_("attention/"), views.attention, name="attention"),
    path(_("report/"), views.report, name="report"),
    path(_("export/<slug:table>.csv"), views.export_csv, name="export"),
]
