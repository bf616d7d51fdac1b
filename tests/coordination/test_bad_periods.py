"""No period breaks a coordinator page or CSV (issue 18, item 6; issue 17's CSV defect).

A "To" in the past with "From" empty (the period then starts today) made PostgreSQL refuse
the range ("range lower bound must be less than or equal to range upper bound"): every page
answered 500 and every CSV broke off mid-download. Far dates (year 9999) and non-dates get
an error next to the field too; the CSVs answer 400 with the error whenever the page shows
one, instead of every row with 200.
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from partnership.coordination import exports
from tests import factories

pytestmark = pytest.mark.django_db

PAGES = ["overview", "overlaps", "gaps", "coverage", "attention", "report"]

YESTERDAY = (timezone.localdate() - dt.timedelta(days=1)).isoformat()

# (query, the field whose error the page shows, the error's words)
BAD_PERIODS = [
    ({"ends_on": YESTERDAY}, "ends_on", "before the start"),
    ({"starts_on": "2026-05-01", "ends_on": "2026-04-01"}, "ends_on", "before the start"),
    ({"starts_on": "9999-12-31"}, "starts_on", "2100"),
    ({"ends_on": "9999-12-31"}, "ends_on", "2100"),
    ({"starts_on": "0001-01-01"}, "starts_on", "1900"),
    ({"starts_on": "not a date"}, "starts_on", "date"),
    ({"ends_on": "2026-02-31"}, "ends_on", "date"),
]


def en(name, *args):
    """The English address (the errors are asserted in English)."""
    with translation.override("en"):
        return reverse(name, args=args)


@pytest.fixture
def planted(organization):
    """Something on every page, so that a query runs with the bad period."""
    initiative = factories.InitiativeFactory(lead_organization=organization)
    factories.ProblemFactory(recorded_by_organization=organization)
    return initiative


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(("query", "field", "words"), BAD_PERIODS)
def test_a_bad_period_is_an_error_next_to_its_field(
    coordinator_client, planted, page, query, field, words
):
    response = coordinator_client.get(en(f"coordinator:dashboard:{page}"), query)
    assert response.status_code == 200  # the page, with the valid filters, and the error
    form = response.context["form"]
    assert field in form.errors
    assert words in " ".join(form.errors[field])
    assert words in response.content.decode()


@pytest.mark.parametrize("table", sorted(exports.TABLES))
@pytest.mark.parametrize(("query", "field", "words"), BAD_PERIODS)
def test_a_bad_period_answers_400_on_every_csv(
    coordinator_client, planted, table, query, field, words
):
    response = coordinator_client.get(en("coordinator:dashboard:export", table), query)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert words in response.content.decode()


@pytest.mark.parametrize("page", PAGES)
def test_a_good_period_still_answers_200(coordinator_client, planted, page):
    today = timezone.localdate()
    query = {"starts_on": today.isoformat(), "ends_on": (today + dt.timedelta(days=30)).isoformat()}
    response = coordinator_client.get(reverse(f"coordinator:dashboard:{page}"), query)
    assert response.status_code == 200


def test_a_good_period_streams_the_csv(coordinator_client, planted):
    today = timezone.localdate()
    response = coordinator_client.get(
        reverse("coordinator:dashboard:export", args=["unlinked"]),
        {"starts_on": today.isoformat(), "ends_on": (today + dt.timedelta(days=30)).isoformat()},
    )
    assert response.status_code == 200
    assert planted.title in b"".join(response.streaming_content).decode()
