"""The partners' problem register and safety-walk import (``problems:``); the public "you
said, we did" page (``public_problems``) and its feeds (``public_urlpatterns``, included
without a namespace by the project's ``urls.py``)."""

from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from partnership.filter_addresses import without_empty_parameters
from partnership.problems import feeds, from_reports, open311, views

app_name = "problems"

urlpatterns = [
    path("", views.problem_list, name="list"),
    path(_("new/"), views.problem_create, name="create"),
    path(_("new/from-reports/"), from_reports.problem_from_reports, name="from_reports"),
    path(_("weekly-summary/"), views.problem_digest, name="digest"),
    path(
        _("walks/"),
        include(
            [
                path("", views.walk_list, name="walk_list"),
                path(_("import/"), views.walk_import, name="walk_import"),
                path(_("template.csv"), views.walk_template, name="walk_template"),
                path("<uuid:public_id>/", views.walk_detail, name="walk_detail"),
                path(_("<uuid:public_id>/preview/"), views.walk_preview, name="walk_preview"),
                path(_("<uuid:public_id>/confirm/"), views.walk_confirm, name="walk_confirm"),
            ]
        ),
    ),
    path(
        "<uuid:public_id>/",
        include(
            [
                path("", views.problem_detail, name="detail"),
                path(_("endorse/"), views.problem_endorse, name="endorse"),
                path(
                    _("responsibility/"),
                    views.problem_take_responsibility,
                    name="responsibility",
                ),
                path(_("status/"), views.problem_change_status, name="status"),
                path(_("initiatives/"), views.problem_link_initiative, name="link_initiative"),
                path(
                    _("initiatives/<uuid:initiative_id>/remove/"),
                    views.problem_unlink_initiative,
                    name="unlink_initiative",
                ),
                path(_("history/"), views.problem_history, name="history"),
                path(_("edit/"), views.problem_edit, name="edit"),
                path(_("archive/"), views.problem_archive, name="archive"),
                path(_("restore/"), views.problem_restore, name="restore"),
            ]
        ),
    ),
]

# "You said, we did" (public, under the language prefix: ``partnership/urls.py`` includes
# these under its address) and its Atom feeds, the whole partnership's and one per area.
public_urlpatterns = [
    # No JavaScript on the page: empty filters are left out by a redirect.
    path("", without_empty_parameters(views.public_problems), name="public_problems"),
    path("<uuid:public_id>/", views.public_problem, name="public_problem"),
    path("feed.atom", feeds.PublicProblemsFeed(), name="public_problems_feed"),
    path("<slug:area>/feed.atom", feeds.AreaProblemsFeed(), name="public_problems_area_feed"),
]

# Open311 GeoReport v2, the read side (``open311:``, under /open311/v2/, no language prefix).
open311_urlpatterns = [
    path("discovery.json", open311.discovery, name="discovery"),
    path("services.json", open311.services, name="services"),
    path("services/<str:service_code>.json", open311.service_definition, name="service"),
    path("requests.json", open311.requests, name="requests"),
    path("requests/<str:service_request_id>.json", open311.request_detail, name="request"),
    path("<path:rest>", open311.not_found, name="not_found"),
]
