"""The pattern page: who sees it, its CSV, its choices and their errors, the links from the
heatmap's cells, and a number of queries that does not grow with the observations."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from tests import factories
from tests.helpers import login_as, query_count

pytestmark = pytest.mark.django_db

PAGE = "/handelser/monster/"
CSV = "/handelser/monster.csv"
MONDAY = dt.date(2026, 10, 5)


@pytest.fixture
def planted(organization):
    area = factories.AreaFactory(name="Vårby gård centrum", slug="centrum")
    litter = factories.observation_category("nedskrapning")
    factories.ObservationFactory(
        organization=organization,
        area=area,
        category=litter,
        observed_on=MONDAY + dt.timedelta(days=4),  # a Friday
        time_from=dt.time(22, 0),
        time_to=dt.time(1, 0),
        count=2,
        note="Hemlig notering om sopor",
    )
    factories.ObservationFactory(
        organization=organization, area=area, category=litter, observed_on=MONDAY, time_from=None
    )
    return area


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("resident", 404),
        ("coordinator_without_mfa", 404),
        ("member", 200),
        ("outsider", 200),
        ("coordinator", 200),
    ],
)
@pytest.mark.parametrize("url", [PAGE, CSV])
def test_partners_only(client, request, planted, role, status, url):
    login_as(client, request, role)
    response = client.get(url)
    assert response.status_code == status
    if status == 404:
        assert b"Hemlig notering" not in response.content


def test_english_address(client, member, planted):
    client.force_login(member)
    assert reverse("observations:patterns") == "/handelser/monster/"
    response = client.get("/en/observations/patterns/")
    assert response.status_code == 200
    assert b"Patterns in the observations" in response.content


def _params(**extra):
    return {
        "area": "centrum",
        "from": MONDAY.isoformat(),
        "to": (MONDAY + dt.timedelta(days=6)).isoformat(),
        **extra,
    }


def test_csv_holds_the_heatmap_and_the_trend(client, member, planted):
    client.force_login(member)
    response = client.get(CSV, _params())
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["Område", "Vårby gård centrum"]
    assert rows[2] == ["Period", "2026-10-05", "2026-10-11"]
    header = rows[4]
    assert header[0] == "Veckodag" and header[1] == "00" and header[24] == "23"
    by_day = {r[0]: r[1:] for r in rows[5:13]}
    friday, saturday = by_day["Fredag"], by_day["Lördag"]
    assert friday[22] == friday[23] == "2"  # 22:00–01:00 on Friday …
    assert saturday[0] == "2"  # … into Saturday's first hour
    assert friday[24] == "4" and saturday[24] == "2"  # the totals
    assert by_day["Tid okänd"][-1] == "1"
    weeks = {r[0]: r[1] for r in rows if r and r[0].startswith("2026-")}
    assert weeks["2026-10-05"] == "3"
    assert ["Denna vecka", "3"] in rows


def test_cells_link_to_make_a_problem(client, member, planted):
    client.force_login(member)
    response = client.get(PAGE, _params(category="nedskrapning"))
    html = response.content.decode()
    base = reverse("observations:make_problem")
    expected = (
        f"{base}?from=2026-10-05&amp;to=2026-10-11&amp;area=centrum&amp;category=nedskrapning"
        "&amp;weekday=5&amp;hour=22"
    )
    assert f'href="{expected}"' in html  # the SVG cell and the table's number


def test_defaults_are_the_last_52_weeks_of_the_whole_partnership(client, member, planted):
    client.force_login(member)
    response = client.get(PAGE)
    assert response.status_code == 200
    assert response.context["area"] is None
    end = response.context["end"]
    assert (end - response.context["start"]).days == 52 * 7 - 1
    assert "Hela partnerskapet." in response.content.decode()


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"area": "nowhere"}, "area", "Välj ett giltigt alternativ"),
        ({"category": "nothing"}, "category", "Välj ett giltigt alternativ"),
        ({"from": "2026-13-01"}, "from", "giltigt datum"),
        ({"from": "2026-10-10", "to": "2026-10-01"}, "to", "före dess början"),
    ],
)
def test_bad_choices_are_explained_and_kept(client, member, planted, params, field, message):
    client.force_login(member)
    response = client.get(PAGE, params)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'class="error-summary' in html or "error-summary" in html
    assert response.context["form"].errors[field]
    for name in ("from", "to"):
        if name in params:
            assert f'value="{params[name]}"' in html  # what was typed stays


def test_query_count_does_not_grow_with_the_observations(client, member, organization, planted):
    client.force_login(member)
    few = query_count(client, PAGE, _params())
    for day in range(30):
        factories.ObservationFactory(
            organization=organization,
            area=factories.AreaFactory(parent=planted),
            category=factories.observation_category("klotter"),
            observed_on=MONDAY + dt.timedelta(days=day % 7),
            time_from=dt.time(day % 24, 0),
        )
    many = query_count(client, PAGE, _params())
    assert many == few
    assert query_count(client, CSV, _params()) <= few
