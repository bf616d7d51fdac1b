from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResidentsConfig(AppConfig):
    """Residents say where they feel unsafe (or safe): anonymous reports of places, their
    aggregates for everyone, the points and texts for partners, and the Open311 keys through
    which other apps send such reports. Below the problems app: a problem made from reports
    links them (``Problem.resident_reports``); this app reads that link backwards."""

    name = "partnership.residents"
    label = "residents"
    verbose_name = _("Residents' reports")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from partnership.residents import tasks  # noqa: F401 - registers the daily deletion
