from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    """The partnership meeting cycle: meetings, agendas drawn from the dashboard, minutes
    and decisions that become tracked work, and their PDF."""

    name = "partnership.meetings"
    label = "meetings"
    verbose_name = _("Partnership meetings")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from partnership import site  # app modules load once the registry is ready
        from partnership.meetings import selectors

        site.my_pages.register(selectors.my_pages)
        site.coordinator_overview.register(selectors.coordinator_overview)
