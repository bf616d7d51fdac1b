"""The åtgärdsplan's inputs: a problem's cause (orsak) and kinds of cause on the problem form,
and an initiative's operational goal and target number on the initiative form — valid input
saved, bad input refused next to the field with the rest kept, personal data refused."""

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from initiatives.models import Initiative
from partnership.problems.models import Problem
from tests import factories

pytestmark = pytest.mark.django_db


def en(name, **kwargs):
    with translation.override("en"):
        return reverse(name, kwargs=kwargs or None)


@pytest.fixture
def area():
    return factories.AreaFactory(name="Vårby gård")


@pytest.fixture
def theme():
    return factories.ThemeFactory(name_sv="Belysning", name_en="Lighting")


def _problem(organization, area, theme, **extra):
    return {
        "organization": organization.pk,
        "title": "Mörk gångtunnel",
        "description": "Ingen vågar gå här på kvällen.",
        "area": area.pk,
        "themes": [theme.pk],
        "source": "partner_observation",
        "observed_on": timezone.localdate().isoformat(),
        "severity": "4",
        "visibility": "partners",
        "record_anyway": "1",
        **extra,
    }


def test_a_problem_is_recorded_with_its_cause_and_shown(client, member, organization, area, theme):
    client.force_login(member)
    response = client.post(
        en("problems:create"),
        _problem(
            organization,
            area,
            theme,
            cause="Trasiga armaturer och ingen passerar efter 22",
            cause_categories=["physical_environment", "few_adults"],
        ),
    )
    assert response.status_code == 302
    problem = Problem.objects.get(title="Mörk gångtunnel")
    assert problem.cause == "Trasiga armaturer och ingen passerar efter 22"
    assert problem.cause_categories == ["physical_environment", "few_adults"]
    page = client.get(en("problems:detail", public_id=problem.public_id)).text
    assert "Why it happens" in page
    assert "Trasiga armaturer och ingen passerar efter 22" in page
    assert "Physical environment (lighting, hidden spots, disrepair)" in page
    assert "Few adults about, little informal control" in page


def test_the_cause_is_optional(client, member, organization, area, theme):
    client.force_login(member)
    assert (
        client.post(en("problems:create"), _problem(organization, area, theme)).status_code == 302
    )
    problem = Problem.objects.get(title="Mörk gångtunnel")
    assert problem.cause == "" and problem.cause_categories == []
    assert (
        "Why it happens" not in client.get(en("problems:detail", public_id=problem.public_id)).text
    )


@pytest.mark.parametrize(
    ("extra", "error"),
    [
        ({"cause_categories": ["weather"]}, "Select a valid choice. weather is not one of"),
        ({"cause": "x" * 2001}, "Ensure this value has at most 2000 characters"),
        ({"cause": "Ring 070-123 45 67 så berättar jag"}, "looks like a phone number"),
        ({"cause": "Bilen ABC 123 står alltid där"}, "looks like a licence plate"),
        ({"cause": "Mejla ola@example.org"}, "looks like an e-mail address"),
    ],
)
def test_a_bad_cause_is_refused_next_to_the_field_and_the_rest_kept(
    client, member, organization, area, theme, extra, error
):
    client.force_login(member)
    response = client.post(en("problems:create"), _problem(organization, area, theme, **extra))
    assert response.status_code == 400
    assert error in response.text
    assert "Mörk gångtunnel" in response.text  # the rest of the input is kept
    assert 'class="error-summary' in response.text or "error-summary" in response.text
    assert not Problem.objects.filter(title="Mörk gångtunnel").exists()


def test_the_cause_is_edited_like_the_rest(client, member, organization, area, theme):
    problem = factories.ProblemFactory(
        area=area, themes=[theme], recorded_by_organization=organization
    )
    client.force_login(member)
    response = client.post(
        en("problems:edit", public_id=problem.public_id),
        {
            "title": problem.title,
            "description": problem.description,
            "themes": [theme.pk],
            "severity": "3",
            "area": area.pk,
            "source": problem.source,
            "visibility": "partners",
            "cause": "Skymd entré",
            "cause_categories": ["opportunity"],
            "version": str(problem.version),
        },
    )
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.cause == "Skymd entré" and problem.cause_categories == ["opportunity"]


