"""The delivery log (issue 13): sessions computed from slots, marking on the page and from the
weekly email's signed links, who may mark, calendar feeds (EXDATE, moved, paused), the
initiative page's record, Mina sidor's sessions to confirm, and query counts that do not grow
with the number of sessions."""

import datetime as dt
import re
from unittest import mock

import pytest
from django.core import mail, signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from initiatives import delivery, permissions
from initiatives.models import DeliveryEmailWeek, Initiative, SessionMark
from initiatives.tasks import delivery_emails_enqueue
from tests import factories
from tests.helpers import login_with_second_factor

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def days_ago(n: int) -> dt.date:
    return TODAY() - dt.timedelta(days=n)


@pytest.fixture
def initiative(organization, partner_organization):
    """Led by ``organization``, with ``partner_organization``; one slot three days ago
    (10:00–12:00, long ended) and one two days ahead (18:00–20:00)."""
    item = factories.InitiativeFactory(
        title="Läxhjälp",
        lead_organization=organization,
        starts_on=days_ago(60),
        contact_email="kontakt@example.org",
        themes=[factories.ThemeFactory()],
        areas=[factories.AreaFactory()],
    )
    item.partner_organizations.add(partner_organization)
    factories.ScheduleSlotFactory(
        initiative=item,
        weekday=days_ago(3).isoweekday(),
        starts_at=dt.time(10),
        ends_at=dt.time(12),
    )
    factories.ScheduleSlotFactory(
        initiative=item,
        weekday=days_ago(-2).isoweekday(),
        starts_at=dt.time(18),
        ends_at=dt.time(20),
    )
    return item


def key(day: dt.date, hour: int) -> str:
    return delivery.session_key(day, dt.time(hour))


def url(initiative, suffix="") -> str:
    return f"/en/initiatives/{initiative.slug}/delivery/{suffix}"


# --- Sessions from slots -------------------------------------------------------------------------


def test_sessions_are_the_slots_on_dates_in_the_period(initiative):
    sessions = delivery.sessions_between(initiative, days_ago(13), days_ago(-3))
    assert [(s.on_date, s.starts_at) for s in sessions] == sorted(
        [(days_ago(3), dt.time(10)), (days_ago(10), dt.time(10))]
        + [(days_ago(-2), dt.time(18)), (days_ago(5), dt.time(18)), (days_ago(12), dt.time(18))]
    )
    assert delivery.find_session(initiative, days_ago(3), dt.time(10)) is not None
    # Outside the period, or at a time no slot starts: no session.
    assert delivery.find_session(initiative, days_ago(66), dt.time(10)) is None
    assert delivery.find_session(initiative, days_ago(3), dt.time(11)) is None
    assert delivery.find_session(initiative, days_ago(2), dt.time(10)) is None


def test_a_session_past_midnight_ends_the_next_day(organization):
    item = factories.InitiativeFactory(lead_organization=organization, starts_on=days_ago(30))
    friday = days_ago(7 + (TODAY().isoweekday() - 5) % 7)
    factories.ScheduleSlotFactory(
        initiative=item, weekday=5, starts_at=dt.time(21), ends_at=dt.time(1)
    )
    session = delivery.find_session(item, friday, dt.time(21))
    assert session.ends.date() == friday + dt.timedelta(days=1)
    assert session.ends.time() == dt.time(1)
    assert session.state() == "unconfirmed"


def test_states_follow_the_clock(initiative):
    past = delivery.find_session(initiative, days_ago(3), dt.time(10))
    assert past.state() == "unconfirmed"
    assert past.state(now=past.ends + dt.timedelta(hours=47)) == "due"
    assert past.state(now=past.starts - dt.timedelta(minutes=1)) == "upcoming"
    assert past.state(now=past.starts + dt.timedelta(minutes=1)) == "running"


# --- Marking on the delivery page ----------------------------------------------------------------


def test_member_marks_a_session_held_with_one_click_and_again_updates(client, member, initiative):
    client.force_login(member)
    page = client.get(url(initiative))
    assert page.status_code == 200
    assert "To confirm" in page.content.decode() or "Unconfirmed" in page.content.decode()
    response = client.post(url(initiative), {"session": key(days_ago(3), 10), "outcome": "held"})
    assert response.status_code == 302
    mark = SessionMark.objects.get()
    assert (mark.on_date, mark.outcome, mark.marked_by, mark.via) == (
        days_ago(3),
        "held",
        member,
        "page",
    )
    client.post(url(initiative), {"session": key(days_ago(3), 10), "outcome": "cancelled"})
    assert SessionMark.objects.get().outcome == "cancelled"
    assert SessionMark.objects.count() == 1


