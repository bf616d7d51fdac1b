from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StakeholdersConfig(AppConfig):
    name = "stakeholders"
    verbose_name = _("Partners")

    def ready(self):
        from partnership import site  # app modules load once the registry is ready
        from stakeholders import selectors

        site.home_stats.register(selectors.home_stats)
