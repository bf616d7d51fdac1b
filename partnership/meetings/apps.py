from django.apps import AppConfig
from django.urls import reverse
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
        from partnership.meetings import selectors, workplace

        site.workplace.register(
            "meetings",
            workplace.meetings_invited,
            title=_("Meetings we are invited to"),
            empty_text=_("No coming meeting."),
            order=50,
            more_url=lambda: reverse("meetings:list"),
            more_label=_("All meetings"),
        )
        site.coordinator_overview.register(selectors.coordinator_overview)
