"""Privacy in history (issue 18, item 4): the history of a problem or an initiative names
the acting person as the reader may see them — never by email; by name only when they share
their contact details (or the reader is a colleague or a coordinator) — and never names a
linked thing the reader may not know exists (a pending organisation's initiative)."""

import pghistory
import pytest

from initiatives.models import Initiative
from stakeholders.models import Organization
from tests import factories
from tests.helpers import login_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorder(organization):
    """A member who recorded a problem and does not share their contact details."""
    user = factories.UserFactory(
        email="recorder@example.org", first_name="Rut", last_name="Berg", phone="070-111 22 33"
    )
    factories.MembershipFactory(user=user, organization=organization)
    return user


@pytest.fixture
def problem(recorder, organization):
    with pghistory.context(user=recorder.pk):
        return factories.ProblemFactory(
            title="Mörk gångtunnel", recorded_by_organization=organization, recorded_by=recorder
        )


@pytest.fixture
def hidden_initiative(recorder, problem):
    """A pending organisation's initiative, linked to the problem: partners may not see it."""
    pending = factories.OrganizationFactory(
        name="Väntande förening", status=Organization.Status.PENDING
    )
    initiative = factories.InitiativeFactory(
        title="Hemlig väntande insats", lead_organization=pending
    )
    with pghistory.context(user=recorder.pk):
        problem.initiatives.add(initiative)
    return initiative


def _problem_history(client, problem) -> str:
    response = client.get(f"/en/problems/{problem.public_id}/history/")
    assert response.status_code == 200
    return response.text


def test_another_organisations_member_sees_a_member_of_the_organisation(client, outsider, problem):
    client.force_login(outsider)
    for html in (
        _problem_history(client, problem),
        client.get(f"/en/problems/{problem.public_id}/").text,  # the latest changes
    ):
        assert "recorder@example.org" not in html
        assert "Rut" not in html and "070-111" not in html
        assert "a member of Stiftelsen Testbostäder" in html


def test_someone_who_shares_their_details_is_named_but_never_by_email(
    client, outsider, recorder, problem
):
    recorder.share_contact_details = True
    recorder.save()
    client.force_login(outsider)
    html = _problem_history(client, problem)
    assert "Rut Berg (Stiftelsen Testbostäder)" in html
    assert "recorder@example.org" not in html


def test_colleagues_and_coordinators_see_the_name_never_the_email(client, request, member, problem):
    for role in ("member", "coordinator_with_mfa"):
        login_as(client, request, role)
        html = _problem_history(client, problem)
        assert "Rut Berg (Stiftelsen Testbostäder)" in html, role
        assert "recorder@example.org" not in html, role


def test_a_linked_initiative_the_reader_may_not_see_is_not_named(
    client, request, outsider, problem, hidden_initiative
):
    client.force_login(outsider)
    html = _problem_history(client, problem)
    assert "Hemlig väntande insats" not in html
    assert "(not shown to you)" in html
    login_as(client, request, "coordinator_with_mfa")  # a coordinator knows every initiative
    assert "Hemlig väntande insats" in _problem_history(client, problem)


def test_an_initiative_history_names_neither_emails_nor_hidden_organisations(
    client, outsider, recorder, organization
):
    pending = factories.OrganizationFactory(
        name="Väntande förening", status=Organization.Status.PENDING
    )
    with pghistory.context(user=recorder.pk):
        initiative = factories.InitiativeFactory(title="Läxhjälp", lead_organization=organization)
        initiative.partner_organizations.add(pending)
    client.force_login(outsider)
    response = client.get(f"/en/initiatives/{initiative.slug}/history/")
    assert response.status_code == 200
    html = response.text
    assert "recorder@example.org" not in html and "Rut" not in html
    assert "a member of Stiftelsen Testbostäder" in html
    assert "Väntande förening" not in html
    assert "(not shown to you)" in html


def test_known_to_is_the_queryset_form_of_can_know(
    member, outsider, organization, other_organization
):
    from initiatives import permissions

    mine = factories.InitiativeFactory(lead_organization=organization)
    mine.set_archived(True, actor=member)
    theirs = factories.InitiativeFactory(lead_organization=other_organization)
    theirs.set_archived(True, actor=outsider)
    known = set(Initiative.objects.known_to(member))
    for initiative in (mine, theirs):
        assert (initiative in known) is permissions.can_know_initiative(member, initiative)


def test_a_deleted_account_is_not_the_system(client, outsider, recorder, problem):
    """A change by someone whose account is gone was theirs, not a script's."""
    from stakeholders import services

    services.account_delete(user=recorder)
    client.force_login(outsider)
    html = _problem_history(client, problem)
    assert "a deleted account" in html
    assert "recorder@example.org" not in html
