"""Problems: record (with similar open problems first), endorse, take responsibility, status
workflow, link initiatives, history, the list and the public "you said, we did" page — for
each of the cast, plus a member of a suspended organisation."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from partnership.problems import services
from partnership.problems.models import Problem, ProblemEndorsement, ProblemResponsibility
from stakeholders.models import Organization
from tests import factories
from tests.helpers import login_as, login_with_second_factor, query_count

pytestmark = pytest.mark.django_db

BASE = "/en/problems/"
PUBLIC = "/en/you-said-we-did/"
CAST = ["resident", "member", "org_admin", "outsider", "coordinator"]


@pytest.fixture
def area(db):
    parent = factories.AreaFactory(name="Vårby gård", slug="varby-gard")
    return factories.AreaFactory(name="Vårby gård centrum", slug="centrum", parent=parent)


@pytest.fixture
def theme(db):
    return factories.ThemeFactory(name_sv="Belysning", name_en="Lighting", slug="belysning")


@pytest.fixture
def problem(organization, area, theme, member):
    """A partners-only problem recorded by ``organization`` (with an exact point)."""
    return services.problem_record(
        data={
            "title": "Mörk gångtunnel under Vårby allé",
            "description": "Flera lampor är trasiga.",
            "area": area,
            "themes": [theme],
            "source": Problem.Source.SAFETY_WALK,
            "severity": 4,
            "latitude": 59.2655,
            "longitude": 17.8801,
        },
        organization=organization,
        actor=member,
    )


@pytest.fixture
def public_problem(other_organization, area, theme, outsider):
    return services.problem_record(
        data={
            "title": "Nedskräpning på torget",
            "description": "Papperskorgarna blir fulla.",
            "area": area,
            "themes": [theme],
            "source": Problem.Source.RESIDENT_REPORT,
            "visibility": "public",
            "latitude": 59.2645,
            "longitude": 17.8846,
        },
        organization=other_organization,
        actor=outsider,
    )


@pytest.fixture
def suspended_member(db):
    organization = factories.OrganizationFactory(
        name="Avstängda föreningen", status=Organization.Status.SUSPENDED
    )
    user = factories.UserFactory(email="suspended@example.org")
    factories.MembershipFactory(user=user, organization=organization)
    return user


# --- Who sees what -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("resident", 404),
        ("member", 200),
        ("org_admin", 200),
        ("outsider", 200),
        ("coordinator", 200),
    ],
)
def test_partners_only_problem_page_for_each_role(client, request, problem, role, status):
    response = login_as(client, request, role).get(f"{BASE}{problem.public_id}/")
    assert response.status_code == status
    if status == 200:
        assert problem.title in response.text


def test_partners_only_problem_is_404_for_a_suspended_organisation(
    client, problem, public_problem, suspended_member
):
    client.force_login(suspended_member)
    assert client.get(f"{BASE}{problem.public_id}/").status_code == 404
    assert client.get(f"{BASE}{public_problem.public_id}/").status_code == 200
    listed = client.get(BASE).text
    assert public_problem.title in listed and problem.title not in listed
    assert not Problem.objects.visible_to(suspended_member).filter(pk=problem.pk).exists()


def test_resident_sees_a_public_problem_without_its_point(client, public_problem):
    response = client.get(f"{BASE}{public_problem.public_id}/")
    assert response.status_code == 200
    assert public_problem.area.name in response.text
    assert "59.2645" not in response.text and "17.8846" not in response.text
    assert "history" not in response.text.lower()


def test_partner_sees_the_exact_point(client, member, problem):
    client.force_login(member)
    assert "59.2655" in client.get(f"{BASE}{problem.public_id}/").text


@pytest.mark.parametrize("role", CAST)
def test_problem_list_for_each_role(client, request, problem, public_problem, role):
    response = login_as(client, request, role).get(BASE)
    if role == "resident":
        assert response.status_code == 302
        return
    assert response.status_code == 200
    assert problem.title in response.text and public_problem.title in response.text


def test_list_filters(client, member, problem, public_problem, organization, area):
    client.force_login(member)
    services.problem_take_responsibility(
        problem=problem,
        organization=organization,
        actor=member,
        role="lead",
        commitment="Byter armaturer.",
    )
    text = client.get(BASE, {"responsible": organization.pk}).text
    assert problem.title in text and public_problem.title not in text
    text = client.get(BASE, {"nobody": "on"}).text
    assert public_problem.title in text and problem.title not in text
    text = client.get(BASE, {"q": "torget", "area": area.parent_id, "severity": 3}).text
    assert public_problem.title in text and problem.title not in text
    text = client.get(BASE, {"source": "safety_walk", "status": "being_addressed"}).text
    assert problem.title in text and public_problem.title not in text
    # Bad values are errors next to the field, never a 500.
    response = client.get(BASE, {"area": "x", "severity": "9", "q": "a" * 500})
    assert response.status_code == 200


# --- Recording, with similar problems first ----------------------------------------------------


def _record_payload(area, theme, **data):
    return {
        "title": "Mörk gångtunnel vid Vårby allé",
        "description": "Lamporna i tunneln är trasiga.",
        "area": area.pk,
        "themes": [theme.pk],
        "source": "partner_observation",
        "observed_on": timezone.localdate().isoformat(),
        "severity": "3",
        "visibility": "partners",
        **data,
    }


@pytest.mark.parametrize(
    ("role", "status"),
    [("resident", 302), ("member", 200), ("outsider", 200), ("coordinator", 200)],
)
def test_record_form_for_each_role(client, request, area, theme, role, status):
    assert login_as(client, request, role).get(f"{BASE}new/").status_code == status


def test_record_form_refused_to_a_suspended_member(client, suspended_member):
    client.force_login(suspended_member)
    assert client.get(f"{BASE}new/").status_code == 403


def test_record_shows_similar_open_problems_instead_of_a_duplicate(
    client, outsider, problem, area, theme
):
    client.force_login(outsider)
    response = client.post(f"{BASE}new/", _record_payload(area, theme))
    assert response.status_code == 200
    assert problem.title in response.text
    assert f"{BASE}{problem.public_id}/endorse/" in response.text
    assert Problem.objects.count() == 1  # nothing saved yet
    # One click: "we see this too".
    response = client.post(
        f"{BASE}{problem.public_id}/endorse/",
        {"organization": outsider.memberships.get().organization_id, "note": ""},
    )
    assert response.status_code == 302
    assert ProblemEndorsement.objects.filter(problem=problem).count() == 1
    # Or record it anyway.
    response = client.post(f"{BASE}new/", _record_payload(area, theme, record_anyway="1"))
    assert response.status_code == 302
    assert Problem.objects.count() == 2


def test_record_saves_and_keeps_input_on_errors(client, member, area, theme, organization):
    client.force_login(member)
    bad = _record_payload(
        area,
        theme,
        title="Klotter på skolans fasad",
        latitude="59,2655",
        longitude="",
        time_from="22:00",
        observed_on="2099-01-01",  # within 1900–2100, in the future
    )
    response = client.post(f"{BASE}new/", bad)
    assert response.status_code == 400
    assert "Klotter på skolans fasad" in response.text
    assert "Give both latitude and longitude" in response.text
    assert "Give both times" in response.text
    assert "future" in response.text
    good = _record_payload(
        area,
        theme,
        title="Klotter på skolans fasad",
        weekdays=["5", "6"],
        latitude="59,2655",
        longitude="17.8801",
        time_from="22:00",
        time_to="02:00",
    )
    response = client.post(f"{BASE}new/", good)
    assert response.status_code == 302
    problem = Problem.objects.get(title="Klotter på skolans fasad")
    assert problem.recorded_by_organization == organization
    assert problem.visibility == "partners"
    assert problem.weekdays == [5, 6] and problem.latitude == 59.2655
    assert response.url == f"{BASE}{problem.public_id}/"


def test_record_refuses_another_organisation(client, member, area, theme, other_organization):
    client.force_login(member)
    response = client.post(
        f"{BASE}new/", _record_payload(area, theme, organization=other_organization.pk)
    )
    # The member has one organisation: the field is preset and hidden, the value is ignored
    # for another one only if invalid — here it is refused as an invalid choice.
    assert response.status_code == 400
    assert not Problem.objects.exists()


# --- Endorse --------------------------------------------------------------------------------------


def test_endorse_twice_from_one_organisation_is_refused(
    client, outsider, other_organization, problem
):
    client.force_login(outsider)
    url = f"{BASE}{problem.public_id}/endorse/"
    response = client.post(url, {"note": "Vi ser samma sak."})
    assert response.status_code == 302
    # The button is gone, and posting again is refused.
    assert url not in client.get(f"{BASE}{problem.public_id}/").text
    assert client.post(url, {"note": "Igen"}).status_code == 403
    with pytest.raises(ValidationError):
        services.problem_endorse(problem=problem, organization=other_organization, actor=outsider)
    assert ProblemEndorsement.objects.filter(problem=problem).count() == 1
    page = client.get(f"{BASE}{problem.public_id}/").text
    assert other_organization.name in page and "Vi ser samma sak." in page


def test_recording_organisation_cannot_endorse_its_own(client, member, problem):
    client.force_login(member)
    assert client.post(f"{BASE}{problem.public_id}/endorse/", {}).status_code == 403


@pytest.mark.parametrize(("role", "status"), [("resident", 302), ("coordinator", 403)])
def test_endorse_refused(client, request, problem, role, status):
    response = login_as(client, request, role).post(f"{BASE}{problem.public_id}/endorse/", {})
    assert response.status_code == status


def test_endorse_is_post_only(client, outsider, problem):
    client.force_login(outsider)
    assert client.get(f"{BASE}{problem.public_id}/endorse/").status_code == 405


# --- Responsibility -------------------------------------------------------------------------------


def test_take_responsibility_as_lead_then_supporting(
    client, member, outsider, organization, other_organization, problem
):
    client.force_login(member)
    url = f"{BASE}{problem.public_id}/responsibility/"
    response = client.post(url, {"role": "lead", "commitment": ""})
    assert response.status_code == 400 and "required" in response.text
    due = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    response = client.post(url, {"role": "lead", "commitment": "Byter armaturer.", "due_on": due})
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.status == "being_addressed"  # someone is on it now
    client.force_login(outsider)
    response = client.post(url, {"role": "lead", "commitment": "Vi leder också."})
    assert response.status_code == 400
    assert organization.name in response.text  # "… already leads the work on this problem."
    response = client.post(url, {"role": "supporting", "commitment": "Beskär buskage."})
    assert response.status_code == 302
    rows = ProblemResponsibility.objects.filter(problem=problem).order_by("role")
    assert [(r.organization, r.role) for r in rows] == [
        (organization, "lead"),
        (other_organization, "supporting"),
    ]
    page = client.get(f"{BASE}{problem.public_id}/").text
    assert "Byter armaturer." in page and "Beskär buskage." in page
    # Nobody commits twice.
    assert client.post(url, {"role": "supporting", "commitment": "x"}).status_code == 403


def test_responsibility_due_date_not_in_the_past(client, member, problem):
    client.force_login(member)
    past = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    response = client.post(
        f"{BASE}{problem.public_id}/responsibility/",
        {"role": "lead", "commitment": "x", "due_on": past},
    )
    assert response.status_code == 400
    assert not ProblemResponsibility.objects.exists()


def test_coordinator_commits_any_approved_organisation(
    client, coordinator, other_organization, problem
):
    login_with_second_factor(client, coordinator)
    response = client.post(
        f"{BASE}{problem.public_id}/responsibility/",
        {"organization": other_organization.pk, "role": "lead", "commitment": "Leder arbetet."},
    )
    assert response.status_code == 302
    assert problem.responsibilities.get().organization == other_organization


# --- Status workflow ------------------------------------------------------------------------------


def test_status_workflow_with_required_outcome_and_history(client, member, problem):
    client.force_login(member)
    url = f"{BASE}{problem.public_id}/status/"
    response = client.post(url, {"status": "resolved", "outcome": "  ", "version": 1})
    assert response.status_code == 400 and "Say what was done" in response.text
    problem.refresh_from_db()
    assert problem.status == "open"
    assert client.post(url, {"status": "being_addressed", "version": 1}).status_code == 302
    response = client.post(url, {"status": "dismissed", "outcome": "Dubblett.", "version": 2})
    assert response.status_code == 302
    problem.refresh_from_db()
    assert (problem.status, problem.outcome) == ("dismissed", "Dubblett.")
    # Closed: only reopening is offered; resolving a dismissed problem is refused.
    response = client.post(url, {"status": "resolved", "outcome": "x", "version": 3})
    assert response.status_code == 400
    assert client.post(url, {"status": "open", "version": 3}).status_code == 302
    problem.refresh_from_db()
    assert (problem.status, problem.outcome) == ("open", "")
    statuses = list(
        Problem.pgh_event_model.objects.filter(pgh_obj=problem)
        .order_by("pgh_id")
        .values_list("status", flat=True)
    )
    assert statuses == ["open", "being_addressed", "dismissed", "open"]
    history = client.get(f"{BASE}{problem.public_id}/history/")
    assert history.status_code == 200 and "Dubblett." in history.text


def test_status_change_on_a_stale_page_is_refused(client, member, problem):
    client.force_login(member)
    services.problem_change_status(problem=problem, actor=member, status="being_addressed")
    response = client.post(
        f"{BASE}{problem.public_id}/status/",
        {"status": "resolved", "outcome": "Klart.", "version": 1},
    )
    assert response.status_code == 400 and "Someone changed this problem" in response.text
    problem.refresh_from_db()
    assert problem.status == "being_addressed"


def test_after_a_stale_status_change_sending_it_again_works(client, member, problem):
    """Issue 18: the kept status form carries the problem's current version."""
    client.force_login(member)
    services.problem_change_status(problem=problem, actor=member, status="being_addressed")
    url = f"{BASE}{problem.public_id}/status/"
    stale = client.post(url, {"status": "resolved", "outcome": "Klart.", "version": 1})
    assert stale.status_code == 400
    kept = dict(stale.context["status_form"].data.lists())
    assert kept["version"] == ["2"] and kept["outcome"] == ["Klart."]
    assert client.post(url, kept).status_code == 302
    problem.refresh_from_db()
    assert (problem.status, problem.outcome) == ("resolved", "Klart.")


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("resident", 302),
        ("member", 302),
        ("org_admin", 302),
        ("outsider", 403),
        ("coordinator", 302),
    ],
)
def test_who_changes_the_status(client, request, problem, role, status):
    response = login_as(client, request, role).post(
        f"{BASE}{problem.public_id}/status/", {"status": "being_addressed"}
    )
    assert response.status_code == status
    if role == "resident":
        assert "/login/" in response.url


