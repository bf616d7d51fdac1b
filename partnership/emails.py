"""Sending the portal's emails: after the transaction commits, in the recipient's language.

Every email is a pair of templates, ``emails/<name>_subject.txt`` (one line) and
``emails/<name>_body.txt``, rendered with ``translation.override(language)`` so that a
Swedish coordinator's action can email an English-speaking partner in English.

The emails are plain text, so nothing in them is HTML-escaped: an organisation called
"Test & Co" is "Test & Co" in the subject, never "Test &amp; Co". The templates are rendered
with autoescaping off here, once for every email, rather than in each template.
"""

from collections.abc import Sequence

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template import Context, engines
from django.utils import translation


def _render_plain_text(template_name: str, context: dict) -> str:
    """Render one email template as plain text: the project's engine, without autoescaping."""
    template = engines["django"].engine.get_template(template_name)
    return template.render(Context(context, autoescape=False))


def email_send(
    *,
    to: str,
    template: str,
    context: dict,
    language: str | None = None,
    attachments: Sequence[tuple[str, str | bytes, str]] = (),
) -> None:
    """Queue one email to ``to``; it leaves only if the surrounding transaction commits.
    ``attachments`` are (file name, content, MIME type), e.g. a calendar invitation."""
    language = language or settings.LANGUAGE_CODE
    context = {"site_url": settings.SITE_URL, "portal_name": settings.PORTAL_NAME, **context}

    def send() -> None:
        with translation.override(language):
            subject = _render_plain_text(f"emails/{template}_subject.txt", context)
            body = _render_plain_text(f"emails/{template}_body.txt", context)
        message = EmailMessage(" ".join(subject.split()), body, None, [to])
        for name, content, mimetype in attachments:
            message.attach(name, content, mimetype)
        message.send()

    transaction.on_commit(send)
