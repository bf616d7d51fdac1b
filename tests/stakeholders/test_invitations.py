"""Invitations: single-use, expiring links bound to one email address; accepting them."""

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from stakeholders import services
from stakeholders.models import Invitation, Membership, User
from tests import factories
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "lugn-kvall-i-parken-42"


def url(name: str, language: str = "en", **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


def accept_url(token: str) -> str:
    return url("stakeholders:invitation_accept", token=token)


def invite(organization, by, email="ny@example.org", role="member", language="en"):
    return services.invitation_create(
        organization=organization, email=email, role=role, invited_by=by, language=language
    )


def link_in(message) -> str:
    return re.search(r"https?://\S+/(?:invitations|inbjudningar)/\S+/", message.body).group(0)


# --- Sending -----------------------------------------------------------------------------------


def test_the_email_holds_a_link_whose_token_is_stored_only_as_a_hash(
    client, organization, org_admin, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(org_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url("stakeholders:invite", slug=organization.slug),
            {"email": "ny@example.org", "role": "admin"},
        )
    (message,) = mailoutbox
    assert message.to == ["ny@example.org"]
    assert organization.name in message.subject
    link = link_in(message)
    assert link.startswith(settings.SITE_URL + "/en/")
    token = link.rstrip("/").rsplit("/", 1)[1]
    invitation = Invitation.objects.get()
    assert invitation.token_hash == Invitation.hash_token(token)
    assert token not in str(Invitation.objects.values().get())
    assert invitation.role == "admin"
    assert invitation.expires_at - invitation.created_at == timedelta(days=14)


def test_no_email_leaves_when_the_transaction_rolls_back(
    organization, org_admin, mailoutbox, django_capture_on_commit_callbacks
):
    from django.db import transaction

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        invite(organization, org_admin)
        raise RuntimeError
    assert callbacks == [] and mailoutbox == []
    assert not Invitation.objects.exists()


def test_an_existing_user_gets_the_email_in_their_own_language(
    client, organization, org_admin, mailoutbox, django_capture_on_commit_callbacks
):
    factories.UserFactory(email="anna@example.org", language="en")
    client.force_login(org_admin)
    with django_capture_on_commit_callbacks(execute=True):
        # The admin works in Swedish (unprefixed URL); Anna reads English.
        client.post(
            url("stakeholders:invite", language="sv", slug=organization.slug),
            {"email": "anna@example.org", "role": "member"},
        )
    (message,) = mailoutbox
    assert message.subject.startswith(f"Invitation to join {organization.name}")
    assert "Log in with your existing account" in message.body
    assert link_in(message).startswith(settings.SITE_URL + "/en/")


def test_a_new_address_gets_the_email_in_the_inviters_language(
    client, organization, org_admin, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(org_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url("stakeholders:invite", slug=organization.slug),
            {"email": "en@example.org", "role": "member"},
        )
        client.post(
            url("stakeholders:invite", language="sv", slug=organization.slug),
            {"email": "sv@example.org", "role": "member"},
        )
    english, swedish = mailoutbox
    assert english.subject.startswith("Invitation to join")
    assert "create your account" in english.body
    assert link_in(english).startswith(settings.SITE_URL + "/en/")
    with translation.override("sv"):
        swedish_prefix = settings.SITE_URL + reverse("stakeholders:list")
    assert link_in(swedish).startswith(swedish_prefix)
    assert "/en/" not in link_in(swedish)


def test_an_open_invitation_to_the_same_address_is_not_duplicated(organization, org_admin):
    invite(organization, org_admin, email="ny@example.org")
    with pytest.raises(services.ValidationError) as error, translation.override("en"):
        invite(organization, org_admin, email="NY@example.org")
    assert "already been invited" in str(error.value)
    assert Invitation.objects.count() == 1


def test_inviting_again_after_expiry_renews_the_invitation(organization, org_admin):
    first = invite(organization, org_admin)
    Invitation.objects.filter(pk=first.pk).update(
        created_at=timezone.now() - timedelta(days=20),
        expires_at=timezone.now() - timedelta(days=6),
    )
    second = invite(organization, org_admin, role="admin")
    assert second.pk == first.pk
    second.refresh_from_db()
    assert second.is_open and second.role == "admin"
    assert Invitation.objects.count() == 1


def test_another_organisation_may_invite_the_same_address(
    organization, org_admin, other_organization, coordinator
):
    invite(organization, org_admin)
    invite(other_organization, coordinator)
    assert Invitation.objects.count() == 2


# --- Accepting: a new account ----------------------------------------------------------------


def test_a_new_address_creates_its_account_verified_and_is_logged_in(
    client, organization, org_admin
):
    invitation = invite(organization, org_admin, role="admin")
    page = client.get(accept_url(invitation.token))
    assert page.status_code == 200
    assert "ny@example.org" in page.text and 'name="password1"' in page.text

    response = client.post(
        accept_url(invitation.token),
        {
            "first_name": "Nora",
            "last_name": "Nyberg",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response["Location"] == url("my_pages")
    user = User.objects.get(email="ny@example.org")
    assert (user.first_name, user.last_name, user.language) == ("Nora", "Nyberg", "en")
    assert EmailAddress.objects.filter(
        user=user, email="ny@example.org", verified=True, primary=True
    ).exists()
    assert Membership.objects.get(user=user, organization=organization).role == "admin"
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert client.session["_auth_user_id"] == str(user.pk)
    assert "Welcome" in client.get(url("my_pages")).text

    # Later, the new account logs in with email and password like everyone else.
    client.logout()
    response = client.post(
        url("account_login"), {"login": "ny@example.org", "password": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_weak_password_is_refused_next_to_the_field_and_the_name_kept(
    client, organization, org_admin
):
    invitation = invite(organization, org_admin)
    response = client.post(
        accept_url(invitation.token),
        {"first_name": "Nora", "last_name": "Nyberg", "password1": "12345", "password2": "12345"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["password1"]
    assert 'value="Nora"' in response.text
    assert not User.objects.filter(email="ny@example.org").exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_differing_passwords_are_refused(client, organization, org_admin):
    invitation = invite(organization, org_admin)
    response = client.post(
        accept_url(invitation.token),
        {
            "first_name": "Nora",
            "last_name": "N",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD + "x",
        },
    )
    assert response.context["form"].errors["password2"]
    assert not User.objects.filter(email="ny@example.org").exists()


def test_someone_logged_in_with_another_address_cannot_use_the_link(
    client, organization, org_admin, outsider
):
    invitation = invite(organization, org_admin)
    client.force_login(outsider)
    page = client.get(accept_url(invitation.token))
    assert page.status_code == 403
    assert "This invitation is for another email address" in page.text
    assert "ny@example.org" in page.text
    response = client.post(accept_url(invitation.token), {})
    assert response.status_code == 403
    assert not organization.memberships.filter(user=outsider).exists()
    assert not User.objects.filter(email="ny@example.org").exists()


# --- Accepting: an existing account ------------------------------------------------------------


def test_an_existing_account_must_log_in_first(client, organization, org_admin, outsider):
    invitation = invite(organization, org_admin, email="OUTSIDER@example.org")
    page = client.get(accept_url(invitation.token))
    assert page.status_code == 200
    assert "There is already an account for outsider@example.org" in page.text
    assert f"{url('account_login')}?next=" in page.text
    response = client.post(
        accept_url(invitation.token),
        {"first_name": "X", "last_name": "Y", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert not organization.memberships.filter(user=outsider).exists()
    assert response.status_code == 200
    outsider.refresh_from_db()
    assert outsider.check_password(PASSWORD), "nobody takes over an account through a link"


def test_the_invited_account_logged_in_joins_with_the_invited_role(
    client, organization, org_admin, outsider
):
    invitation = invite(organization, org_admin, email="outsider@example.org", role="admin")
    client.force_login(outsider)
    page = client.get(accept_url(invitation.token))
    assert page.status_code == 200 and "Accept the invitation" in page.text
    assert 'name="password1"' not in page.text
    response = client.post(accept_url(invitation.token))
    assert response["Location"] == url("my_pages")
    assert organization.memberships.get(user=outsider).role == "admin"
    assert outsider.memberships.count() == 2, "the other membership stays"
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None


def test_another_account_cannot_use_an_existing_accounts_invitation(
    client, organization, org_admin, outsider, coordinator
):
    invitation = invite(organization, org_admin, email="outsider@example.org")
    client.force_login(coordinator)
    assert client.post(accept_url(invitation.token)).status_code == 403
    assert not organization.memberships.filter(user__in=[outsider, coordinator]).exists()
    with pytest.raises(services.InvitationWrongAccount):
        services.invitation_accept(token=invitation.token, user=coordinator)


def test_an_unverified_extra_address_does_not_make_the_invitation_yours(
    client, organization, org_admin, outsider
):
    EmailAddress.objects.create(user=outsider, email="ny@example.org", verified=False)
    invitation = invite(organization, org_admin, email="ny@example.org")
    client.force_login(outsider)
    assert client.post(accept_url(invitation.token)).status_code == 403


# --- Links that cannot be used: a clear page, never a 500 ---------------------------------------


def test_a_used_link_cannot_be_used_again(client, organization, org_admin, outsider):
    invitation = invite(organization, org_admin, email="outsider@example.org")
    client.force_login(outsider)
    client.post(accept_url(invitation.token))
    for method in (client.get, client.post):
        response = method(accept_url(invitation.token))
        assert response.status_code == 410
        assert "already been accepted" in response.text
    assert organization.memberships.filter(user=outsider).count() == 1


def test_an_expired_link_says_so(client, organization, org_admin):
    invitation = invite(organization, org_admin)
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=timezone.now() - timedelta(days=15),
        expires_at=timezone.now() - timedelta(days=1),
    )
    for method in (client.get, client.post):
        response = method(
            accept_url(invitation.token),
            {
                "first_name": "N",
                "last_name": "N",
                "password1": NEW_PASSWORD,
                "password2": NEW_PASSWORD,
            },
        )
        assert response.status_code == 410
        assert "The invitation has expired" in response.text
    assert not User.objects.filter(email="ny@example.org").exists()


def test_a_revoked_link_says_so(client, organization, org_admin):
    invitation = invite(organization, org_admin)
    services.invitation_revoke(invitation=invitation, actor=org_admin)
    response = client.get(accept_url(invitation.token))
    assert response.status_code == 410
    assert "withdrawn" in response.text


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),
        lambda t: t[:10],
        lambda t: t + "x" * 500,
        lambda t: "%00" + t,
        lambda t: "ÅÄÖ" * 12,
    ],
)
def test_a_tampered_link_is_not_valid(client, organization, org_admin, tamper):
    invitation = invite(organization, org_admin)
    response = client.get(accept_url(tamper(invitation.token)))
    assert response.status_code == 404
    assert "The link is not valid" in response.text


def test_resending_gives_a_new_link_and_kills_the_old_one(
    client, organization, org_admin, mailoutbox, django_capture_on_commit_callbacks
):
    invitation = invite(organization, org_admin)
    old_token = invitation.token
    client.force_login(org_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url("stakeholders:invitation_resend", slug=organization.slug),
            {"invitation": invitation.pk},
        )
    client.logout()
    assert client.get(accept_url(old_token)).status_code == 404
    new_link = link_in(mailoutbox[-1])
    assert client.get(new_link.removeprefix(settings.SITE_URL)).status_code == 200


def test_resending_an_expired_invitation_opens_it_for_14_more_days(organization, org_admin):
    invitation = invite(organization, org_admin)
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=timezone.now() - timedelta(days=15),
        expires_at=timezone.now() - timedelta(days=1),
    )
    resent = services.invitation_resend(invitation=invitation, actor=org_admin, language="en")
    resent.refresh_from_db()
    assert resent.is_open
    assert resent.expires_at > timezone.now() + timedelta(days=13)


def test_an_answered_invitation_cannot_be_resent_or_revoked(
    client, organization, org_admin, outsider
):
    invitation = invite(organization, org_admin, email="outsider@example.org")
    services.invitation_accept(token=invitation.token, user=outsider)
    client.force_login(org_admin)
    response = client.post(
        url("stakeholders:invitation_revoke", slug=organization.slug),
        {"invitation": invitation.pk},
        follow=True,
    )
    assert "no longer there" in response.text
    invitation.refresh_from_db()
    assert invitation.revoked_at is None
    with pytest.raises(services.ValidationError):
        services.invitation_resend(invitation=invitation, actor=org_admin, language="en")


def test_an_open_invitation_to_someone_who_joined_meanwhile_keeps_their_role(
    organization, org_admin, member
):
    invitation = Invitation.objects.create(
        organization=organization,
        email=member.email,
        role="admin",
        token_hash=Invitation.hash_token("t" * 43),
        expires_at=timezone.now() + timedelta(days=1),
    )
    membership = services.invitation_accept(token="t" * 43, user=member)
    assert membership.role == "member"
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None


# --- History ----------------------------------------------------------------------------------


def test_accepting_is_kept_in_history(client, organization, org_admin):
    invitation = invite(organization, org_admin)
    client.post(
        accept_url(invitation.token),
        {
            "first_name": "Nora",
            "last_name": "N",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    user = User.objects.get(email="ny@example.org")
    membership_event = Membership.pgh_event_model.objects.get(user=user, pgh_label="insert")
    assert membership_event.pgh_context.metadata["user"] == user.pk
    labels = list(
        Invitation.pgh_event_model.objects.filter(pgh_obj_id=invitation.pk)
        .order_by("pgh_id")
        .values_list("pgh_label", flat=True)
    )
    assert labels == ["insert", "update"]
    assert not hasattr(Invitation.pgh_event_model, "token_hash")
