"""Making a problem of observations ("make this a problem", ``problem_views``)."""

import pghistory
from django.db import transaction

from partnership.observations.models import Observation
from partnership.problems import services as problem_services
from partnership.problems.models import Problem


@transaction.atomic
def problem_record_from_observations(
    *, data: dict, organization, actor, observation_ids: list[int]
) -> tuple[Problem, int]:
    """Record a problem through the problems app's service (its checks, its history) and
    link the chosen observations to it (``Observation.problem``). An observation that
    meanwhile became part of another problem keeps that one. Returns the problem and how
    many observations were linked."""
    problem = problem_services.problem_record(data=data, organization=organization, actor=actor)
    with pghistory.context(user=actor.pk):
        linked = Observation.objects.filter(pk__in=observation_ids, problem__isnull=True).update(
            problem=problem
        )
    return problem, linked
