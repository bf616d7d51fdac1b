"""Observations: the reporters' log and list, imports, patterns, and problems made from them.
Mounted at ``/handelser/`` (``/en/observations/``)."""

from django.urls import path

from . import views

app_name = "observations"

urlpatterns = [
    # --- Logging and the list (views.py) ---
    path("", views.observation_list, name="list"),
    # --- Imports (import_views.py) ---
    # --- Patterns: heatmap and trend (pattern_views.py) ---
    # --- Problems made from observations (problem_views.py) ---
]
