"""Two-factor secrets at rest (stakeholders/adapters.py MFAAdapter, migration
stakeholders.0006): the authenticator app's secret and the recovery codes' seed are stored
encrypted with the key from MFA_ENCRYPTION_KEY, the codes they give still work, the secrets
stored before are encrypted by the migration, and the admin never shows them."""

import importlib

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from cryptography.fernet import InvalidToken
from django.apps import apps
from django.urls import reverse

from stakeholders.adapters import decrypt_secret, encrypt_secret
from tests import factories
from tests.helpers import log_in_through_the_forms, login_with_second_factor, totp_code

pytestmark = pytest.mark.django_db

migration = importlib.import_module("stakeholders.migrations.0006_encrypt_two_factor_secrets")


def test_setting_up_the_app_stores_the_secret_and_the_seed_encrypted(client, member):
    log_in_through_the_forms(client, member)
    secret = client.get(reverse("mfa_activate_totp")).context["form"].secret

    client.post(reverse("mfa_activate_totp"), {"code": pyotp.TOTP(secret).now()})

    totp = Authenticator.objects.get(user=member, type="totp")
    assert secret not in str(totp.data)
    assert decrypt_secret(totp.data["secret"]) == secret
    codes = Authenticator.objects.get(user=member, type="recovery_codes")
    seed = decrypt_secret(codes.data["seed"])
    assert seed not in str(codes.data)
    assert RecoveryCodes(codes).generate_codes(), "the codes still come from the seed"


def test_a_login_with_a_code_from_the_encrypted_secret_works(client, coordinator_with_mfa):
    response = log_in_through_the_forms(client, coordinator_with_mfa)
    assert response.status_code == 302
    assert client.get(reverse("coordinator:organizations")).status_code == 200


def test_the_key_matters_and_a_new_key_can_go_first(settings):
    old_keys = list(settings.MFA_ENCRYPTION_KEYS)
    token = encrypt_secret("JBSWY3DPEHPK3PXP")
    settings.MFA_ENCRYPTION_KEYS = ["another key"]
    with pytest.raises(InvalidToken):
        decrypt_secret(token)
    settings.MFA_ENCRYPTION_KEYS = ["a new key", *old_keys]
    assert decrypt_secret(token) == "JBSWY3DPEHPK3PXP"
    assert decrypt_secret(encrypt_secret("abc")) == "abc"


def test_the_migration_encrypts_secrets_stored_in_the_clear_once(member):
    plain_secret, plain_seed = pyotp.random_base32(), "ab" * 40
    totp = Authenticator.objects.create(user=member, type="totp", data={"secret": plain_secret})
    codes = Authenticator.objects.create(
        user=member, type="recovery_codes", data={"seed": plain_seed, "used_mask": 0}
    )

    migration.encrypt(apps, None)
    totp.refresh_from_db()
    codes.refresh_from_db()
    encrypted = totp.data["secret"]
    assert encrypted != plain_secret and decrypt_secret(encrypted) == plain_secret
    assert decrypt_secret(codes.data["seed"]) == plain_seed and codes.data["used_mask"] == 0
    assert totp_code(member) == pyotp.TOTP(plain_secret).now()

    migration.encrypt(apps, None)  # twice: nothing encrypted twice
    totp.refresh_from_db()
    assert totp.data["secret"] == encrypted

    migration.decrypt(apps, None)
    totp.refresh_from_db()
    assert totp.data["secret"] == plain_secret


def test_the_admin_never_shows_a_secret(client):
    superuser = factories.UserFactory(is_staff=True, is_superuser=True)
    login_with_second_factor(client, superuser)
    authenticator = Authenticator.objects.get(user=superuser, type="totp")
    secret = decrypt_secret(authenticator.data["secret"])

    page = client.get(reverse("admin:mfa_authenticator_change", args=[authenticator.pk]))
    listing = client.get(reverse("admin:mfa_authenticator_changelist"))

    assert page.status_code == 200 and listing.status_code == 200
    for text in (page.text, listing.text):
        assert secret not in text and authenticator.data["secret"] not in text
    assert client.get(reverse("admin:mfa_authenticator_add")).status_code == 403
