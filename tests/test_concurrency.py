"""Concurrent writes to one object: 32 requests at the same moment, each in its own thread with
its own database connection, against the real PostgreSQL (committed transactions, no test
rollback). Whatever the interleaving, the database ends with one row where the rules allow
one, and every request gets an answer in the portal's words: the first is saved (302), the
others are refused (400 with the reason, or 403 once the button is gone), never a 500.

The services serialise on the object's row (``select_for_update``) before they check and
insert; the unique constraints are the backstop.
"""

import threading

import pytest
from django.db import connections
from django.test import Client

from initiatives.models import JoinRequest
from partnership.problems.models import ProblemEndorsement
from stakeholders.models import Membership
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 32


def _post_all_at_once(users, url: str, data: dict) -> list[int]:
    """Each user posts ``data`` to ``url`` from their own thread, released together by a
    barrier once every thread is logged in; the statuses, in no particular order."""
    barrier = threading.Barrier(len(users))
    statuses: list[int] = []
    failures: list[BaseException] = []
    lock = threading.Lock()

    def post(user):
        try:
            client = Client(raise_request_exception=False)  # a 500 is a status, not a raise
            client.force_login(user)
            barrier.wait(timeout=60)
            status = client.post(url, data).status_code
            with lock:
                statuses.append(status)
        except BaseException as error:  # noqa: BLE001 - reported below
            with lock:
                failures.append(error)
        finally:
            connections.close_all()  # this thread's connection only

    threads = [threading.Thread(target=post, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures
    assert len(statuses) == len(users)
    return statuses


def _members(organization, count: int):
    users = factories.UserFactory.create_batch(count)
    for user in users:
        factories.MembershipFactory(
            user=user, organization=organization, role=Membership.Role.MEMBER
        )
    return users


def test_32_simultaneous_endorsements_of_one_problem_make_one(organization, other_organization):
    problem = factories.ProblemFactory(recorded_by_organization=organization)
    colleagues = _members(other_organization, THREADS)

    statuses = _post_all_at_once(
        colleagues,
        f"/en/problems/{problem.public_id}/endorse/",
        {"organization": other_organization.pk, "note": "Vi ser samma sak."},
    )

    assert 500 not in statuses
    assert statuses.count(302) == 1, statuses
    assert set(statuses) <= {302, 400, 403}, statuses
    endorsements = ProblemEndorsement.objects.filter(problem=problem)
    assert [e.organization_id for e in endorsements] == [other_organization.pk]


def test_32_simultaneous_join_requests_for_one_initiative_make_one(
    organization, other_organization
):
    initiative = factories.InitiativeFactory(
        title="Nattvandring vid torget", lead_organization=organization, status="active"
    )
    colleagues = _members(other_organization, THREADS)

    statuses = _post_all_at_once(
        colleagues,
        f"/en/initiatives/{initiative.slug}/join/",
        {"organization": other_organization.pk, "message": "Vi går redan där."},
    )

    assert 500 not in statuses
    assert statuses.count(302) == 1, statuses
    assert set(statuses) <= {302, 400, 403}, statuses
    requests = JoinRequest.objects.filter(initiative=initiative)
    assert [(r.organization_id, r.status) for r in requests] == [
        (other_organization.pk, JoinRequest.Status.PENDING)
    ]
