"""The "who does what" directory."""

import pytest
from django.urls import reverse

from tests import factories
from tests.helpers import login_as, login_with_second_factor, query_count

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
    return query_count(client, DIRECTORY)


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


# --- Filters ------------------------------------------------------------------------------


def _names(response):
    return {org.name for org in response.context["page"].object_list}


@pytest.fixture
def varied_directory(organization, other_organization):
    """Three organisations: a housing company in a sub-area working on lighting, an
    association in the parent area working on night walks, and a school nowhere."""
    parent = factories.AreaFactory(name="Vårby gård")
    child = factories.AreaFactory(name="Vårby allé", parent=parent)
    lighting = factories.ThemeFactory(name_sv="Belysning", name_en="Lighting")
    walks = factories.ThemeFactory(name_sv="Nattvandring", name_en="Night walks")
    organization.areas.add(child)
    organization.themes.add(lighting)
    organization.description = "Vi byter lampor i gångtunnlarna."
    organization.save()
    other_organization.areas.add(parent)
    other_organization.themes.add(walks)
    school = factories.OrganizationFactory(name="Vårbyskolan", kind="school")
    return {
        "parent": parent,
        "child": child,
        "lighting": lighting,
        "walks": walks,
        "school": school,
    }


def test_filter_by_kind(resident, varied_directory):
    response = resident.get(DIRECTORY, {"kind": "school"})
    assert _names(response) == {"Vårbyskolan"}


def test_filter_by_area_includes_its_sub_areas(resident, varied_directory):
    parent, child = varied_directory["parent"], varied_directory["child"]
    response = resident.get(DIRECTORY, {"area": parent.pk})
    assert _names(response) == {"Stiftelsen Testbostäder", "Föreningen Andra"}
    response = resident.get(DIRECTORY, {"area": child.pk})
    assert _names(response) == {"Stiftelsen Testbostäder"}


def test_filter_by_theme(resident, varied_directory):
    response = resident.get(DIRECTORY, {"theme": varied_directory["walks"].pk})
    assert _names(response) == {"Föreningen Andra"}


def test_free_text_searches_name_and_description(resident, varied_directory):
    assert _names(resident.get(DIRECTORY, {"q": "skolan"})) == {"Vårbyskolan"}
    assert _names(resident.get(DIRECTORY, {"q": "GÅNGTUNNLAR"})) == {"Stiftelsen Testbostäder"}


def test_filters_combine(resident, varied_directory):
    response = resident.get(
        DIRECTORY, {"area": varied_directory["parent"].pk, "kind": "association"}
    )
    assert _names(response) == {"Föreningen Andra"}


def test_no_match_says_so(resident, varied_directory):
    html = resident.get("/en/who-does-what/", {"q": "finns-inte"}).text
    assert "No organisations match the filters." in html


@pytest.mark.parametrize(
    "params", [{"kind": "unknown"}, {"area": "abc"}, {"theme": "999999"}, {"area": "1.5"}]
)
def test_bad_filter_values_show_an_error_not_a_500(resident, varied_directory, params):
    response = resident.get("/en/who-does-what/", params)
    assert response.status_code == 200
    form = response.context["filterset"].form
    assert set(form.errors) == set(params)
    assert 'class="errorlist' in response.text
    assert "Select a valid choice" in response.text
    # The bad filter is ignored: every organisation is still listed.
    assert _names(response) == {"Stiftelsen Testbostäder", "Föreningen Andra", "Vårbyskolan"}


def test_filter_form_keeps_the_values_and_pagination_keeps_the_filters(resident, settings):
    from stakeholders import views

    for n in range(views.PAGE_SIZE + 3):
        factories.OrganizationFactory(name=f"Förening {n:02}", kind="association")
    factories.OrganizationFactory(name="Skola", kind="school")
    response = resident.get(DIRECTORY, {"kind": "association", "q": "Förening"})
    html = response.text
    assert response.context["page"].paginator.count == views.PAGE_SIZE + 3
    assert '<option value="association" selected>' in html
    assert 'value="Förening"' in html
    assert 'href="?kind=association&amp;q=F%C3%B6rening&amp;page=2"' in html
    second = resident.get(DIRECTORY, {"kind": "association", "q": "Förening", "page": 2})
    assert _names(second) == {
        f"Förening {n:02}" for n in range(views.PAGE_SIZE, views.PAGE_SIZE + 3)
    }


