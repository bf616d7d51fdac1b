"""The hour totals (``ObservationHourTotal``, kept by database triggers) equal the sums of
the observations after every way of writing them — the form's service, edits, deletes, a
bulk insert, an ``INSERT … SELECT``, a CSV import, a truncate — and the heatmap and the trend
count the same through each of their paths: the hour totals alone (the whole partnership), an
area's own rows, and the hour totals minus the rows of the areas outside a large area.

The expected numbers are computed here in Python from the observations' times, not from the
database's generated columns."""

import datetime as dt
import math
from collections import Counter

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import F
from django.utils import timezone

from partnership.observations import patterns, services
from partnership.observations.models import Observation, ObservationHourTotal, ObservationImport
from stakeholders.models import Membership
from tests import factories

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 10, 5)
DAY, NEXT, UNKNOWN = (
    ObservationHourTotal.SLOT_DAY,
    ObservationHourTotal.SLOT_NEXT_DAY,
    ObservationHourTotal.SLOT_UNKNOWN,
)


def _end_hour(time: dt.time) -> int:
    """The hour a window ends in, rounded up (22:00 → 22, 22:15 → 23)."""
    return math.ceil((time.hour * 3600 + time.minute * 60 + time.second) / 3600)


def covered(observation) -> tuple[list[int], list[int]]:
    """The hours of its day and of the next day an observation covers (docs/observations.md)."""
    start, end = observation.time_from, observation.time_to
    if start is None:
        return [], []
    if end is None:
        return [start.hour], []
    if end > start:
        return list(range(start.hour, _end_hour(end))), []
    return list(range(start.hour, 24)), list(range(_end_hour(end)))


def expected_totals() -> dict:
    totals = Counter()
    for o in Observation.objects.all():
        key = (o.category_id, o.observed_on)
        totals[(*key, DAY)] += o.count
        hours, next_hours = covered(o)
        if o.time_from is None:
            totals[(*key, UNKNOWN)] += o.count
        for hour in hours:
            totals[(*key, hour)] += o.count
        for hour in next_hours:
            totals[(*key, NEXT + hour)] += o.count
    return {key: n for key, n in totals.items() if n}


def stored_totals() -> dict:
    return {
        (row.category_id, row.observed_on, row.slot): row.total
        for row in ObservationHourTotal.objects.all()
    }


def assert_in_step() -> None:
    stored = stored_totals()
    assert stored == expected_totals()
    assert all(n > 0 for n in stored.values())  # a key that falls to 0 is deleted


@pytest.fixture
def tree(organization):
    """A district with four areas below it (one two levels down), and an area outside."""
    district = factories.AreaFactory(name="Distriktet", slug="distriktet")
    a = factories.AreaFactory(name="Torget", slug="torget", parent=district)
    b = factories.AreaFactory(name="Skolan", slug="skolan", parent=district)
    c = factories.AreaFactory(name="Parken", slug="parken", parent=district)
    d = factories.AreaFactory(name="Lekplatsen", slug="lekplatsen", parent=c)
    outside = factories.AreaFactory(name="Utanför", slug="utanfor")
    return {"district": district, "a": a, "b": b, "c": c, "d": d, "outside": outside}


def plant(organization, tree):
    litter = factories.observation_category("nedskrapning")
    graffiti = factories.observation_category("klotter")
    t = dt.time
    rows = [
        ("a", 0, t(21, 15), None, 2, litter),  # a moment
        ("b", 1, t(21, 0), t(0, 0), 1, litter),  # to midnight
        ("d", 6, t(22, 0), t(2, 0), 3, litter),  # Sunday across midnight into Monday
        ("c", 2, None, None, 4, litter),  # no time
        ("a", 3, t(21, 30), t(22, 15), 1, graffiti),  # part hours
        ("outside", 0, t(21, 0), None, 10, litter),  # outside the district
        ("outside", 4, t(23, 30), t(0, 30), 6, graffiti),
        ("a", -1, t(21, 0), None, 100, litter),  # the Sunday before the period
        ("b", 7, t(21, 0), None, 100, graffiti),  # the Monday after it
        ("district", -8, t(8, 0), t(10, 0), 5, litter),  # the week before (the trend)
        ("a", -30, None, None, 9, graffiti),  # weeks before (the trend)
    ]
    return [
        factories.ObservationFactory(
            organization=organization,
            area=tree[key],
            category=category,
            observed_on=MONDAY + dt.timedelta(days=days),
            time_from=time_from,
            time_to=time_to,
            count=count,
        )
        for key, days, time_from, time_to, count, category in rows
    ]


# --- The hour totals stay equal to the observations ---------------------------------------


def test_created_one_by_one_through_the_service(organization, tree, member):
    Membership.objects.filter(user=member, organization=organization).update(is_reporter=True)
    plant(organization, tree)
    services.observation_create(
        reporter=member,
        organization=organization,
        category=factories.observation_category("klotter"),
        area=tree["b"],
        observed_on=MONDAY,
        time_from=dt.time(23, 45),
        time_to=dt.time(1, 15),
        count=2,
    )
    assert_in_step()
    assert stored_totals()[(factories.observation_category("klotter").pk, MONDAY, NEXT + 1)] == 2


def test_edits_move_the_counts(organization, tree, member):
    Membership.objects.filter(user=member, organization=organization).update(is_reporter=True)
    first = plant(organization, tree)[0]
    Observation.objects.filter(pk=first.pk).update(reported_by=member)  # logged by them
    first.refresh_from_db()
    services.observation_update(
        observation=first,
        actor=member,
        category=factories.observation_category("klotter"),
        observed_on=MONDAY + dt.timedelta(days=1),
        time_from=dt.time(22, 0),
        time_to=dt.time(3, 0),
        count=7,
    )
    assert_in_step()
    Observation.objects.filter(count__lt=5).update(count=F("count") + 1)  # many rows at once
    assert_in_step()
    Observation.objects.filter(time_from__isnull=False).update(time_from=None, time_to=None)
    assert_in_step()
    before = stored_totals()
    problem = factories.ProblemFactory(area=tree["a"])
    Observation.objects.update(problem=problem, note="kopplad")  # nothing counted changes
    assert stored_totals() == before


