"""A partner confirms a session from the weekly email's link on a phone (360 × 740), by
keyboard only: the link opens a confirm page (nothing changes on GET), Tab reaches the
participants field and the button, Enter confirms; the page says thank you, the database holds
one mark, the page is accessible and nothing scrolls sideways. Opening the link again shows
that it is used and changes nothing."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone

from initiatives.models import SessionMark
from initiatives.tasks import delivery_emails_enqueue
from tests import factories
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def emailed_link(organization):
    """The weekly email of an initiative with a Wednesday session last week; its "held" link."""
    initiative = factories.InitiativeFactory(
        title="Läxhjälp på biblioteket",
        lead_organization=organization,
        starts_on=timezone.localdate() - dt.timedelta(days=60),
        contact_email="kontakt@example.org",
    )
    factories.ScheduleSlotFactory(
        initiative=initiative, weekday=3, starts_at=dt.time(15), ends_at=dt.time(17)
    )
    assert delivery_emails_enqueue() == 1  # the test database commits: the email leaves
    body = mail.outbox[-1].body
    held, _cancelled = re.findall(r"https?://[^/\s]+(/\S+/[^/\s]+:[^/\s]+/)", body)
    return initiative, held


def test_a_partner_confirms_a_session_from_the_email_at_360_px_by_keyboard(
    browser, live_server, axe, emailed_link
):
    initiative, link = emailed_link
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(live_server.url + link)
    assert "held" in page.title().lower() or "genomfördes" in page.title().lower()
    assert not SessionMark.objects.exists()  # opening the link changes nothing
    assert_accessible(page, axe)
    width = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert width[0] <= width[1]

    # Keyboard only: Tab until the participants field has focus, type, Tab to the button.
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "participants":
            break
    page.keyboard.type("9")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "submit"
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert (
        "Thank you" in page.locator("h1").inner_text() or "Tack" in page.locator("h1").inner_text()
    )
    mark = SessionMark.objects.get()
    assert (mark.initiative_id, mark.outcome, mark.participants, mark.via) == (
        initiative.pk,
        "held",
        9,
        "email",
    )
    width = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert width[0] <= width[1]

    # The link again: used, nothing changed.
    page.goto(live_server.url + link)
    assert page.locator("h1").inner_text() in ("This link does not work", "Länken fungerar inte")
    assert SessionMark.objects.count() == 1
    context.close()
