from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObservationsConfig(AppConfig):
    """Observations (händelser): what trusted reporters of the partner organisations saw,
    where and when — littering, vandalism, groups, a broken lamp — logged every week or
    imported, and the patterns drawn from them (heatmap, trend). Partners only: residents
    meet them only through problems and the aggregates a report publishes.

    Above the problems app: an observation may be linked to the problem made from it
    (``Observation.problem``). Below coordination, whose time gaps and weekly lägesbild
    read observations."""

    name = "partnership.observations"
    label = "observations"
    verbose_name = _("Observations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from partnership import site  # app modules load once the registry is ready
        from partnership.observations import workplace

        # Mina sidor (partnership/site.py lists every section): reporters log from here.
        # Organisation admins choose reporters from "My organisations" (my_pages.html).
        site.workplace.register(
            "observations",
            workplace.observations,
            title=_("Log an observation"),
            empty_text=_(
                "Only reporters log observations. Ask your organisation's administrator to make "
                "you one."
            ),
            order=15,
            more_url=workplace.list_url,
            more_label=_("All observations"),
        )