def test_deletes_take_the_counts_away(organization, tree, member):
    observations = plant(organization, tree)
    observations[0].delete()
    assert_in_step()
    Observation.objects.filter(category__slug="klotter").delete()
    assert_in_step()
    Observation.objects.all().delete()
    assert not ObservationHourTotal.objects.exists()


def test_bulk_inserts_and_insert_select(organization, tree):
    plant(organization, tree)
    litter = factories.observation_category("nedskrapning")
    Observation.objects.bulk_create(
        [
            Observation(
                organization=organization,
                area=tree["a" if n % 2 else "b"],
                category=litter,
                observed_on=MONDAY + dt.timedelta(days=n % 9),
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


def test_a_confirmed_import(client, member, organization, tree):
    Membership.objects.filter(user=member, organization=organization).update(is_reporter=True)
    factories.observation_category("nedskrapning")
    client.force_login(member)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    lines = ["datum;vecka;tid;område;kategori;antal;anteckning"]
    lines += [
        f"{yesterday - dt.timedelta(days=n % 20)};;{n % 24:02d}:00–{(n + 3) % 24:02d}:30;"
        f"torget;nedskrapning;{1 + n % 3};"
        for n in range(300)
    ]
    lines.append(";2026-W40;;skolan;nedskrapning;12;")  # a weekly statistic: no time
    content = "\n".join(lines).encode()
    response = client.post(
        "/handelser/importera/",
        {"file": SimpleUploadedFile("h.csv", content, content_type="text/csv")},
    )
    assert response.status_code == 302
    batch = ObservationImport.objects.get()
    client.post(f"/handelser/importera/{batch.pk}/bekrafta/")
    assert Observation.objects.count() == 301
    assert_in_step()


def test_a_truncate_empties_them(organization, tree):
    plant(organization, tree)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred checks pending
        cursor.execute("TRUNCATE observations_observation CASCADE")
    assert not ObservationHourTotal.objects.exists()


# --- The heatmap and the trend through each path --------------------------------------------


def expected_patterns(area_ids, category_ids, start, end):
    """The heatmap's cells, its "time unknown" and the trend's week totals, from the rows."""
    cells, unknown, weeks = Counter(), 0, Counter()
    rows = Observation.objects.all()
    if area_ids is not None:
        rows = rows.filter(area_id__in=area_ids)
    if category_ids:
        rows = rows.filter(category_id__in=category_ids)
    for o in rows:
        weeks[patterns.week_start(o.observed_on)] += o.count
        if not start <= o.observed_on <= end:
            continue
        if o.time_from is None:
            unknown += o.count
        weekday = o.observed_on.isoweekday()
        hours, next_hours = covered(o)
        for hour in hours:
            cells[weekday, hour] += o.count
        for hour in next_hours:
            cells[weekday % 7 + 1, hour] += o.count
    return dict(cells), unknown, weeks


@pytest.mark.parametrize(
    ("choice", "path"),
    [
        (None, "all"),
        ("district", "complement"),  # 5 of the 6 areas: the partnership minus "outside"
        ("c", "raw"),  # 2 of 6
        ("outside", "raw"),
        ("d", "raw"),
    ],
)
@pytest.mark.parametrize("categories", [(), ("klotter",)])
def test_every_path_counts_the_planted_observations(organization, tree, choice, path, categories):
    plant(organization, tree)
    area_ids = patterns.area_ids(tree[choice]) if choice else None
    category_ids = [factories.observation_category(slug).pk for slug in categories]
    assert patterns._plan(area_ids)[0] == path
    start, end = MONDAY, MONDAY + dt.timedelta(days=6)
    heatmap, trend = patterns.patterns_for(
        area_ids=area_ids, category_ids=category_ids, start=start, end=end
    )
    cells, unknown, weeks = expected_patterns(area_ids, category_ids, start, end)
    assert heatmap.cells == cells
    assert heatmap.unknown == unknown
    assert trend.this_week == weeks[MONDAY]
    assert trend.weeks == [(MONDAY, weeks[MONDAY])]
    before = [MONDAY - dt.timedelta(weeks=n) for n in range(1, 53)]
    assert trend.average_short == sum(weeks[m] for m in before[:4]) / 4
    assert trend.average_long == sum(weeks[m] for m in before) / 52


def test_the_district_through_the_complement_matches_its_own_rows(organization, tree):
    """The same numbers whichever way a large area is counted."""
    plant(organization, tree)
    area_ids = patterns.area_ids(tree["district"])
    start, end = MONDAY - dt.timedelta(days=60), MONDAY + dt.timedelta(days=9)
    heatmap, trend = patterns.patterns_for(area_ids=area_ids, category_ids=[], start=start, end=end)
    this_monday = patterns.week_start(end)
    raw, totals = patterns.Heatmap(), {}
    patterns._add_raw(
        raw,
        totals,
        sign=1,
        area_ids=area_ids,
        category_ids=[],
        start=start,
        end=end,
        first=min(patterns.week_start(start), this_monday - dt.timedelta(weeks=52)),
        last=this_monday + dt.timedelta(days=6),
    )
    assert heatmap.cells == raw.cells
    assert heatmap.unknown == raw.unknown
    assert [total for _monday, total in trend.weeks] == [
        totals.get(monday, 0) for monday, _total in trend.weeks
    ]
