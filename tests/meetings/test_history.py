"""The meeting history: meetings held, filtered by kind and year, each with its minutes and
its decisions as they stand now, the decisions carried over to it and its PDF; partners see
the meetings their organisation was invited to, nobody else learns they exist; the page takes
the same number of queries however many meetings, items and decisions it shows."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from partnership.meetings import services
from partnership.meetings.models import Decision
from tests import factories
from tests.helpers import login_as, query_count
from tests.meetings.conftest import TODAY

pytestmark = pytest.mark.django_db


def url(**query):
    with translation.override("en"):
        path = reverse("meetings:history")
    if query:
        path += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return path


def _held(make_meeting, organizations, days_ago, **kwargs):
    return make_meeting(organizations, day=TODAY - dt.timedelta(days=days_ago), **kwargs)


def _decide(meeting, organization, text, *, title="Belysningen"):
    item = services.agenda_item_add(
        meeting=meeting, title=title, detail="", actor=meeting.created_by
    )
    return services.decision_record(
        item=item,
        kind="task",
        data={"text": text, "organization": organization, "due_on": TODAY + dt.timedelta(days=7)},
        actor=meeting.created_by,
    )


@pytest.fixture
def history(make_meeting, organization):
    """A meeting ``organization`` was invited to, with minutes and two tasks (one done); a
    later one that carries the open task over; one only another organisation was invited
    to; and one still to come."""
    elsewhere = factories.OrganizationFactory(status="approved")
    first = _held(make_meeting, [organization], 21, kind="prioritisation")
    done = _decide(first, organization, "Byt lamporna i tunneln")
    services.decision_done(decision=done, actor=first.created_by)
    _decide(first, organization, "Kontakta fastighetsägaren", title="Städningen")
    services.minutes_save(
        meeting=first,
        attendance="Polisen, Vårby bostäder",
        minutes={item.pk: "Vi gick igenom läget." for item in first.items.all()},
        actor=first.created_by,
    )
    later = _held(make_meeting, [organization], 7)  # its agenda carries the open task over
    hidden = _held(make_meeting, [elsewhere], 14)
    _decide(hidden, elsewhere, "Hemlig uppgift")
    coming = make_meeting([organization], day=TODAY + dt.timedelta(days=7))
    return {"first": first, "later": later, "hidden": hidden, "coming": coming}


READ = {
    "resident": "login",
    "member": 200,
    "org_admin": 200,
    "outsider": 404,
    "coordinator_client": 200,
}


@pytest.mark.parametrize("role", list(READ))
def test_who_reads_the_history(client, request, history, role):
    if role == "coordinator_client":
        client = request.getfixturevalue("coordinator_client")
    else:
        client = login_as(client, request, role)
    response = client.get(url())
    if READ[role] == "login":
        assert response.status_code == 302 and reverse("account_login") in response.url
        return
    assert response.status_code == READ[role]
    if READ[role] != 200:
        return
    page = response.text
    assert "Byt lamporna i tunneln" in page and "Kontakta fastighetsägaren" in page
    assert reverse("meetings:pdf", args=[history["first"].public_id]) in page
    # Meetings not yet held are not history.
    assert str(history["coming"].public_id) not in page
    # Partners see the meetings their organisation was invited to; coordinators every one.
    assert ("Hemlig uppgift" in page) == (role == "coordinator_client")


def test_minutes_decisions_and_their_state_today(coordinator_client, client, member, history):
    with translation.override("en"):
        page = coordinator_client.get(url()).text
    assert "3 meetings held" in page
    assert "Vi gick igenom läget." in page and "Polisen, Vårby bostäder" in page
    lamps = page.index("Byt lamporna i tunneln")
    assert page[lamps : lamps + 200].count("done") == 1
    # The open task is carried over to the later meeting, and open there too.
    # Carried over to the two later meetings (open decisions are on every later agenda).
    assert page.count("Carried over from the meeting of") == 2
    client.force_login(member)  # sees the meetings of their organisation only
    assert page.count(">open<") > client.get(url()).text.count(">open<") > 0
    carried = Decision.objects.get(text="Kontakta fastighetsägaren")
    services.decision_done(decision=carried, actor=history["first"].created_by)
    page = client.get(url()).text
    assert ">open<" not in page and page.count(">done<") == 3  # the task and both carried


def test_filters_by_kind_and_year(coordinator_client, history):
    page = coordinator_client.get(url(kind="prioritisation")).text
    assert "Byt lamporna i tunneln" in page and "Hemlig uppgift" not in page
    year = TODAY.year
    assert "Hemlig uppgift" in coordinator_client.get(url(year=year)).text
    # A year without meetings is not a choice: the error is shown, nothing is hidden.
    response = coordinator_client.get(url(year=1999))
    assert response.status_code == 400
    assert "Hemlig uppgift" in response.text and "error-summary" in response.text
    assert coordinator_client.get(url(kind="nonsense")).status_code == 400


def test_reachable_from_the_meetings_navigation(client, member, history):
    client.force_login(member)
    page = client.get(reverse("meetings:list")).text
    assert f'href="{reverse("meetings:history")}"' in page


def test_the_history_takes_the_same_queries_however_much_it_shows(
    coordinator_client, make_meeting, organization
):
    def grow(n):
        for i in range(n):
            meeting = _held(make_meeting, [organization], 30 + i)
            _decide(meeting, organization, f"Uppgift {i}")
            _decide(meeting, organization, f"Annan uppgift {i}", title="Annat")

    grow(2)
    few = query_count(coordinator_client, url())
    grow(6)
    assert query_count(coordinator_client, url()) == few


def test_a_partner_reads_it_in_as_many_queries(client, member, make_meeting, organization):
    client.force_login(member)
    _decide(_held(make_meeting, [organization], 3), organization, "Uppgift")
    few = query_count(client, url())
    for days in (10, 20, 40):
        meeting = _held(make_meeting, [organization], days)
        _decide(meeting, organization, "Uppgift")
    assert query_count(client, url()) == few
