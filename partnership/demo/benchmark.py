"""What the benchmark commands (and the tests) share: a test client logged in as a
coordinator in a session that passed the second factor, as allauth records a password
login followed by a code from the authenticator app (coordinator pages need one:
partnership/permissions.py)."""

import time

from allauth.account.internal.flows.login import (
    _AUTHENTICATION_METHODS_USER_SESSION_KEY,
    AUTHENTICATION_METHODS_SESSION_KEY,
)
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.test import Client


def pass_second_factor(client: Client, user, authenticator) -> Client:
    """Log ``client`` in as ``user`` in a session recorded as password + ``authenticator``."""
    client.force_login(user)
    session = client.session
    now = time.time()
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": now, "email": user.email},
        {"method": "mfa", "at": now, "id": authenticator.pk, "type": authenticator.type},
    ]
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    session.save()
    return client


def coordinator_client(user) -> Client:
    """A client for ``user`` (a coordinator), given an authenticator app and a session that
    passed it. Call inside the benchmark's rolled-back transaction."""
    authenticator = TOTP.activate(user, generate_totp_secret()).instance
    client = Client(HTTP_HOST=(settings.ALLOWED_HOSTS or ["localhost"])[0])
    return pass_second_factor(client, user, authenticator)
