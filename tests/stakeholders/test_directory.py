"""The "who does what" directory."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories

pytestmark = pytest.mark.django_db

DIRECTORY = "/vem-gor-vad/"


def test_directory_lists_approved_organisations_with_live_public_initiatives(
    resident, organization
):
    area = factories.AreaFactory(name="Vårby allé")
    organization.areas.add(area)
    factories.InitiativeFactory(lead_organization=organization, title="Synlig insats")
    factories.InitiativeFactory(lead_organization=organization, visibility="partners")
    factories.OrganizationFactory(name="Väntande förening", status="pending")
    factories.OrganizationFactory(name="Avstängd AB", status="suspended")

    response = resident.get(DIRECTORY)
    html = response.text
    assert organization.name in html
    assert "Vårby allé" in html
    assert "Väntande förening" not in html and "Avstängd AB" not in html
    row = next(o for o in response.context["page"].object_list if o.pk == organization.pk)
    assert row.live_initiative_count == 1


def test_partners_count_partners_only_initiatives_too(client, member, organization):
    factories.InitiativeFactory(lead_organization=organization)
    factories.InitiativeFactory(lead_organization=organization, visibility="partners")
    client.force_login(member)
    response = client.get(DIRECTORY)
    row = next(o for o in response.context["page"].object_list if o.pk == organization.pk)
    assert row.live_initiative_count == 2


def test_organisation_page_shows_its_public_initiatives(resident, organization):
    factories.InitiativeFactory(lead_organization=organization, title="Städdag i parken")
    factories.InitiativeFactory(
        lead_organization=organization, title="Intern", visibility="partners"
    )
    html = resident.get(f"{DIRECTORY}{organization.slug}/").text
    assert "Städdag i parken" in html
    assert "Intern" not in html


def test_pending_organisation_page_is_404(resident):
    pending = factories.OrganizationFactory(name="Väntande förening", status="pending")
    response = resident.get(f"{DIRECTORY}{pending.slug}/")
    assert response.status_code == 404


def _directory_queries(client, n):
    area, theme = factories.AreaFactory(), factories.ThemeFactory()
    for _ in range(n):
        org = factories.OrganizationFactory()
        org.areas.add(area)
        org.themes.add(theme)
        factories.InitiativeFactory(lead_organization=org)
    with CaptureQueriesContext(connection) as queries:
        client.get(DIRECTORY)
    return len(queries)


def test_directory_query_count_does_not_grow_with_rows(resident):
    assert _directory_queries(resident, 2) == _directory_queries(resident, 27)


def test_my_pages_require_login(resident):
    response = resident.get("/mina-sidor/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_my_pages_list_my_organisations_role_and_initiatives(client, org_admin, organization):
    factories.InitiativeFactory(lead_organization=organization, title="Vår nattvandring")
    factories.InitiativeFactory(title="Någon annans insats")
    client.force_login(org_admin)
    html = client.get("/mina-sidor/").text
    assert organization.name in html
    assert "Administratör" in html
    assert "Vår nattvandring" in html
    assert "Någon annans insats" not in html
