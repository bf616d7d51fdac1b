from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InitiativesConfig(AppConfig):
    name = "initiatives"
    verbose_name = _("Initiatives")

    def ready(self):
        from initiatives import selectors  # app modules load once the registry is ready
        from partnership import site

        site.home_stats.register(selectors.home_stats)
        site.account_data.register(selectors.account_data)
        site.my_pages.register(selectors.my_pages)
