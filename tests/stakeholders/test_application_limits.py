"""The anonymous application form is no open mail relay (issue 18, item 5): applications are
limited per client (by the address the login limits use, behind the proxy too) and per
contact address, counted by the emails that leave; the applicant's text stays out of the
subject and is quoted in the body as what the form received, not as the portal's words."""

import pytest
from django.urls import reverse
from django.utils import translation

from stakeholders import services
from stakeholders.models import Organization
from tests import factories

pytestmark = pytest.mark.django_db

PER_CLIENT, _ = services.APPLICATIONS_PER_CLIENT
PER_ADDRESS, _ = services.APPLICATIONS_PER_ADDRESS


def _url():
    with translation.override("en"):
        return reverse("stakeholders:apply")


def _data(n, email="victim@example.org", name=None):
    return {
        "name": name or f"Förening {n}",
        "kind": "association",
        "description": "Vi gör något.",
        "contact_name": "Sara Lind",
        "contact_email": email,
    }


def _apply(client, data, capture, **headers):
    with capture(execute=True):
        return client.post(_url(), data, **headers)


def test_one_address_gets_at_most_a_few_applications(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    statuses = [
        _apply(
            client, _data(n), django_capture_on_commit_callbacks, REMOTE_ADDR=f"10.0.0.{n}"
        ).status_code
        for n in range(PER_ADDRESS + 3)
    ]
    assert statuses == [302] * PER_ADDRESS + [429] * 3
    assert len(mailoutbox) == PER_ADDRESS
    assert Organization.objects.count() == PER_ADDRESS
    refused = _apply(client, _data(99), django_capture_on_commit_callbacks, REMOTE_ADDR="10.0.1.1")
    form = refused.context["form"]
    assert (
        "Several applications have been sent to this address today"
        in form.errors["contact_email"][0]
    )
    assert 'value="Förening 99"' in refused.text  # the input is kept
    assert len(mailoutbox) == PER_ADDRESS


def test_one_client_sends_at_most_its_limit(client, mailoutbox, django_capture_on_commit_callbacks):
    statuses = [
        _apply(
            client, _data(n, email=f"c{n}@example.org"), django_capture_on_commit_callbacks
        ).status_code
        for n in range(PER_CLIENT + 2)
    ]
    assert statuses == [302] * PER_CLIENT + [429] * 2
    assert len(mailoutbox) == PER_CLIENT


def test_behind_the_proxy_clients_are_told_apart_by_the_forwarded_address(
    client, settings, mailoutbox, django_capture_on_commit_callbacks
):
    """Every request reaches the portal from the proxy (one REMOTE_ADDR); the proxy puts the
    client's address in X-Forwarded-For. One client over its limit does not stop another."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    for n in range(PER_CLIENT):
        response = _apply(
            client,
            _data(n, email=f"a{n}@example.org"),
            django_capture_on_commit_callbacks,
            HTTP_X_FORWARDED_FOR="203.0.113.7",
            **proxy,
        )
        assert response.status_code == 302
    spoofing = _apply(
        client,
        _data(50, email="a50@example.org"),
        django_capture_on_commit_callbacks,
        HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7",  # the client's own header is ignored
        **proxy,
    )
    assert spoofing.status_code == 429
    other = _apply(
        client,
        _data(51, email="b@example.org"),
        django_capture_on_commit_callbacks,
        HTTP_X_FORWARDED_FOR="198.51.100.2",
        **proxy,
    )
    assert other.status_code == 302
    assert len(mailoutbox) == PER_CLIENT + 1


def test_the_applicants_text_stays_out_of_the_subject_and_is_quoted_in_the_body(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    bait = "Vinn en iPhone på https://evil.example/"
    response = _apply(
        client,
        {**_data(1, name=bait), "contact_name": "Kalle\n\nKlicka här: https://evil.example/x"},
        django_capture_on_commit_callbacks,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302
    (message,) = mailoutbox
    assert "evil" not in message.subject and "iPhone" not in message.subject
    body = message.body
    assert f"    Organisation: “{bait}”" in body
    assert "    Contact person: “Kalle Klicka här: https://evil.example/x”" in body
    assert "as it was typed into the form" in body
    assert body.index("typed into the form") < body.index(bait)


def test_the_rejection_quotes_the_applicants_text_and_keeps_it_out_of_the_subject(
    coordinator_with_mfa, mailoutbox, django_capture_on_commit_callbacks
):
    """A rejected spam application emails its target once more: with the same care."""
    bait = "Vinn en iPhone på https://evil.example/"
    applying = factories.OrganizationFactory(
        name=bait, status="pending", contact_email="victim@example.org", contact_language="en"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.organization_reject(
            organization=applying, actor=coordinator_with_mfa, reason="Inte en organisation."
        )
    (message,) = mailoutbox
    assert "iPhone" not in message.subject
    assert f"typed into the application form:\n\n    “{bait}”" in message.body
