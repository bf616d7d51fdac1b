"""Accounts: email login, mandatory verification, closed signup, reset, rate limits."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def test_a_verified_user_logs_in_with_email_and_password(client):
    user = UserFactory(email="maja@example.org")
    response = client.post(LOGIN, {"login": "Maja@Example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_an_unverified_user_is_refused_and_sent_a_verification_email(client, mailoutbox):
    UserFactory(email="ny@example.org", verified=False)
    EmailAddress.objects.create(
        user=get_user_model().objects.get(email="ny@example.org"),
        email="ny@example.org",
        primary=True,
        verified=False,
    )
    response = client.post(LOGIN, {"login": "ny@example.org", "password": PASSWORD}, follow=True)
    assert "_auth_user_id" not in client.session
    assert response.redirect_chain[-1][0].endswith("/accounts/confirm-email/")
    assert [m.to for m in mailoutbox] == [["ny@example.org"]]


def test_a_wrong_password_shows_an_error_next_to_the_form_and_keeps_the_email(client):
    UserFactory(email="maja@example.org")
    response = client.post(LOGIN, {"login": "maja@example.org", "password": "fel-lösenord"})
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session
    assert 'value="maja@example.org"' in response.text
    assert response.context["form"].errors


def test_signup_is_closed(client):
    response = client.get("/accounts/signup/")
    assert 'name="password1"' not in response.text
    assert response.templates[0].name == "account/signup_closed.html"
    response = client.post(
        "/accounts/signup/",
        {"email": "nykomling@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert not get_user_model().objects.filter(email="nykomling@example.org").exists()
    assert response.templates[0].name == "account/signup_closed.html"


def test_password_reset_sends_a_link_to_a_known_address(client, mailoutbox):
    UserFactory(email="maja@example.org")
    response = client.post("/accounts/password/reset/", {"email": "maja@example.org"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["maja@example.org"]
    assert "/accounts/password/reset/key/" in mailoutbox[0].body


def test_repeated_failed_logins_are_rate_limited(client):
    UserFactory(email="maja@example.org")
    for _ in range(5):
        client.post(LOGIN, {"login": "maja@example.org", "password": "wrong-password-1"})
    response = client.post(LOGIN, {"login": "maja@example.org", "password": PASSWORD})
    assert "_auth_user_id" not in client.session, "the correct password must wait out the limit"
    assert response.status_code in (400, 429)


def test_email_is_the_login_and_unique_whatever_the_case():
    from django.db import IntegrityError, transaction

    User = get_user_model()
    user = User.objects.create_user("Lisa@Example.org", "x-password-123")
    assert user.email == "lisa@example.org"
    assert User.USERNAME_FIELD == "email"
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(email="LISA@example.org")
