"""Removing a member, revoking an invitation, archiving an initiative or a problem (issue 13):
the button leads to a page that names who or what, and what will happen; nothing changes
until its button is pressed (a POST). No JavaScript involved. Who may see the page is who may
act: the others are refused as the action refuses them."""

import pytest
from django.urls import reverse
from django.utils import translation

from initiatives.models import Initiative
from partnership.problems.models import Problem
from stakeholders import services
from stakeholders.models import Membership
from tests import factories
from tests.helpers import login_as

pytestmark = pytest.mark.django_db


def en(name: str, query: str = "", **kwargs) -> str:
    with translation.override("en"):
        return reverse(name, kwargs=kwargs) + query


@pytest.fixture
def invitation(organization, org_admin):
    return services.invitation_create(
        organization=organization,
        email="ny@example.org",
        role="member",
        invited_by=org_admin,
        language="en",
    )


@pytest.fixture
def initiative(organization):
    return factories.InitiativeFactory(
        title="Nattvandring fredagar",
        lead_organization=organization,
        areas=[factories.AreaFactory()],
    )


@pytest.fixture
def problem(organization):
    return factories.ProblemFactory(
        title="Mörk gångtunnel", recorded_by_organization=organization, area=factories.AreaFactory()
    )


# --- What the page says, and that it changes nothing -------------------------------------------


def test_removing_a_member_asks_first_naming_the_person_and_what_they_lose(
    client, organization, member, org_admin
):
    membership = member.memberships.get()
    client.force_login(org_admin)
    members_page = client.get(en("stakeholders:members", slug=organization.slug)).text
    confirm_url = en(
        "stakeholders:member_remove", f"?membership={membership.pk}", slug=organization.slug
    )
    assert f'href="{confirm_url}"' in members_page, "the Remove button leads to the question"

    page = client.get(confirm_url)
    assert page.status_code == 200
    name = member.get_full_name() or member.email
    assert f"Remove {name} from Stiftelsen Testbostäder?" in page.text
    assert "stops being a member of Stiftelsen Testbostäder at once" in page.text
    assert "Their account stays" in page.text
    assert f'name="membership" value="{membership.pk}"' in page.text
    assert "<script" not in page.text.split("<main")[1].split("</main>")[0]
    assert Membership.objects.filter(pk=membership.pk).exists(), "a GET removes nobody"

    done = client.post(confirm_url, {"membership": membership.pk})
    assert done.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_revoking_an_invitation_asks_first_naming_the_address(
    client, organization, org_admin, invitation
):
    client.force_login(org_admin)
    confirm_url = en(
        "stakeholders:invitation_revoke", f"?invitation={invitation.pk}", slug=organization.slug
    )
    assert (
        f'href="{confirm_url}"'
        in client.get(en("stakeholders:members", slug=organization.slug)).text
    )
    page = client.get(confirm_url)
    assert page.status_code == 200
    assert "Revoke the invitation to ny@example.org?" in page.text
    assert "The link sent to ny@example.org stops working at once" in page.text
    invitation.refresh_from_db()
    assert invitation.revoked_at is None

    client.post(confirm_url, {"invitation": invitation.pk})
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def test_archiving_an_initiative_asks_first_naming_what_disappears(client, member, initiative):
    client.force_login(member)
    confirm_url = en("initiatives:archive", slug=initiative.slug)
    detail = client.get(en("initiatives:detail", slug=initiative.slug)).text
    assert f'href="{confirm_url}"' in detail
    assert f'action="{confirm_url}"' not in detail, "no one-click archiving on the page"

    page = client.get(confirm_url)
    assert page.status_code == 200
    assert "Archive “Nattvandring fredagar”?" in page.text
    assert "disappears from the list of initiatives, the map, the calendar feeds" in page.text
    assert "Only Stiftelsen Testbostäder and the coordinators can still open it" in page.text
    assert Initiative.objects.get(pk=initiative.pk).archived_at is None

    client.post(confirm_url)
    assert Initiative.objects.get(pk=initiative.pk).archived_at is not None
    # Archived, the question is not asked again: back to the page, which offers to restore.
    assert client.get(confirm_url)["Location"] == en("initiatives:detail", slug=initiative.slug)


def test_archiving_a_problem_asks_first_naming_what_disappears(client, member, problem):
    client.force_login(member)
    confirm_url = en("problems:archive", public_id=problem.public_id)
    detail = client.get(en("problems:detail", public_id=problem.public_id)).text
    assert f'href="{confirm_url}"' in detail
    assert f'action="{confirm_url}"' not in detail

    page = client.get(confirm_url)
    assert page.status_code == 200
    assert "Archive “Mörk gångtunnel”?" in page.text
    assert "the “You said, we did” page" in page.text
    assert Problem.objects.get(pk=problem.pk).archived_at is None

    client.post(confirm_url)
    assert Problem.objects.get(pk=problem.pk).archived_at is not None


def test_the_questions_are_in_swedish_on_swedish_pages(client, member, initiative, problem):
    client.force_login(member)
    with translation.override("sv"):
        initiative_page = client.get(reverse("initiatives:archive", args=[initiative.slug])).text
        problem_page = client.get(reverse("problems:archive", args=[problem.public_id])).text
    assert "Arkivera ”Nattvandring fredagar”?" in initiative_page
    assert "Du kan återställa den när som helst" in initiative_page
    assert "Du kan återställa det när som helst" in problem_page
    assert "Nej, gå tillbaka" in problem_page


# --- Who may see the question ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("resident", 302),
        ("outsider", 403),
        ("member", 403),
        ("org_admin", 200),
        ("coordinator", 200),
    ],
)
def test_only_those_who_may_remove_see_the_question(
    client, request, role, expected, organization, member, org_admin, invitation
):
    membership = member.memberships.get()
    login_as(client, request, role)
    remove = client.get(
        en("stakeholders:member_remove", f"?membership={membership.pk}", slug=organization.slug)
    )
    revoke = client.get(
        en("stakeholders:invitation_revoke", f"?invitation={invitation.pk}", slug=organization.slug)
    )
    assert (remove.status_code, revoke.status_code) == (expected, expected)
    assert Membership.objects.filter(pk=membership.pk).exists()


@pytest.mark.parametrize(
    ("role", "expected"),
    [("resident", 302), ("outsider", 403), ("member", 200), ("coordinator", 200)],
)
def test_only_those_who_may_archive_see_the_question(
    client, request, role, expected, initiative, problem
):
    login_as(client, request, role)
    assert client.get(en("initiatives:archive", slug=initiative.slug)).status_code == expected
    assert client.get(en("problems:archive", public_id=problem.public_id)).status_code == expected


def test_a_question_about_someone_not_in_the_organisation_is_404(
    client, organization, org_admin, outsider
):
    client.force_login(org_admin)
    foreign = outsider.memberships.get()
    for query in (f"?membership={foreign.pk}", "?membership=x", ""):
        url = en("stakeholders:member_remove", query, slug=organization.slug)
        assert client.get(url).status_code == 404
