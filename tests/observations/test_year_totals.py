"""The year totals (``ObservationYearTotal``, kept by database triggers, migration 0006) equal
the sums of the observations after every way of writing them — the form's service, an edit
of the area, the date and the time, deletes, a bulk insert, an ``INSERT … SELECT``, a
truncate — and the report's observation sections count the same whether a period is read
from the year totals (whole calendar years), from the observations (other days) or from
both, in a fixed number of queries.

The expected numbers are computed here in Python from the observations' dates and times,
not from the database's generated columns."""

import datetime as dt
import importlib
from collections import Counter

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from partnership.coordination.queries import Scope
from partnership.models import Weekday
from partnership.observations import services
from partnership.observations.models import Observation, ObservationYearTotal
from partnership.residents.models import TIME_OF_DAY_HOURS, TimeOfDay
from stakeholders.models import Membership
from tests import factories
from tests.helpers import query_count

# The module (the package's ``report`` attribute is the function of the same name).
report_queries = importlib.import_module("partnership.coordination.queries.report")

pytestmark = pytest.mark.django_db

PART_NUMBERS = {"": 0} | {str(part): n for n, part in enumerate(TIME_OF_DAY_HOURS, start=1)}


def part_of(time: dt.time | None) -> str:
    """The residents' part of the day a time starts in, "" without one."""
    if time is None:
        return ""
    for part, (first, last) in TIME_OF_DAY_HOURS.items():
        if first <= time.hour < last if first < last else time.hour >= first or time.hour < last:
            return str(part)
    raise AssertionError(time)


def expected_totals() -> dict:
    totals = Counter()
    for o in Observation.objects.all():
        key = (
            o.area_id,
            o.category_id,
            o.observed_on.year,
            o.observed_on.isoweekday(),
            PART_NUMBERS[part_of(o.time_from)],
        )
        totals[key] += o.count
    return {key: n for key, n in totals.items() if n}


def stored_totals() -> dict:
    return {
        (row.area_id, row.category_id, row.year, row.weekday, row.part): row.total
        for row in ObservationYearTotal.objects.all()
    }


def assert_in_step() -> None:
    stored = stored_totals()
    assert stored == expected_totals()
    assert all(n > 0 for n in stored.values())  # a key that falls to 0 is deleted


@pytest.fixture
def tree(db):
    """A district with two areas below it (one two levels down), and an area outside."""
    district = factories.AreaFactory(name="Distriktet", slug="distriktet")
    square = factories.AreaFactory(name="Torget", slug="torget", parent=district)
    yard = factories.AreaFactory(name="Gården", slug="garden", parent=square)
    outside = factories.AreaFactory(name="Utanför", slug="utanfor")
    return {"district": district, "square": square, "yard": yard, "outside": outside}


# Each part of the day at its edges, windows (their start counts) across midnight, no time.
TIMES = [
    (dt.time(5, 59), None),
    (dt.time(6, 0), dt.time(9, 0)),
    (dt.time(9, 59), dt.time(11, 0)),
    (dt.time(10, 0), None),
    (dt.time(17, 0), None),
    (dt.time(21, 59), dt.time(23, 0)),
    (dt.time(22, 0), dt.time(2, 0)),
    (dt.time(23, 30), dt.time(0, 30)),
    (dt.time(0, 0), None),
    (None, None),
]

# Days around the turns of the years, and inside them.
DAYS = [
    dt.date(2024, 12, 31),
    dt.date(2025, 1, 1),
    dt.date(2025, 5, 31),
    dt.date(2025, 6, 1),
    dt.date(2025, 7, 16),
    dt.date(2025, 12, 31),
    dt.date(2026, 1, 1),
    dt.date(2026, 3, 14),
    dt.date(2026, 12, 31),
    dt.date(2027, 1, 1),
]


def plant(organization, tree, *, step=1):
    """Observations in every area, both categories, every part of the day, on each of
    :data:`DAYS` (``step`` times as many with ``step``)."""
    litter = factories.observation_category("nedskrapning")
    graffiti = factories.observation_category("klotter")
    places = ["district", "square", "yard", "outside"]
    rows = []
    for n, (time_from, time_to) in enumerate(TIMES * step):
        for d, day in enumerate(DAYS):
            rows.append(
                Observation(
                    organization=organization,
                    area=tree[places[(n + d) % 4]],
                    category=litter if (n + d) % 3 else graffiti,
                    observed_on=day,
                    time_from=time_from,
                    time_to=time_to,
                    count=1 + (n * d) % 4,
                )
            )
    Observation.objects.bulk_create(rows)


# --- The year totals stay equal to the observations ---------------------------------------


