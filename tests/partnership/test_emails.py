"""Emails leave after commit, in the recipient's language."""

import pytest
from django.db import transaction

from partnership.emails import email_send
from stakeholders.services import invitation_create

pytestmark = pytest.mark.django_db(transaction=True)


def test_email_is_sent_after_commit_in_the_recipients_language(mailoutbox, tmp_path, settings):
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    (tmp_path / "emails").mkdir()
    (tmp_path / "emails" / "hello_subject.txt").write_text(
        '{% load i18n %}{% translate "Swedish" %} {{ name }}\n'
    )
    (tmp_path / "emails" / "hello_body.txt").write_text("{{ site_url }}")

    with transaction.atomic():
        email_send(to="a@example.org", template="hello", context={"name": "A"}, language="en")
        email_send(to="b@example.org", template="hello", context={"name": "B"}, language="sv")
        assert mailoutbox == [], "nothing leaves before the commit"
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["a@example.org"], "Swedish A"),
        (["b@example.org"], "Svenska B"),
    ]

    with pytest.raises(RuntimeError), transaction.atomic():
        email_send(to="c@example.org", template="hello", context={"name": "C"})
        raise RuntimeError("rolled back")
    assert len(mailoutbox) == 2, "a rolled-back change sends nothing"


TRICKY_NAME = "Test & Co \"Bästa\" 'Vänner' <Vårby>"


def test_emails_are_plain_text_nothing_is_html_escaped(mailoutbox, tmp_path, settings):
    """Once for every email, not per template: a template without ``autoescape off`` too."""
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    (tmp_path / "emails").mkdir()
    (tmp_path / "emails" / "plain_subject.txt").write_text(
        "{% load i18n %}{% blocktranslate with name=name %}About {{ name }}{% endblocktranslate %}"
    )
    (tmp_path / "emails" / "plain_body.txt").write_text("{{ name }}\n{{ name|upper }}\n")

    with transaction.atomic():
        email_send(to="a@example.org", template="plain", context={"name": TRICKY_NAME})

    [message] = mailoutbox
    assert message.subject == f"About {TRICKY_NAME}"
    assert message.body == f"{TRICKY_NAME}\n{TRICKY_NAME.upper()}\n"
    assert "&amp;" not in message.subject + message.body
    assert "&quot;" not in message.body and "&#x27;" not in message.body


def test_an_invitation_names_the_organisation_as_written(mailoutbox, org_admin, organization):
    """The invitation's subject had no ``autoescape off``: "Test &amp; Co" reached inboxes."""
    organization.name = TRICKY_NAME
    organization.save()
    with transaction.atomic():
        invitation_create(
            organization=organization,
            email="ny@example.org",
            role="member",
            invited_by=org_admin,
            language="sv",
        )

    [message] = mailoutbox
    assert message.subject == f"Inbjudan till {TRICKY_NAME}"
    assert f"har bjudit in dig till {TRICKY_NAME} i " in message.body
    for entity in ("&amp;", "&quot;", "&#x27;", "&#39;", "&lt;", "&gt;"):
        assert entity not in message.subject + message.body