def test_residents_do_not_see_the_cause_of_a_public_problem(client, area, theme):
    problem = factories.ProblemFactory(
        area=area, themes=[theme], visibility="public", cause="Skymd entré vid porten"
    )
    text = client.get(en("problems:detail", public_id=problem.public_id)).text
    assert "Skymd entré vid porten" not in text


# --- The initiative's operational goal ------------------------------------------------------------


def _initiative(organization, area, theme, **extra):
    return {
        "title": "Nattvandring i tunneln",
        "summary": "Vuxna går i området fredagskvällar.",
        "lead_organization": str(organization.pk),
        "starts_on": "2026-01-10",
        "ends_on": "2026-12-31",
        "areas": [str(area.pk)],
        "themes": [str(theme.pk)],
        "status": "active",
        "visibility": "public",
        "version": "",
        "register_anyway": "1",
        "slots-TOTAL_FORMS": "0",
        "slots-INITIAL_FORMS": "0",
        "slots-MIN_NUM_FORMS": "0",
        "slots-MAX_NUM_FORMS": "1000",
        **extra,
    }


def test_an_initiative_is_registered_with_its_goal_and_shown(
    client, member, organization, area, theme
):
    client.force_login(member)
    response = client.post(
        en("initiatives:create"),
        _initiative(
            organization, area, theme, operational_goal="Minst 100 kvällar", goal_target="100"
        ),
    )
    assert response.status_code == 302, response.text[:3000]
    initiative = Initiative.objects.get(title="Nattvandring i tunneln")
    assert initiative.operational_goal == "Minst 100 kvällar"
    assert initiative.goal_target == 100
    page = client.get(en("initiatives:detail", slug=initiative.slug)).text
    assert "Operational goal" in page and "Minst 100 kvällar" in page
    assert "target: 100 sessions" in page and "by 31 December 2026" in page


def test_the_goal_in_words_alone_is_enough(client, member, organization, area, theme):
    client.force_login(member)
    data = _initiative(
        organization, area, theme, ends_on="", operational_goal="Alla armaturer bytta"
    )
    assert client.post(en("initiatives:create"), data).status_code == 302
    initiative = Initiative.objects.get(title="Nattvandring i tunneln")
    assert initiative.goal_target is None


@pytest.mark.parametrize(
    ("extra", "field", "error"),
    [
        ({"goal_target": "0", "operational_goal": "Kvällar"}, "goal_target", "at least 1"),
        ({"goal_target": "-5", "operational_goal": "Kvällar"}, "goal_target", "at least 1"),
        ({"goal_target": "tio", "operational_goal": "Kvällar"}, "goal_target", "whole number"),
        ({"goal_target": "1.5", "operational_goal": "Kvällar"}, "goal_target", "whole number"),
        ({"goal_target": "10001", "operational_goal": "Kvällar"}, "goal_target", "at most 10000"),
        ({"goal_target": "100"}, "operational_goal", "Say in words what the target number counts"),
        (
            {"goal_target": "100", "operational_goal": "Kvällar", "ends_on": ""},
            "goal_target",
            "give the initiative an end date",
        ),
        ({"operational_goal": "x" * 301}, "operational_goal", "at most 300 characters"),
    ],
)
def test_a_bad_goal_is_refused_next_to_the_field_and_the_rest_kept(
    client, member, organization, area, theme, extra, field, error
):
    client.force_login(member)
    response = client.post(
        en("initiatives:create"), _initiative(organization, area, theme, **extra)
    )
    assert response.status_code == 400
    assert error in response.text
    form = response.context["form"]
    assert field in form.errors
    assert 'value="Nattvandring i tunneln"' in response.text  # the rest is kept
    assert not Initiative.objects.filter(title="Nattvandring i tunneln").exists()


def test_the_goal_is_in_the_when_part_of_the_form(client, member):
    client.force_login(member)
    text = client.get(en("initiatives:create")).text
    when = text.index("form-section--when")
    assert when < text.index('name="operational_goal"') < text.index("form-section--who")
    assert when < text.index('name="goal_target"') < text.index("form-section--who")
    assert "number of sessions" in text
