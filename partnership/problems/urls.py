"""The partners' problem register and safety-walk import (``problems:``). The public "you
said, we did" page (``public_problems``) is routed in the project's ``urls.py``."""

from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from partnership.problems import views

app_name = "problems"

urlpatterns = [
    path("", views.problem_list, name="list"),
    path(_("new/"), views.problem_create, name="create"),
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