def test_a_responsible_organisation_changes_the_status(
    client, outsider, other_organization, problem, coordinator
):
    services.problem_take_responsibility(
        problem=problem,
        organization=other_organization,
        actor=coordinator,
        role="supporting",
        commitment="Stöttar.",
    )
    client.force_login(outsider)
    response = client.post(
        f"{BASE}{problem.public_id}/status/", {"status": "resolved", "outcome": "Lagat."}
    )
    assert response.status_code == 302


# --- Linking initiatives --------------------------------------------------------------------------


def test_link_and_unlink_an_initiative_from_the_problem(
    client, member, outsider, organization, other_organization, problem, area
):
    mine = factories.InitiativeFactory(title="Belysningsrond", lead_organization=organization)
    theirs = factories.InitiativeFactory(
        title="Nattvandring", lead_organization=other_organization, areas=[area]
    )
    client.force_login(member)
    page = client.get(f"{BASE}{problem.public_id}/").text
    assert "Belysningsrond" in page and "Nattvandring" in page  # offered: mine and nearby
    url = f"{BASE}{problem.public_id}/initiatives/"
    assert client.post(url, {"initiative": str(mine.public_id)}).status_code == 302
    mine.refresh_from_db()
    assert list(mine.problems.all()) == [problem] and mine.version == 2
    # Not responsible for the problem and not the lead of "Nattvandring": refused.
    response = client.post(url, {"initiative": str(theirs.public_id)})
    assert response.status_code == 400
    assert not theirs.problems.exists()
    # The lead organisation of an initiative may unlink it; others may not.
    client.force_login(outsider)
    remove = f"{BASE}{problem.public_id}/initiatives/{mine.public_id}/remove/"
    assert client.post(remove).status_code == 403
    client.force_login(member)
    assert client.post(remove).status_code == 302
    assert not mine.problems.exists()
    history = client.get(f"{BASE}{problem.public_id}/history/").text
    assert "Belysningsrond" in history


