"""Emails leave after commit, in the recipient's language."""

import pytest
from django.db import transaction

from partnership.emails import email_send

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
