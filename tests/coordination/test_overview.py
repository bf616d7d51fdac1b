"""The coordinator's overview: what needs the coordinator today, each count equal to the list
it links to; "new since the last meeting" from the meetings app or a stated fallback; the
email to coordinators when an application is confirmed."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from initiatives.models import Initiative
from partnership import site
from partnership.coordination import queries, services
from partnership.coordination.selectors import NEW_FALLBACK_DAYS
from partnership.problems.models import ProblemResponsibility
from stakeholders import services as stakeholder_services
from stakeholders.models import Organization
from tests import factories
from tests.helpers import query_count

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


def en(name, **kwargs):
    with translation.override("en"):
        return reverse(name, kwargs=kwargs or None)


def counts(html: str) -> dict[str, tuple[int, str]]:
    """The "today" counts: {id: (number, href)}."""
    found = re.findall(
        r'<a href="([^"]*)" id="count-([a-z-]+)"><span class="stat-value">(\d+)</span>', html
    )
    return {name: (int(number), href.replace("&amp;", "&")) for href, name, number in found}


@pytest.fixture
def world():
    """Something for every count: two pending applications, a new and an old overlapping
    pair, problems with and without someone responsible, an overdue responsibility and a
    silent initiative."""
    district = factories.AreaFactory(name="Vårby gård")
    centre = factories.AreaFactory(name="Vårby gård centrum", parent=district)
    theme = factories.ThemeFactory(name_sv="Nattvandring", name_en="Night walks")
    factories.OrganizationFactory(name="Nya föreningen", status=Organization.Status.PENDING)
    factories.OrganizationFactory(name="Andra föreningen", status=Organization.Status.PENDING)
    old = [
        factories.InitiativeFactory(areas=[centre], themes=[theme], title=f"Gammal {n}")
        for n in range(2)
    ]
    long_ago = timezone.now() - dt.timedelta(days=200)
    Initiative.objects.filter(pk__in=[i.pk for i in old]).update(created_at=long_ago)
    factories.InitiativeFactory(areas=[centre], themes=[theme], title="Ny nattvandring")
    factories.ProblemFactory(area=centre, title="Ingen tar ansvar")
    owned = factories.ProblemFactory(area=centre, title="Någon har ansvar")
    ProblemResponsibility.objects.create(
        problem=owned,
        organization=owned.recorded_by_organization,
        due_on=TODAY - dt.timedelta(days=3),
        commitment="Byta lampor",
    )
    in_time = factories.ProblemFactory(area=centre, title="I tid")
    ProblemResponsibility.objects.create(
        problem=in_time,
        organization=in_time.recorded_by_organization,
        due_on=TODAY + dt.timedelta(days=10),
        commitment="Städa",
    )
    return {"centre": centre, "theme": theme}


def test_the_counts_equal_the_lists_they_link_to(coordinator_client, world):
    page = coordinator_client.get(en("coordinator:dashboard:overview"))
    assert page.status_code == 200
    found = counts(page.text)
    assert list(found) == ["applications", "new-overlaps", "unowned", "overdue", "stale"]
    # 3 initiatives in one place: 3 pairs, 2 of them with the new initiative.
    assert {name: number for name, (number, _href) in found.items()} == {
        "applications": 2,
        "new-overlaps": 2,
        "unowned": 1,
        "overdue": 1,
        "stale": 2,
    }
    lists = {name: coordinator_client.get(href).text for name, (_n, href) in found.items()}
    assert "2 organisations" in lists["applications"]
    assert "Nya föreningen" in lists["applications"]
    assert "2 pairs, newest first." in lists["new-overlaps"]
    attention = lists["unowned"]
    assert re.search(r'id="unowned".*?<p role="status">1 problem</p>', attention, re.S)
    assert re.search(r'id="overdue".*?<p role="status">1 responsibility</p>', attention, re.S)
    assert re.search(r'id="stale".*?<p role="status">2 initiatives</p>', attention, re.S)
    assert "Ingen tar ansvar" in attention and "Byta lampor" in attention


def test_the_counts_follow_the_filters_and_their_links_keep_them(coordinator_client, world):
    elsewhere = factories.AreaFactory(name="Masmo")
    page = coordinator_client.get(en("coordinator:dashboard:overview"), {"area": elsewhere.pk})
    found = counts(page.text)
    assert found["unowned"][0] == found["new-overlaps"][0] == found["stale"][0] == 0
    assert f"area={elsewhere.pk}" in found["new-overlaps"][1]
    assert "No open overlaps." in coordinator_client.get(found["new-overlaps"][1]).text


def test_without_a_meeting_new_means_the_last_fourteen_days_and_the_page_says_so(
    coordinator_client, world
):
    page = coordinator_client.get(en("coordinator:dashboard:overview")).text
    assert f"new overlaps in the last {NEW_FALLBACK_DAYS} days" in page
    assert "No partnership meeting has been held in the portal yet" in page
    since = (TODAY - dt.timedelta(days=NEW_FALLBACK_DAYS)).isoformat()
    assert f"since={since}" in counts(page)["new-overlaps"][1]


def test_new_counts_from_the_last_meeting_when_an_app_contributes_it(
    coordinator_client, world, monkeypatch
):
    providers = dict(site.coordinator_overview._providers)
    meeting_day = TODAY - dt.timedelta(days=300)

    def last_meeting(*, user):
        return {"last_meeting_on": meeting_day, "upcoming_meetings": ["Operativ grupp 4/12"]}

    monkeypatch.setattr(site.coordinator_overview, "_providers", {**providers})
    site.coordinator_overview.register(last_meeting)
    page = coordinator_client.get(en("coordinator:dashboard:overview")).text
    # Every pair is newer than a meeting 300 days ago.
    assert counts(page)["new-overlaps"][0] == 3
    assert "new overlaps since the last meeting" in page
    assert "Operativ grupp 4/12" in page
    assert f"since={meeting_day.isoformat()}" in counts(page)["new-overlaps"][1]


def test_the_overview_takes_the_same_queries_whatever_the_data(coordinator_client, world):
    url = en("coordinator:dashboard:overview")
    few = query_count(coordinator_client, url)
    for n in range(4):
        factories.InitiativeFactory(areas=[world["centre"]], themes=[world["theme"]])
        factories.ProblemFactory(area=world["centre"])
        factories.OrganizationFactory(status=Organization.Status.PENDING, name=f"Sökande {n}")
    assert query_count(coordinator_client, url) == few


def test_coordinators_are_emailed_in_their_language_when_an_application_is_confirmed(
    coordinator_client, coordinator, django_capture_on_commit_callbacks
):
    english = factories.UserFactory(is_coordinator=True, language="en")
    factories.UserFactory(is_coordinator=True, is_active=False)  # not emailed
    coordinator.language = "sv"
    coordinator.save()
    with django_capture_on_commit_callbacks(execute=True):
        organization = stakeholder_services.organization_apply(
            data={
                "name": "Vårby Boxningsklubb",
                "kind": Organization.Kind.ASSOCIATION,
                "contact_name": "Sara Ek",
                "contact_email": "sara@example.org",
            },
            language="sv",
        )
    mail.outbox.clear()
    token = stakeholder_services.application_verification_token(organization)
    with django_capture_on_commit_callbacks(execute=True):
        stakeholder_services.organization_contact_verify(token=token)
    sent = {message.to[0]: message for message in mail.outbox}
    assert set(sent) >= {coordinator.email, english.email}
    assert len(mail.outbox) == len(set(sent))
    swedish_mail, english_mail = sent[coordinator.email], sent[english.email]
    assert swedish_mail.subject == "Vårby Boxningsklubb har ansökt om att gå med i partnerskapet"
    assert english_mail.subject == "Vårby Boxningsklubb has applied to join the partnership"
    assert "/samordning/" in swedish_mail.body and "Sara Ek" in swedish_mail.body
    assert organization.slug in english_mail.body
    assert "&lt;" not in english_mail.body  # plain text
    # Confirming again sends nothing more.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        stakeholder_services.organization_contact_verify(token=token)
    assert mail.outbox == []
    # The overview shows the confirmed application.
    page = coordinator_client.get(en("coordinator:dashboard:overview")).text
    assert "Vårby Boxningsklubb" in page and "confirmed by the contact person" in page


def test_from_the_snapshot_the_counts_still_equal_the_lists(coordinator_client, world):
    """At national scale the overview counts new pairs from the snapshot's pairs per day and
    its decisions; the list it links to counts them from the pairs: the same number."""
    services.overlaps_refresh()
    url = en("coordinator:dashboard:overview")
    number, href = counts(coordinator_client.get(url).text)["new-overlaps"]
    assert number == 2
    assert "2 pairs, newest first." in coordinator_client.get(href).text
    new_pair = queries.overlaps(queries.Scope(), sort="newest").page.object_list[0]
    services.overlap_decide(
        initiative_a_id=new_pair.a.pk,
        initiative_b_id=new_pair.b.pk,
        decision="not_overlap",
        note="",
        actor=factories.UserFactory(),
    )
    number, href = counts(coordinator_client.get(url).text)["new-overlaps"]
    assert number == 1
    assert "1 pair, newest first." in coordinator_client.get(href).text
