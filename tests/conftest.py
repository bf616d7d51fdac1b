"""The fixed cast every view is tested with (docs/architecture.md, "Tests"), and browser set-up.

``resident`` is anonymous; ``member`` and ``org_admin`` belong to ``organization``;
``outsider`` is a member of ``other_organization``; ``coordinator`` runs the partnership.

Coordinator powers need a session that passed the second factor (partnership/permissions.py):
``coordinator_client`` (or ``helpers.login_with_second_factor`` / ``login_as``) gives one;
``client.force_login(coordinator)`` gives the coordinator their membership rights only. The
``coordinator`` object itself is marked as passed, so that permission helpers called with it
directly judge a coordinator acting in such a session.
"""

import os

import pytest
from django.utils import translation

from partnership.permissions import mark_second_factor
from stakeholders.models import Membership
from tests import factories
from tests.helpers import login_with_second_factor

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls
# from such a thread unless told that this is deliberate (tests only).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """The manifest storage 404s on files never collected; tests serve them as they are."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Every test user's password is hashed; the slow production hasher proves nothing here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the portal's default language, Swedish. A request leaves the
    language it was answered in active in the thread (LocaleMiddleware activates, nothing
    deactivates), so without this a test's ``reverse()`` would depend on the test before."""
    translation.activate("sv")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    """Background tasks (django.tasks) run at once, in the test, instead of in a worker."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _empty_page_cache():
    """Each test starts with an empty page cache (partnership/page_cache.py): a test's
    rolled-back writes leave the generation where the previous test found it, so pages kept
    by another test would otherwise match."""
    from partnership.page_cache import forget_pages

    forget_pages()
    yield
    forget_pages()


@pytest.fixture
def monkeypatch(monkeypatch):
    """pytest's ``monkeypatch``; each patch also empties the page cache, so that the next
    request renders with the patched code (in production code does not change at run time)."""
    from partnership.page_cache import forget_pages

    for name in ("setattr", "delattr", "setitem", "delitem"):
        original = getattr(monkeypatch, name)

        def patch_and_forget(*args, _original=original, **kwargs):
            result = _original(*args, **kwargs)
            forget_pages()
            return result

        setattr(monkeypatch, name, patch_and_forget)
    return monkeypatch


@pytest.fixture
def resident(client):
    """An anonymous visitor: the test client without a login."""
    return client


@pytest.fixture
def organization(db):
    return factories.OrganizationFactory(name="Stiftelsen Testbostäder", kind="property_owner")


@pytest.fixture
def other_organization(db):
    return factories.OrganizationFactory(name="Föreningen Andra", kind="association")


@pytest.fixture
def member(organization):
    user = factories.UserFactory(email="member@example.org", first_name="Maja")
    factories.MembershipFactory(user=user, organization=organization, role=Membership.Role.MEMBER)
    return user


@pytest.fixture
def org_admin(organization):
    user = factories.UserFactory(email="admin@example.org", first_name="Adam")
    factories.MembershipFactory(user=user, organization=organization, role=Membership.Role.ADMIN)
    return user


@pytest.fixture
def outsider(other_organization):
    user = factories.UserFactory(email="outsider@example.org", first_name="Otto")
    factories.MembershipFactory(user=user, organization=other_organization)
    return user


@pytest.fixture
def coordinator(db):
    """A coordinator, as a session that passed the second factor sees them (the mark);
    without an authenticator app until ``coordinator_with_mfa``."""
    user = factories.UserFactory(email="coordinator@example.org", is_coordinator=True)
    return mark_second_factor(user, True)


@pytest.fixture
def coordinator_with_mfa(coordinator):
    """A coordinator with an authenticator app: what the coordinator pages require."""
    factories.enable_totp(coordinator)
    return coordinator


@pytest.fixture
def coordinator_without_mfa(db):
    """A coordinator without an authenticator app, as a password-only session sees them:
    their membership rights only (none: they belong to no organisation)."""
    return factories.UserFactory(email="coordinator.without.mfa@example.org", is_coordinator=True)


@pytest.fixture
def coordinator_client(client, coordinator_with_mfa):
    """The test client, logged in as a coordinator with an authenticator app, in a session
    that passed the second factor: with the coordinator's powers."""
    return login_with_second_factor(client, coordinator_with_mfa)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, never a downloaded browser (the Makefile installs it with apt)."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }
