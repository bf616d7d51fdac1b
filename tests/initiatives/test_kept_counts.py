"""Counts kept until a write (issue 16, ``initiatives.figures``): the list page's, the API's
and HSDS's totals are counted once per filter combination and generation — and the next
request after any write that changes them counts afresh."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from initiatives import figures
from initiatives.models import Initiative
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _uncached(settings):
    """The views themselves, not the page cache in front of them."""
    settings.PAGE_CACHE_ENABLED = False


def _counts(client, url) -> tuple[dict, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return response, [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"]]


def test_the_home_figures_agree_with_the_definitions(organization):
    factories.InitiativeFactory(lead_organization=organization)
    factories.InitiativeFactory(lead_organization=organization, status="paused")
    factories.InitiativeFactory(lead_organization=organization, visibility="partners")
    factories.InitiativeFactory(lead_organization=factories.OrganizationFactory(status="pending"))
    public = Initiative.objects.public()
    assert figures.public_counts() == {
        "initiatives": public.count(),
        "current_initiatives": public.current().count(),
    }
    assert figures.public_counts()["current_initiatives"] == 1


def test_the_api_counts_once_until_a_write(resident, organization):
    theme = factories.ThemeFactory()
    factories.InitiativeFactory(lead_organization=organization, themes=[theme])
    url = f"/api/v1/initiatives?theme={theme.pk}"
    response, counted = _counts(resident, url)
    assert response.json()["count"] == 1 and counted
    response, counted = _counts(resident, url)
    assert response.json()["count"] == 1 and not counted  # kept
    # A link made without saving the initiative (m2m_changed) is a write too.
    factories.InitiativeFactory(lead_organization=organization).themes.add(theme)
    response, counted = _counts(resident, url)
    assert response.json()["count"] == 2 and counted


def test_the_list_counts_a_filter_once_until_a_write(resident, organization):
    area = factories.AreaFactory()
    made = factories.InitiativeFactory(lead_organization=organization, areas=[area])
    url = f"/insatser/?area={area.pk}"
    response, counted = _counts(resident, url)
    assert response.context["page"].paginator.count == 1 and counted
    response, counted = _counts(resident, url)
    assert response.context["page"].paginator.count == 1 and not counted
    made.archived_at = timezone.now()
    made.save()
    response, counted = _counts(resident, url)
    assert response.context["page"].paginator.count == 0 and counted


def test_an_area_moved_under_another_changes_the_kept_count(resident, organization):
    parent, child = factories.AreaFactory(), factories.AreaFactory()
    factories.InitiativeFactory(lead_organization=organization, areas=[child])
    url = f"/api/v1/initiatives?area={parent.pk}"
    assert resident.get(url).json()["count"] == 0
    child.parent = parent
    child.save()
    assert resident.get(url).json()["count"] == 1


def test_hsds_counts_once_until_a_write(resident, organization):
    made = factories.InitiativeFactory(lead_organization=organization)
    factories.InitiativeFactory(lead_organization=organization)
    response, counted = _counts(resident, "/api/hsds/services")
    assert response.json()["total_items"] == 2 and counted
    response, counted = _counts(resident, "/api/hsds/services")
    assert response.json()["total_items"] == 2 and not counted
    organization.status = "suspended"
    organization.save()
    response, _counted = _counts(resident, "/api/hsds/services")
    assert response.json()["total_items"] == 0
    organization.status = "approved"
    organization.save()
    made.visibility = "partners"
    made.save()
    assert resident.get("/api/hsds/services").json()["total_items"] == 1


def test_a_partner_and_a_resident_get_their_own_counts(client, member, organization):
    factories.InitiativeFactory(lead_organization=organization)
    factories.InitiativeFactory(lead_organization=organization, visibility="partners")
    url = "/insatser/?status=active"
    assert client.get(url).context["page"].paginator.count == 1
    client.force_login(member)
    assert client.get(url).context["page"].paginator.count == 2


@pytest.mark.parametrize(
    "url",
    [
        "/insatser/",
        "/insatser/?theme={theme}",
        "/insatser/?q=nattvandring",
        "/api/v1/initiatives",
        "/api/v1/initiatives?theme={theme}",
        "/api/hsds/services",
    ],
)
def test_query_counts_do_not_grow_with_rows_cold_or_kept(resident, organization, url):
    theme = factories.ThemeFactory()
    url = url.format(theme=theme.pk)

    numbers = iter(range(1000))

    def grow(n):
        for _ in range(n):
            initiative = factories.InitiativeFactory(
                title=f"Nattvandring {next(numbers)}",
                lead_organization=factories.OrganizationFactory(),
            )
            initiative.themes.add(theme)
            factories.ScheduleSlotFactory(initiative=initiative)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert resident.get(url).status_code == 200
        return len(queries)

    grow(2)
    cold_few, kept_few = count(), count()
    grow(28)
    assert (count(), count()) == (cold_few, kept_few)
    assert kept_few < cold_few  # the count is kept
