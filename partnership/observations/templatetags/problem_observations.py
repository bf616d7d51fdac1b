"""The observations a problem was made from, on the problem's page (partners only): the
problems app's template includes ``observations/make_problem_linked.html`` through this tag,
since the problems app, below this one, cannot read observations itself."""

from django import template
from django.db.models import Count, Window

from partnership.observations.models import Observation
from partnership.observations.permissions import can_read_observations

register = template.Library()

# The problem's page lists this many (the newest), and says how many there are in all.
SHOWN = 10


@register.inclusion_tag("observations/make_problem_linked.html", takes_context=True)
def problem_observations(context, problem):
    """The newest observations linked to ``problem`` and their number, in one query; nothing
    for a reader who may not read observations."""
    request = context.get("request")
    if request is None or not can_read_observations(request.user):
        return {"shown": False}
    rows = list(
        Observation.objects.filter(problem=problem)
        .select_related("area", "category")
        .annotate(total=Window(Count("pk")))
        .order_by("-observed_on", "-time_from", "-pk")[:SHOWN]
    )
    return {"shown": True, "observations": rows, "total": rows[0].total if rows else 0}
