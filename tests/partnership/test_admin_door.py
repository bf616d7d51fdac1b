"""The Django admin is not a second door (partnership/admin_site.py): it has no password form
of its own, logs in through the account login (rate limits, the second factor), opens only to
staff whose session passed the second factor, and ``ADMIN_ENABLED=False`` switches it off."""

import importlib

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.urls import clear_url_caches, reverse
from django.utils import translation

from tests import factories
from tests.helpers import log_in_through_the_forms, login_with_second_factor, totp_code

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _swedish():
    with translation.override("sv"):
        yield


@pytest.fixture
def superuser(db):
    user = factories.UserFactory(email="root@example.org", is_staff=True, is_superuser=True)
    factories.enable_totp(user)
    return user


def test_the_admin_login_is_the_account_login(client):
    response = client.get("/admin/", follow=True)

    assert [url for url, _ in response.redirect_chain] == [
        "/admin/login/?next=/admin/",
        reverse("account_login") + "?next=/admin/",
    ]


def test_a_password_posted_to_the_admin_login_logs_nobody_in(client, superuser):
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": superuser.email, "password": factories.PASSWORD},
    )

    assert response["Location"] == reverse("account_login") + "?next=/admin/"
    assert "_auth_user_id" not in client.session


def test_a_superuser_logs_in_with_password_and_app_and_lands_in_the_admin(client, superuser):
    client.get("/admin/login/?next=/admin/stakeholders/user/", follow=True)
    response = client.post(
        reverse("account_login") + "?next=/admin/stakeholders/user/",
        {"login": superuser.email, "password": factories.PASSWORD},
    )
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get("/admin/").status_code == 302, "not in before the code"

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(superuser)})

    assert response["Location"] == "/admin/stakeholders/user/"
    assert client.get("/admin/stakeholders/user/").status_code == 200


def test_a_password_only_staff_session_is_sent_to_the_second_factor(client, superuser):
    client.force_login(superuser)  # e.g. a session from before this rule

    response = client.get("/admin/", follow=True)

    assert response.redirect_chain[-1][0].startswith(reverse("mfa_reauthenticate"))
    response = client.post(
        reverse("mfa_reauthenticate") + "?next=/admin/", {"code": totp_code(superuser)}
    )
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_staff_without_an_app_are_sent_to_set_one_up(client):
    staff = factories.UserFactory(is_staff=True, is_superuser=True)
    log_in_through_the_forms(client, staff)

    response = client.get("/admin/", follow=True)

    assert response.redirect_chain[-1][0].startswith(reverse("mfa_activate_totp"))


def test_a_logged_in_non_staff_user_is_refused_without_a_loop(client, member):
    client.force_login(member)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403


def test_wrong_passwords_for_the_admin_hit_the_login_limits(client, superuser):
    cache.clear()
    for _ in range(5):
        client.post(
            reverse("account_login") + "?next=/admin/",
            {"login": superuser.email, "password": "wrong-password-1"},
        )
    response = client.post(
        reverse("account_login") + "?next=/admin/",
        {"login": superuser.email, "password": factories.PASSWORD},
    )
    cache.clear()
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_view_on_site_never_answers_500(client):
    """``/admin/r/<content type>/<id>/`` for every content type and some ids."""
    user = factories.UserFactory(is_staff=True, is_superuser=True)
    login_with_second_factor(client, user)
    statuses = {
        (content_type.pk, object_id): client.get(f"/admin/r/{content_type.pk}/{object_id}/")
        for content_type in ContentType.objects.all()
        for object_id in (user.pk, 999_999, "x")
    }
    assert {key: r.status_code for key, r in statuses.items() if r.status_code >= 500} == {}
    assert client.get("/admin/r/999999/1/").status_code == 404


def test_the_admin_can_be_switched_off(client, settings, superuser):
    import partnership.urls

    settings.ADMIN_ENABLED = False
    try:
        importlib.reload(partnership.urls)
        clear_url_caches()
        login_with_second_factor(client, superuser)
        assert client.get("/admin/").status_code == 404
        assert 'href="/admin/"' not in client.get("/").text
    finally:
        settings.ADMIN_ENABLED = True
        importlib.reload(partnership.urls)
        clear_url_caches()
    assert client.get("/admin/").status_code == 200
