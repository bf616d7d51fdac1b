"""The delivery log on the coordinator's pages, on planted data: the time gaps' "delivered"
view (hours covered only by sessions actually held in the last 4 weeks, and the 4 weeks
before) and the attention list's "sessions unconfirmed > 48 h" and "cancelled ≥ 2 of the
last 4"; their query counts do not grow with the number of sessions."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from initiatives.models import Initiative, SessionMark
from partnership.coordination.queries import Scope
from partnership.coordination.queries.attention import delivery_attention
from partnership.coordination.queries.gaps import delivered_gaps
from tests import factories

pytestmark = pytest.mark.django_db


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def en(name: str) -> str:
    with translation.override("en"):
        return reverse(name)


def mark(initiative, day, outcome, start=dt.time(10), end=dt.time(12)):
    SessionMark.objects.create(
        initiative=initiative,
        on_date=day,
        starts_at=start,
        ends_at=end,
        outcome=outcome,
        via="page",
    )


@pytest.fixture
def area():
    return factories.AreaFactory(name="Vårby gård")


@pytest.fixture
def theme():
    return factories.ThemeFactory()


def addressed(area, theme, title, weekday, start, end):
    problem = factories.ProblemFactory(
        title=title, area=area, themes=[theme], weekdays=[weekday], time_from=start, time_to=end
    )
    initiative = factories.InitiativeFactory(
        title=f"Insats mot {title}", areas=[area], themes=[theme], starts_on=days_ago(120)
    )
    factories.ScheduleSlotFactory(
        initiative=initiative, weekday=weekday, starts_at=start, ends_at=end
    )
    initiative.problems.add(problem)
    return problem, initiative


def fridays_back() -> list[dt.date]:
    """The last eight Fridays before today (the latest first)."""
    today = timezone.localdate()
    latest = today - dt.timedelta(days=(today.isoweekday() - 5) % 7 or 7)
    return [latest - dt.timedelta(weeks=n) for n in range(8)]


def test_delivered_counts_only_held_sessions(area, theme):
    h = dt.time
    fridays = fridays_back()
    # Held in the 4 weeks before, cancelled (or not marked) in the last 4: listed.
    dropped, dropped_initiative = addressed(area, theme, "dropped", 5, h(20), h(23))
    for day in fridays[4:]:
        mark(dropped_initiative, day, "held", h(20), h(23))
    mark(dropped_initiative, fridays[0], "cancelled", h(20), h(23))
    # Held in the last 4 weeks: its hours are covered, not listed.
    kept, kept_initiative = addressed(area, theme, "kept", 5, h(20), h(23))
    for day in fridays[:2]:
        mark(kept_initiative, day, "held", h(20), h(23))
    # Moved and held at other hours: only those hours count; 20–21 stays uncovered.
    moved, moved_initiative = addressed(area, theme, "moved", 5, h(20), h(23))
    SessionMark.objects.create(
        initiative=moved_initiative,
        on_date=fridays[1],
        starts_at=h(20),
        ends_at=h(23),
        outcome="moved",
        moved_on=fridays[1],
        moved_starts_at=h(21),
        moved_ends_at=h(1),
        via="page",
    )
    rows = {row.problem.title: row for row in delivered_gaps(Scope()).object_list}
    assert set(rows) == {"dropped", "moved"}
    assert rows["dropped"].uncovered == [(5, h(20), h(23))]
    assert (rows["dropped"].recent_hours, rows["dropped"].previous_hours) == (0.0, 3.0)
    assert (rows["dropped"].recent_sessions, rows["dropped"].previous_sessions) == (0, 4)
    assert rows["moved"].uncovered == [(5, h(20), h(21))]
    assert rows["moved"].recent_hours == 0.5  # 2 of its 3 hours, once in 4 weeks
    # The least delivered first.
    assert [row.problem.title for row in delivered_gaps(Scope()).object_list] == [
        "dropped",
        "moved",
    ]


def test_attention_lists_unconfirmed_and_often_cancelled(area, theme):
    weekday = days_ago(3).isoweekday()

    def initiative(title):
        item = factories.InitiativeFactory(
            title=title, areas=[area], themes=[theme], starts_on=days_ago(100)
        )
        factories.ScheduleSlotFactory(
            initiative=item, weekday=weekday, starts_at=dt.time(10), ends_at=dt.time(12)
        )
        return item

    initiative("Tyst")  # never marked: 4 sessions unconfirmed
    cancelling = initiative("Inställer")
    for n, outcome in enumerate(["cancelled", "held", "cancelled", "held"]):
        mark(cancelling, days_ago(3 + 7 * n), outcome)
    once = initiative("En gång")
    for n, outcome in enumerate(["cancelled", "held", "held", "held"]):
        mark(once, days_ago(3 + 7 * n), outcome)
    paused = initiative("Pausad")
    paused.status = "paused"
    paused.save()

    pages = delivery_attention(Scope())
    unconfirmed = {i.title: i.session_count for i in pages["unconfirmed"].object_list}
    assert unconfirmed == {"Tyst": 4}
    cancelled = {i.title: i.session_count for i in pages["cancelled"].object_list}
    assert cancelled == {"Inställer": 2}
    # A session that ended less than 48 hours ago is not yet unconfirmed.
    soon = factories.InitiativeFactory(title="Nyss", starts_on=days_ago(1))
    factories.ScheduleSlotFactory(
        initiative=soon,
        weekday=days_ago(1).isoweekday(),
        starts_at=dt.time(22),
        ends_at=dt.time(23),
    )
    unconfirmed = delivery_attention(Scope())["unconfirmed"].object_list
    assert "Nyss" not in {i.title for i in unconfirmed}


def test_the_delivery_lists_download_with_every_row(coordinator_client, area, theme):
    weekday = days_ago(3).isoweekday()
    for title in ("Tyst", "Inställer"):
        item = factories.InitiativeFactory(
            title=title, areas=[area], themes=[theme], starts_on=days_ago(100)
        )
        factories.ScheduleSlotFactory(
            initiative=item, weekday=weekday, starts_at=dt.time(10), ends_at=dt.time(12)
        )
    cancelling = Initiative.objects.get(title="Inställer")
    for n, outcome in enumerate(["cancelled", "held", "cancelled", "held"]):
        mark(cancelling, days_ago(3 + 7 * n), outcome)

    # The follow-up page's delivery view (?view=delivery) holds the delivery log.
    page = coordinator_client.get(reverse("coordinator:dashboard:attention"), {"view": "delivery"})
    csv_url = reverse("coordinator:dashboard:export", args=["unconfirmed"])
    assert csv_url in page.content.decode()
    lines = b"".join(coordinator_client.get(csv_url).streaming_content).decode().splitlines()
    assert len(lines) == 2 and lines[1].startswith("Tyst,") and ",4," in lines[1]
    csv_url = reverse("coordinator:dashboard:export", args=["often-cancelled"])
    lines = b"".join(coordinator_client.get(csv_url).streaming_content).decode().splitlines()
    assert len(lines) == 2 and lines[1].startswith("Inställer,") and ",2," in lines[1]


def test_pages_show_the_lists_in_a_fixed_number_of_queries(coordinator_client, area, theme):
    problem, initiative = addressed(area, theme, "dropped", 5, dt.time(20), dt.time(23))

    def counts():
        found = []
        for name in ("coordinator:dashboard:gaps", "coordinator:dashboard:attention"):
            # The gaps page's delivered view (?view=delivered) and the follow-up page's
            # delivery view (?view=delivery) hold the delivery log.
            query = "?view=delivered" if name.endswith("gaps") else "?view=delivery"
            with CaptureQueriesContext(connection) as queries:
                response = coordinator_client.get(en(name) + query)
            assert response.status_code == 200
            found.append((len(queries), response.content.decode()))
        return found

    counts()
    few = counts()
    assert "dropped" in few[0][1]
    assert "Sessions unconfirmed for more than 48 hours" in few[1][1]
    for day in fridays_back():
        mark(initiative, day, "cancelled", dt.time(20), dt.time(23))
    many = counts()
    assert [count for count, _ in many] == [count for count, _ in few]
    assert "Insats mot dropped" in many[1][1]  # cancelled ≥ 2 of the last 4
