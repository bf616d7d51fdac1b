"""The partners' list of observations (issue 15): partners only (everyone else 404),
filters (area with its sub-areas, category, period, organisation), newest first, a constant
number of queries per page, "when" in words, a CSV of the filtered list, and rows chosen to
become a problem."""

import csv
import datetime as dt
import io

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from tests import factories
from tests.helpers import query_count

pytestmark = pytest.mark.django_db

URL = "/handelser/"


@pytest.fixture
def places(db):
    varby = factories.AreaFactory(name="Vårby gård", slug="varby-gard")
    centrum = factories.AreaFactory(name="Centrum", slug="centrum", parent=varby)
    udde = factories.AreaFactory(name="Udden", slug="udden")
    return {"varby": varby, "centrum": centrum, "udde": udde}


@pytest.fixture
def planted(places, organization, other_organization):
    today = timezone.localdate()
    return {
        "groups": factories.ObservationFactory(
            organization=organization,
            area=places["centrum"],
            category=factories.observation_category("ungdomar-i-grupp"),
            observed_on=today,
            time_from=dt.time(21),
            time_to=dt.time(1),
            count=8,
            note="Stökigt vid bänkarna",
        ),
        "litter": factories.ObservationFactory(
            organization=other_organization,
            area=places["udde"],
            category=factories.observation_category("nedskrapning"),
            observed_on=today - dt.timedelta(days=20),
            time_from=None,
            note="Skräp vid stranden",
        ),
    }


@pytest.mark.parametrize("who", ["resident", "coordinator_without_mfa"])
def test_nobody_but_partners_knows_the_list(request, client, who, planted):
    if who != "resident":
        client.force_login(request.getfixturevalue(who))
    assert client.get(URL).status_code == 404
    assert client.get(reverse("observations:export_csv")).status_code == 404


def test_a_suspended_organisations_member_gets_404(client, planted):
    user = factories.UserFactory()
    factories.MembershipFactory(
        user=user, organization=factories.OrganizationFactory(status="suspended")
    )
    client.force_login(user)
    assert client.get(URL).status_code == 404


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_every_partner_reads_every_organisations_observations(request, client, who, planted):
    client.force_login(request.getfixturevalue(who))
    page = client.get(URL)
    assert page.status_code == 200
    text = page.text
    assert "Stökigt vid bänkarna" in text and "Skräp vid stranden" in text
    # Newest first; when in words; the organisation, never the reporter.
    assert text.index("Stökigt vid bänkarna") < text.index("Skräp vid stranden")
    assert "I dag 21:00–01:00 (över midnatt)" in text
    assert "någon gång under dagen" in text
    assert "Stiftelsen Testbostäder" in text


def test_the_coordinator_reads_it_with_the_categories_link(coordinator_client, planted):
    page = coordinator_client.get(URL)
    assert page.status_code == 200
    assert reverse("observations:categories") in page.text


def test_filters(client, member, planted, places, other_organization):
    client.force_login(member)

    def notes(**params):
        page = client.get(URL, params)
        assert page.status_code == 200
        return {o.note for o in page.context["page"].object_list}

    both = {"Stökigt vid bänkarna", "Skräp vid stranden"}
    assert notes() == both
    assert notes(area="varby-gard") == {"Stökigt vid bänkarna"}  # with its sub-areas
    assert notes(category="nedskrapning") == {"Skräp vid stranden"}
    assert notes(organization=other_organization.slug) == {"Skräp vid stranden"}
    since = (timezone.localdate() - dt.timedelta(days=7)).isoformat()
    assert notes(observed_from=since) == {"Stökigt vid bänkarna"}
    assert notes(observed_until=since) == {"Skräp vid stranden"}


def test_the_area_filter_takes_the_slug(client, member, planted, places):
    client.force_login(member)
    page = client.get(URL, {"area": "udden"})
    assert [o.note for o in page.context["page"].object_list] == ["Skräp vid stranden"]


@pytest.mark.parametrize(
    "params",
    [
        {"observed_from": "2026-12-01", "observed_until": "2026-11-01"},
        {"observed_from": "not a date"},
        {"category": "finns-inte"},
        {"organization": "finns-inte"},
        {"area": "finns-inte"},
        {"page": "x"},
        {"page": "99999"},
    ],
)
def test_bad_filters_are_errors_not_500(client, member, planted, params):
    client.force_login(member)
    page = client.get(URL, params)
    assert page.status_code in (200, 400)
    if page.status_code == 400:
        assert "data-error-summary" in page.text
    csv_response = client.get(reverse("observations:export_csv"), params)
    assert csv_response.status_code in (200, 400)


def test_the_csv_holds_the_filtered_list(client, member, planted):
    client.force_login(member)
    response = client.get(reverse("observations:export_csv"), {"category": "ungdomar-i-grupp"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:6] == ["Datum", "Tid (från)", "Till", "Område", "Kategori", "Antal"]
    assert len(rows) == 2
    assert rows[1][1:6] == ["21:00", "01:00", "Centrum", "Ungdomar i grupp", "8"]
    assert rows[1][6] == "Stökigt vid bänkarna"


def test_a_note_that_looks_like_a_formula_is_not_one_in_the_csv(client, member, places):
    factories.ObservationFactory(area=places["udde"], note="=HYPERLINK(1)")
    client.force_login(member)
    body = b"".join(client.get(reverse("observations:export_csv")).streaming_content).decode()
    assert "'=HYPERLINK(1)" in body


def test_rows_are_chosen_for_a_problem_by_their_public_id(client, member, planted):
    client.force_login(member)
    page = client.get(URL).text
    try:
        target = reverse("observations:make_problem")
    except NoReverseMatch:
        assert 'name="observation"' not in page  # no target yet: no checkboxes
        return
    assert f'action="{target}"' in page
    assert f'name="observation" value="{planted["groups"].public_id}"' in page
    assert "Gör till problem" in page


def test_the_own_recent_observation_can_be_corrected_from_the_list(client, organization, places):
    user = factories.UserFactory()
    factories.MembershipFactory(user=user, organization=organization, is_reporter=True)
    own = factories.ObservationFactory(
        organization=organization, area=places["udde"], reported_by=user
    )
    other = factories.ObservationFactory(organization=organization, area=places["udde"])
    client.force_login(user)
    page = client.get(URL).text
    assert reverse("observations:edit", args=[own.public_id]) in page
    assert reverse("observations:edit", args=[other.public_id]) not in page
    assert "24 timmar" in page


def test_the_list_pages_in_a_constant_number_of_queries(client, member, places, organization):
    client.force_login(member)
    factories.ObservationFactory(organization=organization, area=places["centrum"])
    one = query_count(client, URL)
    for day in range(60):
        factories.ObservationFactory(
            organization=factories.OrganizationFactory(),
            area=factories.AreaFactory(),
            category=factories.observation_category(f"kategori-{day % 7}"),
            observed_on=timezone.localdate() - dt.timedelta(days=day),
        )
    many = query_count(client, URL)
    assert many == one
    assert query_count(client, URL, {"page": "2"}) == one
    filtered = query_count(client, URL, {"area": "varby-gard", "category": "nedskrapning"})
    assert filtered <= one + 2  # the chosen area's sub-areas, the chosen category
