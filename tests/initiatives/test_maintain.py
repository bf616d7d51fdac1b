"""Maintaining initiatives: progress updates, archive and restore, history — for each of
the cast, plus a member of a partner organisation."""

import datetime as dt

import pghistory
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.utils import timezone

from initiatives import permissions, services
from initiatives.models import Initiative, InitiativeUpdate
from tests import factories
from tests.helpers import login_as, query_count

pytestmark = pytest.mark.django_db

BASE = "/en/initiatives/"


@pytest.fixture
def initiative(organization, partner_organization):
    initiative = factories.InitiativeFactory(
        title="Nattvandring i Vårby", lead_organization=organization, status="active"
    )
    initiative.partner_organizations.add(partner_organization)
    return initiative


def _post_update(client, initiative, **data):
    payload = {
        "organization": "",
        "happened_on": timezone.localdate().isoformat(),
        "text": "Vi gick två kvällar.",
        "new_status": "",
        "visibility": "public",
        **data,
    }
    return client.post(f"{BASE}{initiative.slug}/updates/new/", payload)


ROLES = ["resident", "outsider", "member", "org_admin", "partner_member", "coordinator"]


# --- The role matrix -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("resident", "login"),
        ("outsider", 403),
        ("member", "posted"),
        ("org_admin", "posted"),
        ("partner_member", "posted"),
        ("coordinator", "posted"),
    ],
)
def test_who_may_post_an_update(client, request, initiative, partner_organization, role, expected):
    login_as(client, request, role)
    organization = (
        partner_organization if role == "partner_member" else initiative.lead_organization
    )
    response = _post_update(client, initiative, organization=organization.pk)
    updates = InitiativeUpdate.objects.filter(initiative=initiative)
    if expected == "posted":
        assert response.status_code == 302
        update = updates.get()
        assert update.organization == organization
        assert update.author == request.getfixturevalue(role)
        assert "Vi gick två kvällar." in client.get(response.url).text
    else:
        assert not updates.exists()
        if expected == "login":
            assert response.status_code == 302 and "/login/" in response.url
        else:
            assert response.status_code == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("resident", "login"),
        ("outsider", 403),
        ("member", "archived"),
        ("org_admin", "archived"),
        ("partner_member", 403),
        ("coordinator", "archived"),
    ],
)
def test_who_may_archive(client, request, initiative, role, expected):
    login_as(client, request, role)
    response = client.post(f"{BASE}{initiative.slug}/archive/")
    initiative.refresh_from_db()
    if expected == "archived":
        assert response.status_code == 302
        assert initiative.archived_at is not None
        assert initiative.version == 2
    else:
        assert initiative.archived_at is None
        assert initiative.version == 1
        if expected == "login":
            assert "/login/" in response.url
        else:
            assert response.status_code == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("resident", "login"),
        ("outsider", 404),
        ("member", "restored"),
        ("org_admin", "restored"),
        ("partner_member", 404),
        ("coordinator", "restored"),
    ],
)
def test_who_may_restore(client, request, initiative, role, expected):
    Initiative.objects.filter(pk=initiative.pk).update(archived_at=timezone.now())
    login_as(client, request, role)
    response = client.post(f"{BASE}{initiative.slug}/restore/")
    initiative.refresh_from_db()
    if expected == "restored":
        assert response.status_code == 302
        assert initiative.archived_at is None
    else:
        assert initiative.archived_at is not None
        if expected == "login":
            assert "/login/" in response.url
        else:
            assert response.status_code == expected
            assert initiative.title not in response.text


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("resident", "login"),
        ("outsider", 200),
        ("member", 200),
        ("org_admin", 200),
        ("partner_member", 200),
        ("coordinator", 200),
    ],
)
def test_who_may_see_the_history(client, request, initiative, role, expected):
    login_as(client, request, role)
    response = client.get(f"{BASE}{initiative.slug}/history/")
    if expected == "login":
        assert response.status_code == 302 and "/login/" in response.url
    else:
        assert response.status_code == 200
        assert "Who changed what, when" in response.text


@pytest.mark.parametrize("role", ROLES)
def test_permission_rules_as_a_matrix(request, initiative, role):
    user = AnonymousUser() if role == "resident" else request.getfixturevalue(role)
    editor = role in {"member", "org_admin", "coordinator"}
    assert permissions.can_edit_initiative(user, initiative) is editor
    assert permissions.can_archive_initiative(user, initiative) is editor
    assert permissions.can_post_update(user, initiative) is (editor or role == "partner_member")
    assert permissions.can_see_initiative_history(user, initiative) is (role != "resident")


def test_members_of_a_suspended_lead_organisation_may_not_edit(initiative, member, organization):
    organization.status = "suspended"
    organization.save()
    member = type(member).objects.get(pk=member.pk)  # no cached memberships
    assert not permissions.can_edit_initiative(member, initiative)
    assert not permissions.can_post_update(member, initiative)


# --- Updates -------------------------------------------------------------------------------------


