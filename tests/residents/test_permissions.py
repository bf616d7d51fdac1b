"""Who may do what with residents' reports: a role × action matrix over every helper of
``partnership/residents/permissions.py`` (and the fetch helpers' 404/403)."""

import inspect

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory
from django.utils import timezone

from partnership.permissions import mark_second_factor
from partnership.residents import permissions
from partnership.residents.models import ResidentReport
from tests import factories

pytestmark = pytest.mark.django_db

ROLES = ["resident", "member", "org_admin", "outsider", "coordinator_without_mfa", "coordinator"]

# action: (rule, the roles it allows)
ACTIONS = {
    "read reports": (
        permissions.can_read_reports,
        {"member", "org_admin", "outsider", "coordinator"},
    ),
    "moderate reports": (permissions.can_moderate_reports, {"coordinator"}),
    "issue Open311 keys": (permissions.can_issue_open311_keys, {"coordinator"}),
}


def user_for(request, client, role):
    if role == "resident":
        return AnonymousUser()
    if role == "coordinator":
        return mark_second_factor(request.getfixturevalue("coordinator_with_mfa"), True)
    return request.getfixturevalue(role)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_permission_matrix(request, client, role, action):
    rule, allowed = ACTIONS[action]
    assert rule(user_for(request, client, role)) == (role in allowed)


@pytest.mark.parametrize("role", ROLES)
def test_fetch_helpers_answer_404_or_403(request, client, role):
    user = user_for(request, client, role)
    report = ResidentReport.objects.create(
        kind="unsafe",
        area=factories.AreaFactory(),
        reasons=["other"],
        created_on=timezone.localdate(),
    )
    web = RequestFactory().get("/")
    web.user = user
    if role in ACTIONS["read reports"][1]:
        assert permissions.report_for_user(web, report.public_id, "view") == report
    else:
        with pytest.raises(Http404):
            permissions.report_for_user(web, report.public_id, "view")
    if role == "coordinator":
        assert permissions.report_for_user(web, report.public_id, "moderate") == report
        with pytest.raises(Http404):
            permissions.open311_key_for_user(web, report.public_id)  # not a key
    else:
        with pytest.raises((Http404, PermissionDenied)):
            permissions.report_for_user(web, report.public_id, "moderate")
        with pytest.raises(PermissionDenied):
            permissions.open311_key_for_user(web, report.public_id)


def test_every_public_permission_helper_is_in_a_matrix():
    public = {
        name
        for name, function in inspect.getmembers(permissions, inspect.isfunction)
        if function.__module__ == permissions.__name__ and not name.startswith("_")
    }
    rules = {function.__name__ for function, _ in ACTIONS.values()}
    assert public == rules | {"report_for_user", "open311_key_for_user"}
