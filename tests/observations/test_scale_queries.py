"""What was made fast for 1,000,000 observations still counts right and takes a fixed number
of queries: the report's groups (weekday and part of the day from the generated columns,
at every boundary of the parts), the pattern page through each of its paths, the list
filtered by an area, and the Monday email to every subscriber."""

import datetime as dt
import importlib
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partnership.coordination import weekly, weekly_tasks
from partnership.coordination.queries.common import Scope
from partnership.observations.models import (
    Observation,
    WeeklySummarySubscription,
    WeeklySummaryWeek,
)
from partnership.residents.models import TIME_OF_DAY_HOURS, TimeOfDay
from stakeholders.models import Membership
from tests import factories
from tests.helpers import query_count

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 10, 5)
SCOPE = Scope(starts_on=MONDAY, ends_on=MONDAY + dt.timedelta(days=13))


report_queries = importlib.import_module("partnership.coordination.queries.report")


def part_of(time: dt.time | None) -> str:
    """The residents' part of the day a time starts in, "" without one."""
    if time is None:
        return ""
    for part, (first, last) in TIME_OF_DAY_HOURS.items():
        inside = (
            first <= time.hour < last if first < last else time.hour >= first or time.hour < last
        )
        if inside:
            return str(part)
    raise AssertionError(time)


@pytest.fixture
def places(db):
    district = factories.AreaFactory(name="Distriktet", slug="distriktet")
    square = factories.AreaFactory(name="Torget", slug="torget", parent=district)
    outside = factories.AreaFactory(name="Utanför", slug="utanfor")
    return {"district": district, "square": square, "outside": outside}


# Every boundary of the four parts (06–10, 10–17, 17–22, 22–06), windows (their start counts)
# across midnight too, and no time.
TIMES = [
    (dt.time(5, 59), None),
    (dt.time(6, 0), None),
    (dt.time(9, 59), dt.time(11, 0)),
    (dt.time(10, 0), None),
    (dt.time(16, 45), dt.time(17, 30)),
    (dt.time(17, 0), None),
    (dt.time(21, 59), dt.time(23, 0)),
    (dt.time(22, 0), dt.time(2, 0)),
    (dt.time(23, 30), dt.time(0, 30)),
    (dt.time(0, 0), None),
    (None, None),
]


def plant(organization, places, *, days=range(14), step=1):
    litter = factories.observation_category("nedskrapning")
    graffiti = factories.observation_category("klotter")
    rows = []
    for n, (time_from, time_to) in enumerate(TIMES * step):
        for day in days:
            rows.append(
                Observation(
                    organization=organization,
                    area=places["square" if (n + day) % 3 else "outside"],
                    category=litter if n % 2 else graffiti,
                    observed_on=MONDAY + dt.timedelta(days=day),
                    time_from=time_from,
                    time_to=time_to,
                    count=1 + n % 3,
                )
            )
    Observation.objects.bulk_create(rows)


def expected_groups(scope: Scope) -> list[dict]:
    rows = Observation.objects.filter(observed_on__range=scope.window).select_related("area")
    if scope.area is not None:
        rows = rows.filter(area__in=[scope.area, *scope.area.children.all()])
    sums = Counter()
    for o in rows:
        key = (
            o.area_id,
            o.area.name,
            o.category_id,
            o.observed_on.isoweekday(),
            part_of(o.time_from),
        )
        sums[key] += o.count
    return sorted(
        [
            {
                "area_id": area_id,
                "area__name": name,
                "category_id": category_id,
                "weekday": weekday,
                "part": part,
                "n": n,
            }
            for (area_id, name, category_id, weekday, part), n in sums.items()
        ],
        key=_key,
    )


def _key(row):
    return (row["area_id"], row["category_id"], row["weekday"], row["part"])


@pytest.mark.parametrize("area", [None, "district", "square"])
def test_the_reports_groups_count_every_part_of_the_day(
    organization, places, area, django_assert_num_queries
):
    plant(organization, places)
    plant(organization, places, days=[-1, 14])  # outside the period
    scope = Scope(
        area=places[area] if area else None, starts_on=SCOPE.starts_on, ends_on=SCOPE.ends_on
    )
    with django_assert_num_queries(2):  # the sums (names joined), the categories' names
        groups = report_queries.observation_groups(scope, top=1000)
    expected = expected_groups(scope)
    cells, weekdays, parts = Counter(), Counter(), Counter()
    for row in expected:
        cells[row["area_id"], row["category_id"]] += row["n"]
        weekdays[row["category_id"], row["weekday"]] += row["n"]
        parts[row["category_id"], row["part"]] += row["n"]
    assert groups.cells == cells
    assert groups.area_names == {row["area_id"]: row["area__name"] for row in expected}
    assert groups.weekdays == weekdays
    assert groups.parts == parts
    assert {part for _category, part in groups.parts} == {
        "",
        "morning",
        "daytime",
        "evening",
        "night",
    }
    # Every group, in the patterns' order (count, area name, category, weekday, part).
    assert groups.top == sorted(
        expected,
        key=lambda r: (-r["n"], r["area__name"], r["category_id"], r["weekday"], r["part"]),
    )


