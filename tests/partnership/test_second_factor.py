"""Coordinator powers need the second factor everywhere (partnership/permissions.py): through
the real login forms (allauth's password form, then a code from the authenticator app computed
with pyotp), a coordinator gets their powers only when this login used the app; with the
password alone they have their membership rights only, and every page says how to get the
rest. Granting the role emails the user; it takes effect once they log in with an app."""

import pyotp
import pytest
from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from django.urls import reverse
from django.utils import translation

from initiatives.models import Initiative
from partnership import permissions
from partnership.problems.models import Problem
from stakeholders.models import Invitation, Membership, User
from tests import factories
from tests.helpers import log_in_through_the_forms, login_with_second_factor, totp_code

pytestmark = pytest.mark.django_db

SET_UP_NOTICE = "Your coordinator powers need two-factor authentication"
CODE_NOTICE = "Your coordinator powers need a code from your authenticator app"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def others(organization, org_admin, member):
    """Another organisation's work and people, none of them the coordinator's."""
    initiative = factories.InitiativeFactory(title="Nattvandring", lead_organization=organization)
    problem = factories.ProblemFactory(title="Mörk gångväg", recorded_by_organization=organization)
    return {
        "organization": organization,
        "membership": member.memberships.get(),
        "initiative": initiative,
        "problem": problem,
    }


def _attempt_everything(client, others) -> list[int]:
    """Every coordinator power over another organisation, tried; the statuses answered."""
    organization = others["organization"]
    slug = organization.slug
    membership = others["membership"]
    initiative, problem = others["initiative"], others["problem"]
    problem_url = f"/en/problems/{problem.public_id}/"
    return [
        client.get(reverse("stakeholders:members", args=[slug])).status_code,
        client.post(
            reverse("stakeholders:invite", args=[slug]),
            {"email": "ny.admin@example.org", "role": "admin"},
        ).status_code,
        client.post(
            reverse("stakeholders:member_role", args=[slug]),
            {"membership": membership.pk, "role": "admin"},
        ).status_code,
        client.post(
            reverse("stakeholders:member_remove", args=[slug]),
            {"membership": membership.pk, "confirm": "1"},
        ).status_code,
        client.get(reverse("initiatives:edit", args=[initiative.slug])).status_code,
        client.post(reverse("initiatives:archive", args=[initiative.slug])).status_code,
        client.get(f"{problem_url}edit/").status_code,
        client.post(f"{problem_url}archive/").status_code,
        client.get(reverse("coordinator:organizations")).status_code,
    ]


def _nothing_changed(others):
    membership = Membership.objects.get(pk=others["membership"].pk)
    assert membership.role == "member"
    assert not Invitation.objects.exists()
    assert Initiative.objects.get(pk=others["initiative"].pk).archived_at is None
    assert Problem.objects.get(pk=others["problem"].pk).archived_at is None


def test_a_coordinator_who_logged_in_with_the_password_alone_has_membership_rights_only(
    client, coordinator_without_mfa, others
):
    response = log_in_through_the_forms(client, coordinator_without_mfa)
    assert response.status_code == 302  # logged in: no authenticator app to ask for

    statuses = _attempt_everything(client, others)

    assert set(statuses[:-1]) <= {403, 404}, statuses
    assert statuses[-1] == 302  # the coordinator pages send them to set the app up
    _nothing_changed(others)
    home = client.get("/en/")
    assert SET_UP_NOTICE in home.text
    assert f'href="{reverse("mfa_activate_totp")}?next=%2Fen%2F"' in home.text
    assert 'href="/en/coordinator/"' not in home.text, "no coordinator menu without the app"


def test_a_coordinator_logged_in_with_the_app_has_their_powers(
    client, coordinator_with_mfa, others
):
    response = log_in_through_the_forms(client, coordinator_with_mfa)
    assert response.status_code == 302
    records = client.session[AUTHENTICATION_METHODS_SESSION_KEY]
    assert [r["method"] for r in records] == ["password", "mfa"]

    statuses = _attempt_everything(client, others)

    assert statuses[0] == 200  # the members page
    assert statuses[1] == 302 and Invitation.objects.get().role == "admin"
    assert statuses[2] == 302 and statuses[3] == 302  # made admin, then removed
    assert not Membership.objects.filter(pk=others["membership"].pk).exists()
    assert statuses[4] == 200 and statuses[6] == 200  # both edit forms
    assert Initiative.objects.get(pk=others["initiative"].pk).archived_at is not None
    assert Problem.objects.get(pk=others["problem"].pk).archived_at is not None
    assert statuses[-1] == 200
    home = client.get("/en/")
    assert SET_UP_NOTICE not in home.text and CODE_NOTICE not in home.text
    assert 'href="/en/coordinator/"' in home.text


