"""Setting up two-factor authentication (stakeholders/mfa.py, templates/mfa/totp/): one calm
flow from a coordinator page, through the set-up, back to that page. Codes are real TOTP codes
computed from the secret the page shows."""

import re
import time

import pytest
from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests import factories

pytestmark = pytest.mark.django_db

OVERVIEW = "coordinator:dashboard:overview"
SECRET_FIELD = re.compile(r'<input type="text" id="authenticator_secret" value="([A-Z2-7=]+)"')


@pytest.fixture(autouse=True)
def _swedish():
    """URLs reversed here are the Swedish ones, whatever language an earlier test's request
    left active."""
    with translation.override("sv"):
        yield


def _code(secret: str) -> str:
    """The code an authenticator app shows now for ``secret``."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))


def _secret_on(page) -> str:
    return SECRET_FIELD.search(page.text).group(1)


def _log_in(client, user):
    """Log in through the login form, as a person does (allauth records the login)."""
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": factories.PASSWORD}
    )
    assert response.status_code == 302, response.text


def _age_the_login(client, seconds: int):
    """Move every authentication record of the session ``seconds`` into the past."""
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {**record, "at": record["at"] - seconds}
        for record in session[AUTHENTICATION_METHODS_SESSION_KEY]
    ]
    session.save()


# --- 1. No password again just after logging in -------------------------------------------------


def test_just_logged_in_the_coordinator_goes_from_their_page_straight_to_the_set_up(
    client, coordinator
):
    _log_in(client, coordinator)

    page = client.get(reverse(OVERVIEW), follow=True)

    setup = reverse("mfa_activate_totp") + "?next=" + reverse(OVERVIEW).replace("/", "%2F")
    assert [url for url, _status in page.redirect_chain] == [setup]
    assert "<h1>Lägg till en autentiseringsapp</h1>" in page.text
    assert "Samordnare måste använda tvåfaktorsautentisering" in page.text
    assert "Ange ditt lösenord" not in page.text


def test_the_set_up_asks_for_the_password_once_the_login_is_no_longer_recent(client, coordinator):
    _log_in(client, coordinator)
    _age_the_login(client, settings.ACCOUNT_REAUTHENTICATION_TIMEOUT + 1)

    response = client.get(reverse("mfa_activate_totp"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_reauthenticate"))


def test_deactivating_two_factor_later_still_asks_for_the_password(client, coordinator):
    _log_in(client, coordinator)
    secret = _secret_on(client.get(reverse("mfa_activate_totp")))
    client.post(reverse("mfa_activate_totp"), {"code": _code(secret)})
    _age_the_login(client, settings.ACCOUNT_REAUTHENTICATION_TIMEOUT + 1)

    response = client.get(reverse("mfa_deactivate_totp"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_reauthenticate"))
    assert Authenticator.objects.filter(user=coordinator, type="totp").exists()


# --- 2. After activation: on to where they were headed -----------------------------------------


def test_after_activation_the_coordinator_lands_on_their_page_with_the_recovery_codes_offered(
    client, coordinator
):
    _log_in(client, coordinator)
    setup = client.get(reverse(OVERVIEW), follow=True)
    assert f'<input type="hidden" name="next" value="{reverse(OVERVIEW)}">' in setup.text

    page = client.post(
        reverse("mfa_activate_totp"),
        {"code": _code(_secret_on(setup)), "next": reverse(OVERVIEW)},
        follow=True,
    )

    assert [url for url, _status in page.redirect_chain] == [reverse(OVERVIEW)]
    assert Authenticator.objects.filter(user=coordinator, type="totp").exists()
    assert "Spara dina återställningskoder" in page.text
    link = f'<a href="{reverse("mfa_view_recovery_codes")}">Visa dina återställningskoder</a>'
    assert link in page.text

    codes = client.get(reverse("mfa_view_recovery_codes"))
    assert codes.status_code == 200
    unused = Authenticator.objects.get(user=coordinator, type="recovery_codes").wrap()
    assert unused.get_unused_codes()[0] in codes.text


def test_a_next_to_another_site_is_not_followed(client, coordinator):
    _log_in(client, coordinator)
    secret = _secret_on(client.get(reverse("mfa_activate_totp")))

    response = client.post(
        reverse("mfa_activate_totp"), {"code": _code(secret), "next": "https://example.com/"}
    )

    assert response.url == reverse("mfa_view_recovery_codes")


def test_a_refused_post_sends_the_coordinator_to_the_set_up_without_next(client, coordinator):
    client.force_login(coordinator)

    response = client.post(reverse("coordinator:dashboard:overview"))

    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")


# --- 3. A second tab keeps the first tab's QR code working; a wrong code says what to check ----


def test_a_second_tab_shows_the_same_secret_and_the_first_tabs_code_still_works(
    client, coordinator
):
    _log_in(client, coordinator)
    first_tab = client.get(reverse("mfa_activate_totp"))
    second_tab = client.get(reverse("mfa_activate_totp"))

    assert _secret_on(second_tab) == _secret_on(first_tab)
    assert second_tab.context["totp_url"] == first_tab.context["totp_url"]

    client.post(reverse("mfa_activate_totp"), {"code": _code(_secret_on(first_tab))})

    assert Authenticator.objects.filter(user=coordinator, type="totp").exists()


def test_a_wrong_code_says_what_to_check_and_keeps_the_qr_code(client, coordinator):
    _log_in(client, coordinator)
    secret = _secret_on(client.get(reverse("mfa_activate_totp")))
    wrong = f"{(int(_code(secret)) + 1) % 1_000_000:06d}"

    page = client.post(reverse("mfa_activate_totp"), {"code": wrong})

    assert page.status_code == 400
    assert "Koden stämde inte." in page.text
    assert "tiden i telefonen ställs in automatiskt" in page.text
    assert "QR-koden på den här sidan" in page.text
    assert "Felaktig kod." not in page.text
    assert _secret_on(page) == secret
    assert not Authenticator.objects.filter(user=coordinator, type="totp").exists()


def test_a_new_set_up_after_activation_gets_a_new_secret(client, coordinator):
    """The kept secret is only the pending one: activating ends it."""
    _log_in(client, coordinator)
    secret = _secret_on(client.get(reverse("mfa_activate_totp")))
    client.post(reverse("mfa_activate_totp"), {"code": _code(secret)})
    Authenticator.objects.filter(user=coordinator).delete()

    assert _secret_on(client.get(reverse("mfa_activate_totp"))) != secret


# --- 4. The secret can be reached and copied; the QR code does not read it aloud ---------------


def test_the_secret_is_a_focusable_read_only_field_with_a_copy_button(client, coordinator):
    _log_in(client, coordinator)

    page = client.get(reverse("mfa_activate_totp"))

    secret = _secret_on(page)
    field = re.search(r'<input type="text" id="authenticator_secret"[^>]*>', page.text).group(0)
    assert "readonly" in field
    assert "disabled" not in field
    assert '<label for="authenticator_secret">Nyckel, om du inte kan skanna QR-koden</label>' in (
        page.text
    )
    assert 'data-copy-field="authenticator_secret"' in page.text
    assert ">Kopiera nyckeln</button>" in page.text
    assert 'data-copied-text="Nyckeln är kopierad."' in page.text
    assert '<script src="/static/js/copy_field.js" defer></script>' in page.text
    assert "<script>" not in page.text
    # The key is on the page once: in its field, not in the QR code's text.
    assert page.text.count(secret) == 1
    assert 'alt="QR-kod för din autentiseringsapp"' in page.text


def test_the_english_page_describes_the_qr_code_in_english(client, coordinator):
    _log_in(client, coordinator)

    page = client.get("/en" + reverse("mfa_activate_totp"))

    assert 'alt="QR code for your authenticator app"' in page.text
    assert page.text.count(_secret_on(page)) == 1


# --- 5. The reauthentication page in plain Swedish ----------------------------------------------


def test_the_password_confirmation_page_speaks_plain_swedish(client, coordinator):
    client.force_login(coordinator)  # no login recorded: the set-up asks for the password

    page = client.get(reverse("mfa_activate_totp"), follow=True)

    assert page.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))
    assert "Bekräfta att det är du innan du fortsätter." in page.text
    assert "Vänligen" not in page.text