def test_members_responsible_for_the_problem_link_any_initiative(
    client, outsider, other_organization, organization, problem, coordinator
):
    services.problem_take_responsibility(
        problem=problem,
        organization=other_organization,
        actor=coordinator,
        role="lead",
        commitment="Leder.",
    )
    initiative = factories.InitiativeFactory(
        title="Kommunens rond", lead_organization=organization, areas=[problem.area]
    )
    client.force_login(outsider)
    response = client.post(
        f"{BASE}{problem.public_id}/initiatives/", {"initiative": str(initiative.public_id)}
    )
    assert response.status_code == 302
    assert initiative.problems.filter(pk=problem.pk).exists()


# --- Public "you said, we did" ----------------------------------------------------------------


def test_public_page_shows_public_problems_area_only(
    client, problem, public_problem, other_organization, outsider
):
    services.problem_take_responsibility(
        problem=public_problem,
        organization=other_organization,
        actor=outsider,
        role="lead",
        commitment="Fler papperskorgar.",
    )
    initiative = factories.InitiativeFactory(
        title="Städrundor", lead_organization=other_organization, visibility="public"
    )
    hidden = factories.InitiativeFactory(
        title="Hemlig insats", lead_organization=other_organization, visibility="partners"
    )
    initiative.problems.add(public_problem)
    hidden.problems.add(public_problem)
    services.problem_change_status(
        problem=public_problem, actor=outsider, status="resolved", outcome="Tömning varje kväll."
    )
    response = client.get(PUBLIC)
    assert response.status_code == 200
    text = response.text
    assert public_problem.title in text and "Tömning varje kväll." in text
    assert "Fler papperskorgar." in text and other_organization.name in text
    assert "Städrundor" in text and "Hemlig insats" not in text
    assert problem.title not in text
    assert not re.search(r"59\.26\d|17\.88\d", text)  # never the exact point
    assert "application/json" not in text and "json" not in response["Content-Type"]
    # Also through the Swedish address, and with filters.
    assert client.get("/ni-sa-vi-gjorde/").status_code == 200
    assert client.get(PUBLIC, {"status": "open", "area": "nope"}).status_code == 200


