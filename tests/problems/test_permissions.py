"""Who may do what with problems: the rules of ``partnership.permissions`` as a matrix of
the cast (plus a member of a suspended organisation) × actions."""

import pytest
from django.contrib.auth.models import AnonymousUser

from partnership.problems import permissions, services
from partnership.problems.models import Problem
from stakeholders.models import Organization
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def suspended_member(db):
    organization = factories.OrganizationFactory(status=Organization.Status.SUSPENDED)
    user = factories.UserFactory()
    factories.MembershipFactory(user=user, organization=organization)
    return user


@pytest.fixture
def problem(organization, member):
    area = factories.AreaFactory()
    return services.problem_record(
        data={
            "title": "Trasigt lås",
            "description": "Porten",
            "area": area,
            "source": "safety_walk",
        },
        organization=organization,
        actor=member,
    )


@pytest.fixture
def initiative(other_organization):
    return factories.InitiativeFactory(lead_organization=other_organization)


def _prefetched(problem):
    return Problem.objects.prefetch_related("endorsements", "responsibilities").get(pk=problem.pk)


ACTIONS = {
    "record": lambda u, p, i: permissions.can_record_problem(u),
    "know": lambda u, p, i: permissions.can_know_problem(u, p),
    "details": lambda u, p, i: permissions.can_see_problem_details(u),
    "endorse": lambda u, p, i: permissions.can_endorse(u, p),
    "take_responsibility": lambda u, p, i: permissions.can_take_responsibility(u, p),
    "change_status": lambda u, p, i: permissions.can_change_problem_status(u, p),
    "link_initiative": lambda u, p, i: permissions.can_link_initiative_to_problem(u, p, i),
    "import_walk": lambda u, p, i: permissions.can_import_walk(u),
    "digest": lambda u, p, i: permissions.can_subscribe_problem_digest(u),
}

# The problem is partners-only, recorded by ``organization`` (member, org_admin); the
# initiative is led by ``other_organization`` (outsider).
MATRIX = {
    #                   record know  details endorse resp  status link  import digest
    "resident": [False, False, False, False, False, False, False, False, False],
    "member": [True, True, True, False, True, True, False, True, True],
    "org_admin": [True, True, True, False, True, True, False, True, True],
    "outsider": [True, True, True, True, True, False, True, True, True],
    "coordinator": [True, True, True, False, True, True, True, True, False],
    "suspended_member": [False, False, False, False, False, False, False, False, False],
}


@pytest.mark.parametrize("role", list(MATRIX))
def test_problem_permission_matrix(request, role, problem, initiative):
    user = AnonymousUser() if role == "resident" else request.getfixturevalue(role)
    problem = _prefetched(problem)
    got = [bool(rule(user, problem, initiative)) for rule in ACTIONS.values()]
    assert dict(zip(ACTIONS, got, strict=True)) == dict(zip(ACTIONS, MATRIX[role], strict=True))


def test_closed_problems_take_no_endorsements_or_commitments(problem, member, outsider):
    services.problem_change_status(
        problem=problem, actor=member, status="resolved", outcome="Lagat."
    )
    problem = _prefetched(problem)
    assert not permissions.can_endorse(outsider, problem)
    assert not permissions.can_take_responsibility(outsider, problem)
    assert permissions.can_change_problem_status(member, problem)  # reopening


def test_responsible_members_change_status_and_link(
    problem, outsider, other_organization, coordinator
):
    services.problem_take_responsibility(
        problem=problem,
        organization=other_organization,
        actor=coordinator,
        role="supporting",
        commitment="Stöttar.",
    )
    problem = _prefetched(problem)
    initiative = factories.InitiativeFactory()
    assert permissions.can_change_problem_status(outsider, problem)
    assert permissions.can_link_initiative_to_problem(outsider, problem, initiative)
