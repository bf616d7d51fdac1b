"""Query counts are a contract: the map, list, detail page, API, feeds, CSV and sitemap
take the same number of SQL queries with 2 initiatives as with 30."""

import itertools

import pytest

from tests import factories
from tests.helpers import query_count

NUMBERS = itertools.count()

pytestmark = pytest.mark.django_db

URLS = [
    "/insatser/",
    "/insatser/?when=week&q=nattvandring",
    "/insatser/map.geojson",
    "/insatser/map.geojson?bbox=17.0,59.0,18.5,59.5",
    "/insatser/calendar.ics",
    "/insatser/export.csv",
    "/api/v1/initiatives",
    "/api/v1/initiatives.geojson",
    "/api/v1/organizations",
    "/api/v1/areas",
    "/sitemap-initiatives.xml",
    "/sitemap-organizations.xml",
]


def _add(n, area, theme, org):
    for _ in range(n):
        initiative = factories.InitiativeFactory(
            title=f"Nattvandring {next(NUMBERS)}",
            lead_organization=factories.OrganizationFactory(),
            areas=[area],
            themes=[theme],
            latitude=59.26,
            longitude=17.88,
        )
        initiative.partner_organizations.add(org)
        initiative.target_groups.add(factories.TargetGroupFactory())
        factories.ScheduleSlotFactory(initiative=initiative)
        factories.AreaFactory(parent=area)


@pytest.mark.parametrize("url", URLS)
def test_query_count_does_not_grow_with_rows(resident, organization, url):
    area, theme = factories.AreaFactory(), factories.ThemeFactory()
    _add(2, area, theme, organization)
    few = query_count(resident, url)
    _add(28, area, theme, organization)
    assert query_count(resident, url) == few


def test_detail_page_query_count_does_not_grow_with_links(resident, organization):
    def count_for(n):
        initiative = factories.InitiativeFactory(lead_organization=organization)
        for _ in range(n):
            initiative.areas.add(factories.AreaFactory())
            initiative.partner_organizations.add(factories.OrganizationFactory())
            initiative.problems.add(factories.ProblemFactory(visibility="public"))
            factories.InitiativeUpdateFactory(initiative=initiative)
        return query_count(resident, f"/insatser/{initiative.slug}/")

    assert count_for(2) == count_for(30)
