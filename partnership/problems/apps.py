from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProblemsConfig(AppConfig):
    """Problems the partners identify together: who else sees them, who does what about them,
    safety walks imported from CSV and the weekly digest. Its tables keep the ``partnership_``
    prefix they were created with (the models moved here from the project package)."""

    name = "partnership.problems"
    label = "problems"
    verbose_name = _("Problems")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from partnership import site  # app modules load once the registry is ready
        from partnership.problems import selectors

        site.home_stats.register(selectors.home_stats)
        site.account_data.register(selectors.account_data)
