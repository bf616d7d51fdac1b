"""The initiative list for logged-in users at national scale (issue 16): its content —
filters, list, pagination, downloads — is kept under the database's generation, the minute,
the language, the audience and the address (``initiatives.views._list_fragment_key``), so a
partner's request costs a few queries; and it is never stale: after any write that changes
what the list shows, the very next request shows it. Nothing personal is shared: no CSRF
token, no other user's organisations."""

import datetime as dt
import re
from unittest import mock

import pytest
from django.core.cache import caches
from django.utils import timezone

from initiatives import services
from initiatives.models import Initiative
from partnership.models import Theme
from stakeholders.models import Membership, Organization
from tests import factories
from tests.helpers import login_as, query_count

pytestmark = pytest.mark.django_db

LIST = "/insatser/"
# Session, user, the user's organisations (the header), the generation.
WARM_QUERIES = 4


def _titles(response) -> list[str]:
    return re.findall(r'<h2 class="card-title"><a href="[^"]+">([^<]+)</a>', response.text)


def _plant(organization, count: int = 30, name: str = "Trygghetsvandring") -> list[Initiative]:
    """Initiatives with everything a card shows (areas, themes, weekly times), more than a
    page: an N+1 would show in the count."""
    areas = [factories.AreaFactory() for _ in range(3)]
    themes = [factories.ThemeFactory() for _ in range(3)]
    made = []
    for n in range(count):
        initiative = factories.InitiativeFactory(
            title=f"{name} {n:02d}",
            lead_organization=organization,
            areas=areas[: 1 + n % 3],
            themes=themes[: 1 + n % 3],
            visibility="partners" if n % 4 == 0 else "public",
        )
        factories.ScheduleSlotFactory(initiative=initiative, weekday=1 + n % 7)
        made.append(initiative)
    return made


def test_a_partner_list_costs_a_fixed_number_of_queries_and_fewer_when_kept(
    client, member, organization
):
    _plant(organization)
    client.force_login(member)
    cold, response = query_count(client, LIST, with_response=True)
    assert len(_titles(response)) == 25
    # 13 of the page's own, and 5 for the kept count's miss in the database cache that
    # workers share (``figures``: read, cull check, write and pghistory's context).
    assert cold <= 18, cold
    warm, again = query_count(client, LIST, with_response=True)
    assert warm == WARM_QUERIES
    assert _titles(again) == _titles(response)
    # More rows: the same counts (no query per row).
    _plant(factories.OrganizationFactory(), count=10, name="Nattvandring")
    assert query_count(client, LIST) <= cold
    assert query_count(client, LIST) == WARM_QUERIES


def test_the_kept_list_is_what_the_uncached_page_shows(client, member, organization, settings):
    _plant(organization)
    client.force_login(member)
    for url in (LIST, f"{LIST}?page=2", f"{LIST}?sort=title", f"{LIST}?include_ended=on"):
        kept = client.get(url)
        assert _without_token(client.get(url).text) == _without_token(kept.text)  # a hit
        settings.PAGE_CACHE_ENABLED = False
        fresh = client.get(url)
        settings.PAGE_CACHE_ENABLED = True
        assert _without_token(fresh.text) == _without_token(kept.text), url


