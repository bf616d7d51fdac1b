"""My account: my details, my data, deleting my account."""

import json

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from initiatives.models import Initiative, InitiativeUpdate
from partnership.problems.models import Problem, ProblemEndorsement, ProblemResponsibility
from stakeholders import services
from stakeholders.models import Invitation, Membership, User
from tests import factories
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

MY_PAGES = "/en/my-pages/"
# The profile form moved from Mina sidor to "Profile and settings" (issue 13).
PROFILE = "/en/my-pages/profile/"


def _profile(**overrides):
    return {
        "first_name": "Maja",
        "last_name": "Lind",
        "title": "Fritidsledare",
        "phone": "070-111 22 33",
        "language": "en",
        "share_contact_details": "on",
        **overrides,
    }


# --- My details ---------------------------------------------------------------------------


def test_contact_sharing_is_off_by_default(member):
    assert member.share_contact_details is False


def test_my_pages_link_to_profile_and_settings_which_show_my_details(client, member):
    client.force_login(member)
    assert 'href="/en/my-pages/profile/"' in client.get(MY_PAGES).text
    response = client.get(PROFILE)
    assert "My details" in response.text
    assert 'name="share_contact_details"' in response.text
    assert response.context["form"].initial["first_name"] == "Maja"
    assert 'href="/en/my-pages/my-data/"' in response.text
    assert 'href="/en/my-pages/delete-account/"' in response.text


def test_a_user_updates_their_details(client, member):
    client.force_login(member)
    response = client.post(PROFILE, _profile())
    assert response.status_code == 302
    assert response["Location"] == PROFILE
    member.refresh_from_db()
    assert (member.first_name, member.last_name, member.title) == ("Maja", "Lind", "Fritidsledare")
    assert member.phone == "070-111 22 33"
    assert member.language == "en"
    assert member.share_contact_details is True
    assert "Your details are saved." in client.get(PROFILE).text


def test_unticking_stops_sharing(client, member):
    member.share_contact_details = True
    member.save()
    client.force_login(member)
    client.post(PROFILE, _profile(share_contact_details=""))
    member.refresh_from_db()
    assert member.share_contact_details is False


def test_bad_profile_input_shows_an_error_and_keeps_the_rest(client, member):
    client.force_login(member)
    response = client.post(PROFILE, _profile(language="xx", title="Samordnare"))
    assert response.status_code == 400
    assert "language" in response.context["form"].errors
    assert 'value="Samordnare"' in response.text
    member.refresh_from_db()
    assert member.title == "" and member.language == "sv"


# --- Download my data ---------------------------------------------------------------------