def test_an_update_with_a_new_status_changes_the_initiative(client, member, initiative):
    client.force_login(member)
    response = _post_update(
        client, initiative, organization=initiative.lead_organization_id, new_status="paused"
    )
    assert response.status_code == 302
    initiative.refresh_from_db()
    assert initiative.status == "paused"
    assert initiative.version == 2
    assert InitiativeUpdate.objects.get(initiative=initiative).new_status == "paused"
    assert "Status: Paused" in client.get(f"{BASE}{initiative.slug}/").text


def test_a_future_date_is_refused_next_to_the_field_and_the_text_kept(client, member, initiative):
    client.force_login(member)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = _post_update(
        client,
        initiative,
        organization=initiative.lead_organization_id,
        happened_on=tomorrow.isoformat(),
        text="Det här har inte hänt än.",
    )
    assert response.status_code == 400
    html = response.text
    assert "The date cannot be in the future" in html
    # The error sits with the date field (as well as in the summary at the top), and the text
    # is kept.
    assert html.rindex("The date cannot be in the future") > html.index('for="id_happened_on"')
    assert html.rindex("The date cannot be in the future") < html.index('name="text"')
    assert "Det här har inte hänt än." in html
    assert not InitiativeUpdate.objects.exists()


def test_the_service_refuses_a_future_date_and_a_foreign_organisation(
    member, initiative, other_organization
):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        services.initiative_update_post(
            initiative=initiative,
            organization=initiative.lead_organization,
            author=member,
            happened_on=tomorrow,
            text="x",
            visibility="public",
        )
    assert "happened_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.initiative_update_post(
            initiative=initiative,
            organization=other_organization,
            author=member,
            happened_on=timezone.localdate(),
            text="x",
            visibility="public",
        )
    assert "organization" in error.value.message_dict
    assert not InitiativeUpdate.objects.exists()


def test_an_empty_update_is_refused_with_the_error_next_to_the_text(client, member, initiative):
    client.force_login(member)
    response = _post_update(
        client, initiative, organization=initiative.lead_organization_id, text="", happened_on="x"
    )
    assert response.status_code == 400
    assert "This field is required." in response.text
    assert "Enter a valid date." in response.text
    assert not InitiativeUpdate.objects.exists()


def test_updates_on_a_partners_only_initiative_are_partners_only(
    client, member, resident, organization
):
    initiative = factories.InitiativeFactory(
        title="Intern lägesbild", lead_organization=organization, visibility="partners"
    )
    client.force_login(member)
    response = _post_update(
        client, initiative, organization=organization.pk, visibility="public", text="Internt."
    )
    # "public" is not among the choices offered on a partners-only initiative.
    assert response.status_code == 400
    assert not InitiativeUpdate.objects.exists()
    response = _post_update(
        client, initiative, organization=organization.pk, visibility="partners", text="Internt."
    )
    assert response.status_code == 302
    assert InitiativeUpdate.objects.get().visibility == "partners"
    # and the service forces it whatever it is given
    update = services.initiative_update_post(
        initiative=initiative,
        organization=organization,
        author=member,
        happened_on=timezone.localdate(),
        text="Också internt.",
        visibility="public",
    )
    assert update.visibility == "partners"
    client.logout()
    assert client.get(f"{BASE}{initiative.slug}/").status_code == 404


def test_partners_only_updates_are_hidden_from_residents(client, member, resident, initiative):
    client.force_login(member)
    _post_update(
        client,
        initiative,
        organization=initiative.lead_organization_id,
        visibility="partners",
        text="Bara för partner.",
    )
    _post_update(client, initiative, organization=initiative.lead_organization_id, text="Öppet.")
    assert "Bara för partner." in client.get(f"{BASE}{initiative.slug}/").text
    client.logout()
    html = client.get(f"{BASE}{initiative.slug}/").text
    assert "Öppet." in html
    assert "Bara för partner." not in html


def test_the_detail_page_offers_the_update_form_only_to_those_who_may_post(
    client, initiative, member, outsider
):
    client.force_login(outsider)
    html = client.get(f"{BASE}{initiative.slug}/").text
    assert "Post an update" not in html
    assert "Archive the initiative" not in html
    assert "History of changes" in html
    client.force_login(member)
    html = client.get(f"{BASE}{initiative.slug}/").text
    assert "Post an update" in html
    assert "Archive the initiative" in html


def test_the_update_form_page_works_without_the_detail_page(client, partner_member, initiative):
    client.force_login(partner_member)
    response = client.get(f"{BASE}{initiative.slug}/updates/new/")
    assert response.status_code == 200
    assert 'name="text"' in response.text


# --- Archive and restore -------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["resident", "outsider", "partner_member"])
def test_an_archived_initiative_is_404_for_non_editors(client, request, initiative, role):
    services.initiative_archive(initiative=initiative, actor=factories.UserFactory())
    login_as(client, request, role)
    response = client.get(f"{BASE}{initiative.slug}/")
    assert response.status_code == 404
    assert initiative.title not in response.text
    if role != "resident":
        assert client.get(f"{BASE}{initiative.slug}/history/").status_code == 404


