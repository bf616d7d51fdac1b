from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    """The coordinator dashboard: overlaps, gaps, coverage, attention lists and the report."""

    name = "partnership.coordination"
    label = "dashboard"
    verbose_name = _("Coordinator dashboard")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from partnership.coordination import weekly_tasks  # noqa: F401 - the Monday email
