"""The register form's searchable pickers: JSON search endpoints for partner organisations
and problems addressed (login required, only what the user may see and the form accepts),
hostile input answered 400 or empty (never a 500), and a problem found by the search saved
even when the list box does not show it."""

import pytest
from django.utils import timezone

from initiatives import selectors
from initiatives.models import Initiative
from partnership.problems.models import Problem
from stakeholders.models import Organization
from tests import factories

pytestmark = pytest.mark.django_db

ORGANISATIONS = "/en/initiatives/new/organisations.json"
PROBLEMS = "/en/initiatives/new/problems.json"


def labels(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["label"] for row in response.json()["results"]]


def test_organisations_by_name_those_starting_with_it_first(client, member):
    factories.OrganizationFactory(name="Brf Vårby Strand")
    factories.OrganizationFactory(name="Vårby gårds skola")
    factories.OrganizationFactory(name="Vårby IF (ansöker)", status=Organization.Status.PENDING)
    factories.OrganizationFactory(name="Huge Bostäder")
    client.force_login(member)
    assert labels(client.get(ORGANISATIONS, {"q": "vårby"})) == [
        "Vårby gårds skola",
        "Brf Vårby Strand",
    ]
    assert labels(client.get(ORGANISATIONS, {"q": ""})) == []
    [row] = client.get(ORGANISATIONS, {"q": "huge"}).json()["results"]
    assert row["id"] == Organization.objects.get(name="Huge Bostäder").pk


def test_problems_open_and_visible_only(client, member):
    factories.ProblemFactory(title="Mörk gångtunnel vid centrum")
    factories.ProblemFactory(
        title="Mörk parkering", status=Problem.Status.RESOLVED, outcome="Lampor uppsatta."
    )
    factories.ProblemFactory(title="Mörkt i trapphus", archived_at=timezone.now())
    client.force_login(member)
    assert labels(client.get(PROBLEMS, {"q": "mörk"})) == ["Mörk gångtunnel vid centrum"]
    assert labels(client.get(PROBLEMS, {"q": "mö"})) == []  # from three characters


@pytest.mark.parametrize("url", [ORGANISATIONS, PROBLEMS])
def test_pickers_need_a_login_and_the_right_to_register(client, url):
    assert client.get(url, {"q": "a"}).status_code == 302  # to the login page
    client.force_login(factories.UserFactory())  # no organisation
    assert client.get(url, {"q": "a"}).status_code == 403


@pytest.mark.parametrize("url", [ORGANISATIONS, PROBLEMS])
@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("' OR 1=1 --", 200),
        ("%' UNION SELECT password FROM stakeholders_user --", 200),
        ("_%\\", 200),
        ("x" * 5000, 400),
        ("Vårby\x00", 400),
    ],
)
def test_hostile_input_is_empty_or_400_never_a_500(client, member, url, text, status):
    factories.OrganizationFactory(name="Vårby gårds skola")
    factories.ProblemFactory(title="Vårby torg")
    client.force_login(member)
    response = client.get(url, {"q": text})
    assert response.status_code == status
    assert response.json()["results"] == []


def test_a_problem_found_by_the_search_is_saved_though_the_list_box_omits_it(
    client, member, organization, monkeypatch
):
    monkeypatch.setattr(selectors, "PROBLEM_CHOICES", 1)
    old = factories.ProblemFactory(title="Klotter på förskolan")
    factories.ProblemFactory(title="Nyare problem")
    client.force_login(member)
    form_html = client.get("/en/initiatives/new/").text
    assert "Klotter på förskolan" not in form_html  # only the newest one is listed
    assert labels(client.get(PROBLEMS, {"q": "klotter"})) == ["Klotter på förskolan"]

    area, theme = factories.AreaFactory(), factories.ThemeFactory()
    response = client.post(
        "/en/initiatives/new/",
        {
            "title": "Klottersanering",
            "summary": "Vi tar bort klotter inom ett dygn.",
            "lead_organization": organization.pk,
            "starts_on": "2026-01-10",
            "areas": [area.pk],
            "themes": [theme.pk],
            "problems": [old.pk],
            "status": "active",
            "visibility": "public",
            "slots-TOTAL_FORMS": "0",
            "slots-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    assert list(Initiative.objects.get().problems.all()) == [old]
