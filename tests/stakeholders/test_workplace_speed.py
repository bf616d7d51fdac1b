"""Mina sidor at national scale (issue 16): the sections that depend only on the user's
memberships (``site.by_memberships``) and each organisation's panel are kept under the
database's generation, the language, the minute and the memberships
(``partnership/site.py``, ``stakeholders/views.py``) — so a request costs a few queries —
and they are never stale: after any write that changes them, the very next request shows
it. What is the user's own (the observations they logged, their email, their token) is never
kept or shared."""

import datetime as dt
import re
from unittest import mock

import pytest
from django.core.cache import caches
from django.utils import timezone

from initiatives import services as initiative_services
from initiatives.models import Initiative, JoinRequest
from partnership.meetings.models import Meeting
from partnership.problems.models import ProblemResponsibility
from stakeholders import selectors
from stakeholders.models import Membership, Organization
from tests import factories
from tests.helpers import query_count
from tests.stakeholders.test_workplace import plant, section_texts, what_needs_you

pytestmark = pytest.mark.django_db

MY_PAGES = "/en/my-pages/"
# Session, user, memberships, the generation, the user's approved organisations (header),
# the observations section (the user's own: never kept).
WARM_QUERIES = 6


@pytest.fixture
def requester(db):
    user = factories.UserFactory(email="requester@example.org")
    factories.MembershipFactory(
        user=user, organization=factories.OrganizationFactory(name="Skolan")
    )
    return user


def _organisations_part(html: str) -> str:
    return html[html.index("My organisations") :]


def test_mina_sidor_costs_a_fixed_number_of_queries_and_fewer_when_kept(
    client, org_admin, organization, other_organization, requester
):
    """A user in three organisations, each with initiatives, and every kind of work: the
    cold page's count does not grow with the items, the warm one reads no section."""
    plant(organization, other_organization, requester, "A")
    for org in (other_organization, factories.OrganizationFactory(name="Tredje")):
        factories.MembershipFactory(user=org_admin, organization=org)
        for n in range(4):
            factories.InitiativeFactory(title=f"{org.name} insats {n}", lead_organization=org)
    client.force_login(org_admin)
    cold, response = query_count(client, MY_PAGES, with_response=True)
    assert "Tredje insats 3" in response.text and "Tyst insats A" in response.text
    assert cold <= 14, cold
    warm, again = query_count(client, MY_PAGES, with_response=True)
    assert warm == WARM_QUERIES
    assert _without_token(again.text) == _without_token(response.text)
    for tag in "BCD":
        plant(organization, other_organization, requester, tag)
    more, response = query_count(client, MY_PAGES, with_response=True)
    assert "Tyst insats D" in response.text
    assert more == cold
    assert query_count(client, MY_PAGES) == WARM_QUERIES


