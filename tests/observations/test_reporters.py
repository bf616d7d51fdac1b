"""The reporter role (issue 15): an organisation's admins (and coordinators, as for every
change to members) choose who logs observations; nobody else can, and every change is kept in
the membership's history with who made it. Reached from the members page and Mina sidor."""

import pytest
from django.urls import reverse

from stakeholders.models import Membership, MembershipEvent
from tests import factories

pytestmark = pytest.mark.django_db


def url(organization) -> str:
    return reverse("observations:reporters", args=[organization.slug])


def membership(user, organization) -> Membership:
    return Membership.objects.get(user=user, organization=organization)


def test_an_admin_makes_a_member_a_reporter_and_back(client, org_admin, member, organization):
    client.force_login(org_admin)
    page = client.get(url(organization))
    assert page.status_code == 200
    assert "Gör till rapportör" in page.text
    assert "Maja" in page.text
    target = membership(member, organization)
    response = client.post(url(organization), {"membership": target.pk, "is_reporter": "1"})
    assert response.status_code == 302
    assert membership(member, organization).is_reporter
    follow = client.get(response["Location"])
    assert "loggar händelser nu" in follow.text
    assert "Inte rapportör längre" in follow.text
    # History: the change, with the admin who made it.
    event = MembershipEvent.objects.filter(pgh_obj_id=target.pk, is_reporter=True).latest(
        "pgh_created_at"
    )
    assert event.pgh_context.metadata["user"] == org_admin.pk
    client.post(url(organization), {"membership": target.pk, "is_reporter": "0"})
    assert not membership(member, organization).is_reporter


def test_a_coordinator_may_choose_reporters_too(coordinator_client, member, organization):
    target = membership(member, organization)
    assert coordinator_client.get(url(organization)).status_code == 200
    coordinator_client.post(url(organization), {"membership": target.pk, "is_reporter": "1"})
    assert membership(member, organization).is_reporter


@pytest.mark.parametrize("who", ["member", "outsider", "coordinator_without_mfa"])
def test_nobody_else_grants_the_role(request, client, who, member, organization):
    client.force_login(request.getfixturevalue(who))
    target = membership(member, organization)
    assert client.get(url(organization)).status_code == 403
    assert (
        client.post(url(organization), {"membership": target.pk, "is_reporter": "1"}).status_code
        == 403
    )
    assert not membership(member, organization).is_reporter


def test_a_member_cannot_make_themselves_a_reporter(client, member, organization):
    client.force_login(member)
    target = membership(member, organization)
    client.post(url(organization), {"membership": target.pk, "is_reporter": "1"})
    assert not membership(member, organization).is_reporter


def test_anonymous_is_sent_to_log_in(client, organization):
    response = client.get(url(organization))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_an_unknown_organisation_is_404(client, org_admin):
    client.force_login(org_admin)
    assert client.get(reverse("observations:reporters", args=["finns-inte"])).status_code == 404


def test_an_admin_cannot_pick_another_organisations_member(
    client, org_admin, organization, outsider, other_organization
):
    client.force_login(org_admin)
    foreign = membership(outsider, other_organization)
    response = client.post(url(organization), {"membership": foreign.pk, "is_reporter": "1"})
    assert response.status_code == 302
    assert not membership(outsider, other_organization).is_reporter
    assert "finns inte längre kvar" in client.get(response["Location"]).text


@pytest.mark.parametrize(
    "data", [{}, {"membership": "x", "is_reporter": "1"}, {"is_reporter": "2"}]
)
def test_bad_posts_change_nothing(client, org_admin, member, organization, data):
    client.force_login(org_admin)
    assert client.post(url(organization), data).status_code == 302
    assert not membership(member, organization).is_reporter


def test_the_members_page_links_to_it_for_managers_only(client, org_admin, member, organization):
    client.force_login(org_admin)
    members = reverse("stakeholders:members", args=[organization.slug])
    assert url(organization) in client.get(members).text
    client.force_login(member)
    assert url(organization) not in client.get(members).text


def test_mina_sidor_links_the_admin_to_it_and_offers_the_reporter_the_form(
    client, org_admin, member, organization
):
    client.force_login(org_admin)
    page = client.get(reverse("my_pages"))
    assert url(organization) in page.text
    # Not a reporter: the section says how to become one, and links the list.
    assert "Be din organisations administratör" in page.text
    assert reverse("observations:list") in page.text
    Membership.objects.filter(user=member).update(is_reporter=True)
    client.force_login(member)
    page = client.get(reverse("my_pages"))
    assert reverse("observations:log") + "?organization=" + organization.slug in page.text
    assert "Du har loggat 0 händelser för den den här veckan." in page.text
    assert url(organization) not in page.text  # a member does not choose reporters


def test_mina_sidor_shows_nothing_of_it_to_someone_of_no_approved_organisation(client):
    user = factories.UserFactory()
    factories.MembershipFactory(
        user=user, organization=factories.OrganizationFactory(status="pending"), role="admin"
    )
    client.force_login(user)
    page = client.get(reverse("my_pages"))
    assert "Logga en händelse" not in page.text
    assert "/handelser/" not in page.text
