from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InitiativesConfig(AppConfig):
    name = "initiatives"
    verbose_name = _("Initiatives")

    def ready(self):
        from initiatives import selectors, workplace  # app modules load once the registry is ready
        from partnership import site

        site.home_stats.register(selectors.home_stats)
        from initiatives import week  # the home page's "this week"

        site.home_sections.register(week.home_section)
        site.account_data.register(selectors.account_data)
        # Mina sidor's "what needs me" (partnership/site.py lists every section).
        site.workplace.register(
            "join_requests",
            workplace.join_requests,
            title=_("Requests to join our initiatives"),
            empty_text=_("No organisation is waiting for your answer."),
            order=20,
        )
        site.workplace.register(
            "stale_initiatives",
            workplace.silent_initiatives,
            title=_("Our initiatives with no update for 90 days"),
            empty_text=_("Every initiative of yours has news from the last 90 days."),
            order=40,
        )
        # The delivery log: this week's sessions to confirm (initiatives/delivery.py).
        from initiatives import delivery

        site.workplace.register(
            "sessions_to_confirm",
            delivery.workplace_sessions,
            title=_("Sessions to confirm"),
            empty_text=_("Every session of the last week is marked."),
            order=10,
        )
