"""Addresses of the lägesbild's public aggregates (``publication_views``): the coordinator's
under the dashboard (``coordinator:dashboard:publication*``, included by ``urls.py``) and
the residents' (``situation_reports``, ``situation_report``, included without a namespace
by the project's ``urls.py`` at /lagesbilder/, /en/situation-reports/)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from partnership.coordination import publication_views as views

coordinator_patterns = [
    path(_("published/"), views.publications, name="publications"),
    path(_("published/new/"), views.publication_new, name="publication_new"),
    path(_("published/<uuid:public_id>/"), views.publication_detail, name="publication"),
    path(
        _("published/<uuid:public_id>/change/"),
        views.publication_new,
        name="publication_edit",
    ),
    path(
        _("published/<uuid:public_id>/<slug:action>/"),
        views.publication_action,
        name="publication_action",
    ),
]

public_urlpatterns = [
    path("", views.public_list, name="situation_reports"),
    path("<uuid:public_id>/", views.public_detail, name="situation_report"),
]