def test_public_page_never_shows_partners_only_problems_in_any_language(client, problem):
    for url in (PUBLIC, "/ni-sa-vi-gjorde/"):
        assert problem.title not in client.get(url).text


# --- Query counts ---------------------------------------------------------------------------------


def _many_problems(n, organization, other_organization, area, theme, visibility, start=0):
    for i in range(start, start + n):
        problem = factories.ProblemFactory(
            title=f"Problem nummer {i}",
            area=area,
            recorded_by_organization=organization,
            visibility=visibility,
            themes=[theme],
        )
        ProblemEndorsement.objects.create(problem=problem, organization=other_organization)
        ProblemResponsibility.objects.create(
            problem=problem, organization=other_organization, role="lead", commitment="Gör."
        )
        initiative = factories.InitiativeFactory(
            title=f"Insats {i}", lead_organization=other_organization
        )
        initiative.problems.add(problem)


@pytest.mark.parametrize("params", [{}, {"area": "AREA", "theme": "THEME", "q": "nummer"}])
def test_problem_list_query_count_does_not_grow(
    client, member, organization, other_organization, area, theme, params
):
    client.force_login(member)
    params = {k: {"AREA": area.pk, "THEME": theme.pk}.get(v, v) for k, v in params.items()}
    _many_problems(2, organization, other_organization, area, theme, "partners")
    few = query_count(client, BASE, params)
    _many_problems(28, organization, other_organization, area, theme, "partners", start=2)
    many = query_count(client, BASE, params)
    assert few == many


