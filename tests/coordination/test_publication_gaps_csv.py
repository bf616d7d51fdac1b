"""The gaps page's observation-hours tables as CSV (and spreadsheet), linked next to each
table: every place, not a page of them, with its spans; coordinators only; the page's filters
apply and a bad one is a 400 with the error."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from partnership.observations.models import Observation
from tests import factories
from tests.helpers import query_count

pytestmark = pytest.mark.django_db


def en(name: str, *args) -> str:
    with translation.override("en"):
        return reverse(name, args=args)


def last_friday() -> dt.date:
    today = timezone.localdate()
    return today - dt.timedelta(days=(today.isoweekday() - 5) % 7 or 7)


@pytest.fixture
def observed(organization):
    """Friday evening at two places, nobody there; one initiative covers a third place."""
    category = factories.observation_category("ungdomar-i-grupp")
    yard = factories.AreaFactory(name="Vårby gård centrum")
    square = factories.AreaFactory(name="Torget")
    covered = factories.AreaFactory(name="Skolgården")
    initiative = factories.InitiativeFactory(areas=[covered])
    factories.ScheduleSlotFactory(
        initiative=initiative, weekday=5, starts_at=dt.time(18), ends_at=dt.time(23)
    )
    for area, count in ((yard, 3), (square, 1), (covered, 2)):
        Observation.objects.create(
            organization=organization,
            area=area,
            category=category,
            observed_on=last_friday(),
            time_from=dt.time(21),
            time_to=dt.time(23),
            count=count,
        )
    return {"yard": yard, "square": square, "covered": covered}


def rows_of(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


@pytest.mark.parametrize("table", ["observed-hours", "observed-hours-delivered"])
def test_the_observation_hours_as_csv_hold_every_place_with_its_spans(
    coordinator_client, observed, table
):
    response = coordinator_client.get(en("coordinator:dashboard:export", table))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="{table}.csv"' in response["Content-Disposition"]
    rows = rows_of(response)
    assert rows[0] == [
        "Place",
        "Observations at these hours",
        "All observations with a time",
        "Observed hours with nobody there",
    ]
    by_place = {row[0]: row for row in rows[1:]}
    assert by_place["Vårby gård centrum"] == [
        "Vårby gård centrum",
        "3",
        "3",
        "Friday 21:00–23:00 (3)",
    ]
    assert by_place["Torget"][1:3] == ["1", "1"]
    if table == "observed-hours":  # a weekly time runs there
        assert "Skolgården" not in by_place
    else:  # no session was marked held
        assert by_place["Skolgården"][1] == "2"


def test_the_csv_holds_every_place_not_a_page(coordinator_client, organization):
    category = factories.observation_category("ungdomar-i-grupp")
    for n in range(30):  # more than a page of the gaps page (25)
        Observation.objects.create(
            organization=organization,
            area=factories.AreaFactory(name=f"Plats {n:02d}"),
            category=category,
            observed_on=last_friday(),
            time_from=dt.time(21),
        )
    response = coordinator_client.get(en("coordinator:dashboard:export", "observed-hours"))
    assert len(rows_of(response)) == 31


def test_the_gaps_page_links_each_table_to_its_file(coordinator_client, observed):
    """The observed hours, planned and delivered, are the gaps page's third view."""
    observed_view = coordinator_client.get(en("coordinator:dashboard:gaps"), {"view": "observed"})
    assert en("coordinator:dashboard:export", "observed-hours") in observed_view.text
    assert en("coordinator:dashboard:export_xlsx", "observed-hours") in observed_view.text
    assert en("coordinator:dashboard:export", "observed-hours-delivered") in observed_view.text
    planned = coordinator_client.get(en("coordinator:dashboard:gaps"))
    assert en("coordinator:dashboard:export", "time-gaps") in planned.text
    assert en("coordinator:dashboard:export", "observed-hours") not in planned.text
    spreadsheet = coordinator_client.get(
        en("coordinator:dashboard:export_xlsx", "observed-hours-delivered")
    )
    assert spreadsheet.status_code == 200
    assert spreadsheet.content.startswith(b"PK")  # a zip: the .xlsx


def test_filters_apply_and_a_bad_one_is_a_400(coordinator_client, observed):
    address = en("coordinator:dashboard:export", "observed-hours")
    response = coordinator_client.get(address, {"area": observed["square"].pk})
    assert [row[0] for row in rows_of(response)[1:]] == ["Torget"]
    bad = coordinator_client.get(address, {"starts_on": "2026-13-40"})
    assert bad.status_code == 400
    assert "From" in bad.content.decode()


def test_only_coordinators_download_it(client, member, observed):
    address = en("coordinator:dashboard:export", "observed-hours")
    assert client.get(address).status_code == 302  # to log in
    client.force_login(member)
    assert client.get(address).status_code == 403


def test_the_csv_takes_the_same_queries_with_few_and_many_places(coordinator_client, organization):
    category = factories.observation_category("ungdomar-i-grupp")
    address = en("coordinator:dashboard:export", "observed-hours")

    def plant(n):
        for _ in range(n):
            Observation.objects.create(
                organization=organization,
                area=factories.AreaFactory(),
                category=category,
                observed_on=last_friday(),
                time_from=dt.time(21),
            )

    plant(2)
    few = query_count(coordinator_client, address)
    plant(28)
    assert query_count(coordinator_client, address) == few