def _without_token(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def _csrf_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_partners_share_the_list_but_never_a_token(client, member, outsider, organization):
    _plant(organization, count=3)
    client.force_login(member)
    first = client.get(LIST)
    other = type(client)()
    other.force_login(outsider)
    second = other.get(LIST)
    assert _titles(second) == _titles(first)  # the same partner-visible list
    # Each page holds its own user's token (the logout form), never the other's.
    assert _csrf_token(first.text) != _csrf_token(second.text)
    kept = list(caches["pages"]._cache.values())
    assert kept and not any(b"csrfmiddlewaretoken" in value for value in kept)
    assert first["Cache-Control"] == second["Cache-Control"] == "private, no-store"


def test_an_edit_shows_on_the_next_request(client, member, organization):
    initiative = _plant(organization, count=3)[0]
    client.force_login(member)
    assert "Trygghetsvandring 00" in _titles(client.get(LIST))
    initiative.title = "Nattvandring vid torget"
    initiative.save()
    titles = _titles(client.get(LIST))
    assert "Nattvandring vid torget" in titles and "Trygghetsvandring 00" not in titles


def test_an_archived_initiative_leaves_the_list_at_once(client, org_admin, organization):
    initiative = _plant(organization, count=3)[1]
    client.force_login(org_admin)
    assert initiative.title in _titles(client.get(LIST))
    services.initiative_archive(initiative=initiative, actor=org_admin)
    assert initiative.title not in _titles(client.get(LIST))


def test_a_renamed_theme_shows_at_once(client, member, organization):
    initiative = _plant(organization, count=1)[0]
    theme = initiative.themes.get()
    client.force_login(member)
    assert theme.name_sv in client.get(LIST).text
    Theme.objects.filter(pk=theme.pk).update(name_sv="Belysning och trygghet")
    assert "Belysning och trygghet" in client.get(LIST).text


def test_a_suspended_organisation_leaves_the_partner_list_at_once(
    client, member, organization, other_organization
):
    theirs = factories.InitiativeFactory(
        title="Deras partnerinsats", lead_organization=other_organization, visibility="partners"
    )
    client.force_login(member)
    assert theirs.title in _titles(client.get(LIST))
    Organization.objects.filter(pk=other_organization.pk).update(
        status=Organization.Status.SUSPENDED
    )
    assert theirs.title not in _titles(client.get(LIST))


def test_the_audiences_never_share_a_list(request, client, member, organization):
    """A partner's kept list is never shown to a logged-in user who is no partner (no
    partners-only initiatives), and a coordinator's never to a partner (pending
    organisations' initiatives)."""
    factories.InitiativeFactory(
        title="Endast för partner", lead_organization=organization, visibility="partners"
    )
    factories.InitiativeFactory(
        title="Väntande organisations insats",
        lead_organization=factories.OrganizationFactory(status=Organization.Status.PENDING),
    )
    coordinator = login_as(type(client)(), request, "coordinator_with_mfa")
    assert "Väntande organisations insats" in _titles(coordinator.get(LIST))
    client.force_login(member)
    partner_titles = _titles(client.get(LIST))
    assert "Endast för partner" in partner_titles
    assert "Väntande organisations insats" not in partner_titles
    nobody = type(client)()
    nobody.force_login(factories.UserFactory(email="ingen@example.org"))
    titles = _titles(nobody.get(LIST))
    assert "Endast för partner" not in titles and "Väntande organisations insats" not in titles


def test_my_organisations_filter_follows_membership_changes(
    client, member, organization, other_organization
):
    factories.InitiativeFactory(title="Vår insats", lead_organization=organization)
    factories.InitiativeFactory(title="Deras insats", lead_organization=other_organization)
    client.force_login(member)
    url = f"{LIST}?mine=on"
    assert _titles(client.get(url)) == ["Vår insats"]
    factories.MembershipFactory(user=member, organization=other_organization)
    assert sorted(_titles(client.get(url))) == ["Deras insats", "Vår insats"]
    Membership.objects.filter(user=member, organization=organization).delete()
    assert _titles(client.get(url)) == ["Deras insats"]
    # A colleague with other organisations never gets this user's "mine".
    colleague = factories.UserFactory(email="kollega@example.org")
    factories.MembershipFactory(user=colleague, organization=organization)
    other = type(client)()
    other.force_login(colleague)
    assert _titles(other.get(url)) == ["Vår insats"]


def test_the_list_follows_the_clock(client, member, organization):
    """ "Happening now" changes with the clock, not with a write: the key holds the minute."""
    today = timezone.localdate()
    at = timezone.make_aware(dt.datetime.combine(today, dt.time(10, 0, 30)))
    initiative = factories.InitiativeFactory(
        title="Förmiddagspromenad", lead_organization=organization
    )
    factories.ScheduleSlotFactory(
        initiative=initiative,
        weekday=today.isoweekday(),
        starts_at=dt.time(9, 0),
        ends_at=dt.time(10, 1),
    )
    client.force_login(member)
    url = f"{LIST}?when=now"
    # mock.patch, not the monkeypatch fixture (which empties the page cache).
    with mock.patch.object(timezone, "now", return_value=at):
        assert _titles(client.get(url)) == ["Förmiddagspromenad"]
        assert _titles(client.get(url)) == ["Förmiddagspromenad"]  # kept
    with mock.patch.object(timezone, "now", return_value=at + dt.timedelta(seconds=40)):
        assert _titles(client.get(url)) == []


def test_a_form_with_errors_is_rendered_each_time(client, member, organization):
    client.force_login(member)
    response = client.get(f"{LIST}?running_on=inte-ett-datum")
    assert response.status_code == 200
    assert "<title>Fel: " in response.text
    assert not [key for key in caches["pages"]._cache if "template.cache" in key]