@pytest.mark.parametrize(
    "session",
    [
        key(dt.date(2000, 1, 3), 10),  # before the period
        "20260231-1000",  # no such date
        "nonsense",
        "x" * 5000,
    ],
)
def test_marking_outside_the_period_or_a_bad_session_is_refused(
    client, member, initiative, session
):
    client.force_login(member)
    response = client.post(url(initiative), {"session": session, "outcome": "held"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "<title>Error: " in body
    assert 'role="alert"' in body
    assert not SessionMark.objects.exists()


def test_marking_a_time_no_slot_starts_is_refused(client, member, initiative):
    client.force_login(member)
    response = client.post(url(initiative), {"session": key(days_ago(3), 11), "outcome": "held"})
    assert response.status_code == 400
    assert "has no session on that day at that time" in response.content.decode()
    assert client.get(url(initiative, key(days_ago(3), 11) + "/")).status_code == 404
    assert not SessionMark.objects.exists()


def test_an_upcoming_session_can_be_cancelled_but_not_held(client, member, initiative):
    client.force_login(member)
    coming = key(days_ago(-2), 18)
    response = client.post(url(initiative), {"session": coming, "outcome": "held"})
    assert response.status_code == 400
    assert "before it starts" in response.content.decode()
    client.post(url(initiative), {"session": coming, "outcome": "cancelled"})
    assert SessionMark.objects.get().outcome == "cancelled"


def test_the_session_form_records_a_move_and_shows_errors_the_govuk_way(client, member, initiative):
    client.force_login(member)
    page = url(initiative, key(days_ago(3), 10) + "/")
    response = client.post(page, {"outcome": "moved", "participants": "-3", "observation": "ok"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "<title>Error: " in body
    assert 'href="#id_moved_on"' in body and 'href="#id_participants"' in body
    assert "ok</textarea>" in body  # input kept
    response = client.post(
        page,
        {
            "outcome": "moved",
            "moved_on": days_ago(2).isoformat(),
            "moved_starts_at": "21:00",
            "moved_ends_at": "01:00",
            "participants": "8",
            "observation": "Flyttade till kvällen på grund av regn.",
        },
    )
    assert response.status_code == 302
    mark = SessionMark.objects.get()
    assert (mark.outcome, mark.moved_on, mark.moved_ends_at, mark.participants) == (
        "moved",
        days_ago(2),
        dt.time(1),
        8,
    )


def test_observation_is_limited(client, member, initiative):
    client.force_login(member)
    page = url(initiative, key(days_ago(3), 10) + "/")
    response = client.post(page, {"outcome": "held", "observation": "x" * 301})
    assert response.status_code == 400
    response = client.post(page, {"outcome": "held", "observation": "a\x00b"})
    assert response.status_code == 400
    assert not SessionMark.objects.exists()


def test_an_observation_names_places_not_people(client, member, initiative):
    client.force_login(member)
    page = url(initiative, key(days_ago(3), 10) + "/")
    response = client.post(
        page, {"outcome": "held", "observation": "Ring Kim på 070-123 45 67 om det."}
    )
    assert response.status_code == 400
    assert "phone number" in response.content.decode().lower()
    assert not SessionMark.objects.exists()
    response = client.post(page, {"outcome": "held", "observation": "Lugnt vid torget, 30 unga."})
    assert SessionMark.objects.get().observation == "Lugnt vid torget, 30 unga."


# --- Who may mark --------------------------------------------------------------------------------

MATRIX = {
    # role: (may GET the log, may mark)
    "resident": ("login", False),
    "member": (200, True),
    "org_admin": (200, True),
    "outsider": (403, False),
    "partner_member": (403, False),
    "coordinator": (200, True),
}


@pytest.mark.parametrize("role", list(MATRIX))
def test_permission_matrix(client, request, role, initiative):
    expected_get, may_mark = MATRIX[role]
    user = None if role == "resident" else request.getfixturevalue(role)
    if role == "coordinator":
        login_with_second_factor(client, user)
    elif user is not None:
        client.force_login(user)
    response = client.get(url(initiative))
    if expected_get == "login":
        assert response.status_code == 302 and "/login/" in response.url
    else:
        assert response.status_code == expected_get
    client.post(url(initiative), {"session": key(days_ago(3), 10), "outcome": "held"})
    assert SessionMark.objects.exists() is may_mark
    # The helper says the same (a coordinator without a request mark: membership only).
    if user is not None and role != "coordinator":
        fresh = Initiative.objects.prefetch_related("partner_organizations").get(pk=initiative.pk)
        assert permissions.can_mark_sessions(user, fresh) is may_mark


def test_partners_mark_when_the_lead_allows(client, member, partner_member, initiative):
    client.force_login(partner_member)
    # A partner may not allow themselves.
    client.post(url(initiative, "partners/"), {"partners_mark_sessions": "on"})
    initiative.refresh_from_db()
    assert initiative.partners_mark_sessions is False
    client.force_login(member)
    assert (
        client.post(url(initiative, "partners/"), {"partners_mark_sessions": "on"}).status_code
        == 302
    )
    initiative.refresh_from_db()
    assert initiative.partners_mark_sessions is True
    client.force_login(partner_member)
    assert client.get(url(initiative)).status_code == 200
    client.post(url(initiative), {"session": key(days_ago(3), 10), "outcome": "held"})
    assert SessionMark.objects.get().marked_by == partner_member


def test_nobody_marks_an_archived_initiative(client, member, initiative):
    initiative.archived_at = timezone.now()
    initiative.save()
    client.force_login(member)
    assert client.get(url(initiative)).status_code == 403


# --- The weekly email and its links ---------------------------------------------------------------


def _links(body: str) -> dict[str, list[str]]:
    """The session links in an email body, by what they do (read from the signed token)."""
    found = {"held": [], "cancelled": []}
    for path in re.findall(r"https?://[^/\s]+(/\S+/[^/\s]+:[^/\s]+/)", body):
        code = signing.loads(path.rstrip("/").rsplit("/", 1)[-1], salt=delivery.LINK_SALT)[2]
        found["held" if code == "h" else "cancelled"].append(path)
    return found


@pytest.fixture
def emailed(initiative, django_capture_on_commit_callbacks):
    """The weekly email for the last complete week, sent (the immediate task backend), and
    the first session's links. The first slot's date is moved into last week."""
    monday = TODAY() - dt.timedelta(days=TODAY().isoweekday() - 1 + 7)
    slot = initiative.slots.get(starts_at=dt.time(10))
    slot.weekday = 3  # Wednesday of last week
    slot.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert delivery_emails_enqueue() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["kontakt@example.org"]
    links = _links(message.body)
    wednesday = monday + dt.timedelta(days=2)
    return {"message": message, "links": links, "date": wednesday}


def test_the_weekly_email_lists_last_weeks_sessions_with_links(initiative, emailed):
    body = emailed["message"].body
    assert "Läxhjälp" in emailed["message"].subject
    # Last week had the Wednesday slot and (maybe) the other weekday's slot.
    assert emailed["links"]["held"] and emailed["links"]["cancelled"]
    # A second run in the same week enqueues nothing.
    assert delivery_emails_enqueue() == 0
    assert len(mail.outbox) == 1
    assert DeliveryEmailWeek.objects.get().sent_at is not None
    assert "14" in body


def _wednesday_link(emailed, outcome):
    return next(
        p for p in emailed["links"][outcome] if emailed["date"].strftime("%Y%m%d") in _decoded(p)
    )


def _decoded(path: str) -> str:
    token = path.rstrip("/").rsplit("/", 1)[-1]
    return str(signing.loads(token, salt=delivery.LINK_SALT))


def test_a_link_confirms_on_post_only_and_only_once(client, initiative, emailed):
    link = _wednesday_link(emailed, "held")
    page = client.get(link)
    assert page.status_code == 200
    assert (
        "Was the session held?" in page.content.decode() or "Genomfördes" in page.content.decode()
    )
    assert not SessionMark.objects.exists()  # GET changes nothing (mail scanners)
    response = client.post(link, {"participants": "7"})
    assert response.status_code == 200
    mark = SessionMark.objects.get()
    assert (mark.on_date, mark.outcome, mark.via, mark.participants, mark.marked_by) == (
        emailed["date"],
        "held",
        "email",
        7,
        None,
    )
    # Used: the same link, and the other link of the same session, do nothing.
    again = client.post(link, {"participants": "99"})
    assert again.status_code == 409
    other = client.post(_wednesday_link(emailed, "cancelled"))
    assert other.status_code == 409
    assert "Inget har ändrats" in other.content.decode()
    mark.refresh_from_db()
    assert (mark.outcome, mark.participants) == ("held", 7)


def test_tampered_expired_and_foreign_links_change_nothing(
    client, initiative, emailed, organization
):
    link = _wednesday_link(emailed, "cancelled")
    token = link.rstrip("/").rsplit("/", 1)[-1]
    tampered = link.replace(token, token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    for method in (client.get, client.post):
        response = method(tampered)
        assert response.status_code == 400
        assert "Länken fungerar inte" in response.content.decode()
    # Another initiative's page with this initiative's token.
    other = factories.InitiativeFactory(lead_organization=organization, starts_on=days_ago(60))
    foreign = link.replace(f"/{initiative.slug}/", f"/{other.slug}/")
    assert client.post(foreign).status_code == 400
    # A token signed 15 days ago.
    session = delivery.find_session(initiative, emailed["date"], dt.time(10))
    with mock.patch(
        "django.core.signing.time.time", return_value=timezone.now().timestamp() - 15 * 86400
    ):
        old = delivery.session_link_path(session, "cancelled")
    response = client.post(old)
    assert response.status_code == 410
    assert "14 dagar" in response.content.decode()
    # Signed with another salt (a token of some other feature).
    forged = signing.dumps([initiative.public_id.hex, session.key, "c"], salt="other")
    assert client.post(link.replace(token, forged)).status_code == 400
    assert not SessionMark.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_32_concurrent_confirmations_make_one_row(organization):
    """32 threads confirm the same session at once, through the real database: one row,
    every call answers (no IntegrityError escapes)."""
    import threading

    from django.db import connections

    item = factories.InitiativeFactory(lead_organization=organization, starts_on=days_ago(30))
    factories.ScheduleSlotFactory(
        initiative=item,
        weekday=days_ago(3).isoweekday(),
        starts_at=dt.time(10),
        ends_at=dt.time(12),
    )
    barrier = threading.Barrier(32)
    results, errors = [], []

    def confirm(outcome):
        try:
            barrier.wait()
            results.append(
                delivery.mark_session(
                    initiative=item,
                    on_date=days_ago(3),
                    starts_at=dt.time(10),
                    outcome=outcome,
                    via="email",
                    only_if_unmarked=outcome == "held",
                )[1]
            )
        except Exception as error:  # noqa: BLE001 -- the test reports every failure
            errors.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=confirm, args=("held" if n % 2 else "cancelled",))
        for n in range(32)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(results) == 32
    assert SessionMark.objects.filter(initiative=item).count() == 1


# --- Calendar feeds ----------------------------------------------------------------------------


def _calendar(client, initiative) -> str:
    response = client.get(f"/en/initiatives/{initiative.slug}/calendar.ics")
    assert response.status_code == 200
    return (
        b"".join(response.streaming_content).decode()
        if response.streaming
        else response.content.decode()
    )


def test_cancelled_sessions_are_exdates_and_moved_ones_have_their_own_event(client, initiative):
    delivery.mark_session(
        initiative=initiative,
        on_date=days_ago(-2),
        starts_at=dt.time(18),
        outcome="cancelled",
        via="page",
    )
    delivery.mark_session(
        initiative=initiative,
        on_date=days_ago(3),
        starts_at=dt.time(10),
        outcome="moved",
        via="page",
        moved_on=days_ago(2),
        moved_starts_at=dt.time(21),
        moved_ends_at=dt.time(1),
    )
    text = _calendar(client, initiative).replace("\r\n ", "")
    assert f"EXDATE;TZID=Europe/Stockholm:{days_ago(-2):%Y%m%d}T180000" in text
    assert f"EXDATE;TZID=Europe/Stockholm:{days_ago(3):%Y%m%d}T100000" in text
    assert f"DTSTART;TZID=Europe/Stockholm:{days_ago(2):%Y%m%d}T210000" in text
    assert f"DTEND;TZID=Europe/Stockholm:{days_ago(1):%Y%m%d}T010000" in text
    assert text.count("BEGIN:VEVENT") == 3


@pytest.mark.parametrize("status", ["paused", "completed", "cancelled"])
def test_a_paused_or_ended_initiative_publishes_nothing_from_today(client, initiative, status):
    initiative.status = status
    initiative.save()
    text = _calendar(client, initiative).replace("\r\n ", "")
    untils = re.findall(r"UNTIL=(\d{8})T(\d{6})Z", text)
    assert untils and len(untils) == text.count("RRULE:FREQ=WEEKLY")
    yesterday = days_ago(1)
    for day, _clock in untils:
        assert dt.date(int(day[:4]), int(day[4:6]), int(day[6:])) <= yesterday


def test_a_paused_initiative_without_past_sessions_publishes_no_event(client, organization):
    item = factories.InitiativeFactory(
        lead_organization=organization, starts_on=days_ago(-10), status="paused"
    )
    factories.ScheduleSlotFactory(initiative=item)
    assert "BEGIN:VEVENT" not in _calendar(client, item)


# --- The initiative page ------------------------------------------------------------------------


def test_initiative_page_shows_the_record_to_partners_and_cancellations_to_everyone(
    client, member, initiative
):
    delivery.mark_session(
        initiative=initiative,
        on_date=days_ago(3),
        starts_at=dt.time(10),
        outcome="held",
        via="page",
    )
    delivery.mark_session(
        initiative=initiative,
        on_date=days_ago(-2),
        starts_at=dt.time(18),
        outcome="cancelled",
        via="page",
    )
    public = client.get(f"/en/initiatives/{initiative.slug}/").content.decode()
    assert "Cancelled" in public and "<del>" in public
    assert "Held 1 of" not in public
    client.force_login(member)
    partner = client.get(f"/en/initiatives/{initiative.slug}/").content.decode()
    record = delivery.delivery_record(initiative)
    assert record.held == 1 and record.scheduled >= 2
    assert f"Held 1 of {record.scheduled} sessions in the last 8 weeks" in partner
    assert url(initiative) in partner


# --- Mina sidor -----------------------------------------------------------------------------------


def test_sessions_to_confirm_lists_exactly_the_unmarked_ended_sessions(
    member, initiative, partner_member
):
    found = delivery.sessions_to_confirm(member)
    assert [(s.initiative, s.on_date, s.starts_at) for s in found] == [
        (initiative, days_ago(5), dt.time(18)),
        (initiative, days_ago(3), dt.time(10)),
    ]
    delivery.mark_session(
        initiative=initiative,
        on_date=days_ago(3),
        starts_at=dt.time(10),
        outcome="held",
        via="page",
    )
    assert (initiative, days_ago(3), dt.time(10)) not in [
        (s.initiative, s.on_date, s.starts_at) for s in delivery.sessions_to_confirm(member)
    ]
    # A partner's member sees them only when the lead allows marking.
    assert delivery.sessions_to_confirm(partner_member) == []
    items = delivery.workplace_sessions(user=member, limit=5)
    assert items and items[0].action_url == found[0].page_url
    assert items[0].action_url.startswith(reverse("initiatives:delivery", args=[initiative.slug]))


# --- Query counts ---------------------------------------------------------------------------------


def _plant_marks(initiative, weeks: int):
    for n in range(weeks):
        for day, hour in ((days_ago(3 + 7 * n), 10), (days_ago(5 + 7 * n), 18)):
            if day >= initiative.starts_on:
                SessionMark.objects.get_or_create(
                    initiative=initiative,
                    on_date=day,
                    starts_at=dt.time(hour),
                    defaults={"ends_at": dt.time(hour + 2), "outcome": "held", "via": "page"},
                )


def _count(callable_):
    with CaptureQueriesContext(connection) as queries:
        callable_()
    return len(queries)


def test_query_counts_do_not_grow_with_sessions(client, member, initiative):
    client.force_login(member)
    pages = [
        url(initiative),
        f"/en/initiatives/{initiative.slug}/",
        f"/en/initiatives/{initiative.slug}/calendar.ics",
    ]

    def counts():
        result = []
        for page in pages:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(page)
                if response.streaming:
                    b"".join(response.streaming_content)
            assert response.status_code == 200
            result.append(len(queries))
        result.append(_count(lambda: delivery.sessions_to_confirm(member)))
        return result

    counts()  # the user's organisations are cached on the user after the first call
    few = counts()
    initiative.starts_on = days_ago(400)
    initiative.save()
    _plant_marks(initiative, 52)
    assert SessionMark.objects.count() > 90
    assert counts() == few
