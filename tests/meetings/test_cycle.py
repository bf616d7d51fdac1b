"""The meeting cycle as a coordinator runs it: create → agenda from the dashboard →
invitations with a calendar invitation → minutes → decisions become tracked work → carried
to the next agenda → approval locks."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from icalendar import Calendar

from partnership.coordination.models import OverlapDecision
from partnership.meetings import selectors, services
from partnership.meetings.models import AgendaItem, Decision, Meeting
from partnership.problems.models import Problem, ProblemResponsibility
from tests import factories
from tests.meetings.conftest import TODAY

pytestmark = pytest.mark.django_db


def en(name, *args):
    with translation.override("en"):
        return reverse(name, args=args or None)


def _create_form(organizations, day=TODAY, **overrides):
    data = {
        "kind": "operative",
        "date": day.isoformat(),
        "starts": "09:00",
        "ends": "10:30",
        "place": "Vårby gårds bibliotek",
        "link": "",
        "invited_organizations": [o.pk for o in organizations],
    }
    return {**data, **overrides}


def _items(meeting):
    return list(meeting.items.order_by("position"))


def test_a_new_meeting_gets_its_agenda_from_the_dashboard(
    coordinator_client, organization, dashboard, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(en("meetings:create"), _create_form([organization]))
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == meeting.get_absolute_url()
    sources = {item.source: item for item in _items(meeting)}
    problem, overdue, (a, b) = dashboard["problem"], dashboard["overdue"], dashboard["pair"]
    # Recorded this week and addressed by nobody: on the agenda once, as a new problem.
    new = [i.problem for i in _items(meeting) if i.source == "new_problem"]
    assert problem in new
    assert [i.problem for i in _items(meeting)].count(problem) == 1
    assert sources["responsibility_due"].responsibility == overdue
    assert "Overdue" in sources["responsibility_due"].title
    assert {sources["new_overlap"].initiative_a, sources["new_overlap"].initiative_b} == {a, b}
    assert [item.position for item in _items(meeting)] == list(range(1, len(_items(meeting)) + 1))
    page = coordinator_client.get(meeting.get_absolute_url()).text
    for item in _items(meeting):
        assert item.title.split("“")[0] in page


def test_invited_members_get_an_email_with_a_valid_calendar_invitation(
    coordinator_client,
    organization,
    member,
    org_admin,
    outsider,
    dashboard,
    mailoutbox,
    django_capture_on_commit_callbacks,
    settings,
):
    settings.SITE_URL = "https://portal.example.se"
    member.language = "en"
    member.save()
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(en("meetings:create"), _create_form([organization]))
    meeting = Meeting.objects.get()
    assert sorted(m.to[0] for m in mailoutbox) == [org_admin.email, member.email]
    english = next(m for m in mailoutbox if m.to == [member.email])
    swedish = next(m for m in mailoutbox if m.to == [org_admin.email])
    assert english.subject.startswith("Invitation: Weekly operative group")
    assert swedish.subject.startswith("Inbjudan: Veckovis operativ grupp")
    assert "Vårby gårds bibliotek" in english.body
    for item in _items(meeting):
        assert item.title in english.body
    [(name, content, mimetype)] = english.attachments
    assert name == "invitation.ics"
    assert mimetype.startswith("text/calendar")
    calendar = Calendar.from_ical(content)
    assert calendar["METHOD"] == "REQUEST"
    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]) == f"meeting-{meeting.public_id}@portal.example.se"
    start = event.decoded("DTSTART")
    assert start.tzinfo is not None and str(start.tzinfo) == "Europe/Stockholm"
    assert start == timezone.localtime(meeting.starts_at)
    assert event.decoded("DTEND") - start == dt.timedelta(minutes=90)
    assert str(event["ATTENDEE"]) == f"mailto:{member.email}"
    assert calendar.walk("VTIMEZONE")


def test_a_changed_meeting_sends_an_update_of_the_same_event(
    coordinator_client, organization, member, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(en("meetings:create"), _create_form([organization]))
    meeting = Meeting.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(
            en("meetings:edit", meeting.public_id),
            _create_form([organization], starts="13:00", ends="14:00"),
        )
    first, second = (Calendar.from_ical(m.attachments[0][1]).walk("VEVENT")[0] for m in mailoutbox)
    assert first["UID"] == second["UID"]
    assert second["SEQUENCE"] > first["SEQUENCE"]
    assert second.decoded("DTSTART").hour == 13
    assert mailoutbox[1].subject.startswith("Ändrat")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"ends": "08:00"}, "ends", "The meeting must end after it starts."),
        ({"place": "", "link": ""}, "place", "Give a place or a video link."),
        ({"link": "inte en länk"}, "link", "Enter a valid URL."),
        ({"kind": ""}, "kind", "This field is required."),
        ({"date": "31/02/2026"}, "date", "Enter a valid date."),
        ({"invited_organizations": []}, "invited_organizations", "Invite at least one"),
    ],
)
def test_a_bad_meeting_is_refused_next_to_the_field(
    coordinator_client, organization, overrides, field, message
):
    response = coordinator_client.post(
        en("meetings:create"), _create_form([organization], **overrides)
    )
    assert response.status_code == 400
    assert message in str(response.context["form"].errors[field])
    assert "Vårby gårds bibliotek" in response.text or overrides.get("place") == ""
    assert not Meeting.objects.exists()


def test_a_meeting_in_the_past_is_allowed(coordinator_client, organization):
    day = TODAY - dt.timedelta(days=20)
    response = coordinator_client.post(en("meetings:create"), _create_form([organization], day))
    assert response.status_code == 302
    assert timezone.localdate(Meeting.objects.get().starts_at) == day


def test_the_coordinator_adds_removes_and_reorders_items(
    coordinator_client, organization, make_meeting
):
    meeting = make_meeting([organization])
    url = meeting.get_absolute_url()
    for title in ("Ekonomi", "Övrigt", "Nästa möte"):
        coordinator_client.post(en("meetings:item_add", meeting.public_id), {"title": title})
    assert [i.title for i in _items(meeting)] == ["Ekonomi", "Övrigt", "Nästa möte"]
    last = _items(meeting)[2]
    coordinator_client.post(en("meetings:item_change", meeting.public_id, last.pk, "up"))
    assert [i.title for i in _items(meeting)] == ["Ekonomi", "Nästa möte", "Övrigt"]
    first = _items(meeting)[0]
    coordinator_client.post(en("meetings:item_change", meeting.public_id, first.pk, "remove"))
    assert [(i.position, i.title) for i in _items(meeting)] == [(1, "Nästa möte"), (2, "Övrigt")]
    response = coordinator_client.post(en("meetings:item_add", meeting.public_id), {"title": ""})
    assert response.status_code == 400
    assert "This field is required." in str(response.context["item_form"].errors["title"])
    assert coordinator_client.get(url).status_code == 200


def test_minutes_decisions_carry_over_and_approval_locks(
    coordinator_client, organization, other_organization, dashboard, make_meeting
):
    held = TODAY - dt.timedelta(days=7)
    meeting = make_meeting([organization, other_organization], day=held)
    gap = next(i for i in _items(meeting) if i.problem == dashboard["problem"])
    pair_item = next(i for i in _items(meeting) if i.source == "new_overlap")

    # Minutes per item.
    minutes = {f"item_{i.pk}": f"Diskuterat {i.position}" for i in _items(meeting)}
    response = coordinator_client.post(
        en("meetings:minutes", meeting.public_id), {"attendance": "Polisen, Fältgruppen", **minutes}
    )
    assert response.status_code == 302
    assert [i.minutes for i in _items(meeting)] == [
        f"Diskuterat {i.position}" for i in _items(meeting)
    ]

    # A responsibility on the gap's problem: the problems app's model, the problem moves on.
    decide = en("meetings:decide", meeting.public_id, gap.pk, "responsibility")
    data = {
        "organization": other_organization.pk,
        "role": "lead",
        "commitment": "Byta belysning längs gångvägen",
        "due_on": (held - dt.timedelta(days=1)).isoformat(),
    }
    refused = coordinator_client.post(decide, data)
    assert refused.status_code == 400
    assert "cannot be before the meeting" in str(refused.context["form"].errors["due_on"])
    assert not ProblemResponsibility.objects.filter(problem=gap.problem).exists()
    data["due_on"] = (TODAY + dt.timedelta(days=30)).isoformat()
    assert coordinator_client.post(decide, data).status_code == 302
    duty = ProblemResponsibility.objects.get(problem=gap.problem)
    assert (duty.organization, duty.role, duty.commitment) == (
        other_organization,
        "lead",
        "Byta belysning längs gångvägen",
    )
    assert Problem.objects.get(pk=gap.problem.pk).status == "being_addressed"

    # A task for an organisation, and a decision on the pair.
    task = {"text": "Bjuda in bostadsbolaget", "organization": organization.pk}
    task["due_on"] = (TODAY + dt.timedelta(days=14)).isoformat()
    coordinator_client.post(en("meetings:decide", meeting.public_id, gap.pk, "task"), task)
    pair = {"decision": "complementary", "note": "Olika kvällar"}
    coordinator_client.post(en("meetings:decide", meeting.public_id, pair_item.pk, "overlap"), pair)
    assert OverlapDecision.objects.get().decision == "complementary"
    assert Decision.objects.count() == 3
    assert Decision.objects.open().count() == 2  # the pair decision is done when recorded

    # The next meeting carries the two open decisions over.
    later = make_meeting([organization], day=TODAY + dt.timedelta(days=7))
    carried = [i for i in _items(later) if i.source == AgendaItem.Source.CARRIED_OVER]
    assert {i.carried_decision.kind for i in carried} == {"responsibility", "task"}
    assert _items(later)[0].source == AgendaItem.Source.CARRIED_OVER

    # Done: it leaves the next agendas.
    task_decision = Decision.objects.get(kind="task")
    coordinator_client.post(en("meetings:decision_done", task_decision.pk))
    assert Decision.objects.get(pk=task_decision.pk).done_at is not None
    draft = selectors.agenda_draft(
        Meeting(kind="operative", starts_at=later.starts_at + dt.timedelta(days=7))
    )
    carried = [i.carried_decision for i in draft.items if i.source == "carried_over"]
    assert [d.kind for d in carried] == ["responsibility"]

    # Approval locks the minutes, the agenda and the decisions.
    assert coordinator_client.post(en("meetings:approve", meeting.public_id)).status_code == 302
    meeting.refresh_from_db()
    assert meeting.approved_at is not None
    for url, data in (
        (en("meetings:minutes", meeting.public_id), {"attendance": "Ändrat"}),
        (en("meetings:item_add", meeting.public_id), {"title": "Sent"}),
        (en("meetings:decide", meeting.public_id, gap.pk, "task"), task),
        (en("meetings:approve", meeting.public_id), {}),
    ):
        assert coordinator_client.post(url, data).status_code == 403
    assert Meeting.objects.get(pk=meeting.pk).attendance == "Polisen, Fältgruppen"
    with pytest.raises(Exception, match="approved"):
        services.agenda_item_add(meeting=meeting, title="x", detail="", actor=meeting.created_by)
    page = coordinator_client.get(meeting.get_absolute_url()).text
    assert "Write the minutes" not in page
    # Kept in history: every change to the minutes is an event.
    assert Meeting.pgh_event_model.objects.filter(pgh_obj=meeting).count() >= 3


def test_a_future_meeting_cannot_be_approved(coordinator_client, organization, make_meeting):
    meeting = make_meeting([organization], day=TODAY + dt.timedelta(days=3))
    assert coordinator_client.post(en("meetings:approve", meeting.public_id)).status_code == 403
    assert Meeting.objects.get().approved_at is None


def test_a_new_problem_decided_at_the_meeting_is_recorded(
    coordinator_client, organization, area, theme, make_meeting
):
    meeting = make_meeting([organization])
    item = services.agenda_item_add(
        meeting=meeting, title="Övrigt", detail="", actor=meeting.created_by
    )
    response = coordinator_client.post(
        en("meetings:decide", meeting.public_id, item.pk, "problem"),
        {
            "organization": organization.pk,
            "title": "Mopedåkning på gångvägar",
            "description": "Mopeder kör fort på gångvägarna kvällstid.",
            "area": area.pk,
            "themes": [theme.pk],
            "source": "partner_observation",
            "severity": "3",
        },
    )
    assert response.status_code == 302
    problem = Problem.objects.get(title="Mopedåkning på gångvägar")
    assert problem.recorded_by_organization == organization
    assert Decision.objects.get().problem == problem


def test_coordinator_overview_and_my_pages_contributions(
    coordinator_client, organization, other_organization, member, outsider, make_meeting
):
    from partnership import site

    held = make_meeting([organization], day=TODAY - dt.timedelta(days=10))
    coming = make_meeting([organization], day=TODAY + dt.timedelta(days=5))
    make_meeting([other_organization], day=TODAY + dt.timedelta(days=6))
    overview = site.coordinator_overview.collect()
    assert overview["last_meeting_on"] == TODAY - dt.timedelta(days=10)
    assert [m.pk for m in overview["upcoming_meetings"]][:1] == [coming.pk]
    page = coordinator_client.get(en("coordinator:dashboard:overview")).text
    assert coming.get_absolute_url() in page
    client = coordinator_client
    client.logout()
    client.force_login(member)
    page = client.get(en("my_pages")).text
    assert coming.get_absolute_url() in page
    assert held.get_absolute_url() not in page  # held, no longer coming
    assert "Meetings we are invited to" in page
    client.force_login(outsider)
    assert coming.get_absolute_url() not in client.get(en("my_pages")).text


def test_the_agenda_is_drawn_again_without_repeating_items(
    coordinator_client, organization, area, theme, dashboard, make_meeting
):
    meeting = make_meeting([organization], day=TODAY + dt.timedelta(days=6))
    before = [(i.position, i.title) for i in _items(meeting)]
    factories.ProblemFactory(title="Glaskross vid lekplatsen", area=area, themes=[theme])
    response = coordinator_client.post(en("meetings:agenda_refresh", meeting.public_id))
    assert response.status_code == 302
    after = [(i.position, i.title) for i in _items(meeting)]
    assert after[: len(before)] == before
    assert [title for _, title in after[len(before) :]] == ["New problem: Glaskross vid lekplatsen"]
    coordinator_client.post(en("meetings:agenda_refresh", meeting.public_id))
    assert len(_items(meeting)) == len(after)