def test_filtered_directory_query_count_does_not_grow_with_rows(resident):
    def queries(n):
        area, theme = factories.AreaFactory(), factories.ThemeFactory()
        for _ in range(n):
            org = factories.OrganizationFactory()
            org.areas.add(area)
            org.themes.add(theme)
            factories.InitiativeFactory(lead_organization=org)
        params = {"area": area.pk, "theme": theme.pk, "kind": "association", "q": "Org"}
        count, response = query_count(resident, DIRECTORY, params, with_response=True)
        assert len(response.context["page"].object_list) >= n
        return count

    assert queries(2) == queries(27)


# --- Matrices -----------------------------------------------------------------------------


def _matrix(client, dimension, params=None):
    return client.get(reverse(f"stakeholders:matrix_{dimension}"), params or {})


def _marks(response):
    """{organisation name: {column names marked}}"""
    return {
        row.organization.name: {column.name for column, works in row.cells if works}
        for row in response.context["matrix"].rows
    }


def test_theme_matrix_marks_who_works_on_what(resident, varied_directory):
    response = _matrix(resident, "themes")
    assert _marks(response) == {
        "Föreningen Andra": {"Nattvandring"},
        "Stiftelsen Testbostäder": {"Belysning"},
        "Vårbyskolan": set(),
    }
    html = response.text
    assert "<caption" in html and '<th scope="col">Belysning</th>' in html
    assert '<th scope="row"><a href="/vem-gor-vad/stiftelsen-testbostader/">' in html
    # Each cell says yes or no in text, not by colour or symbol alone.
    assert html.count('<span class="visually-hidden">') == 3 * len(
        response.context["matrix"].columns
    )


def test_area_matrix_is_filtered_like_the_list(resident, varied_directory):
    response = _matrix(resident, "areas", {"kind": "property_owner"})
    assert _marks(response) == {"Stiftelsen Testbostäder": {"Vårby allé"}}
    assert [c.name for c in response.context["matrix"].columns] == ["Vårby allé", "Vårby gård"]


def test_matrix_with_bad_filter_shows_the_error(resident, varied_directory):
    response = _matrix(resident, "themes", {"area": "abc"})
    assert response.status_code == 200
    assert "area" in response.context["filterset"].form.errors


def test_matrix_is_reached_from_the_list_with_the_filters(resident, varied_directory):
    html = resident.get("/en/who-does-what/", {"kind": "school"}).text
    assert 'href="/en/who-does-what/matrix/themes/?kind=school"' in html
    assert 'href="/en/who-does-what/matrix/areas/?kind=school"' in html


@pytest.mark.parametrize("dimension", ["themes", "areas"])
def test_matrix_query_count_does_not_grow_with_rows(resident, dimension):
    def queries(n):
        areas = factories.AreaFactory.create_batch(3)
        themes = factories.ThemeFactory.create_batch(3)
        for _ in range(n):
            org = factories.OrganizationFactory()
            org.areas.add(*areas)
            org.themes.add(*themes)
        count, response = query_count(
            resident, reverse(f"stakeholders:matrix_{dimension}"), with_response=True
        )
        assert len(response.context["matrix"].rows) >= n
        return count

    assert queries(2) == queries(27)


# --- The organisation page: contacts for partners -----------------------------------------


@pytest.fixture
def sharing_member(organization):
    user = factories.UserFactory(
        email="delar@example.org",
        first_name="Sara",
        last_name="Delare",
        title="Trygghetsvärd",
        phone="070-123 45 67",
        share_contact_details=True,
    )
    factories.MembershipFactory(user=user, organization=organization)
    return user


@pytest.mark.parametrize("who", ["member", "org_admin", "outsider", "coordinator"])
def test_partners_see_members_who_share_their_contact_details(
    request, client, organization, sharing_member, who
):
    user = request.getfixturevalue(who)
    user.first_name, user.last_name = "Hemlig", "Person"
    user.save()
    login_as(client, request, who)
    html = client.get(f"/en/who-does-what/{organization.slug}/").text
    assert "Contact people" in html
    assert "Sara Delare" in html and "Trygghetsvärd" in html
    assert "delar@example.org" in html and "070-123 45 67" in html
    assert "Hemlig Person" not in html, "only those who opted in are listed"


def test_residents_never_see_member_names(resident, organization, sharing_member, member):
    html = resident.get(f"/en/who-does-what/{organization.slug}/").text
    assert "Contact people" not in html
    assert "Sara" not in html and "delar@example.org" not in html
    assert "Maja" not in html


