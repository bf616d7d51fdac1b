"""Login limits that hold behind the TLS proxy (README, "Production"): allauth counts failed
logins per client address, read from X-Forwarded-For as far as ``TRUSTED_PROXY_COUNT`` trusts
it (or from ``TRUSTED_CLIENT_IP_HEADER``), and per account *from one address*
(stakeholders/adapters.py), so a stranger's wrong passwords neither lock out everyone behind
the proxy nor the account's owner. Every request here comes from the proxy (REMOTE_ADDR
10.0.0.1) with the client's address in the proxy's header."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from tests import factories
from tests.helpers import log_in_through_the_forms, manage_setting

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.1"
ATTACKER, OWNER, NEIGHBOUR = "203.0.113.66", "198.51.100.7", "192.0.2.33"
TOO_MANY = "Too many failed login attempts"


@pytest.fixture(autouse=True)
def _behind_one_proxy(settings):
    """One proxy of ours in front; limits start from zero (they live in the cache)."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    cache.clear()
    with translation.override("en"):
        yield
    cache.clear()


def via_proxy(client_ip: str) -> dict:
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": client_ip}


def wrong_login(client, email: str, client_ip: str):
    return client.post(
        reverse("account_login"),
        {"login": email, "password": "not-the-password"},
        **via_proxy(client_ip),
    )


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_ten_wrong_logins_from_one_client_do_not_lock_out_the_others(client, member):
    for n in range(10):
        assert TOO_MANY not in wrong_login(client, f"nobody{n}@example.org", ATTACKER).text

    assert TOO_MANY in wrong_login(client, "nobody@example.org", ATTACKER).text
    log_in_through_the_forms(client, member, **via_proxy(NEIGHBOUR))
    assert logged_in(client), "another visitor behind the same proxy still gets in"


def test_without_the_proxy_setting_everyone_behind_the_proxy_shares_one_limit(
    client, settings, member
):
    """Why the setting matters: untrusted, X-Forwarded-For is ignored and every visitor is
    the proxy."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    for n in range(10):
        wrong_login(client, f"nobody{n}@example.org", ATTACKER)

    response = log_in_through_the_forms(client, member, **via_proxy(NEIGHBOUR))

    assert TOO_MANY in response.text and not logged_in(client)


def test_the_client_ip_header_can_name_the_client_instead(client, settings, member):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"
    for n in range(10):
        client.post(
            reverse("account_login"),
            {"login": f"nobody{n}@example.org", "password": "x"},
            REMOTE_ADDR=PROXY,
            HTTP_X_REAL_IP=ATTACKER,
        )
    assert (
        TOO_MANY
        in client.post(
            reverse("account_login"),
            {"login": "nobody@example.org", "password": "x"},
            REMOTE_ADDR=PROXY,
            HTTP_X_REAL_IP=ATTACKER,
        ).text
    )

    log_in_through_the_forms(client, member, REMOTE_ADDR=PROXY, HTTP_X_REAL_IP=NEIGHBOUR)

    assert logged_in(client)


def test_five_wrong_passwords_stop_the_guesser_but_not_the_owner(client, coordinator_with_mfa):
    email = coordinator_with_mfa.email
    for _ in range(5):
        assert TOO_MANY not in wrong_login(client, email, ATTACKER).text

    # The guesser is stopped for this account, even with the right password …
    guessed = client.post(
        reverse("account_login"),
        {"login": email, "password": factories.PASSWORD},
        **via_proxy(ATTACKER),
    )
    assert TOO_MANY in guessed.text
    assert guessed.status_code == 400
    # … while the owner, from their own address, logs in with password and app.
    response = log_in_through_the_forms(client, coordinator_with_mfa, **via_proxy(OWNER))
    assert response.status_code == 302
    assert logged_in(client)
    assert client.get(reverse("coordinator:organizations")).status_code == 200


def test_the_owners_own_mistakes_are_counted_too(client, member):
    for _ in range(5):
        wrong_login(client, member.email, OWNER)

    response = log_in_through_the_forms(client, member, **via_proxy(OWNER))

    assert TOO_MANY in response.text and not logged_in(client)


def test_the_proxy_settings_come_from_the_environment():
    assert manage_setting("ALLAUTH_TRUSTED_PROXY_COUNT", TRUSTED_PROXY_COUNT="2") == "2"
    assert (
        manage_setting("ALLAUTH_TRUSTED_CLIENT_IP_HEADER", TRUSTED_CLIENT_IP_HEADER="X-Real-IP")
        == "X-Real-IP"
    )
    assert manage_setting("ALLAUTH_TRUSTED_PROXY_COUNT") == "0"
