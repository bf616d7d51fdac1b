"""A newly approved organisation's contact chooses their first password by the emailed link.

The link is allauth's "set a new password" link (``stakeholders.services._set_password_url``).
For an account without a usable password the page asks them to *choose* their password, as
the email said, and saving it logs them in on Mina sidor. A forgotten-password reset keeps
allauth's wording ("Ändra lösenord").

Logging in after the password is allauth's ``ACCOUNT_LOGIN_ON_PASSWORD_RESET``; the journey
tests switch it on with the ``settings`` fixture.
"""

import re

import pytest
from django.urls import reverse

from stakeholders.models import User
from tests import factories

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "ett-nytt-langt-losenord-2026"


@pytest.fixture
def login_on_password_reset(settings):
    settings.ACCOUNT_LOGIN_ON_PASSWORD_RESET = True


@pytest.fixture
def application(db):
    return factories.OrganizationFactory(
        name="Vårby Idrottsförening",
        status="pending",
        contact_name="Sara Lind",
        contact_email="sara.lind@example.org",
        contact_language="sv",
    )


def _link(message) -> str:
    """The path of the first link in an email."""
    match = re.search(r"https?://\S+", message.body)
    assert match, "no link in the email"
    return "/" + match.group(0).split("://", 1)[1].split("/", 1)[1]


def _title(html: str) -> str:
    return re.search(r"<title>(.*?) \|", html, re.S).group(1).strip()


def _heading(html: str) -> str:
    return re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1).strip()


def _submit_button(html: str) -> str:
    match = re.search(r'<button[^>]*name="action"[^>]*>(.*?)</button>', html, re.S)
    return " ".join(match.group(1).split())


def _approve(client, organization, capture):
    """The coordinator approves the application on their page (the email leaves at commit)."""
    with capture(execute=True):
        response = client.post(
            reverse("coordinator:decide", kwargs={"slug": organization.slug, "decision": "approve"})
        )
    assert response.status_code == 302


def test_the_new_admin_chooses_a_password_and_lands_logged_in_on_my_pages(
    coordinator_client,
    application,
    mailoutbox,
    django_capture_on_commit_callbacks,
    login_on_password_reset,
):
    _approve(coordinator_client, application, django_capture_on_commit_callbacks)
    [email] = mailoutbox
    assert email.to == ["sara.lind@example.org"]
    assert "Välj ditt lösenord här:" in email.body
    client = coordinator_client
    client.logout()

    page = client.get(_link(email), follow=True)
    html = page.text
    assert page.status_code == 200
    assert _title(html) == "Välj ditt lösenord"
    assert _heading(html) == "Välj ditt lösenord"
    assert _submit_button(html) == "Välj ditt lösenord"
    assert "Du loggar in med din e-postadress, sara.lind@example.org," in html
    assert "Ändra lösenord" not in html
    form_url = page.redirect_chain[-1][0]
    assert "/accounts/password/reset/key/" in form_url and "set-password" in form_url

    too_short = client.post(form_url, {"password1": "kort", "password2": "kort"})
    assert too_short.status_code == 400
    assert _heading(too_short.text) == "Välj ditt lösenord", "still the first password"

    response = client.post(
        form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, follow=True
    )
    admin = User.objects.get(email="sara.lind@example.org")
    assert admin.check_password(NEW_PASSWORD)
    assert response.redirect_chain[-1][0] == reverse("my_pages")
    assert client.session["_auth_user_id"] == str(admin.pk)
    html = response.text
    assert "Välkommen! Ditt lösenord är sparat och du är inloggad." in html
    assert "Ditt lösenord är nu ändrat" not in html and "Ändra lösenord" not in _title(html)
    assert html.count('<li class="message') == 1, "one welcome, not 'signed in as …' too"
    assert "Vårby Idrottsförening" in html, "Mina sidor shows their organisation"


def test_without_login_on_reset_the_new_admin_is_shown_the_way_to_log_in(
    coordinator_client, application, mailoutbox, django_capture_on_commit_callbacks, settings
):
    """Until ``ACCOUNT_LOGIN_ON_PASSWORD_RESET`` is on, at least the way on is offered."""
    settings.ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
    _approve(coordinator_client, application, django_capture_on_commit_callbacks)
    client = coordinator_client
    client.logout()
    form_url = client.get(_link(mailoutbox[0]), follow=True).redirect_chain[-1][0]

    response = client.post(
        form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, follow=True
    )

    assert "_auth_user_id" not in client.session
    html = response.text
    assert "Ditt lösenord är sparat. Logga in med din e-postadress och ditt nya lösenord." in html
    assert f'href="{reverse("account_login")}"' in html


def test_a_forgotten_password_reset_keeps_its_wording(client, mailoutbox, login_on_password_reset):
    user = factories.UserFactory(email="maja@example.org")
    client.post(reverse("account_reset_password"), {"email": "maja@example.org"})
    [email] = mailoutbox

    page = client.get(_link(email), follow=True)
    html = page.text
    assert _title(html) == "Ändra lösenord"
    assert _heading(html) == "Ändra lösenord"
    assert _submit_button(html) == "Ändra lösenord"
    assert "Välj ditt lösenord" not in html

    response = client.post(
        page.redirect_chain[-1][0],
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        follow=True,
    )
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert "Lösenordet ändrat." in response.text
    assert "Välkommen!" not in response.text
    assert response.redirect_chain[-1][0] == reverse("home")


@pytest.mark.parametrize("page", ["account_login", "account_signup"])
def test_the_login_and_signup_pages_link_the_application_form(client, page):
    """As the home page and the directory do: no "email the coordinator" to join."""
    html = client.get(reverse(page)).text

    assert (
        f'<a href="{reverse("stakeholders:apply")}">'
        "Är din organisation inte med i partnerskapet ännu? Ansök om att gå med.</a>"
    ) in html
    assert "mailto:" not in html.split("<main", 1)[1].split("</main>", 1)[0]


def test_logging_in_by_a_reset_still_asks_a_coordinator_for_their_code(
    client, coordinator_with_mfa, mailoutbox, login_on_password_reset
):
    """Logging in after a reset goes through allauth's login stages: two-factor included."""
    client.post(reverse("account_reset_password"), {"email": coordinator_with_mfa.email})
    form_url = client.get(_link(mailoutbox[0]), follow=True).redirect_chain[-1][0]

    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
