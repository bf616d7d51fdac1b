"""Query counts are a contract: the meeting pages and the agenda's generation take the same
number of queries with 2 items, decisions or dashboard rows as with 30."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partnership.meetings import selectors, services
from partnership.problems.models import ProblemResponsibility
from tests import factories
from tests.helpers import query_count
from tests.meetings.conftest import TODAY

pytestmark = pytest.mark.django_db


def _grow(meeting, organization, n):
    """n more items, each with a task decision and minutes."""
    actor = meeting.created_by
    for i in range(n):
        item = services.agenda_item_add(meeting=meeting, title=f"Punkt {i}", detail="", actor=actor)
        services.decision_record(
            item=item,
            kind="task",
            data={"text": f"Gör {i}", "organization": organization, "due_on": TODAY},
            actor=actor,
        )
    services.minutes_save(
        meeting=meeting,
        attendance="Alla",
        minutes={item.pk: "Antecknat" for item in meeting.items.all()},
        actor=actor,
    )


@pytest.mark.parametrize("name", ["detail", "minutes", "list", "pdf"])
def test_meeting_pages_do_not_grow_with_items_and_decisions(
    coordinator_client, organization, make_meeting, name
):
    meeting = make_meeting([organization])
    url = reverse(f"meetings:{name}", args=[] if name == "list" else [meeting.public_id])
    _grow(meeting, organization, 2)
    few = query_count(coordinator_client, url)
    _grow(meeting, organization, 28)
    for _ in range(5):
        make_meeting([organization], day=TODAY - dt.timedelta(days=30))
    assert query_count(coordinator_client, url) == few


def test_a_partner_reads_a_meeting_in_as_many_queries(client, member, organization, make_meeting):
    meeting = make_meeting([organization])
    url = reverse("meetings:detail", args=[meeting.public_id])
    client.force_login(member)
    _grow(meeting, organization, 2)
    few = query_count(client, url)
    _grow(meeting, organization, 28)
    assert query_count(client, url) == few


def _agenda_queries(meeting):
    with CaptureQueriesContext(connection) as captured:
        draft = selectors.agenda_draft(meeting)
    return len(captured), draft


def test_the_agenda_takes_as_many_queries_with_many_rows(
    organization, other_organization, area, theme, make_meeting
):
    first = make_meeting([organization], day=TODAY - dt.timedelta(days=14))
    item = services.agenda_item_add(meeting=first, title="x", detail="", actor=first.created_by)

    def world(n):
        for i in range(n):
            problem = factories.ProblemFactory(area=area, themes=[theme], severity=2)
            ProblemResponsibility.objects.create(
                problem=factories.ProblemFactory(area=area, themes=[theme]),
                organization=other_organization,
                commitment="Städa",
                due_on=TODAY - dt.timedelta(days=1),
            )
            services.decision_record(
                item=item,
                kind="task",
                data={"text": f"Uppgift {i}", "organization": organization, "due_on": TODAY},
                actor=first.created_by,
            )
            assert problem.pk
            factories.InitiativeFactory(
                lead_organization=organization, areas=[area], themes=[theme]
            )
            factories.InitiativeFactory(
                lead_organization=other_organization, areas=[area], themes=[theme]
            )

    later = make_meeting([organization], day=TODAY + dt.timedelta(days=1))
    world(2)
    few, draft = _agenda_queries(later)
    assert {item.source for item in draft.items} >= {
        "carried_over",
        "responsibility_due",
        "new_problem",
        "new_overlap",
    }
    world(12)
    many, draft = _agenda_queries(later)
    assert many == few
    by_source = {}
    for item in draft.items:
        by_source[item.source] = by_source.get(item.source, 0) + 1
    assert max(by_source.values()) == selectors.ITEMS_PER_SOURCE
    assert draft.totals["carried_over"] == 14
