"""Who may open the coordinator's area: every page and every POST under ``coordinator:`` ×
the cast plus a coordinator with two-factor. Residents are sent to log in, partners get 403,
a coordinator without an authenticator app is sent to set one up, and only a coordinator
with two-factor gets the page (or the POST's redirect). A refused POST changes nothing."""

import pytest
from django.urls import reverse

from partnership.coordination.exports import TABLES
from partnership.coordination.models import OverlapDecision, OverlapSnapshot
from stakeholders.models import Organization, User
from tests import factories
from tests.helpers import login_as

pytestmark = pytest.mark.django_db

ROLES = [
    "resident",
    "member",
    "org_admin",
    "outsider",
    "coordinator_without_mfa",
    "coordinator_with_mfa",
]
ALLOWED = "coordinator_with_mfa"


def _assert_refused(response, role):
    if role == "resident":
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    elif role == "coordinator_without_mfa":
        assert response.status_code == 302
        # To the set-up, with the page to return to (a refused POST has none to return to).
        assert response.url.startswith(reverse("mfa_activate_totp"))
    else:
        assert response.status_code == 403


# --- Pages ------------------------------------------------------------------------------------

DASHBOARD_PAGES = ["overview", "overlaps", "gaps", "coverage", "attention", "report"]


def _pages(organization):
    pages = {name: reverse(f"coordinator:dashboard:{name}") for name in DASHBOARD_PAGES}
    for table in TABLES:
        pages[f"export {table}"] = reverse("coordinator:dashboard:export", args=[table])
    pages["organizations"] = reverse("coordinator:organizations")
    pages["organization"] = reverse("coordinator:organization", args=[organization.slug])
    pages["users"] = reverse("coordinator:users")
    return pages


@pytest.mark.parametrize("role", ROLES)
def test_every_coordinator_page_by_role(client, request, organization, role):
    login_as(client, request, role)
    pages = _pages(organization)
    assert len(pages) == len(DASHBOARD_PAGES) + len(TABLES) + 3
    for name, url in pages.items():
        response = client.get(url)
        if role == ALLOWED:
            assert response.status_code == 200, name
            if name.startswith("export "):
                assert response["Content-Type"].startswith("text/csv")
                assert b"".join(response.streaming_content)  # at least the header row
        else:
            _assert_refused(response, role)


# --- POSTs ------------------------------------------------------------------------------------


@pytest.fixture
def overlapping_pair(organization, other_organization):
    """Two live initiatives of different organisations in the same area, on the same theme."""
    area = factories.AreaFactory(name="Vårby gård centrum")
    theme = factories.ThemeFactory(name_sv="Nattvandring", name_en="Night walks")
    return [
        factories.InitiativeFactory(lead_organization=lead, areas=[area], themes=[theme])
        for lead in (organization, other_organization)
    ]


@pytest.mark.parametrize("role", ROLES)
def test_deciding_on_an_overlap_by_role(client, request, overlapping_pair, role):
    a, b = overlapping_pair
    response = login_as(client, request, role).post(
        reverse("coordinator:dashboard:overlap_decide"),
        {"a": a.pk, "b": b.pk, "decision": "complementary", "note": "Olika kvällar."},
    )
    if role == ALLOWED:
        assert response.status_code == 302
        assert response.url == reverse("coordinator:dashboard:overlaps")
        decision = OverlapDecision.objects.get()
        assert (decision.decision, decision.note) == ("complementary", "Olika kvällar.")
    else:
        _assert_refused(response, role)
        assert not OverlapDecision.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_recomputing_the_overlaps_by_role(client, request, overlapping_pair, role):
    response = login_as(client, request, role).post(
        reverse("coordinator:dashboard:overlaps_refresh")
    )
    if role == ALLOWED:
        assert response.status_code == 302
        assert response.url == reverse("coordinator:dashboard:overlaps")
        # The task ran (immediate backend in tests): the snapshots hold the pair.
        assert OverlapSnapshot.objects.exists()
        assert all(s.pairs == 1 for s in OverlapSnapshot.objects.all())
    else:
        _assert_refused(response, role)
        assert not OverlapSnapshot.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_approving_an_organisation_by_role(client, request, organization, role):
    applicant = factories.OrganizationFactory(
        name="Sökande föreningen",
        status=Organization.Status.PENDING,
        contact_name="Kim",
        contact_email="kim@example.org",
    )
    response = login_as(client, request, role).post(
        reverse("coordinator:decide", args=[applicant.slug, "approve"])
    )
    applicant.refresh_from_db()
    if role == ALLOWED:
        assert response.status_code == 302
        assert response.url == reverse("coordinator:organization", args=[applicant.slug])
        assert applicant.status == Organization.Status.APPROVED
    else:
        _assert_refused(response, role)
        assert applicant.status == Organization.Status.PENDING
        assert not applicant.memberships.exists()


@pytest.mark.parametrize("role", ROLES)
def test_granting_the_coordinator_role_by_role(client, request, organization, role):
    someone = factories.UserFactory(email="someone@example.org")
    response = login_as(client, request, role).post(
        reverse("coordinator:role", args=["grant"]), {"user": someone.pk}
    )
    someone.refresh_from_db()
    if role == ALLOWED:
        assert response.status_code == 302
        assert response.url.startswith(reverse("coordinator:users"))
        assert someone.is_coordinator
    else:
        _assert_refused(response, role)
        assert not someone.is_coordinator
        assert list(User.objects.filter(is_coordinator=True).values_list("email", flat=True)) == (
            ["coordinator.without.mfa@example.org"] if role == "coordinator_without_mfa" else []
        )


@pytest.mark.parametrize("role", ROLES)
def test_the_decision_page_and_a_cluster_decision_by_role(client, request, overlapping_pair, role):
    a, b = overlapping_pair
    client = login_as(client, request, role)
    page = client.get(reverse("coordinator:dashboard:overlap_decide"), {"a": a.pk, "b": b.pk})
    response = client.post(
        reverse("coordinator:dashboard:overlap_cluster_decide"),
        {"pairs": [f"{a.pk}-{b.pk}"], "decision": "not_overlap", "note": "Olika gator."},
    )
    if role == ALLOWED:
        assert page.status_code == 200
        assert response.status_code == 302
        decision = OverlapDecision.objects.get()
        assert (decision.decision, decision.note) == ("not_overlap", "Olika gator.")
    else:
        _assert_refused(page, role)
        _assert_refused(response, role)
        assert not OverlapDecision.objects.exists()
