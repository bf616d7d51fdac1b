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