def _without_token(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_the_kept_page_is_what_the_uncached_page_shows(
    client, org_admin, organization, other_organization, requester, settings
):
    plant(organization, other_organization, requester, "A")
    client.force_login(org_admin)
    client.get(MY_PAGES)
    kept = client.get(MY_PAGES).text
    settings.PAGE_CACHE_ENABLED = False
    assert _without_token(client.get(MY_PAGES).text) == _without_token(kept)


def test_a_request_to_join_shows_and_goes_at_once(client, org_admin, organization, requester):
    initiative = factories.InitiativeFactory(
        title="Vår nattvandring", lead_organization=organization
    )
    client.force_login(org_admin)
    assert "Vår nattvandring" not in section_texts(client.get(MY_PAGES).text, "join_requests")
    join_request = JoinRequest.objects.create(
        initiative=initiative,
        organization=requester.memberships.get().organization,
        requested_by=requester,
    )
    assert "Vår nattvandring" in section_texts(client.get(MY_PAGES).text, "join_requests")
    join_request.status = JoinRequest.Status.DECLINED
    join_request.decided_at = timezone.now()
    join_request.save()
    assert "Vår nattvandring" not in section_texts(client.get(MY_PAGES).text, "join_requests")


def test_an_edited_or_archived_initiative_shows_at_once(client, org_admin, organization):
    initiative = factories.InitiativeFactory(title="Gammalt namn", lead_organization=organization)
    Initiative.objects.filter(pk=initiative.pk).update(
        created_at=timezone.now() - dt.timedelta(days=100)
    )
    client.force_login(org_admin)
    html = client.get(MY_PAGES).text
    assert "Gammalt namn" in section_texts(html, "stale_initiatives")
    assert "Gammalt namn" in _organisations_part(html)
    initiative.refresh_from_db()
    initiative.title = "Nytt namn"
    initiative.save()
    html = client.get(MY_PAGES).text
    assert "Nytt namn" in section_texts(html, "stale_initiatives")
    assert "Nytt namn" in _organisations_part(html) and "Gammalt namn" not in html
    initiative_services.initiative_archive(initiative=initiative, actor=org_admin)
    html = client.get(MY_PAGES).text
    assert "Nytt namn" not in html


def test_a_new_commitment_and_meeting_show_at_once(client, member, organization):
    client.force_login(member)
    html = client.get(MY_PAGES).text
    assert "Belysning i parken" not in html and "Biblioteket" not in html
    problem = factories.ProblemFactory(title="Belysning i parken")
    ProblemResponsibility.objects.create(
        problem=problem, organization=organization, commitment="Vi byter lampor."
    )
    starts = timezone.now() + dt.timedelta(days=2)
    meeting = Meeting.objects.create(
        kind=Meeting.Kind.OPERATIVE,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
        place="Biblioteket",
    )
    meeting.invited_organizations.add(organization)
    html = client.get(MY_PAGES).text
    assert "Belysning i parken" in section_texts(html, "responsibilities")
    assert "Biblioteket" in section_texts(html, "meetings")


def test_a_role_change_shows_at_once(client, org_admin, organization, requester):
    initiative = factories.InitiativeFactory(title="Läxhjälp", lead_organization=organization)
    JoinRequest.objects.create(
        initiative=initiative,
        organization=requester.memberships.get().organization,
        requested_by=requester,
    )
    client.force_login(org_admin)
    html = client.get(MY_PAGES).text
    assert "Läxhjälp" in section_texts(html, "join_requests")
    assert "Manage members" in _organisations_part(html)
    Membership.objects.filter(user=org_admin).update(role=Membership.Role.MEMBER)
    html = client.get(MY_PAGES).text
    assert 'id="work-join_requests"' not in html
    assert "Manage members" not in _organisations_part(html)


def test_a_suspended_organisation_shows_at_once(client, member, organization):
    factories.InitiativeFactory(title="Vår insats", lead_organization=organization)
    client.force_login(member)
    html = client.get(MY_PAGES).text
    assert 'id="work-responsibilities"' in html and "Approved" in _organisations_part(html)
    Organization.objects.filter(pk=organization.pk).update(status=Organization.Status.SUSPENDED)
    html = client.get(MY_PAGES).text
    assert "work-section" not in html  # no longer a partner: nothing waits
    assert "Suspended" in _organisations_part(html)


def test_colleagues_share_sections_but_never_what_is_their_own(
    client, org_admin, member, organization, other_organization, requester
):
    """Two admins of one organisation get the same kept sections; a member of it (no
    requests to answer) and another organisation's member never get them; each page holds
    its own user's email and token, and the observations each logged themself."""
    plant(organization, other_organization, requester, "A")
    colleague = factories.UserFactory(email="kollega@example.org")
    factories.MembershipFactory(user=colleague, organization=organization, role="admin")
    Membership.objects.filter(user__in=[org_admin, colleague]).update(is_reporter=True)
    factories.ObservationFactory(
        organization=organization, reported_by=colleague, observed_on=timezone.localdate()
    )
    client.force_login(org_admin)
    first = client.get(MY_PAGES).text
    other = type(client)()
    other.force_login(colleague)
    second = other.get(MY_PAGES).text
    assert section_texts(first, "join_requests") == section_texts(second, "join_requests")
    assert "admin@example.org" in first and "admin@example.org" not in second
    assert "kollega@example.org" in second and "kollega@example.org" not in first
    assert "You logged 0 observations" in section_texts(first, "observations")
    assert "You logged 1 observation " in section_texts(second, "observations")
    kept = list(caches["pages"]._cache.values())
    assert kept and not any(b"csrfmiddlewaretoken" in value for value in kept)
    plain = type(client)()
    plain.force_login(member)
    assert 'id="work-join_requests"' not in plain.get(MY_PAGES).text
    stranger = type(client)()
    stranger.force_login(requester)
    assert "Tyst insats A" not in what_needs_you(stranger.get(MY_PAGES).text)


def test_logged_observations_count_at_once(client, member, organization):
    Membership.objects.filter(user=member).update(is_reporter=True)
    client.force_login(member)
    assert "You logged 0 observations" in section_texts(client.get(MY_PAGES).text, "observations")
    factories.ObservationFactory(
        organization=organization, reported_by=member, observed_on=timezone.localdate()
    )
    assert "You logged 1 observation " in section_texts(client.get(MY_PAGES).text, "observations")


def test_a_session_to_confirm_appears_when_it_ends(client, member, organization):
    """Sessions to confirm change with the clock, not with a write: the key holds the
    minute."""
    today = timezone.localdate()
    at = timezone.make_aware(dt.datetime.combine(today, dt.time(10, 0, 30)))
    initiative = factories.InitiativeFactory(title="Morgonpass", lead_organization=organization)
    factories.ScheduleSlotFactory(
        initiative=initiative,
        weekday=today.isoweekday(),
        starts_at=dt.time(9),
        ends_at=dt.time(10, 1),
    )
    client.force_login(member)
    # mock.patch, not the monkeypatch fixture (which empties the page cache).
    with mock.patch.object(timezone, "now", return_value=at):
        assert "Morgonpass" not in section_texts(client.get(MY_PAGES).text, "sessions_to_confirm")
        assert "Morgonpass" not in section_texts(client.get(MY_PAGES).text, "sessions_to_confirm")
    with mock.patch.object(timezone, "now", return_value=at + dt.timedelta(seconds=40)):
        assert "Morgonpass" in section_texts(client.get(MY_PAGES).text, "sessions_to_confirm")


def test_a_partnered_initiative_whose_lead_lets_partners_mark_is_to_confirm(
    client, member, organization, other_organization
):
    """Sessions to confirm: the initiatives led by the user's organisations, and those they
    are partners of where the lead lets partners mark (one union of two index lookups)."""
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    titles = {
        "Ledd av oss": organization,
        "Vi är partner": other_organization,
        "Vi är partner, får ej markera": other_organization,
    }
    for title, lead in titles.items():
        initiative = factories.InitiativeFactory(
            title=title, lead_organization=lead, partners_mark_sessions=title == "Vi är partner"
        )
        if lead == other_organization:
            initiative.partner_organizations.add(organization)
        factories.ScheduleSlotFactory(initiative=initiative, weekday=yesterday.isoweekday())
    client.force_login(member)
    section = section_texts(client.get(MY_PAGES).text, "sessions_to_confirm")
    assert "Ledd av oss" in section and "Vi är partner" in section
    assert "får ej markera" not in section


def test_an_organisation_with_many_initiatives_shows_the_newest_and_links_to_all(
    client, member, organization
):
    cap = selectors.MY_ORGANIZATION_INITIATIVES
    for n in range(cap + 2):
        factories.InitiativeFactory(
            title=f"Insats nummer {n:02d}",
            lead_organization=organization,
            starts_on=timezone.localdate() - dt.timedelta(days=100 - n),
        )
    client.force_login(member)
    panel = _organisations_part(client.get(MY_PAGES).text)
    assert panel.count("Insats nummer") == cap
    assert "Insats nummer 21" in panel and "Insats nummer 00" not in panel  # newest first
    link = re.search(r'href="([^"]+)">All initiatives of Stiftelsen Testbostäder<', panel)
    assert link
    listing = client.get(link.group(1).replace("&amp;", "&")).text
    assert f"{cap + 2} initiatives" in listing