def test_created_through_the_service_and_edited(organization, tree, member):
    Membership.objects.filter(user=member, organization=organization).update(is_reporter=True)
    plant(organization, tree)
    created = services.observation_create(
        reporter=member,
        organization=organization,
        category=factories.observation_category("klotter"),
        area=tree["yard"],
        observed_on=dt.date(2026, 12, 31),
        time_from=dt.time(23, 45),
        time_to=dt.time(1, 15),
        count=2,
    )
    assert_in_step()
    key = (tree["yard"].pk, created.category_id, 2026, 4, PART_NUMBERS["night"])
    assert stored_totals()[key] >= 2
    services.observation_update(  # another area, year, weekday and part of the day
        observation=created,
        actor=member,
        area=tree["outside"],
        observed_on=dt.date(2027, 1, 1),
        time_from=dt.time(8, 0),
        time_to=None,
        count=5,
    )
    assert_in_step()
    services.observation_update(observation=created, actor=member, time_from=None)
    assert_in_step()
    Observation.objects.filter(count__lt=3).update(count=F("count") + 2)  # many rows at once
    assert_in_step()
    Observation.objects.filter(observed_on__year=2025).update(
        observed_on=F("observed_on") + dt.timedelta(days=365)
    )
    assert_in_step()
    before = stored_totals()
    Observation.objects.update(note="kopplad")  # nothing counted changes
    assert stored_totals() == before


def test_deletes_take_the_counts_away(organization, tree, member):
    Membership.objects.filter(user=member, organization=organization).update(is_reporter=True)
    plant(organization, tree)
    created = services.observation_create(
        reporter=member,
        organization=organization,
        category=factories.observation_category("klotter"),
        area=tree["square"],
        observed_on=dt.date(2026, 3, 14),
        count=3,
    )
    services.observation_delete(observation=created, actor=member)
    assert_in_step()
    Observation.objects.filter(category__slug="klotter").delete()
    assert_in_step()
    Observation.objects.all().delete()
    assert not ObservationYearTotal.objects.exists()


def test_bulk_inserts_and_insert_select(organization, tree):
    plant(organization, tree)
    litter = factories.observation_category("nedskrapning")
    Observation.objects.bulk_create(
        [
            Observation(
                organization=organization,
                area=tree["yard" if n % 2 else "outside"],
                category=litter,
                observed_on=dt.date(2025, 12, 25) + dt.timedelta(days=n % 13),
                time_from=dt.time(n % 24, 15 * (n % 4)) if n % 5 else None,
                time_to=dt.time((n * 7) % 24, 0) if n % 3 == 0 and n % 5 else None,
                count=1 + n % 4,
            )
            for n in range(2500)
        ],
        batch_size=1000,
    )
    assert_in_step()
    with connection.cursor() as cursor:  # as seed_scale writes: one INSERT … SELECT
        cursor.execute(
            """
            INSERT INTO observations_observation
                (public_id, organization_id, area_id, category_id, observed_on, time_from,
                 time_to, count, note, source, created_at)
            SELECT gen_random_uuid(), organization_id, area_id, category_id, observed_on + 1,
                   time_from, time_to, count + 1, '', 'imported', now()
            FROM observations_observation
            """
        )
    assert_in_step()


def test_a_truncate_empties_them(organization, tree):
    plant(organization, tree)
    assert ObservationYearTotal.objects.exists()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred checks pending
        cursor.execute("TRUNCATE observations_observation CASCADE")
    assert not ObservationYearTotal.objects.exists()


# --- The report's sections through each path ------------------------------------------------


def expected_report(scope: Scope, areas: list, category_ids=None) -> dict:
    """The matrix, the weekdays, the parts and the patterns, from the rows in Python."""
    starts, ends = scope.window
    groups = Counter()
    for o in Observation.objects.filter(area__in=areas).select_related("area", "category"):
        if starts <= o.observed_on <= ends and (
            category_ids is None or o.category_id in category_ids
        ):
            key = (o.area.name, o.category.name, o.category_id, o.observed_on.isoweekday())
            groups[(*key, part_of(o.time_from))] += o.count
    cells, weekdays, parts = Counter(), Counter(), Counter()
    for (area, category, _pk, weekday, part), n in groups.items():
        cells[area, category] += n
        weekdays[weekday] += n
        parts[part] += n
    area_names = sorted({area for area, _category in cells})
    categories = sorted({category for _area, category in cells})
    top = sorted(groups.items(), key=lambda item: (-item[1], item[0][0], *item[0][2:]))
    return {
        "categories": categories,
        "rows": [
            (a, [cells[a, c] for c in categories], sum(cells[a, c] for c in categories))
            for a in area_names
        ],
        "weekdays": [weekdays[day] for day in range(1, 8)],
        "parts": [parts[str(p)] for p in TIME_OF_DAY_HOURS] + [parts[""]],
        "patterns": [
            (area, category, str(Weekday(weekday).label), part, n)
            for (area, category, _pk, weekday, part), n in top[: report_queries.TOP_PATTERNS]
        ],
    }


