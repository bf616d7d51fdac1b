"""Every form of the portal answers a submission with errors the same way (issue 19):
400 Bad Request, the page shown again with the errors next to their fields and the input
kept. The portal's views set the status; allauth's pages (login, password, two-factor) get it
from ``partnership.middleware.InvalidFormStatusMiddleware``."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from tests import factories

pytestmark = pytest.mark.django_db


def en(name, **kwargs):
    with translation.override("en"):
        return reverse(name, kwargs=kwargs)


# (form, who submits it, url(objects), bad data, a message the page shows)
FORMS = [
    (
        "my details",
        "member",
        lambda o: en("my_profile"),
        {"language": "xx"},
        "Select a valid choice",
    ),
    (
        "delete my account",
        "member",
        lambda o: en("my_account_delete"),
        {"password": "wrong"},
        "That is not your password.",
    ),
    (
        "apply to join",
        "resident",
        lambda o: en("stakeholders:apply"),
        {"name": "Ny förening"},
        "This field is required.",
    ),
    (
        "organisation profile",
        "org_admin",
        lambda o: en("stakeholders:profile", slug=o["organization"].slug),
        {"description": "Kvar", "public_email": "not-an-email", "version": "1"},
        "Enter a valid email address.",
    ),
    (
        "invite a member",
        "org_admin",
        lambda o: en("stakeholders:invite", slug=o["organization"].slug),
        {"email": "not-an-email", "role": "member"},
        "Enter a valid email address.",
    ),
    (
        "register an initiative",
        "member",
        lambda o: en("initiatives:create"),
        {"title": "Kvar"},
        "This field is required.",
    ),
    (
        "edit an initiative",
        "member",
        lambda o: en("initiatives:edit", slug=o["initiative"].slug),
        {"title": "", "version": "1"},
        "This field is required.",
    ),
    (
        "post an update",
        "member",
        lambda o: en("initiatives:update_create", slug=o["initiative"].slug),
        {},
        "This field is required.",
    ),
    (
        "ask to join",
        "outsider",
        lambda o: en("initiatives:join", slug=o["initiative"].slug),
        {"organization": "0", "message": "Kvar"},
        "Choose one of your organisations",
    ),
    (
        "record a problem",
        "member",
        lambda o: en("problems:create"),
        {"title": "Kvar"},
        "This field is required.",
    ),
    (
        "edit a problem",
        "member",
        lambda o: en("problems:edit", public_id=o["problem"].public_id),
        {"title": "", "version": "1"},
        "This field is required.",
    ),
    (
        "take responsibility",
        "member",
        lambda o: en("problems:responsibility", public_id=o["problem"].public_id),
        {},
        "This field is required.",
    ),
    (
        "change a problem's status",
        "member",
        lambda o: en("problems:status", public_id=o["problem"].public_id),
        {"status": "resolved"},
        "Say what was done, or why the problem is dismissed.",
    ),
    (
        "link an initiative",
        "member",
        lambda o: en("problems:link_initiative", public_id=o["problem"].public_id),
        {},
        "This field is required.",
    ),
    (
        "import a safety walk",
        "member",
        lambda o: en("problems:walk_import"),
        {},
        "This field is required.",
    ),
    (
        "reject an application",
        "coordinator_client",
        lambda o: en("coordinator:decide", slug=o["applying"].slug, decision="reject"),
        {"reason": "   "},
        "This field is required.",
    ),
]


@pytest.fixture
def objects(organization):
    area = factories.AreaFactory()
    return {
        "organization": organization,
        "initiative": factories.InitiativeFactory(lead_organization=organization, areas=[area]),
        "problem": factories.ProblemFactory(recorded_by_organization=organization, area=area),
        "applying": factories.OrganizationFactory(status="pending"),
    }


@pytest.mark.parametrize(
    ("who", "url", "data", "message"),
    [row[1:] for row in FORMS],
    ids=[row[0] for row in FORMS],
)
def test_a_submission_with_errors_answers_400_with_the_errors_shown(
    client, request, objects, who, url, data, message
):
    if who == "coordinator_client":
        client = request.getfixturevalue(who)
    elif who != "resident":
        client.force_login(request.getfixturevalue(who))
    response = client.post(url(objects), data)
    assert response.status_code == 400, response.status_code
    html = response.text
    assert re.search(r'class="errorlist[^"]*"', html), "the errors are shown on the page"
    assert message in html
    assert "<form" in html, "the form is shown again"


def test_allauth_pages_answer_a_submission_with_errors_with_400_too(client, member):
    """The login with a wrong password, the password reset with a bad address and the
    two-factor set-up with a wrong code: 400 with the error shown, like every other form."""
    login = client.post(en("account_login"), {"login": member.email, "password": "fel"})
    assert login.status_code == 400
    assert "The email address and/or password you specified are not correct." in login.text

    reset = client.post(en("account_reset_password"), {"email": "not-an-email"})
    assert reset.status_code == 400
    assert "Enter a valid email address." in reset.text

    # Logged in just now, so the set-up asks for no password again (see stakeholders/mfa.py).
    client.post(en("account_login"), {"login": member.email, "password": factories.PASSWORD})
    assert client.get(en("mfa_activate_totp")).status_code == 200  # the form, not yet sent
    wrong = client.post(en("mfa_activate_totp"), {"code": "000000"})
    assert wrong.status_code == 400
    assert "The code did not match." in wrong.text


def test_the_same_pages_answer_200_or_move_on_when_nothing_is_wrong(client, member):
    assert client.get(en("account_login")).status_code == 200
    sent = client.post(en("account_reset_password"), {"email": member.email})
    assert sent.status_code == 302  # on to "we have sent you an email"
