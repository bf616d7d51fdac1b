"""Defence in depth (issue 18, item 8; issue 17's phone numbers): a request body cap before
anything reads the body, ``Permissions-Policy`` on every response, ``Cache-Control: private,
no-store`` on what depends on a session (and not on anonymous public pages), a CSV guard
that quotes every cell a ";"-reading would split and leaves phone numbers alone, and email
subjects without HTML escaping."""

import csv
import io

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import translation

from partnership.emails import email_send
from stakeholders.exports import CsvWriter, csv_safe
from tests import factories

pytestmark = pytest.mark.django_db


# --- Permissions-Policy and Cache-Control --------------------------------------------------------


@pytest.mark.parametrize("url", ["/", "/en/", "/healthz", "/en/initiatives/", "/no-such-page/"])
def test_every_response_carries_a_permissions_policy(client, url):
    response = client.get(url)
    policy = response["Permissions-Policy"]
    assert "camera=()" in policy and "microphone=()" in policy and "geolocation=()" in policy


@pytest.mark.parametrize("url", ["/en/", "/en/initiatives/", "/en/ni-sa-vi-gjorde/"])
def test_anonymous_public_pages_stay_cacheable(client, url):
    response = client.get(url)
    assert response.status_code in (200, 404)
    assert "no-store" not in response.get("Cache-Control", "")
    assert "private" not in response.get("Cache-Control", "")


@pytest.mark.parametrize("url", ["/en/", "/en/initiatives/", "/en/my-pages/"])
def test_a_logged_in_users_pages_are_private_and_not_stored(client, member, url):
    client.force_login(member)
    response = client.get(url)
    assert response.status_code in (200, 302)
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control


def test_a_login_response_is_private_and_not_stored(client, member):
    """The answer that sets the session cookie is the session's too."""
    response = client.post(
        "/en/accounts/login/", {"login": member.email, "password": factories.PASSWORD}
    )
    assert response.status_code == 302
    assert settings.SESSION_COOKIE_NAME in response.cookies
    assert "no-store" in response["Cache-Control"]


# --- The request body cap ------------------------------------------------------------------------


def _apply_url():
    with translation.override("en"):
        return reverse("stakeholders:apply")


def test_a_body_over_the_cap_is_refused_before_it_is_read(client, settings):
    settings.REQUEST_BODY_MAX_BYTES = 1000
    response = client.post(_apply_url(), data="x" * 2000, content_type="application/octet-stream")
    assert response.status_code == 413
    assert response["Permissions-Policy"]


def test_a_body_within_the_cap_is_read(client, settings):
    settings.REQUEST_BODY_MAX_BYTES = 10_000
    response = client.post(_apply_url(), {"name": ""})
    assert response.status_code == 400  # the form's errors: the body was read


def test_the_caps_are_set(settings):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= settings.REQUEST_BODY_MAX_BYTES
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= settings.REQUEST_BODY_MAX_BYTES


# --- The CSV guard -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("+46 8 735 37 70", "+46 8 735 37 70"),  # a phone number is no formula
        ("-12.5", "-12.5"),
        ("08-735 37 70", "08-735 37 70"),
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3+cmd|x", "'-2+3+cmd|x"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("+", "'+"),
        ("Läxhjälp", "Läxhjälp"),
    ],
)
def test_the_formula_guard_guards_formulas_not_phone_numbers(value, written):
    assert csv_safe(value) == written


def _line(row) -> str:
    out = io.StringIO()
    CsvWriter(out).writerow(row)
    return out.getvalue()


def test_a_cell_a_semicolon_reading_would_split_is_quoted():
    line = _line(["Fotboll;=HYPERLINK(1)", "a\tb", "x|y", "plain", 3, 'say "hi"'])
    assert line == '"Fotboll;=HYPERLINK(1)","a\tb","x|y",plain,3,"say ""hi"""\r\n'
    # Excel in Swedish reads ";": the quoted cell stays one cell, never a formula of its own.
    (cells,) = csv.reader(io.StringIO(line), delimiter=";")
    assert not any(cell.startswith("=") for cell in cells)
    (cells,) = csv.reader(io.StringIO(line))
    assert cells == ["Fotboll;=HYPERLINK(1)", "a\tb", "x|y", "plain", "3", 'say "hi"']


def test_the_directory_csv_keeps_a_public_phone_number(client, member, organization):
    organization.public_phone = "+46 8 735 37 70"
    organization.description = "x"
    organization.save()
    client.force_login(member)
    with translation.override("en"):
        response = client.get(reverse("stakeholders:export_csv"))
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    assert "+46 8 735 37 70" in text.decode("utf-8-sig")
    assert "'+46" not in text.decode("utf-8-sig")


# --- Email subjects ------------------------------------------------------------------------------


def test_an_email_subject_is_not_html_escaped(django_capture_on_commit_callbacks):
    organization = factories.OrganizationFactory(name="Test & Co")
    with django_capture_on_commit_callbacks(execute=True):
        email_send(
            to="x@example.org",
            template="initiative_join_requested",
            context={"organization": organization, "initiative": factories.InitiativeFactory()},
        )
    (message,) = mail.outbox
    assert "Test & Co" in message.subject and "&amp;" not in message.subject
