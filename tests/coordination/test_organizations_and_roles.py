"""Coordinator pages: two-factor authentication, decisions on organisations, the coordinator
role, and the history of an organisation. Every action is tried by every role."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode

from initiatives.models import Initiative
from stakeholders import services
from stakeholders.models import Organization, User
from tests import factories
from tests.helpers import login_as, login_with_second_factor, query_count

pytestmark = pytest.mark.django_db


def en(name, **kwargs):
    with translation.override("en"):
        return reverse(name, kwargs=kwargs or None)


# --- Two-factor authentication ---------------------------------------------------------------

PAGES = ["organizations", "users", "organization"]


def _page(name, organization):
    if name == "organization":
        return en("coordinator:organization", slug=organization.slug)
    return en(f"coordinator:{name}")


@pytest.mark.parametrize("name", PAGES)
def test_a_coordinator_without_mfa_is_sent_to_set_it_up(
    client, coordinator_without_mfa, organization, name
):
    client.force_login(coordinator_without_mfa)
    response = client.get(_page(name, organization), follow=True)
    set_up = en("mfa_activate_totp") + "?" + urlencode({"next": _page(name, organization)})
    assert response.redirect_chain[0][0] == set_up
    assert "Coordinators must use two-factor authentication" in response.text


@pytest.mark.parametrize("name", PAGES)
def test_a_coordinator_with_mfa_opens_the_page(client, coordinator_with_mfa, organization, name):
    login_with_second_factor(client, coordinator_with_mfa)
    response = client.get(_page(name, organization))
    assert response.status_code == 200
    assert "Coordinator" in response.text


@pytest.mark.parametrize("name", PAGES)
def test_coordinator_pages_refuse_everyone_else(
    client, resident, member, org_admin, outsider, organization, name
):
    url = _page(name, organization)
    response = resident.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for user in (member, org_admin, outsider):
        client.force_login(user)
        assert client.get(url).status_code == 403


def test_the_main_menu_shows_coordinator_only_to_coordinators(client, member, coordinator):
    client.force_login(member)
    assert en("coordinator:dashboard:overview") not in client.get("/en/").text
    login_with_second_factor(client, coordinator)
    assert f'href="{en("coordinator:dashboard:overview")}"' in client.get("/en/").text


def test_a_superuser_counts_as_a_coordinator(client):
    superuser = factories.UserFactory(is_superuser=True, is_staff=True)
    login_with_second_factor(client, superuser)
    assert client.get(en("coordinator:organizations")).status_code == 200


# --- The role matrix: each action × each role -------------------------------------------------

ROLES = [
    "resident",
    "member",
    "org_admin",
    "outsider",
    "coordinator_without_mfa",
    "coordinator_with_mfa",
]


def _expect_refused(response, role):
    if role == "resident":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    elif role == "coordinator_without_mfa":
        assert response.status_code == 302 and response["Location"] == en("mfa_activate_totp")
    else:
        assert response.status_code == 403


DECISIONS = [
    # decision, status before, status after, data
    ("approve", "pending", "approved", {}),
    ("reject", "pending", "rejected", {"reason": "Utanför området."}),
    ("suspend", "approved", "suspended", {"reason": "Vilseledande uppgifter."}),
    ("reinstate", "suspended", "approved", {}),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("decision", "before", "after", "data"), DECISIONS)
def test_decisions_on_organisations_by_role(
    request, client, organization, role, decision, before, after, data
):
    login_as(client, request, role)
    target = factories.OrganizationFactory(
        name="Målorganisationen",
        status=before,
        contact_name="Kim",
        contact_email="kim@example.org",
    )
    response = client.post(en("coordinator:decide", slug=target.slug, decision=decision), data)
    target.refresh_from_db()
    if role == "coordinator_with_mfa":
        assert response.status_code == 302
        assert response["Location"] == en("coordinator:organization", slug=target.slug)
        assert target.status == after
    else:
        _expect_refused(response, role)
        assert target.status == before


@pytest.mark.parametrize("role", ROLES)
def test_granting_the_coordinator_role_by_role(request, client, organization, role):
    login_as(client, request, role)
    someone = factories.UserFactory(email="someone@example.org")
    response = client.post(en("coordinator:role", action="grant"), {"user": someone.pk})
    someone.refresh_from_db()
    if role == "coordinator_with_mfa":
        assert response.status_code == 302
        assert someone.is_coordinator
    else:
        _expect_refused(response, role)
        assert not someone.is_coordinator


@pytest.mark.parametrize("role", ROLES)
def test_revoking_the_coordinator_role_by_role(request, client, organization, role):
    login_as(client, request, role)
    other = factories.UserFactory(email="other.coordinator@example.org", is_coordinator=True)
    response = client.post(en("coordinator:role", action="revoke"), {"user": other.pk})
    other.refresh_from_db()
    if role == "coordinator_with_mfa":
        assert response.status_code == 302
        assert not other.is_coordinator
    else:
        _expect_refused(response, role)
        assert other.is_coordinator


def test_get_on_an_action_is_refused_and_changes_nothing(client, coordinator_with_mfa):
    target = factories.OrganizationFactory(status="pending")
    login_with_second_factor(client, coordinator_with_mfa)
    url = en("coordinator:decide", slug=target.slug, decision="approve")
    assert client.get(url).status_code == 405
    target.refresh_from_db()
    assert target.status == "pending"


def test_unknown_decisions_users_and_organisations_are_not_500s(client, coordinator_with_mfa):
    target = factories.OrganizationFactory(status="pending")
    login_with_second_factor(client, coordinator_with_mfa)
    assert client.post(en("coordinator:decide", slug=target.slug, decision="x")).status_code == 404
    assert (
        client.post(en("coordinator:decide", slug="nobody", decision="approve")).status_code == 404
    )
    assert client.post(en("coordinator:role", action="x"), {"user": 1}).status_code == 404
    response = client.post(en("coordinator:role", action="grant"), {"user": "abc"}, follow=True)
    assert "Choose a user from the list." in response.text


def test_approving_twice_is_a_clear_message_not_an_error(client, coordinator_with_mfa):
    target = factories.OrganizationFactory(status="approved")
    login_with_second_factor(client, coordinator_with_mfa)
    response = client.post(
        en("coordinator:decide", slug=target.slug, decision="approve"), follow=True
    )
    assert "the decision can no longer be made" in response.text


def test_a_suspension_needs_a_reason_shown_next_to_the_field(client, coordinator_with_mfa):
    target = factories.OrganizationFactory(status="approved")
    login_with_second_factor(client, coordinator_with_mfa)
    response = client.post(
        en("coordinator:decide", slug=target.slug, decision="suspend"), {"reason": ""}
    )
    assert response.status_code == 400
    assert "This field is required." in response.text
    target.refresh_from_db()
    assert target.status == "approved"


# --- Suspension ----------------------------------------------------------------------------------


def test_suspension_hides_the_organisation_and_its_initiatives_and_reinstating_restores_them(
    client, resident, coordinator, organization, member
):
    factories.InitiativeFactory(lead_organization=organization, title="Nattvandring i Vårby")
    factories.InitiativeFactory(
        lead_organization=organization, title="Internt möte", visibility="partners"
    )
    services.organization_suspend(organization=organization, actor=coordinator, reason="Utreds.")

    assert "Nattvandring i Vårby" not in resident.get("/en/initiatives/").text
    assert organization.name not in resident.get(en("stakeholders:list")).text
    assert resident.get(en("stakeholders:detail", slug=organization.slug)).status_code == 404
    client.force_login(member)
    assert "Internt möte" not in client.get("/en/initiatives/").text
    assert Initiative.objects.filter(lead_organization=organization).count() == 2
    assert organization.memberships.count() == 1, "nothing is deleted"
    organization.refresh_from_db()
    assert (organization.status, organization.decision_reason) == ("suspended", "Utreds.")

    services.organization_reinstate(organization=organization, actor=coordinator)
    client.logout()
    assert "Nattvandring i Vårby" in resident.get("/en/initiatives/").text
    assert resident.get(en("stakeholders:detail", slug=organization.slug)).status_code == 200


# --- The coordinator role ----------------------------------------------------------------------


def test_grant_and_revoke_through_the_users_page(client, coordinator_with_mfa):
    someone = factories.UserFactory(email="ny.samordnare@example.org")
    login_with_second_factor(client, coordinator_with_mfa)
    page = client.get(en("coordinator:users") + "?q=ny.samordnare").text
    assert "ny.samordnare@example.org" in page and "coordinator@example.org" not in page

    response = client.post(
        en("coordinator:role", action="grant"), {"user": someone.pk}, follow=True
    )
    assert "ny.samordnare@example.org is now a coordinator. We have emailed them" in response.text
    someone.refresh_from_db()
    assert someone.is_coordinator
    response = client.post(
        en("coordinator:role", action="revoke"), {"user": someone.pk}, follow=True
    )
    assert "is no longer a coordinator" in response.text
    someone.refresh_from_db()
    assert not someone.is_coordinator


def test_the_last_coordinator_cannot_revoke_themself(client, coordinator_with_mfa):
    login_with_second_factor(client, coordinator_with_mfa)
    response = client.post(
        en("coordinator:role", action="revoke"), {"user": coordinator_with_mfa.pk}, follow=True
    )
    assert "is the last coordinator" in response.text
    coordinator_with_mfa.refresh_from_db()
    assert coordinator_with_mfa.is_coordinator


def test_a_superuser_counts_so_the_coordinator_may_step_down(coordinator):
    factories.UserFactory(is_superuser=True)
    services.coordinator_revoke(user=coordinator, actor=coordinator)
    coordinator.refresh_from_db()
    assert not coordinator.is_coordinator


# --- History --------------------------------------------------------------------------------------


def test_the_history_shows_who_changed_what_before_and_after(
    client, coordinator_with_mfa, organization, member
):
    services.organization_suspend(
        organization=organization, actor=coordinator_with_mfa, reason="Utreds."
    )
    login_with_second_factor(client, coordinator_with_mfa)
    client.post(en("coordinator:decide", slug=organization.slug, decision="reinstate"))
    organization.areas.add(factories.AreaFactory(name="Vårby strand"))

    html = client.get(en("coordinator:organization", slug=organization.slug)).text
    history = html[html.index('id="history-heading"') :]
    # People by name and organisation as the coordinator may see them, never by email.
    assert coordinator_with_mfa.get_full_name() in history
    assert "coordinator@example.org" not in history
    assert "<del>Approved</del> → <ins>Suspended</ins>" in history
    assert "<del>Suspended</del> → <ins>Approved</ins>" in history
    assert "Utreds." in history
    assert "Vårby strand" in history  # the area link
    assert f"{member.get_full_name()} (Stiftelsen Testbostäder)" in history  # its membership
    assert member.email not in history


def _history_queries(client, organization, actor, n):
    for i in range(n):
        organization.description = f"Version {i}"
        organization.save()
        factories.MembershipFactory(organization=organization)
    return query_count(client, en("coordinator:organization", slug=organization.slug))


def test_the_history_page_query_count_does_not_grow(client, coordinator_with_mfa):
    login_with_second_factor(client, coordinator_with_mfa)
    small = factories.OrganizationFactory()
    large = factories.OrganizationFactory()
    assert _history_queries(client, small, coordinator_with_mfa, 2) == _history_queries(
        client, large, coordinator_with_mfa, 30
    )


def _list_queries(client, url, make, n):
    for _ in range(n):
        make()
    return query_count(client, url)


def test_the_organisation_list_query_count_does_not_grow(client, coordinator_with_mfa):
    login_with_second_factor(client, coordinator_with_mfa)
    url = en("coordinator:organizations") + "?status=pending"

    def make():
        factories.OrganizationFactory(status="pending", contact_email="a@example.org")

    assert _list_queries(client, url, make, 2) == _list_queries(client, url, make, 28)


def test_the_users_list_query_count_does_not_grow(client, coordinator_with_mfa):
    login_with_second_factor(client, coordinator_with_mfa)
    url = en("coordinator:users")

    def make():
        factories.MembershipFactory()

    assert _list_queries(client, url, make, 2) == _list_queries(client, url, make, 27)


def test_the_organisation_list_filters_by_status_and_keeps_it_across_pages(
    client, coordinator_with_mfa
):
    for i in range(31):
        factories.OrganizationFactory(name=f"Väntar {i:02}", status="pending")
    factories.OrganizationFactory(name="Avstängd förening", status="suspended")
    login_with_second_factor(client, coordinator_with_mfa)
    pending = client.get(en("coordinator:organizations")).text
    assert "Väntar 00" in pending and "Avstängd förening" not in pending
    assert "?page=2" in pending
    suspended = client.get(en("coordinator:organizations") + "?status=suspended").text
    assert "Avstängd förening" in suspended and "Väntar 00" not in suspended
    bogus = client.get(en("coordinator:organizations") + "?status=nonsense")
    assert bogus.status_code == 200
    assert User.objects.filter(is_coordinator=True).count() == 1
    assert Organization.objects.filter(status="pending").count() == 31