def reported(scope: Scope) -> tuple[dict, list[str]]:
    """The report's sections for ``scope`` as :func:`expected_report` shapes them, and the
    SQL of the statements that computed them."""
    with translation.override("sv"), CaptureQueriesContext(connection) as queries:
        groups = report_queries.observation_groups(scope)
        matrix = report_queries.observation_matrix(scope, groups)
        times = report_queries.observations_by_time(scope, groups)
        patterns = report_queries.observation_patterns(scope, groups=groups)
        labels = {str(TimeOfDay(p).label): str(p) for p in TIME_OF_DAY_HOURS}
        sections = {
            "categories": matrix.categories,
            "rows": matrix.rows,
            "weekdays": [n for _label, n in times["weekdays"]],
            "parts": [n for _label, n in times["parts"]],
            "patterns": [
                (
                    p["area"],
                    p["category"],
                    str(p["weekday"]),
                    labels.get(str(p["part"]), ""),
                    p["count"],
                )
                for p in patterns
            ],
        }
    return sections, [q["sql"] for q in queries.captured_queries]


WINDOWS = {
    "whole years": (dt.date(2025, 1, 1), dt.date(2026, 12, 31)),
    "one whole year": (dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
    "odd days": (dt.date(2025, 1, 2), dt.date(2025, 12, 30)),
    "days across a new year": (dt.date(2025, 6, 1), dt.date(2026, 1, 1)),
    "days and a whole year": (dt.date(2025, 6, 1), dt.date(2026, 12, 31)),
    "a whole year and days": (dt.date(2025, 1, 1), dt.date(2026, 1, 1)),
    "days, a year, days": (dt.date(2024, 12, 31), dt.date(2026, 1, 1)),
}
YEAR_TOTALS = {"whole years", "one whole year"}
RAW = {"odd days", "days across a new year"}


@pytest.mark.parametrize("window", list(WINDOWS))
@pytest.mark.parametrize("area", [None, "district", "yard"])
def test_the_reports_sections_count_alike_on_every_path(organization, tree, window, area):
    plant(organization, tree)
    starts, ends = WINDOWS[window]
    scope = Scope(area=tree[area] if area else None, starts_on=starts, ends_on=ends)
    areas = {
        None: list(tree.values()),
        "district": [tree["district"], tree["square"], tree["yard"]],
        "yard": [tree["yard"]],
    }[area]
    with translation.override("sv"):
        expected = expected_report(scope, areas)
    sections, statements = reported(scope)
    assert sections == expected
    assert expected["rows"] and expected["patterns"]
    assert len(statements) == 2  # the sums, the categories' names
    read_totals = "observations_year_total" in statements[0]
    read_rows = "observations_observation" in statements[0]
    assert read_totals == (window not in RAW)
    assert read_rows == (window not in YEAR_TOTALS)


@pytest.mark.parametrize("window", ["one whole year", "days and a whole year", "odd days"])
def test_a_theme_keeps_its_categories_only(organization, tree, window):
    plant(organization, tree)
    theme = factories.ThemeFactory(name_sv="Klotter", name_en="Graffiti")
    graffiti = factories.observation_category("klotter")
    graffiti.themes.add(theme)
    starts, ends = WINDOWS[window]
    scope = Scope(theme=theme, starts_on=starts, ends_on=ends)
    with translation.override("sv"):
        expected = expected_report(scope, list(tree.values()), category_ids={graffiti.pk})
    sections, _statements = reported(scope)
    assert sections == expected
    assert sections["categories"] == ["Klotter"]


def test_the_year_totals_are_what_a_whole_year_reads(organization, tree):
    """A whole year's numbers come from the year totals, not from the rows: changed behind
    the triggers' back, the report shows the change."""
    plant(organization, tree)
    scope = Scope(starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31))
    before = report_queries.observation_matrix(scope).total
    ObservationYearTotal.objects.filter(year=2026).update(total=F("total") + 1)
    after = report_queries.observation_matrix(scope).total
    assert after == before + ObservationYearTotal.objects.filter(year=2026).count()


# --- The page's queries ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "period",
    [
        {},  # the default period: this calendar year
        {"starts_on": "2025-06-01", "ends_on": "2026-12-31"},
        {"starts_on": "2025-01-02", "ends_on": "2025-12-30"},
    ],
)
def test_the_report_takes_as_many_queries_whatever_the_observations(
    coordinator_client, organization, tree, period
):
    with translation.override("en"):
        url = reverse("coordinator:dashboard:report")
    plant(organization, tree)
    coordinator_client.get(url, period)
    few = query_count(coordinator_client, url, period)
    plant(organization, tree, step=4)
    factories.AreaFactory(name="Nya området", slug="nya-omradet", parent=tree["district"])
    assert query_count(coordinator_client, url, period) == few
