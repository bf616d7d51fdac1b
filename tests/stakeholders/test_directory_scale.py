"""The directory at national scale (issue 16): the page counts the live initiatives of its
own 30 organisations only, its area filter does not list every area, and its query count
does not grow with organisations, initiatives or areas."""

import datetime as dt

import pytest
from django.utils import timezone

from stakeholders.filters import AREA_OPTIONS_CAP
from stakeholders.views import PAGE_SIZE
from tests import factories
from tests.helpers import query_count

pytestmark = pytest.mark.django_db

DIRECTORY = "/vem-gor-vad/"


@pytest.fixture(autouse=True)
def _uncached(settings):
    """The view itself, not the page cache in front of it (partnership/page_cache.py)."""
    settings.PAGE_CACHE_ENABLED = False


def _rows(response):
    return {org.name: org.live_initiative_count for org in response.context["page"].object_list}


def test_each_page_counts_the_live_initiatives_of_its_own_organisations(resident):
    today = timezone.localdate()
    organizations = [
        factories.OrganizationFactory(name=f"Förening {n:02}") for n in range(PAGE_SIZE + 3)
    ]
    last = organizations[-1]  # on page 2
    factories.InitiativeFactory(lead_organization=last)
    factories.InitiativeFactory(lead_organization=last)
    factories.InitiativeFactory(lead_organization=last, visibility="partners")
    factories.InitiativeFactory(lead_organization=last, status="completed")
    factories.InitiativeFactory(
        lead_organization=last,
        starts_on=today - dt.timedelta(days=30),
        ends_on=today - dt.timedelta(days=1),
    )
    factories.InitiativeFactory(lead_organization=last, archived_at=timezone.now())
    factories.InitiativeFactory(lead_organization=organizations[0])

    first = _rows(resident.get(DIRECTORY))
    assert len(first) == PAGE_SIZE
    assert first["Förening 00"] == 1
    assert first["Förening 01"] == 0
    second = _rows(resident.get(DIRECTORY, {"page": 2}))
    assert second[last.name] == 2
    assert "Förening 00" not in second


def test_partners_count_their_partners_only_initiatives_on_any_page(client, member):
    for n in range(PAGE_SIZE):
        factories.OrganizationFactory(name=f"A-förening {n:02}")
    late = factories.OrganizationFactory(name="Ö-förening")
    factories.InitiativeFactory(lead_organization=late)
    factories.InitiativeFactory(lead_organization=late, visibility="partners")
    client.force_login(member)
    assert _rows(client.get(DIRECTORY, {"page": 2}))["Ö-förening"] == 2


def test_the_download_counts_every_organisation_it_lists(client, member, organization):
    factories.InitiativeFactory(lead_organization=organization)
    factories.InitiativeFactory(lead_organization=organization, visibility="partners")
    other = factories.OrganizationFactory(name="Utan insatser")
    client.force_login(member)
    body = client.get("/vem-gor-vad/export.csv").content.decode()
    row = next(line for line in body.splitlines() if line.startswith(organization.name))
    assert ",2," in row
    row = next(line for line in body.splitlines() if line.startswith(other.name))
    assert ",0," in row


def _national_areas():
    """A municipality, 3 districts and 25 places in each: more than the filter lists."""
    root = factories.AreaFactory(name="Kommunen")
    districts = [factories.AreaFactory(name=f"Distrikt {n}", parent=root) for n in range(3)]
    for district in districts:
        for n in range(AREA_OPTIONS_CAP // 3 + 5):
            factories.AreaFactory(name=f"{district.name} plats {n}", parent=district)
    return root, districts


def test_the_area_filter_offers_the_tree_around_the_choice_not_every_area(resident):
    _root, districts = _national_areas()
    html = resident.get(DIRECTORY).text
    assert "Distrikt 1" in html
    assert "Distrikt 1 plats 3" not in html
    response = resident.get(DIRECTORY, {"area": districts[1].pk})
    assert response.status_code == 200
    assert "Distrikt 1 plats 3" in response.text  # its places, once chosen
    assert "Distrikt 2 plats 3" not in response.text


def test_a_place_beyond_the_listed_options_still_filters(resident):
    _root, districts = _national_areas()
    place = districts[2].children.order_by("name").last()
    there = factories.OrganizationFactory(name="Där")
    there.areas.add(place)
    factories.OrganizationFactory(name="Inte där")
    assert set(_rows(resident.get(DIRECTORY, {"area": place.pk}))) == {"Där"}


def _grow(n):
    area, theme = factories.AreaFactory(), factories.ThemeFactory()
    for _ in range(n):
        organization = factories.OrganizationFactory()
        organization.areas.add(area, factories.AreaFactory())
        organization.themes.add(theme)
        factories.InitiativeFactory(lead_organization=organization)
        factories.InitiativeFactory(lead_organization=organization, visibility="partners")


@pytest.mark.parametrize("params", [{}, {"page": 2}, {"q": "Organisation"}])
def test_query_count_does_not_grow_with_organisations_initiatives_or_areas(resident, params):
    _national_areas()  # beyond the areas the filter lists (one query more, once)
    _grow(PAGE_SIZE + 2)
    few = query_count(resident, DIRECTORY, params)
    _grow(2 * PAGE_SIZE)
    assert query_count(resident, DIRECTORY, params) == few


def test_the_directory_takes_a_fixed_handful_of_queries(
    resident, organization, django_assert_max_num_queries
):
    _grow(PAGE_SIZE + 2)
    _national_areas()
    # Areas (2), count, page, its areas, its themes, live counts, the theme filter.
    with django_assert_max_num_queries(8):
        resident.get(DIRECTORY)