def test_partners_see_partners_only_initiatives_on_the_page(client, outsider, organization):
    factories.InitiativeFactory(
        lead_organization=organization, title="Intern", visibility="partners"
    )
    client.force_login(outsider)
    assert "Intern" in client.get(f"{DIRECTORY}{organization.slug}/").text


def test_organisation_page_query_count_does_not_grow_with_contacts(client, outsider, organization):
    client.force_login(outsider)

    def queries(n):
        for _ in range(n):
            factories.MembershipFactory(
                organization=organization, user=factories.UserFactory(share_contact_details=True)
            )
            factories.InitiativeFactory(lead_organization=organization)
        return query_count(client, f"{DIRECTORY}{organization.slug}/")

    assert queries(2) == queries(28)


# --- CSV export ---------------------------------------------------------------------------


def _csv(client, params=None):
    return client.get(reverse("stakeholders:export_csv"), params or {})


def _csv_rows(response):
    import csv
    import io

    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff"), "a byte-order mark, so that Excel reads UTF-8"
    return list(csv.reader(io.StringIO(body[1:])))


def test_csv_export_asks_residents_to_log_in(resident):
    response = _csv(resident)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_csv_export_is_refused_to_a_user_without_an_organisation(client):
    client.force_login(factories.UserFactory())
    assert _csv(client).status_code == 403


def test_csv_export_for_a_member(client, member, varied_directory, organization):
    organization.public_phone = "+46 8 123 45"
    organization.website = "https://example.org/"
    organization.save()
    factories.InitiativeFactory(lead_organization=organization, visibility="partners")
    client.force_login(member)
    response = client.get("/en/who-does-what/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="who-does-what-')
    rows = _csv_rows(response)
    assert rows[0][0] == "Organisation" and rows[0][-1] == "Directory page"
    by_name = {row[0]: row for row in rows[1:]}
    assert set(by_name) == {"Stiftelsen Testbostäder", "Föreningen Andra", "Vårbyskolan"}
    row = by_name["Stiftelsen Testbostäder"]
    assert row[1] == "Property owner / housing company"
    assert row[2] == "Vårby allé" and row[3] == "Lighting"
    assert row[4] == "https://example.org/"
    assert row[6] == "+46 8 123 45"  # a phone number is no formula (issue 17)
    assert row[7] == "1", "partners count partners-only initiatives"
    assert row[8] == "http://testserver/en/who-does-what/stiftelsen-testbostader/"


def test_csv_export_is_filtered(client, coordinator, varied_directory):
    login_with_second_factor(client, coordinator)
    rows = _csv_rows(_csv(client, {"kind": "school"}))
    assert [row[0] for row in rows[1:]] == ["Vårbyskolan"]


def test_csv_export_neutralises_formulas(client, member):
    factories.OrganizationFactory(name='=HYPERLINK("http://evil")', public_email="-x@example.org")
    factories.OrganizationFactory(name="@SUM(A1)")
    client.force_login(member)
    names = [row[0] for row in _csv_rows(_csv(client))[1:]]
    assert '\'=HYPERLINK("http://evil")' in names and "'@SUM(A1)" in names
    assert not any(name[:1] in "=+-@" for name in names)


def test_csv_export_query_count_does_not_grow_with_rows(client, member):
    client.force_login(member)

    def queries(n):
        area, theme = factories.AreaFactory(), factories.ThemeFactory()
        for _ in range(n):
            org = factories.OrganizationFactory()
            org.areas.add(area)
            org.themes.add(theme)
            factories.InitiativeFactory(lead_organization=org)
        count, response = query_count(
            client, reverse("stakeholders:export_csv"), with_response=True
        )
        assert len(_csv_rows(response)) >= n + 1
        return count

    assert queries(2) == queries(30)


def test_partners_get_a_csv_link_and_residents_do_not(client, resident, member):
    assert "export.csv" not in resident.get(DIRECTORY).text
    client.force_login(member)
    assert "export.csv" in client.get(DIRECTORY).text


def test_an_overlong_search_is_an_error_not_a_500(resident, varied_directory):
    response = resident.get("/en/who-does-what/", {"q": "x" * 500})
    assert response.status_code == 200
    assert "q" in response.context["filterset"].form.errors
    assert "Ensure this value has at most 200 characters" in response.text
