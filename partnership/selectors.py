"""Reads for the partnership as a whole."""

from django.db.models import Count, Q

from initiatives.models import Initiative
from partnership.models import Problem
from stakeholders.models import Organization


def portal_stats() -> dict:
    """The three numbers on the home page, in three queries whatever the data size."""
    initiatives = Initiative.objects.public().aggregate(
        total=Count("pk"),
        live=Count("pk", filter=Q(pk__in=Initiative.objects.public().live().values("pk"))),
    )
    return {
        "organizations": Organization.objects.approved().count(),
        "initiatives": initiatives["total"],
        "live_initiatives": initiatives["live"],
        "public_problems": Problem.objects.public().count(),
    }
