"""Limits on what anonymous visitors may make the portal do (send an email), counted in
Django's cache (the database cache: shared by every app server), and the client's address as
the login limits see it.

allauth's login, sign-up and password-reset limits count by the same address
(:func:`client_ip`): behind the TLS proxy every visitor would otherwise share the proxy's.
"""

import hashlib

from allauth.account.adapter import get_adapter
from django.core.cache import cache


def client_ip(request) -> str:
    """The client's address by the rule allauth's limits use: the trusted proxy's header
    (``ALLAUTH_TRUSTED_PROXY_COUNT`` or ``ALLAUTH_TRUSTED_CLIENT_IP_HEADER``, see README,
    "Behind a proxy"), otherwise ``REMOTE_ADDR``."""
    return get_adapter(request).get_client_ip(request)


def limit_reached(action: str, key: str, *, limit: int, period: int) -> bool:
    """Count one more ``action`` by ``key`` (a client address, an email address) and say
    whether it goes over ``limit`` in the current window of ``period`` seconds. A fixed
    window: at most ``limit`` in any window, at most twice that across a window's edge."""
    digest = hashlib.sha256(f"{action}:{key}".lower().encode()).hexdigest()
    name = f"limit:{digest}"
    cache.add(name, 0, timeout=period)
    try:
        count = cache.incr(name)
    except ValueError:  # expired between add and incr: a new window
        cache.set(name, 1, timeout=period)
        count = 1
    return count > limit
