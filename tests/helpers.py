"""What every test file shares (one of each, never a private copy in a test file):
counting a page's queries and logging in as one of the cast (``tests/conftest.py``)."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pyotp
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partnership.demo.benchmark import pass_second_factor


def query_count(
    client,
    url: str,
    params: dict | None = None,
    *,
    status: int = 200,
    with_response: bool = False,
):
    """The number of SQL queries one GET of ``url`` takes (asserting its status first).

    A streamed response (CSV, calendar) runs its queries while it is sent, so it is read to
    the end inside the count. ``with_response=True`` returns ``(count, response)``, for tests
    that also check what the page showed.
    """
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
        if response.streaming:
            # Keep the bytes: the test may read the body after the count.
            response.streaming_content = [b"".join(response.streaming_content)]
    assert response.status_code == status, (url, response.status_code)
    return (len(queries), response) if with_response else len(queries)


def login_with_second_factor(client, user):
    """Log the test client in as ``user`` in a session that passed the second factor, as
    allauth records a password login followed by a code from the authenticator app (the
    user is given an app if they have none). What coordinator powers need
    (``partnership.permissions``); ``client.force_login`` alone gives membership rights.
    tests/partnership/test_second_factor.py proves the real login flow gives the same."""
    from tests.factories import enable_totp

    authenticator = Authenticator.objects.filter(
        user=user, type=Authenticator.Type.TOTP
    ).first() or enable_totp(user)
    return pass_second_factor(client, user, authenticator)


def totp_code(user, *, at: float | None = None) -> str:
    """The code the user's authenticator app shows (now, or at the time ``at``), computed
    with pyotp from the secret allauth stored (encrypted) for them."""
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    secret = get_mfa_adapter().decrypt(authenticator.data["secret"])
    return pyotp.TOTP(secret).at(at if at is not None else time.time())


def log_in_through_the_forms(client, user, *, password: str | None = None, **headers):
    """Log in as a person does: allauth's login form, then, for a user with an authenticator
    app, a code from it. Returns the last response (``headers`` go with every request, e.g.
    a proxy's ``HTTP_X_FORWARDED_FOR``)."""
    from tests.factories import PASSWORD

    response = client.post(
        reverse("account_login"),
        {"login": user.email, "password": password or PASSWORD},
        **headers,
    )
    if response.status_code == 302 and response["Location"] == reverse("mfa_authenticate"):
        response = client.post(reverse("mfa_authenticate"), {"code": totp_code(user)}, **headers)
    return response


# Roles of the cast logged in with a session that passed the second factor (given an
# authenticator app if they have none). "coordinator_without_mfa" is logged in with the
# password alone: a coordinator with their membership rights only.
SECOND_FACTOR_ROLES = {"coordinator", "coordinator_with_mfa"}


def login_as(client, request, role: str):
    """Log the test client in as a fixture of the cast, by name ("member", "coordinator" …);
    "resident" stays anonymous; "coordinator" and "coordinator_with_mfa" in a session that
    passed the second factor (:func:`login_with_second_factor`). Returns the client (for
    parametrised role tests)."""
    if role in SECOND_FACTOR_ROLES:
        login_with_second_factor(client, request.getfixturevalue(role))
    elif role != "resident":
        client.force_login(request.getfixturevalue(role))
    return client


def manage_setting(name: str, **env: str) -> str:
    """A setting's value as ``manage.py`` sees it with the given environment variables (the
    settings module read afresh, in a subprocess)."""
    code = f"from django.conf import settings; print(settings.{name})"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=Path(__file__).resolve().parents[1],
        env={**{k: v for k, v in os.environ.items() if k not in env}, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def mark_session(initiative, day, start, end, outcome="held", **fields):
    """A session of ``initiative`` on ``day`` from ``start`` to ``end`` marked as the delivery
    page marks it (``outcome``: held, cancelled or moved, with ``moved_*`` in ``fields``)."""
    from initiatives.models import SessionMark

    return SessionMark.objects.create(
        initiative=initiative,
        on_date=day,
        starts_at=start,
        ends_at=end,
        outcome=outcome,
        via="page",
        **fields,
    )
