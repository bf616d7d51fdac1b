"""Who may do what with meetings: every page and POST of ``meetings:`` × the cast. Partners
of an invited organisation read the meeting (agenda, minutes, PDF, calendar file); only a
coordinator with two-factor writes; others learn nothing (404), residents are sent to log
in, and a refused write changes nothing."""

import datetime as dt

import pytest
from django.urls import reverse

from partnership.meetings import permissions, services
from partnership.meetings.models import AgendaItem, Decision, Meeting
from tests import factories
from tests.helpers import login_as
from tests.meetings.conftest import TODAY

pytestmark = pytest.mark.django_db

ROLES = ["resident", "member", "org_admin", "outsider", "coordinator_client"]


@pytest.fixture
def meeting(organization, make_meeting):
    """A held meeting ``organization`` is invited to (``other_organization`` is not), with
    an item and an open task."""
    meeting = make_meeting([organization], day=TODAY - dt.timedelta(days=1))
    item = services.agenda_item_add(
        meeting=meeting, title="Belysningen", detail="", actor=meeting.created_by
    )
    services.decision_record(
        item=item,
        kind="task",
        data={
            "text": "Kontakta fastighetsägaren",
            "organization": organization,
            "due_on": TODAY + dt.timedelta(days=10),
        },
        actor=meeting.created_by,
    )
    return meeting


def _client(client, request, role):
    if role == "coordinator_client":
        return request.getfixturevalue("coordinator_client")
    if role == "password_only_coordinator":
        # The coordinator role, logged in without the second factor: no coordinator powers.
        client.force_login(factories.UserFactory(is_coordinator=True))
        return client
    return login_as(client, request, role)


def _reads(meeting):
    public_id = meeting.public_id
    return {
        "list": reverse("meetings:list"),
        "detail": reverse("meetings:detail", args=[public_id]),
        "pdf": reverse("meetings:pdf", args=[public_id]),
        "ics": reverse("meetings:ics", args=[public_id]),
    }


READ = {
    "resident": "login",
    "member": 200,
    "org_admin": 200,
    "outsider": 404,
    "coordinator_client": 200,
}


@pytest.mark.parametrize("role", ROLES)
def test_reading_a_meeting(client, request, meeting, role):
    client = _client(client, request, role)
    for name, url in _reads(meeting).items():
        response = client.get(url)
        expected = READ[role]
        if expected == "login":
            assert response.status_code == 302, name
            assert response.url.startswith(reverse("account_login"))
        else:
            assert response.status_code == expected, (name, role)
    if READ[role] == 200:
        assert "Belysningen" in client.get(_reads(meeting)["detail"]).text


def _writes(meeting, organization):
    public_id = meeting.public_id
    item = meeting.items.get(title="Belysningen")
    decision = Decision.objects.get()
    due = (TODAY + dt.timedelta(days=5)).isoformat()
    return {
        "create": (reverse("meetings:create"), {}),
        "edit": (reverse("meetings:edit", args=[public_id]), {"place": "Annan plats"}),
        "item add": (reverse("meetings:item_add", args=[public_id]), {"title": "Nytt"}),
        "agenda refresh": (reverse("meetings:agenda_refresh", args=[public_id]), {}),
        "item up": (reverse("meetings:item_change", args=[public_id, item.pk, "up"]), {}),
        "item remove": (
            reverse("meetings:item_change", args=[public_id, item.pk, "remove"]),
            {},
        ),
        "minutes": (reverse("meetings:minutes", args=[public_id]), {"attendance": "Alla"}),
        "decide": (
            reverse("meetings:decide", args=[public_id, item.pk, "task"]),
            {"text": "x", "organization": organization.pk, "due_on": due},
        ),
        "done": (reverse("meetings:decision_done", args=[decision.pk]), {}),
        "approve": (reverse("meetings:approve", args=[public_id]), {}),
    }


def _state():
    return (
        Meeting.objects.count(),
        list(Meeting.objects.values_list("place", "attendance", "approved_at")),
        list(AgendaItem.objects.values_list("title", "position")),
        list(Decision.objects.values_list("text", "done_at")),
    )


@pytest.mark.parametrize(
    "role", ["resident", "member", "org_admin", "outsider", "password_only_coordinator"]
)
def test_only_a_coordinator_with_two_factor_writes(client, request, meeting, organization, role):
    client = _client(client, request, role)
    before = _state()
    for name, (url, data) in _writes(meeting, organization).items():
        response = client.post(url, data)
        if role == "resident":
            assert response.status_code == 302 and "login" in response.url, name
        elif role == "password_only_coordinator":
            refused = response.status_code == 403 or "2fa" in response.get("Location", "")
            assert refused, (name, response.status_code)
        else:
            assert response.status_code == 403, (name, role)
        if name in ("create", "edit", "minutes", "decide"):
            assert client.get(url).status_code in (302, 403), (name, role)
            assert "Belysningen" not in client.get(url).text
    assert _state() == before


def test_the_coordinator_writes(coordinator_client, meeting, organization):
    for name, (url, data) in _writes(meeting, organization).items():
        if name == "create":
            continue
        response = coordinator_client.post(url, data)
        assert response.status_code in (200, 302, 400), name
    meeting.refresh_from_db()
    assert meeting.approved_at is not None
    assert meeting.attendance == "Alla"
    assert Decision.objects.filter(done_at__isnull=False).exists()


def test_permission_helpers(meeting, member, outsider, coordinator, organization):
    factories.MembershipFactory(user=outsider, organization=organization).delete()
    assert permissions.can_see_meeting(member, meeting)
    assert not permissions.can_see_meeting(outsider, meeting)
    assert permissions.can_see_meeting(coordinator, meeting)
    assert not permissions.can_edit_meeting(member, meeting)
    assert permissions.can_edit_meeting(coordinator, meeting)
    assert permissions.can_approve_minutes(coordinator, meeting)
    decision = Decision.objects.get()
    assert permissions.can_mark_decision_done(coordinator, decision)
    assert not permissions.can_mark_decision_done(member, decision)
    # A suspended organisation's members are no longer partners: the meeting is hidden.
    organization.status = "suspended"
    organization.save()
    member._partner_organization_ids = None
    assert not permissions.can_see_meeting(member, meeting)
    # Approved minutes are locked for coordinators too.
    meeting.approved_at = meeting.starts_at
    assert not permissions.can_edit_meeting(coordinator, meeting)
    assert not permissions.can_approve_minutes(coordinator, meeting)


def test_a_partner_never_invited_does_not_learn_meetings_exist(client, outsider, meeting):
    client.force_login(outsider)
    assert client.get(reverse("meetings:list")).status_code == 404
    assert client.get(reverse("meetings:detail", args=[meeting.public_id])).status_code == 404


def test_an_invited_partner_sees_no_editing(client, member, meeting):
    client.force_login(member)
    page = client.get(reverse("meetings:detail", args=[meeting.public_id])).text
    assert "Belysningen" in page and "Kontakta fastighetsägaren" in page
    assert reverse("meetings:minutes", args=[meeting.public_id]) not in page
    assert "Mark as done" not in page and "Markera som klart" not in page
