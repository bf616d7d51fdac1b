"""allauth adapters: the portal's rules for accounts and for two-factor authentication."""

import base64
import hashlib

from allauth.account import app_settings as allauth_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal.httpkit import get_client_ip
from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.urls import reverse

# Set on the request when an account without a usable password gets its first one through
# allauth's "set a new password" link: how a newly approved organisation's contact person
# chooses their password (stakeholders.services.organization_approve emails that link).
_FIRST_PASSWORD = "portal_first_password"


def _is_first_password(request) -> bool:
    """Whether this request gave an account its first password (see ``set_password``)."""
    return getattr(request, _FIRST_PASSWORD, False)


class AccountAdapter(DefaultAccountAdapter):
    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        """Failed logins are counted per account *and client address* (allauth counts per
        account alone): five wrong passwords from one address still stop that address for
        five minutes, but someone who knows a coordinator's email can no longer keep the
        coordinator out. The address is the client's as ``ALLAUTH_TRUSTED_PROXY_COUNT`` /
        ``ALLAUTH_TRUSTED_CLIENT_IP_HEADER`` say, so behind the proxy it is not the proxy's.
        (allauth also uses this key to clear the count after a password reset.)"""
        account = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{account}:{get_client_ip(request) or ''}"

    def is_open_for_signup(self, request) -> bool:
        """Open signup is closed: partners join through an invitation from their
        organisation's admin or a coordinator, never on their own."""
        return False

    def set_password(self, user, password: str) -> None:
        """An account made for a newly approved organisation's contact has no usable
        password until they choose one by the emailed link; remember for the rest of the
        request that this is their first, so that they are welcomed rather than told their
        password "is now changed"."""
        first = not user.has_usable_password()
        super().set_password(user, password)
        if first and self.request is not None:
            setattr(self.request, _FIRST_PASSWORD, True)

    def add_message(
        self,
        request,
        level,
        message_template=None,
        message_context=None,
        extra_tags="",
        message=None,
    ) -> None:
        """After a first password, one welcome instead of "password changed" followed by
        "signed in as …" (with ``ACCOUNT_LOGIN_ON_PASSWORD_RESET`` they are logged in)."""
        if _is_first_password(request):
            if message_template == "account/messages/password_changed.txt":
                message_template = "account/messages/first_password_set.txt"
                message_context = {"logged_in": allauth_settings.LOGIN_ON_PASSWORD_RESET}
            elif message_template == "account/messages/logged_in.txt":
                return
        super().add_message(request, level, message_template, message_context, extra_tags, message)

    def get_login_redirect_url(self, request) -> str:
        """A new organisation admin logged in by choosing their first password starts on
        Mina sidor, where their organisation and what to do next are; everyone else goes
        where ``LOGIN_REDIRECT_URL`` says."""
        if _is_first_password(request):
            return reverse("my_pages")
        return super().get_login_redirect_url(request)


# --- Two-factor secrets, encrypted at rest ---------------------------------------------------


def _fernet() -> MultiFernet:
    """One Fernet per key of ``MFA_ENCRYPTION_KEYS`` (any text; a key is derived from it):
    the first encrypts, every one decrypts: a new key goes first and the old one stays
    listed, since secrets written with it are still read with it."""
    return MultiFernet(
        [
            Fernet(base64.urlsafe_b64encode(hashlib.sha256(key.encode()).digest()))
            for key in settings.MFA_ENCRYPTION_KEYS
        ]
    )


def encrypt_secret(text: str) -> str:
    return _fernet().encrypt(text.encode()).decode()


def decrypt_secret(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode()


class MFAAdapter(DefaultMFAAdapter):
    """The authenticator app's secret and the recovery codes' seed are stored encrypted
    (Fernet, with the key from ``MFA_ENCRYPTION_KEY``): a copy of the database alone does not
    give anyone the codes. Migration ``stakeholders.0006`` encrypted the secrets stored
    before."""

    def encrypt(self, text: str) -> str:
        return encrypt_secret(text)

    def decrypt(self, encrypted_text: str) -> str:
        return decrypt_secret(encrypted_text)