def test_an_old_password_only_session_asks_for_a_code_and_then_has_the_powers(
    client, coordinator_with_mfa, others
):
    """A session without the second factor for a coordinator who has an app (one from before
    this rule, say): membership rights, and a pointer to allauth's code confirmation."""
    client.force_login(coordinator_with_mfa)

    edit = reverse("initiatives:edit", args=[others["initiative"].slug])
    assert client.get(edit).status_code in (403, 404)
    page = client.get("/en/who-does-what/")
    assert CODE_NOTICE in page.text
    response = client.get(reverse("coordinator:organizations"))
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))

    confirmed = client.post(
        reverse("mfa_reauthenticate") + "?next=" + reverse("coordinator:organizations"),
        {"code": totp_code(coordinator_with_mfa)},
    )

    assert confirmed["Location"] == reverse("coordinator:organizations")
    assert client.get(reverse("coordinator:organizations")).status_code == 200


def test_setting_up_the_app_in_this_login_gives_the_powers(client, coordinator_without_mfa):
    log_in_through_the_forms(client, coordinator_without_mfa)
    page = client.get(reverse("mfa_activate_totp"))
    secret = page.context["form"].secret

    client.post(reverse("mfa_activate_totp"), {"code": pyotp.TOTP(secret).now()})

    assert client.get(reverse("coordinator:organizations")).status_code == 200


def test_a_superuser_without_the_second_factor_is_no_coordinator(client, others):
    superuser = factories.UserFactory(is_superuser=True, is_staff=True)
    log_in_through_the_forms(client, superuser)
    statuses = _attempt_everything(client, others)
    assert set(statuses[:-1]) <= {403, 404}, statuses
    _nothing_changed(others)


def test_a_user_object_not_from_a_request_has_no_coordinator_powers(coordinator):
    """Tasks and emails judge a user read from the database on their memberships; the
    role flag still says who the coordinators are (to notify them)."""
    fresh = User.objects.get(pk=coordinator.pk)
    assert permissions.has_coordinator_role(fresh)
    assert not permissions.is_coordinator(fresh)
    assert permissions.is_coordinator(coordinator), "the cast's object is marked"


def test_the_mark_follows_the_user_of_the_session(client, coordinator_with_mfa, member):
    """allauth's records belong to the user they were made for: logging in as someone else
    in the same browser does not carry the second factor over."""
    login_with_second_factor(client, coordinator_with_mfa)
    session = client.session
    records = session[AUTHENTICATION_METHODS_SESSION_KEY]
    client.force_login(member)
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session.save()
    member.is_coordinator = True
    member.save()
    assert client.get(reverse("coordinator:organizations")).status_code == 302


def test_granting_the_role_emails_the_user_and_it_takes_effect_after_the_app(
    client, coordinator_client, organization, mailoutbox, django_capture_on_commit_callbacks
):
    someone = factories.UserFactory(email="ny.samordnare@example.org", language="en")
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(
            reverse("coordinator:role", args=["grant"]), {"user": someone.pk}
        )
    assert response.status_code == 302

    [email] = mailoutbox
    assert email.to == ["ny.samordnare@example.org"]
    assert email.subject == "You are now a coordinator in Partnerskap mot brott – Vårby gård"
    assert "Until you have set up an authenticator app" in email.body
    assert "/accounts/2fa/totp/activate/?next=/en/coordinator/" in email.body

    coordinator_client.logout()
    log_in_through_the_forms(client, someone)
    assert client.get(reverse("coordinator:organizations"))["Location"].startswith(
        reverse("mfa_activate_totp")
    )
    assert SET_UP_NOTICE in client.get("/en/").text


def test_granting_in_swedish_emails_in_the_users_language(
    coordinator_client, mailoutbox, django_capture_on_commit_callbacks
):
    someone = factories.UserFactory(email="ny@example.org", language="sv")
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(reverse("coordinator:role", args=["grant"]), {"user": someone.pk})
    [email] = mailoutbox
    assert email.subject.startswith("Du är nu samordnare")
    assert "/konton/" not in email.body and "/accounts/2fa/totp/activate/" in email.body