@pytest.mark.parametrize("role", ["member", "org_admin", "coordinator"])
def test_editors_see_an_archived_initiative_with_a_notice(client, request, initiative, role):
    login_as(client, request, role)
    client.post(f"{BASE}{initiative.slug}/archive/")
    response = client.get(f"{BASE}{initiative.slug}/")
    assert response.status_code == 200
    assert "This initiative is archived." in response.text
    assert "Restore the initiative" in response.text
    assert "Post an update" not in response.text
    assert initiative.title not in client.get(BASE).text


def test_restoring_brings_the_initiative_back_to_the_list(client, member, initiative):
    client.force_login(member)
    client.post(f"{BASE}{initiative.slug}/archive/")
    client.logout()
    assert initiative.title not in client.get(BASE).text
    client.force_login(member)
    response = client.post(f"{BASE}{initiative.slug}/restore/", follow=True)
    assert "The initiative has been restored." in response.text
    client.logout()
    assert initiative.title in client.get(BASE).text
    initiative.refresh_from_db()
    assert initiative.archived_at is None and initiative.version == 3


def test_archive_and_restore_are_idempotent_with_a_clear_message(client, member, initiative):
    client.force_login(member)
    client.post(f"{BASE}{initiative.slug}/archive/")
    response = client.post(f"{BASE}{initiative.slug}/archive/", follow=True)
    assert "The initiative was already archived." in response.text
    client.post(f"{BASE}{initiative.slug}/restore/")
    response = client.post(f"{BASE}{initiative.slug}/restore/", follow=True)
    assert "The initiative was not archived." in response.text
    initiative.refresh_from_db()
    assert initiative.version == 3


def test_an_archived_initiative_takes_no_updates(client, member, initiative):
    client.force_login(member)
    client.post(f"{BASE}{initiative.slug}/archive/")
    response = _post_update(client, initiative, organization=initiative.lead_organization_id)
    assert response.status_code == 302
    assert not InitiativeUpdate.objects.exists()


def test_nothing_is_hard_deleted(client, member, initiative):
    client.force_login(member)
    client.post(f"{BASE}{initiative.slug}/archive/")
    assert Initiative.objects.filter(pk=initiative.pk).exists()


def test_mutations_are_post_only(client, member, initiative):
    client.force_login(member)
    # GET of archive is its confirmation page (tests/partnership/test_confirmations.py).
    assert client.get(f"{BASE}{initiative.slug}/archive/").status_code == 200
    assert client.get(f"{BASE}{initiative.slug}/restore/").status_code == 405
    initiative.refresh_from_db()
    assert initiative.archived_at is None


# --- History -------------------------------------------------------------------------------------


def test_history_shows_who_changed_what(client, member, outsider, initiative):
    client.force_login(member)
    _post_update(
        client,
        initiative,
        organization=initiative.lead_organization_id,
        new_status="completed",
        text="Klart för säsongen.",
    )
    client.post(f"{BASE}{initiative.slug}/archive/")
    client.post(f"{BASE}{initiative.slug}/restore/")
    theme = factories.ThemeFactory(name_en="Night walks")
    with pghistory.context(user=member.pk):
        initiative.themes.add(theme)
    client.force_login(outsider)
    html = client.get(f"{BASE}{initiative.slug}/history/").text
    # Another organisation's member: who, as far as they may know (never the email).
    assert "a member of Stiftelsen Testbostäder" in html
    assert "member@example.org" not in html
    assert "Klart för säsongen." in html
    assert "Completed" in html and "Active" in html  # the status before and after
    assert "Progress update created" in html
    assert "Initiative changed" in html
    assert "Themes added" in html
    assert "Night walks" in html


def _history_queries(client, initiative, user, n):
    for i in range(n):
        services.initiative_update_post(
            initiative=initiative,
            organization=initiative.lead_organization,
            author=user,
            happened_on=timezone.localdate(),
            text=f"Uppdatering {i}",
            visibility="public",
        )
    count, response = query_count(client, f"{BASE}{initiative.slug}/history/", with_response=True)
    assert "Uppdatering 0" in response.text
    return count


def test_history_page_query_count_is_constant(client, member, organization):
    client.force_login(member)
    few = factories.InitiativeFactory(title="Få", lead_organization=organization)
    many = factories.InitiativeFactory(title="Många", lead_organization=organization)
    assert _history_queries(client, few, member, 2) == _history_queries(client, many, member, 30)


def _detail_queries(client, initiative, user, n):
    for i in range(n):
        factories.InitiativeUpdateFactory(initiative=initiative, text=f"Uppdatering {i}")
    count, response = query_count(client, f"{BASE}{initiative.slug}/", with_response=True)
    assert "Uppdatering 0" in response.text
    return count


@pytest.mark.parametrize("role", ["resident", "member", "partner_member", "coordinator"])
def test_detail_page_query_count_is_constant(client, request, organization, role):
    partner = request.getfixturevalue("partner_organization")
    login_as(client, request, role)
    few = factories.InitiativeFactory(title="Få", lead_organization=organization)
    many = factories.InitiativeFactory(title="Många", lead_organization=organization)
    for initiative in (few, many):
        initiative.partner_organizations.add(partner)
    user = None
    assert _detail_queries(client, few, user, 2) == _detail_queries(client, many, user, 30)