def test_the_reports_sections_read_the_groups(organization, places):
    plant(organization, places)
    expected = expected_groups(SCOPE)
    times = report_queries.observations_by_time(SCOPE)
    by_weekday, by_part = Counter(), Counter()
    for row in expected:
        by_weekday[row["weekday"]] += row["n"]
        by_part[row["part"]] += row["n"]
    assert [n for _label, n in times["weekdays"]] == [by_weekday[d] for d in range(1, 8)]
    parts = [str(TimeOfDay(p).label) for p in TIME_OF_DAY_HOURS]
    assert [(str(label), n) for label, n in times["parts"]][:4] == [
        (label, by_part[str(p)]) for label, p in zip(parts, TIME_OF_DAY_HOURS, strict=True)
    ]
    assert times["parts"][4][1] == by_part[""]
    matrix = report_queries.observation_matrix(SCOPE)
    assert matrix.total == sum(row["n"] for row in expected)
    top = report_queries.observation_patterns(SCOPE)
    assert [row["count"] for row in top] == sorted((r["n"] for r in expected), reverse=True)[:10]


def test_the_reports_groups_take_two_queries_whatever_the_data(
    organization, places, django_assert_num_queries
):
    plant(organization, places, days=[0])
    with django_assert_num_queries(2):
        few = report_queries.observation_groups(SCOPE)
    plant(organization, places, step=3)
    with django_assert_num_queries(2):
        many = report_queries.observation_groups(SCOPE)
    assert sum(many.cells.values()) > sum(few.cells.values())


# --- Pages ----------------------------------------------------------------------------------

PATTERNS = "/handelser/monster/"
LIST = "/handelser/"


@pytest.mark.parametrize("area", [None, "district", "square", "outside"])
def test_the_pattern_page_takes_as_many_queries_on_every_path(
    client, member, organization, places, area
):
    client.force_login(member)
    params = {"from": MONDAY.isoformat(), "to": (MONDAY + dt.timedelta(days=13)).isoformat()}
    if area:
        params["area"] = places[area].slug
    plant(organization, places, days=[0])
    few = query_count(client, PATTERNS, params)
    for n in range(5):
        factories.AreaFactory(parent=places["district"], slug=f"grannskap-{n}")
    plant(organization, places, step=2)
    assert query_count(client, PATTERNS, params) == few


def test_the_list_filtered_by_an_area_pages_in_as_many_queries(
    client, member, organization, places
):
    client.force_login(member)
    plant(organization, places, days=[0])
    params = {"area": "distriktet"}
    one = query_count(client, LIST, params)
    plant(organization, places, step=2)  # 308 rows: seven pages
    assert Observation.objects.filter(area=places["square"]).count() > 200
    assert query_count(client, LIST, params) == one
    assert query_count(client, LIST, {**params, "page": "4"}) == one
    response = client.get(LIST, {**params, "page": "4"})
    page = response.content.decode()
    assert page.count("Utanför") == 1  # only in the area filter's list: no rows from there
    assert page.count("Torget") > 40


def test_the_monday_email_takes_as_many_queries_for_more_subscribers(organization, places):
    plant(organization, places, days=range(-28, 7))

    def subscribers(count):
        for _n in range(count):
            user = factories.UserFactory()
            factories.MembershipFactory(
                user=user, organization=organization, role=Membership.Role.MEMBER
            )
            WeeklySummarySubscription.objects.create(user=user)

    def send(today):
        weekly_tasks.weekly_summaries_enqueue(today=today)
        week = weekly.week_before(today)
        with CaptureQueriesContext(connection) as queries:
            sent = weekly_tasks.weekly_summary_send.call(iso_year=week.year, iso_week=week.number)
        return sent, len(queries)

    monday = MONDAY + dt.timedelta(days=7)
    subscribers(2)
    sent_few, few = send(monday)
    WeeklySummaryWeek.objects.all().delete()  # the same week again, for more
    subscribers(8)
    sent_many, many = send(monday)
    assert (sent_few, sent_many) == (2, 10)
    assert many == few
