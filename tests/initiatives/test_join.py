"""Asking to join an initiative as a partner organisation: who may ask and who answers (a
role matrix), the emails both ways, what accepting changes (partner, version, history), and
bad or repeated input."""

import pytest
from django.contrib.auth.models import AnonymousUser

from initiatives import permissions, services
from initiatives.models import Initiative, JoinRequest
from stakeholders.models import Membership
from tests import factories
from tests.helpers import login_as, login_with_second_factor

pytestmark = pytest.mark.django_db

BASE = "/en/initiatives/"
ROLES = ["resident", "outsider", "member", "org_admin", "partner_member", "coordinator"]


@pytest.fixture
def initiative(organization, partner_organization, org_admin):
    initiative = factories.InitiativeFactory(
        title="Nattvandring i Vårby", lead_organization=organization, status="active"
    )
    initiative.partner_organizations.add(partner_organization)
    return initiative


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Emails leave when the transaction commits; run those callbacks."""
    return django_capture_on_commit_callbacks


def _ask(client, initiative, **data):
    return client.post(f"{BASE}{initiative.slug}/join/", {"message": "Vi går redan där.", **data})


def _decide(client, join_request, decision, answer=""):
    url = f"{BASE}{join_request.initiative.slug}/join-requests/{join_request.public_id}/"
    return client.post(url, {"decision": decision, "answer": answer})


def _request(initiative, user, organization):
    return services.join_request_create(
        initiative=initiative, organization=organization, requested_by=user, message="Hej!"
    )


# --- Who may ask, who answers --------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_permission_rules_as_a_matrix(request, initiative, role):
    user = AnonymousUser() if role == "resident" else request.getfixturevalue(role)
    # Only an organisation that is neither the lead nor a partner asks.
    assert permissions.can_request_to_join(user, initiative) is (role == "outsider")
    # The lead organisation's admins answer, and coordinators.
    assert permissions.can_decide_join_request(user, initiative) is (
        role in {"org_admin", "coordinator"}
    )


def test_nobody_asks_to_join_an_archived_or_finished_initiative(initiative, outsider):
    for status in ("completed", "cancelled"):
        initiative.status = status
        assert not permissions.can_request_to_join(outsider, initiative)
    initiative.status = "active"
    initiative.archived_at = initiative.updated_at
    assert not permissions.can_request_to_join(outsider, initiative)


@pytest.mark.parametrize(
    ("role", "expected"),
    [("resident", "login"), ("member", 403), ("partner_member", 403), ("outsider", "asked")],
)
def test_who_may_ask_through_the_page(client, request, initiative, role, expected):
    login_as(client, request, role)
    response = _ask(client, initiative)
    if expected == "asked":
        assert response.status_code == 302
        join_request = JoinRequest.objects.get()
        assert join_request.organization.name == "Föreningen Andra"
        assert join_request.status == "pending"
        page = client.get(response.url).text
        assert "Your request has been sent to the lead organisation." in page
        assert "Waiting for an answer" in page
        assert "Ask to join as a partner organisation" not in page  # no second request
    else:
        assert not JoinRequest.objects.exists()
        if expected == "login":
            assert response.status_code == 302 and "/login/" in response.url
        else:
            assert response.status_code == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    [("resident", "login"), ("outsider", 403), ("member", 403), ("partner_member", 403)]
    + [("org_admin", "accepted"), ("coordinator", "accepted")],
)
def test_who_may_answer(client, request, initiative, outsider, other_organization, role, expected):
    join_request = _request(initiative, outsider, other_organization)
    login_as(client, request, role)
    response = _decide(client, join_request, "accept")
    join_request.refresh_from_db()
    partners = set(initiative.partner_organizations.values_list("name", flat=True))
    if expected == "accepted":
        assert join_request.status == "accepted"
        assert "Föreningen Andra" in partners
        assert "Föreningen Andra is now a partner organisation." in client.get(response.url).text
    else:
        assert join_request.status == "pending"
        assert "Föreningen Andra" not in partners
        if expected == "login":
            assert response.status_code == 302 and "/login/" in response.url
        else:
            assert response.status_code == expected


def test_an_admin_of_a_suspended_lead_organisation_does_not_answer(
    initiative, org_admin, organization
):
    organization.status = "suspended"
    organization.save()
    assert not permissions.can_decide_join_request(org_admin, initiative)


# --- The journey -----------------------------------------------------------------------------


def test_a_request_reaches_the_lead_admins_who_accept_it(
    client, initiative, outsider, org_admin, member, other_organization, mailoutbox, on_commit
):
    for user in (org_admin, outsider):
        user.language = "en"
        user.save()
    client.force_login(outsider)
    detail = client.get(f"{BASE}{initiative.slug}/").text
    assert f'href="{BASE}{initiative.slug}/join/"' in detail
    assert "Föreningen Andra" in client.get(f"{BASE}{initiative.slug}/join/").text

    with on_commit(execute=True):
        _ask(client, initiative, message="Vi går redan fredagar.")

    # Only the lead organisation's admins are told (not its plain members), in their language.
    [mail] = mailoutbox
    assert mail.to == ["admin@example.org"]
    assert "Föreningen Andra asks to join" in mail.subject
    assert "Vi går redan fredagar." in mail.body
    assert f"/en/initiatives/{initiative.slug}/#join-requests" in mail.body

    # The admin sees the request on the initiative's page; a plain member does not.
    client.force_login(member)
    assert "Requests to join" not in client.get(f"{BASE}{initiative.slug}/").text
    client.force_login(org_admin)
    page = client.get(f"{BASE}{initiative.slug}/").text
    assert "Requests to join" in page and "Vi går redan fredagar." in page

    join_request = JoinRequest.objects.get()
    version = Initiative.objects.get(pk=initiative.pk).version
    with on_commit(execute=True):
        _decide(client, join_request, "accept", answer="Välkomna!")

    initiative.refresh_from_db()
    assert initiative.version == version + 1  # an open edit form no longer saves over it
    assert other_organization in initiative.partner_organizations.all()
    join_request.refresh_from_db()
    assert (join_request.status, join_request.decided_by, join_request.answer) == (
        "accepted",
        org_admin,
        "Välkomna!",
    )
    answer_mail = mailoutbox[-1]
    assert answer_mail.to == ["outsider@example.org"]
    assert "was accepted" in answer_mail.subject
    assert "Välkomna!" in answer_mail.body

    # The new partner can now post progress updates and sees its request answered.
    assert permissions.can_post_update(outsider, initiative)
    client.force_login(outsider)
    page = client.get(f"{BASE}{initiative.slug}/").text
    assert "Accepted" in page and "Post an update" in page


def test_a_declined_request_adds_nothing_and_says_why(
    client, initiative, outsider, org_admin, other_organization, mailoutbox, on_commit
):
    join_request = _request(initiative, outsider, other_organization)
    client.force_login(org_admin)

    with on_commit(execute=True):
        _decide(client, join_request, "decline", answer="Vi är redan många.")

    join_request.refresh_from_db()
    assert join_request.status == "declined" and join_request.decided_at is not None
    assert other_organization not in initiative.partner_organizations.all()
    assert mailoutbox[-1].to == ["outsider@example.org"]
    assert "Vi är redan många." in mailoutbox[-1].body
    # Declined, the organisation may ask again later.
    assert permissions.can_request_to_join(outsider, initiative)


def test_accepting_shows_in_the_history_and_stops_a_stale_edit(
    client, initiative, outsider, org_admin, member, other_organization
):
    edit_url = f"{BASE}{initiative.slug}/edit/"
    client.force_login(member)
    form = client.get(edit_url).context["form"]
    loaded_version = int(form["version"].value())

    join_request = _request(initiative, outsider, other_organization)
    services.join_request_decide(join_request=join_request, accept=True, actor=org_admin)

    assert Initiative.objects.get(pk=initiative.pk).version == loaded_version + 1
    history = client.get(f"{BASE}{initiative.slug}/history/").text
    assert "Föreningen Andra" in history


# --- Bad and repeated input ------------------------------------------------------------------


def test_a_second_waiting_request_is_refused_with_the_input_kept(
    client, initiative, outsider, other_organization
):
    client.force_login(outsider)
    _ask(client, initiative)

    response = client.post(f"{BASE}{initiative.slug}/join/", {"message": "Igen, snälla."})

    assert response.status_code == 400
    assert "Föreningen Andra has already asked to join" in response.text
    assert "Igen, snälla." in response.text
    assert JoinRequest.objects.count() == 1


def test_a_foreign_organisation_or_an_overlong_message_is_refused_next_to_the_field(
    client, initiative, outsider, organization
):
    client.force_login(outsider)

    foreign = _ask(client, initiative, organization=str(organization.pk))
    long = _ask(client, initiative, message="x" * 2001)

    assert foreign.status_code == 400
    assert "Choose one of your organisations that is not yet a partner." in foreign.text
    assert long.status_code == 400
    assert "at most 2000 characters" in long.text
    assert not JoinRequest.objects.exists()


def test_a_member_of_several_organisations_chooses_which_one_asks(
    client, initiative, outsider, other_organization
):
    third = factories.OrganizationFactory(name="Tredje föreningen", kind="association")
    factories.MembershipFactory(user=outsider, organization=third, role=Membership.Role.MEMBER)
    client.force_login(outsider)

    page = client.get(f"{BASE}{initiative.slug}/join/").text
    assert "Tredje föreningen" in page and "Föreningen Andra" in page

    _ask(client, initiative, organization=str(third.pk))
    assert JoinRequest.objects.get().organization == third


def test_an_answered_request_cannot_be_answered_again(
    client, initiative, outsider, org_admin, other_organization
):
    join_request = _request(initiative, outsider, other_organization)
    client.force_login(org_admin)
    _decide(client, join_request, "decline")

    response = _decide(client, join_request, "accept")

    assert "This request has already been answered." in client.get(response.url).text
    join_request.refresh_from_db()
    assert join_request.status == "declined"
    assert other_organization not in initiative.partner_organizations.all()


def test_a_decision_without_a_choice_or_with_a_bad_id_never_500s(
    client, initiative, outsider, org_admin, other_organization
):
    join_request = _request(initiative, outsider, other_organization)
    client.force_login(org_admin)

    missing = _decide(client, join_request, "maybe", answer="x" * 2001)
    unknown = client.post(
        f"{BASE}{initiative.slug}/join-requests/00000000-0000-0000-0000-000000000000/",
        {"decision": "accept"},
    )
    malformed = client.post(f"{BASE}{initiative.slug}/join-requests/not-a-uuid/")

    assert missing.status_code == 400
    assert "Select a valid choice" in missing.text
    assert "at most 2000 characters" in missing.text
    assert unknown.status_code == 404 and malformed.status_code == 404
    join_request.refresh_from_db()
    assert join_request.status == "pending"


def test_a_request_to_another_initiative_is_not_answered_here(
    client, initiative, outsider, org_admin, other_organization
):
    elsewhere = factories.InitiativeFactory(title="Läxhjälp", status="active")
    join_request = _request(elsewhere, outsider, other_organization)
    client.force_login(org_admin)

    url = f"{BASE}{initiative.slug}/join-requests/{join_request.public_id}/"
    response = client.post(url, {"decision": "accept"})

    assert response.status_code == 404
    join_request.refresh_from_db()
    assert join_request.status == "pending"


def test_join_requests_are_post_only_to_answer(client, initiative, outsider, org_admin):
    client.force_login(org_admin)
    url = f"{BASE}{initiative.slug}/join-requests/00000000-0000-0000-0000-000000000000/"
    assert client.get(url).status_code == 405


def test_my_pages_lists_the_requests_waiting_for_the_admins_answer(
    client, initiative, outsider, org_admin, member, other_organization
):
    _request(initiative, outsider, other_organization)
    answered = factories.InitiativeFactory(
        title="Läxhjälp", lead_organization=initiative.lead_organization
    )
    services.join_request_decide(
        join_request=_request(answered, outsider, other_organization),
        accept=False,
        actor=org_admin,
    )

    client.force_login(org_admin)
    page = client.get("/en/my-pages/").text
    assert "Requests to join our initiatives" in page  # a section of "what needs you"
    assert "Föreningen Andra asks to join" in page
    assert f"/en/initiatives/{initiative.slug}/#join-requests" in page
    assert f"/en/initiatives/{answered.slug}/#join-requests" not in page  # answered
    client.force_login(member)  # not an admin: nothing to answer
    assert "Requests to join our initiatives" not in client.get("/en/my-pages/").text


def test_a_suspended_partner_organisation_is_named_to_coordinators_only(
    client, initiative, partner_organization, coordinator, member
):
    partner_organization.status = "suspended"
    partner_organization.save()
    url = f"{BASE}{initiative.slug}/"
    assert "Partnerföreningen" not in client.get(url).text  # resident
    client.force_login(member)
    assert "Partnerföreningen" not in client.get(url).text
    login_with_second_factor(client, coordinator)
    assert "Partnerföreningen" in client.get(url).text


def test_a_request_from_an_organisation_suspended_since_cannot_be_accepted(
    client, initiative, outsider, org_admin, other_organization
):
    join_request = _request(initiative, outsider, other_organization)
    other_organization.status = "suspended"
    other_organization.save()
    client.force_login(org_admin)

    response = _decide(client, join_request, "accept")

    page = client.get(response.url).text
    assert "Föreningen Andra is not an approved partner organisation at the moment." in page
    assert other_organization not in initiative.partner_organizations.all()
    join_request.refresh_from_db()
    assert join_request.status == "pending"  # it may still be declined


def test_the_asking_organisation_withdraws_its_waiting_request_and_may_ask_again(
    client, initiative, outsider, org_admin, other_organization
):
    join_request = _request(initiative, outsider, other_organization)
    url = f"{BASE}{initiative.slug}/join-requests/{join_request.public_id}/withdraw/"
    client.force_login(outsider)
    assert "Withdraw the request" in client.get(f"{BASE}{initiative.slug}/").text

    response = client.post(url)

    assert "Your request to join has been withdrawn." in client.get(response.url).text
    join_request.refresh_from_db()
    assert (join_request.status, join_request.decided_by) == ("withdrawn", outsider)
    assert permissions.can_request_to_join(outsider, initiative)
    client.force_login(org_admin)  # nothing left to answer
    assert "Requests to join" not in client.get(f"{BASE}{initiative.slug}/").text
    # The lead's admins answer requests; they do not withdraw another organisation's.
    assert client.post(url).status_code == 403


@pytest.mark.parametrize(("role", "expected"), [("resident", "login"), ("member", 403)])
def test_only_the_asking_organisation_withdraws(
    client, request, initiative, outsider, other_organization, role, expected
):
    join_request = _request(initiative, outsider, other_organization)
    login_as(client, request, role)
    url = f"{BASE}{initiative.slug}/join-requests/{join_request.public_id}/withdraw/"

    response = client.post(url)

    join_request.refresh_from_db()
    assert join_request.status == "pending"
    if expected == "login":
        assert response.status_code == 302 and "/login/" in response.url
    else:
        assert response.status_code == expected
    assert client.get(url).status_code in (302, 405)  # POST only


def test_an_answered_request_cannot_be_withdrawn(
    client, initiative, outsider, org_admin, other_organization
):
    join_request = _request(initiative, outsider, other_organization)
    services.join_request_decide(join_request=join_request, accept=False, actor=org_admin)
    client.force_login(outsider)

    response = client.post(
        f"{BASE}{initiative.slug}/join-requests/{join_request.public_id}/withdraw/"
    )

    assert "This request has already been answered." in client.get(response.url).text
    join_request.refresh_from_db()
    assert join_request.status == "declined"