def test_public_page_query_count_does_not_grow(
    client, organization, other_organization, area, theme
):
    _many_problems(2, organization, other_organization, area, theme, "public")
    few = query_count(client, PUBLIC)
    _many_problems(28, organization, other_organization, area, theme, "public", start=2)
    many = query_count(client, PUBLIC)
    assert few == many


# Committed writes: each gets its own history timestamp, so "the latest entries" are the
# latest added. In one test transaction every event has the same NOW(), and the order among
# event tables then follows their id sequences, which other tests advance.
@pytest.mark.django_db(transaction=True)
def test_problem_page_query_count_does_not_grow(client, member, organization, problem):
    client.force_login(member)
    url = f"{BASE}{problem.public_id}/"

    def add(count):
        for i in range(count):
            org = factories.OrganizationFactory()
            ProblemEndorsement.objects.create(problem=problem, organization=org, note=f"n{i}")
            factories.InitiativeFactory(lead_organization=org).problems.add(problem)

    # The page shows the latest history entries, one query per kind of thing they refer
    # to: compare pages whose latest entries are of the same kinds (endorsements and links),
    # after a first request has warmed process-wide caches (content types).
    add(10)
    query_count(client, url)
    few = query_count(client, url)
    add(20)
    assert query_count(client, url) == few
