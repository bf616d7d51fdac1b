"""Mina sidor is the workplace (issue 13): "what needs you" lists exactly the work waiting for
the user's organisations — sessions to confirm, requests to join, commitments (overdue
first), initiatives silent for 90 days, meetings, endorsed problems that changed — each item
one click from its action, nobody else's; in a number of queries that does not grow with the
items; profile and settings behind a link."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from initiatives.models import Initiative, JoinRequest
from partnership import site
from partnership.meetings.models import Meeting
from partnership.problems.models import Problem, ProblemEndorsement, ProblemResponsibility
from stakeholders.models import Membership, User
from tests import factories
from tests.helpers import login_as, query_count

pytestmark = pytest.mark.django_db

MY_PAGES = "/en/my-pages/"
PROFILE = "/en/my-pages/profile/"
TODAY = timezone.localdate()


def _days_ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


def plant(organization, other, requester, tag: str) -> dict:
    """One of every kind of work for ``organization`` (and what must not show: the same for
    ``other``, and what is done already). Returns the titles that must show, by section."""
    # Silent for 100 days (registered then, no update); one with news; another's silent one.
    silent = factories.InitiativeFactory(title=f"Tyst insats {tag}", lead_organization=organization)
    Initiative.objects.filter(pk=silent.pk).update(created_at=_days_ago(100))
    with_news = factories.InitiativeFactory(
        title=f"Aktiv insats {tag}", lead_organization=organization
    )
    Initiative.objects.filter(pk=with_news.pk).update(created_at=_days_ago(100))
    factories.InitiativeUpdateFactory(
        initiative=with_news, happened_on=TODAY - dt.timedelta(days=3)
    )
    others = factories.InitiativeFactory(title=f"Annans tysta {tag}", lead_organization=other)
    Initiative.objects.filter(pk=others.pk).update(created_at=_days_ago(100))

    # A request to join ours (waiting), one answered, one to another's initiative.
    JoinRequest.objects.create(
        initiative=silent,
        organization=requester.memberships.get().organization,
        requested_by=requester,
    )
    JoinRequest.objects.create(
        initiative=with_news,
        organization=requester.memberships.get().organization,
        requested_by=requester,
        status=JoinRequest.Status.DECLINED,
        decided_at=timezone.now(),
    )

    # Commitments: ours overdue and ours due later; ours on a resolved problem; another's.
    overdue = factories.ProblemFactory(title=f"Försenat åtagande {tag}")
    later = factories.ProblemFactory(title=f"Kommande åtagande {tag}")
    resolved = factories.ProblemFactory(
        title=f"Löst problem {tag}", status=Problem.Status.RESOLVED, outcome="Klart."
    )
    theirs = factories.ProblemFactory(title=f"Annans åtagande {tag}")
    for problem, org, due in [
        (later, organization, TODAY + dt.timedelta(days=20)),
        (overdue, organization, TODAY - dt.timedelta(days=5)),
        (resolved, organization, TODAY - dt.timedelta(days=5)),
        (theirs, other, TODAY - dt.timedelta(days=5)),
    ]:
        ProblemResponsibility.objects.create(
            problem=problem, organization=org, commitment="Vi sätter upp lampor.", due_on=due
        )

    # Endorsed by us and changed since; endorsed and unchanged since; changed, not endorsed.
    changed = factories.ProblemFactory(title=f"Ändrat problem {tag}")
    unchanged = factories.ProblemFactory(title=f"Oförändrat problem {tag}")
    factories.ProblemFactory(title=f"Ej gillat problem {tag}")
    for problem in (changed, unchanged):
        ProblemEndorsement.objects.create(problem=problem, organization=organization)
    Problem.objects.filter(pk=unchanged.pk).update(updated_at=_days_ago(2))
    ProblemEndorsement.objects.filter(problem=unchanged).update(created_at=_days_ago(1))
    Problem.objects.filter(pk=changed.pk).update(updated_at=timezone.now())
    ProblemEndorsement.objects.filter(problem=changed).update(created_at=_days_ago(3))

    # A coming meeting we are invited to; one we are not; one that is over.
    starts = timezone.now() + dt.timedelta(days=3)
    invited = Meeting.objects.create(
        kind=Meeting.Kind.OPERATIVE,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
        place=f"Stadsdelskontoret {tag}",
    )
    invited.invited_organizations.set([organization])
    not_invited = Meeting.objects.create(
        kind=Meeting.Kind.OPERATIVE,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
        place=f"Någon annanstans {tag}",
    )
    not_invited.invited_organizations.set([other])
    over = Meeting.objects.create(
        kind=Meeting.Kind.OPERATIVE,
        starts_at=_days_ago(3),
        ends_at=_days_ago(3) + dt.timedelta(hours=1),
        place=f"Förra veckan {tag}",
    )
    over.invited_organizations.set([organization])
    return {
        "join_requests": [silent.title],
        "responsibilities": [overdue.title, later.title],
        "stale_initiatives": [silent.title],
        "meetings": [invited.place],
        "endorsed_changed": [changed.title],
    }


def what_needs_you(html: str) -> str:
    """The "what needs you" part of the page (the organisations' lists follow it)."""
    return html[html.index('aria-labelledby="what-needs-me"') : html.index("My organisations")]


def section_texts(html: str, key: str) -> str:
    found = re.search(rf'<section class="work-section" id="work-{key}".*?</section>', html, re.S)
    assert found, f"no section {key}"
    return found.group(0)


@pytest.fixture
def requester(db):
    user = factories.UserFactory(email="requester@example.org")
    factories.MembershipFactory(
        user=user, organization=factories.OrganizationFactory(name="Skolan")
    )
    return user


def test_what_needs_you_lists_exactly_the_planted_items(
    client, org_admin, organization, other_organization, requester
):
    wanted = plant(organization, other_organization, requester, "A")
    client.force_login(org_admin)
    html = client.get(MY_PAGES).text

    # "What needs you" comes before the profile and the organisations.
    assert html.index("What needs you") < html.index("My organisations")
    assert 'name="first_name"' not in html  # the profile form moved behind a link
    assert f'href="{PROFILE}"' in html

    for key, titles in wanted.items():
        section = section_texts(html, key)
        for title in titles:
            assert title in section, (key, title)
    # Nothing else: not another organisation's, not what is done or answered.
    for absent in [
        "Aktiv insats A",
        "Annans tysta A",
        "Löst problem A",
        "Annans åtagande A",
        "Oförändrat problem A",
        "Ej gillat problem A",
        "Någon annanstans A",
        "Förra veckan A",
    ]:
        assert absent not in what_needs_you(html), absent
    # Overdue first, and said in words.
    commitments = section_texts(html, "responsibilities")
    assert commitments.index("Försenat åtagande A") < commitments.index("Kommande åtagande A")
    assert commitments.count("Overdue:") == 1
    assert (
        commitments.index("Overdue:")
        < commitments.index("Försenat åtagande A")
        < commitments.index("Kommande åtagande A")
    )


def test_each_item_is_one_click_from_its_action(
    client, org_admin, organization, other_organization, requester
):
    plant(organization, other_organization, requester, "A")
    silent = Initiative.objects.get(title="Tyst insats A")
    changed = Problem.objects.get(title="Ändrat problem A")
    overdue = Problem.objects.get(title="Försenat åtagande A")
    meeting = Meeting.objects.get(place="Stadsdelskontoret A")
    client.force_login(org_admin)
    html = client.get(MY_PAGES).text
    assert f'href="/en/initiatives/{silent.slug}/updates/new/"' in section_texts(
        html, "stale_initiatives"
    )
    assert f'href="/en/initiatives/{silent.slug}/#join-requests"' in section_texts(
        html, "join_requests"
    )
    assert f'href="/en/problems/{overdue.public_id}/#who-heading"' in section_texts(
        html, "responsibilities"
    )
    assert f'href="/en/problems/{changed.public_id}/history/"' in section_texts(
        html, "endorsed_changed"
    )
    assert f'href="{meeting.get_absolute_url()}"' in section_texts(html, "meetings")
    # The links lead where they say, for this user.
    for url in [
        f"/en/initiatives/{silent.slug}/updates/new/",
        f"/en/problems/{changed.public_id}/history/",
        f"/en/problems/{overdue.public_id}/",
    ]:
        assert client.get(url).status_code == 200, url


def test_the_other_organisation_sees_its_own_items_only(
    client, outsider, organization, other_organization, requester
):
    plant(organization, other_organization, requester, "A")
    client.force_login(outsider)
    html = client.get(MY_PAGES).text
    assert "Annans tysta A" in section_texts(html, "stale_initiatives")
    assert "Annans åtagande A" in section_texts(html, "responsibilities")
    assert "Någon annanstans A" in section_texts(html, "meetings")
    for absent in [
        "Tyst insats A",
        "Försenat åtagande A",
        "Ändrat problem A",
        "Stadsdelskontoret A",
    ]:
        assert absent not in html, absent
    # A member who administers nothing has no requests to answer: no such section.
    assert 'id="work-join_requests"' not in html


def test_query_count_does_not_grow_with_the_items(
    client, org_admin, organization, other_organization, requester
):
    plant(organization, other_organization, requester, "A")
    client.force_login(org_admin)
    few = query_count(client, MY_PAGES)
    for tag in "BCDEF":
        plant(organization, other_organization, requester, tag)
    many, response = query_count(client, MY_PAGES, with_response=True)
    assert "Tyst insats F" in response.text  # the new items are shown
    assert many == few


def test_a_section_says_when_there_are_more_than_it_shows(
    client, org_admin, organization, monkeypatch
):
    from stakeholders import views

    monkeypatch.setattr(views, "WORKPLACE_ITEMS", 2)
    for number in range(3):
        initiative = factories.InitiativeFactory(
            title=f"Tyst {number}", lead_organization=organization
        )
        Initiative.objects.filter(pk=initiative.pk).update(created_at=_days_ago(100 + number))
    client.force_login(org_admin)
    section = section_texts(client.get(MY_PAGES).text, "stale_initiatives")
    assert "Tyst 2" in section and "Tyst 1" in section  # the longest silent first
    assert "Tyst 0" not in section
    assert "There are more than these." in section
    assert "2 or more" in section


def test_the_empty_state(client, member, org_admin):
    client.force_login(org_admin)
    html = client.get(MY_PAGES).text
    for text in [
        "No organisation is waiting for your answer.",
        "Your organisations have no open commitments.",
        "Every initiative of yours has news from the last 90 days.",
        "No coming meeting.",
        "None of the problems you endorsed changed in the last 30 days.",
    ]:
        assert text in html, text
    assert "work-item" not in html


def test_a_user_of_no_approved_organisation_is_told_how_to_get_in(client, organization):
    pending = factories.OrganizationFactory(status="pending")
    user = factories.UserFactory()
    factories.MembershipFactory(user=user, organization=pending, role=Membership.Role.ADMIN)
    client.force_login(user)
    html = client.get(MY_PAGES).text
    assert "Nothing waits for you here until you are a member of an approved organisation." in html
    assert "work-section" not in html


def test_every_app_contributes_its_sections_in_order():
    assert site.workplace.keys() == [
        "sessions_to_confirm",
        "observations",
        "join_requests",
        "responsibilities",
        "stale_initiatives",
        "meetings",
        "endorsed_changed",
    ]


# --- Permission matrix: Mina sidor and Profile and settings ------------------------------

CAST = ["resident", "member", "org_admin", "outsider", "coordinator", "coordinator_without_mfa"]


@pytest.mark.parametrize("role", CAST)
@pytest.mark.parametrize("path", [MY_PAGES, PROFILE])
def test_both_pages_are_for_logged_in_users_only(client, request, organization, role, path):
    response = login_as(client, request, role).get(path)
    if role == "resident":
        assert response.status_code == 302
        assert response["Location"].startswith("/en/accounts/login/")
        return
    assert response.status_code == 200
    assert request.getfixturevalue(role).email in response.text


@pytest.mark.parametrize("role", CAST)
def test_mina_sidor_takes_no_post(client, request, organization, role):
    response = login_as(client, request, role).post(MY_PAGES, {"first_name": "Ny"})
    assert response.status_code == (302 if role == "resident" else 405)
    assert not User.objects.filter(first_name="Ny").exists()


@pytest.mark.parametrize("role", CAST)
def test_the_profile_changes_only_ones_own_details(client, request, organization, role):
    response = login_as(client, request, role).post(
        PROFILE, {"first_name": "Ny", "last_name": "Person", "language": "sv"}
    )
    if role == "resident":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        assert not User.objects.filter(first_name="Ny").exists()
        return
    assert response["Location"] == PROFILE
    user = request.getfixturevalue(role)
    assert list(User.objects.filter(first_name="Ny").values_list("pk", flat=True)) == [user.pk]
