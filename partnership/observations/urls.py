"""Observations: the reporters' log and list, imports, patterns, and problems made from them.
Mounted at ``/handelser/`` (``/en/observations/``)."""

from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import category_views, import_views, pattern_views, problem_views, views

app_name = "observations"

urlpatterns = [
    # --- Logging and the list (views.py) ---
    path("", views.observation_list, name="list"),
    path(_("new/"), views.observation_log, name="log"),
    path("export.csv", views.observation_export_csv, name="export_csv"),
    path(
        "<uuid:public_id>/",
        include(
            [
                path(_("edit/"), views.observation_edit, name="edit"),
                path(_("delete/"), views.observation_delete, name="delete"),
            ]
        ),
    ),
    path(_("reporters/"), include([path("<slug:slug>/", views.reporters, name="reporters")])),
    path(
        _("categories/"),
        include(
            [
                path("", category_views.category_list, name="categories"),
                path("<slug:slug>/", category_views.category_edit, name="category_edit"),
                path(_("<slug:slug>/move/"), category_views.category_move, name="category_move"),
                path(
                    _("<slug:slug>/retire/"), category_views.category_retire, name="category_retire"
                ),
                path(
                    _("<slug:slug>/restore/"),
                    category_views.category_restore,
                    name="category_restore",
                ),
                path(
                    _("<slug:slug>/delete/"),
                    category_views.category_delete,
                    name="category_delete",
                ),
            ]
        ),
    ),
    # --- Imports (import_views.py) ---
    path(_("import/"), import_views.import_upload, name="import"),
    path(_("import/template.csv"), import_views.import_template, name="import_template"),
    path(_("import/<int:pk>/"), import_views.import_preview, name="import_preview"),
    path(_("import/<int:pk>/confirm/"), import_views.import_confirm, name="import_confirm"),
    # --- Patterns: heatmap and trend (pattern_views.py) ---
    path(_("patterns/"), pattern_views.patterns_page, name="patterns"),
    path(_("patterns.csv"), pattern_views.patterns_csv, name="patterns_csv"),
    # --- Problems made from observations (problem_views.py) ---
    path(_("to-problem/"), problem_views.make_problem, name="make_problem"),
]
