"""The initiative list and detail pages, for each of the cast."""

import pytest
from django.utils import timezone

from tests import factories
from tests.helpers import login_as, query_count

pytestmark = pytest.mark.django_db

LIST = "/insatser/"


@pytest.fixture
def planted(organization):
    """One initiative of each kind that must (or must not) reach the public."""
    suspended = factories.OrganizationFactory(name="Avstängd AB", status="suspended")
    pending = factories.OrganizationFactory(name="Väntande förening", status="pending")
    return {
        "public": factories.InitiativeFactory(
            title="Öppen nattvandring", lead_organization=organization
        ),
        "partners": factories.InitiativeFactory(
            title="Intern lägesbild", lead_organization=organization, visibility="partners"
        ),
        "archived": factories.InitiativeFactory(
            title="Arkiverad städdag", lead_organization=organization, archived_at=timezone.now()
        ),
        "suspended": factories.InitiativeFactory(
            title="Avstängd insats", lead_organization=suspended
        ),
        "pending": factories.InitiativeFactory(title="Väntande insats", lead_organization=pending),
    }


def test_residents_see_only_public_initiatives_of_approved_organisations(resident, planted):
    html = resident.get(LIST).text
    assert "Öppen nattvandring" in html
    for hidden in ["Intern lägesbild", "Arkiverad städdag", "Avstängd insats", "Väntande insats"]:
        assert hidden not in html


@pytest.mark.parametrize("role", ["member", "org_admin", "outsider", "coordinator"])
def test_partners_also_see_partners_only_initiatives(client, planted, role, request):
    html = login_as(client, request, role).get(LIST).text
    assert "Öppen nattvandring" in html
    assert "Intern lägesbild" in html
    assert "Arkiverad städdag" not in html


@pytest.mark.parametrize("key", ["partners", "archived", "suspended", "pending"])
def test_hidden_initiatives_are_404_for_residents(resident, planted, key):
    response = resident.get(f"{LIST}{planted[key].slug}/")
    assert response.status_code == 404
    assert planted[key].title not in response.text


def test_detail_page_tells_who_what_when_and_where(resident, organization):
    area = factories.AreaFactory(name="Vårby gård centrum")
    theme = factories.ThemeFactory(name_sv="Nattvandring", name_en="Night walks")
    initiative = factories.InitiativeFactory(
        title="Nattvandring på torget", lead_organization=organization, areas=[area], themes=[theme]
    )
    factories.ScheduleSlotFactory(initiative=initiative)
    factories.InitiativeUpdateFactory(initiative=initiative, text="Lugn kväll på torget.")
    factories.InitiativeUpdateFactory(
        initiative=initiative, text="Internt: ring polisen först.", visibility="partners"
    )

    html = resident.get(f"{LIST}{initiative.slug}/").text
    assert organization.name in html
    assert "Vårby gård centrum" in html
    assert "Nattvandring" in html
    assert "fredag 20:00–23:00" in html.lower()
    assert "Lugn kväll på torget." in html
    assert "Internt: ring polisen först." not in html

    english = resident.get(f"/en/initiatives/{initiative.slug}/").text
    assert "Night walks" in english
    assert "Friday 20:00–23:00" in english


def test_partners_read_partners_only_updates(client, member, organization):
    initiative = factories.InitiativeFactory(lead_organization=organization)
    factories.InitiativeUpdateFactory(
        initiative=initiative, text="Internt: ring polisen först.", visibility="partners"
    )
    client.force_login(member)
    assert "Internt: ring polisen först." in client.get(f"{LIST}{initiative.slug}/").text


def _list_queries(client, n):
    area, theme = factories.AreaFactory(), factories.ThemeFactory()
    for _ in range(n):
        initiative = factories.InitiativeFactory(areas=[area], themes=[theme])
        factories.ScheduleSlotFactory(initiative=initiative)
    return query_count(client, LIST)


def test_list_query_count_does_not_grow_with_rows(client, member):
    client.force_login(member)
    few = _list_queries(client, 2)
    many = _list_queries(client, 28)
    assert few == many


def test_list_paginates(resident):
    org = factories.OrganizationFactory()
    for i in range(30):
        factories.InitiativeFactory(title=f"Läxhjälp {i:02d}", lead_organization=org)
    first = resident.get(LIST).text
    second = resident.get(LIST + "?page=2").text
    assert first.count('class="card"') == 25
    assert second.count('class="card"') == 5
    assert resident.get(LIST + "?page=999").status_code == 200
    assert resident.get(LIST + "?page=abc").status_code == 200
