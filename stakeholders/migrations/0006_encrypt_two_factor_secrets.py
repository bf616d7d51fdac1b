"""Encrypt the authenticator apps' secrets and the recovery codes' seeds stored in the clear
before stakeholders.adapters.MFAAdapter encrypted them (with MFA_ENCRYPTION_KEY). A value that
already decrypts is left alone, so running it twice changes nothing; backwards decrypts."""

from cryptography.fernet import InvalidToken
from django.db import migrations

from stakeholders.adapters import decrypt_secret, encrypt_secret

# allauth's Authenticator.data: the TOTP secret, the recovery codes' seed and, for codes
# migrated from django-allauth's predecessor, the codes themselves.
FIELDS = ("secret", "seed")


def _is_encrypted(value: str) -> bool:
    try:
        decrypt_secret(value)
    except InvalidToken:
        return False
    return True


def _convert(apps, convert):
    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.filter(type__in=["totp", "recovery_codes"]):
        data = dict(authenticator.data)
        for field in FIELDS:
            if isinstance(data.get(field), str):
                data[field] = convert(data[field])
        if isinstance(data.get("migrated_codes"), list):
            data["migrated_codes"] = [convert(code) for code in data["migrated_codes"]]
        if data != authenticator.data:
            authenticator.data = data
            authenticator.save(update_fields=["data"])


def encrypt(apps, schema_editor):
    _convert(apps, lambda value: value if _is_encrypted(value) else encrypt_secret(value))


def decrypt(apps, schema_editor):
    _convert(apps, lambda value: decrypt_secret(value) if _is_encrypted(value) else value)


class Migration(migrations.Migration):
    dependencies = [
        ("mfa", "0003_authenticator_type_uniq"),
        ("stakeholders", "0005_user_role_history"),
    ]

    operations = [migrations.RunPython(encrypt, decrypt)]