def test_my_data_requires_login(resident):
    response = resident.get(reverse("my_data"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_my_data_contains_memberships_and_what_i_created_never_secrets(
    client, org_admin, organization
):
    initiative = factories.InitiativeFactory(
        lead_organization=organization, title="Min nattvandring", created_by=org_admin
    )
    factories.InitiativeFactory(lead_organization=organization, title="Någon annans")
    factories.InitiativeUpdateFactory(initiative=initiative, author=org_admin, text="Vi gick.")
    problem = factories.ProblemFactory(
        title="Mörk gångtunnel", recorded_by=org_admin, recorded_by_organization=organization
    )
    ProblemEndorsement.objects.create(
        problem=problem, organization=organization, endorsed_by=org_admin, note="Vi ser det."
    )
    ProblemResponsibility.objects.create(
        problem=problem, organization=organization, committed_by=org_admin, commitment="Lampor."
    )
    from initiatives.services import join_request_create

    elsewhere = factories.InitiativeFactory(title="Läxhjälp", status="active")
    join_request_create(
        initiative=elsewhere, organization=organization, requested_by=org_admin, message="Vi vill!"
    )
    services.invitation_create(
        organization=organization,
        email="ny@example.org",
        role="member",
        invited_by=org_admin,
        language="sv",
    )
    client.force_login(org_admin)
    response = client.get(reverse("my_data"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="my-data.json"'
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["user"]["email"] == "admin@example.org"
    assert data["email_addresses"] == [
        {"email": "admin@example.org", "verified": True, "primary": True}
    ]
    assert data["memberships"][0]["organization_name"] == organization.name
    assert data["memberships"][0]["role"] == "admin"
    assert [i["title"] for i in data["initiatives_created"]] == ["Min nattvandring"]
    assert data["initiative_updates_written"][0]["text"] == "Vi gick."
    assert data["problems_recorded"][0]["title"] == "Mörk gångtunnel"
    assert data["problem_endorsements"][0]["note"] == "Vi ser det."
    assert data["problem_responsibilities"][0]["commitment"] == "Lampor."
    assert data["initiatives_created"][0]["lead_organization_name"] == organization.name
    assert data["invitations_sent"][0]["email"] == "ny@example.org"
    [request] = data["requests_to_join_sent"]
    assert (request["initiative_title"], request["message"]) == ("Läxhjälp", "Vi vill!")
    assert data["two_factor_authentication"] == {"enabled": False, "methods": []}
    body = response.content.decode()
    assert "password" not in body and "pbkdf2" not in body and "token" not in body


def test_my_data_lists_invitations_to_me_and_mfa_methods(client, member, organization):
    from allauth.mfa.models import Authenticator

    Authenticator.objects.create(user=member, type="totp", data={"secret": "TOPSECRET"})
    other = factories.OrganizationFactory(name="Bjuder in")
    services.invitation_create(
        organization=other,
        email="MEMBER@example.org",
        role="admin",
        invited_by=factories.UserFactory(),
        language="sv",
    )
    client.force_login(member)
    data = json.loads(client.get(reverse("my_data")).content)
    assert data["two_factor_authentication"] == {"enabled": True, "methods": ["totp"]}
    assert "TOPSECRET" not in json.dumps(data)
    assert [(i["organization_name"], i["role"]) for i in data["invitations_received"]] == [
        ("Bjuder in", "admin")
    ]


# --- Delete my account --------------------------------------------------------------------


def test_delete_page_asks_for_the_password(client, member):
    client.force_login(member)
    response = client.get("/en/my-pages/delete-account/")
    assert 'type="password"' in response.text
    assert "Delete my account" in response.text


def test_a_wrong_password_does_not_delete(client, member):
    client.force_login(member)
    response = client.post("/en/my-pages/delete-account/", {"password": "fel"})
    assert response.status_code == 400
    assert "That is not your password." in response.text
    assert User.objects.filter(pk=member.pk).exists()


def test_deleting_my_account_keeps_my_work_under_my_organisation(client, member, organization):
    initiative = factories.InitiativeFactory(lead_organization=organization, created_by=member)
    update = factories.InitiativeUpdateFactory(initiative=initiative, author=member)
    problem = factories.ProblemFactory(recorded_by=member, recorded_by_organization=organization)
    endorsement = ProblemEndorsement.objects.create(
        problem=problem, organization=organization, endorsed_by=member
    )
    responsibility = ProblemResponsibility.objects.create(
        problem=problem, organization=organization, committed_by=member, commitment="Vi städar."
    )
    invitation = services.invitation_create(
        organization=organization,
        email="kollega@example.org",
        role="member",
        invited_by=member,
        language="sv",
    )
    client.force_login(member)

    response = client.post("/en/my-pages/delete-account/", {"password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/en/"
    assert not User.objects.filter(email="member@example.org").exists()
    assert not Membership.objects.filter(organization=organization).exists()
    assert not EmailAddress.objects.filter(email="member@example.org").exists()
    initiative = Initiative.objects.get(pk=initiative.pk)
    assert initiative.lead_organization == organization and initiative.created_by is None
    assert InitiativeUpdate.objects.get(pk=update.pk).author is None
    problem = Problem.objects.get(pk=problem.pk)
    assert problem.recorded_by is None and problem.recorded_by_organization == organization
    assert ProblemEndorsement.objects.get(pk=endorsement.pk).endorsed_by is None
    responsibility = ProblemResponsibility.objects.get(pk=responsibility.pk)
    assert responsibility.committed_by is None and responsibility.commitment == "Vi städar."
    invitation = Invitation.objects.get(pk=invitation.pk)
    assert invitation.invited_by is None and invitation.organization == organization
    assert "_auth_user_id" not in client.session
    assert "Your account is deleted." in client.get("/en/").text
    # ... and the account can no longer log in.
    client.post("/accounts/login/", {"login": "member@example.org", "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_deleting_an_account_keeps_the_membership_in_history(member, organization):
    from stakeholders.models import MembershipEvent

    services.account_delete(user=member)
    assert MembershipEvent.objects.filter(
        organization_id=organization.pk, pgh_label="delete"
    ).exists()


def test_the_last_admin_cannot_delete_their_account(client, org_admin, organization):
    client.force_login(org_admin)
    response = client.get("/en/my-pages/delete-account/")
    assert "You are the last administrator of:" in response.text
    assert organization.name in response.text
    assert 'type="password"' not in response.text

    response = client.post("/en/my-pages/delete-account/", {"password": PASSWORD})
    assert response.status_code == 400
    assert "last administrator" in response.text
    assert User.objects.filter(pk=org_admin.pk).exists()
    assert Membership.objects.filter(user=org_admin, role="admin").exists()


def test_the_service_refuses_the_last_admin(org_admin):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.account_delete(user=org_admin)
    assert User.objects.filter(pk=org_admin.pk).exists()


def test_an_admin_with_another_admin_may_delete(client, org_admin, organization):
    factories.MembershipFactory(organization=organization, role="admin")
    client.force_login(org_admin)
    client.post("/en/my-pages/delete-account/", {"password": PASSWORD})
    assert not User.objects.filter(pk=org_admin.pk).exists()


def test_delete_account_requires_login(resident):
    response = resident.post("/en/my-pages/delete-account/", {"password": PASSWORD})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
