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
        from partnership.problems import public, selectors, workplace

        site.home_stats.register(public.home_stats)
        site.home_sections.register(public.home_section)
        site.account_data.register(selectors.account_data)
        # Mina sidor's "what needs me" (partnership/site.py lists every section).
        site.workplace.register(
            "responsibilities",
            workplace.responsibilities,
            title=_("What we committed to"),
            empty_text=_("Your organisations have no open commitments."),
            order=30,
        )
        site.workplace.register(
            "endorsed_changed",
            workplace.endorsed_changed,
            title=_("Problems we endorsed that changed in the last 30 days"),
            empty_text=_("None of the problems you endorsed changed in the last 30 days."),
            order=60,
        )
