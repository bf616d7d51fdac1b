"""Organisation admin: the profile, members, roles, leaving; who may do which (the matrix)."""

import pytest
from django.urls import reverse
from django.utils import translation

from stakeholders import services
from stakeholders.models import Invitation, Membership, Organization
from tests import factories
from tests.helpers import login_as, login_with_second_factor, query_count

pytestmark = pytest.mark.django_db


def url(name: str, **kwargs) -> str:
    """English URLs, so that pages are in English (the source language) in assertions."""
    with translation.override("en"):
        if name not in {"my_pages", "account_login"}:
            name = f"stakeholders:{name}"
        return reverse(name, kwargs=kwargs)


ACTORS = ["resident", "outsider", "member", "org_admin", "coordinator"]
ALLOWED = {"org_admin", "coordinator"}


def assert_refused(response, actor):
    """Anonymous visitors are sent to log in; the others know the (approved, public)
    organisation, so they get 403."""
    if actor == "resident":
        assert response.status_code == 302
        assert url("account_login") in response["Location"]
    else:
        assert response.status_code == 403


# --- The matrix: actors × actions ----------------------------------------------------------


@pytest.mark.parametrize("actor", ACTORS)
def test_edit_profile(client, request, actor, organization, member, org_admin):
    login_as(client, request, actor)
    theme = factories.ThemeFactory()
    response = client.post(
        url("profile", slug=organization.slug),
        {
            "description": "Vi städar gårdarna.",
            "themes": [theme.pk],
            "version": 1,
            "website": "",
            "public_email": "info@example.org",
            "public_phone": "",
        },
    )
    organization.refresh_from_db()
    if actor in ALLOWED:
        assert response.status_code == 302
        assert organization.description == "Vi städar gårdarna."
        assert organization.public_email == "info@example.org"
        assert list(organization.themes.all()) == [theme]
        assert organization.version == 2
    else:
        assert_refused(response, actor)
        assert organization.description == "" and organization.version == 1


@pytest.mark.parametrize("actor", ACTORS)
def test_profile_form_page(client, request, actor, organization, member, org_admin):
    login_as(client, request, actor)
    response = client.get(url("profile", slug=organization.slug))
    if actor in ALLOWED:
        assert response.status_code == 200
        assert 'name="description"' in response.text
        assert 'name="version" value="1"' in response.text
    else:
        assert_refused(response, actor)


@pytest.mark.parametrize("actor", ACTORS)
def test_invite(
    client,
    request,
    actor,
    organization,
    member,
    org_admin,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    login_as(client, request, actor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("invite", slug=organization.slug), {"email": "Ny@Example.org", "role": "member"}
        )
    invitation = Invitation.objects.filter(organization=organization).first()
    if actor in ALLOWED:
        assert response.status_code == 302
        assert response["Location"] == url("members", slug=organization.slug)
        assert invitation.email == "ny@example.org"
        assert invitation.invited_by == request.getfixturevalue(actor)
        assert [m.to for m in mailoutbox] == [["ny@example.org"]]
    else:
        assert_refused(response, actor)
        assert invitation is None and mailoutbox == []


@pytest.mark.parametrize("actor", ACTORS)
def test_resend(
    client,
    request,
    actor,
    organization,
    member,
    org_admin,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    invitation = services.invitation_create(
        organization=organization,
        email="ny@example.org",
        role="member",
        invited_by=org_admin,
        language="en",
    )
    old_hash = invitation.token_hash
    login_as(client, request, actor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("invitation_resend", slug=organization.slug), {"invitation": invitation.pk}
        )
    invitation.refresh_from_db()
    if actor in ALLOWED:
        assert response.status_code == 302
        assert invitation.token_hash != old_hash
        assert [m.to for m in mailoutbox] == [["ny@example.org"]]
    else:
        assert_refused(response, actor)
        assert invitation.token_hash == old_hash and mailoutbox == []


@pytest.mark.parametrize("actor", ACTORS)
def test_revoke(client, request, actor, organization, member, org_admin):
    invitation = services.invitation_create(
        organization=organization,
        email="ny@example.org",
        role="member",
        invited_by=org_admin,
        language="en",
    )
    login_as(client, request, actor)
    response = client.post(
        url("invitation_revoke", slug=organization.slug), {"invitation": invitation.pk}
    )
    invitation.refresh_from_db()
    if actor in ALLOWED:
        assert response.status_code == 302
        assert invitation.revoked_at is not None
    else:
        assert_refused(response, actor)
        assert invitation.revoked_at is None


@pytest.mark.parametrize("actor", ACTORS)
def test_change_role(client, request, actor, organization, member, org_admin):
    membership = member.memberships.get()
    login_as(client, request, actor)
    response = client.post(
        url("member_role", slug=organization.slug),
        {"membership": membership.pk, "role": "admin"},
    )
    membership.refresh_from_db()
    if actor in ALLOWED:
        assert response.status_code == 302
        assert membership.role == "admin"
    else:
        assert_refused(response, actor)
        assert membership.role == "member"


@pytest.mark.parametrize("actor", ACTORS)
def test_remove(client, request, actor, organization, member, org_admin):
    membership = member.memberships.get()
    login_as(client, request, actor)
    response = client.post(
        url("member_remove", slug=organization.slug), {"membership": membership.pk}
    )
    exists = Membership.objects.filter(pk=membership.pk).exists()
    if actor in ALLOWED:
        assert response.status_code == 302
        assert not exists
    else:
        assert_refused(response, actor)
        assert exists


@pytest.mark.parametrize(
    "actor, expected",
    [
        ("resident", "login"),
        ("outsider", 403),  # not a member: nothing to leave
        ("coordinator", 403),
        ("member", "left"),
        ("org_admin", "last admin"),
    ],
)
def test_leave(client, request, actor, expected, organization, member, org_admin):
    login_as(client, request, actor)
    response = client.post(url("leave", slug=organization.slug), follow=False)
    if expected == "login":
        assert_refused(response, "resident")
    elif expected == 403:
        assert response.status_code == 403
    elif expected == "left":
        assert response["Location"] == url("my_pages")
        assert not Membership.objects.filter(user=member, organization=organization).exists()
    else:
        assert response["Location"] == url("members", slug=organization.slug)
        assert Membership.objects.filter(user=org_admin, organization=organization, role="admin")
        page = client.get(response["Location"])
        assert "last administrator" in page.text
    assert Membership.objects.filter(organization=organization).count() == (
        1 if expected == "left" else 2
    )


@pytest.mark.parametrize("actor", ACTORS)
def test_members_page(client, request, actor, organization, member, org_admin):
    login_as(client, request, actor)
    services.invitation_create(
        organization=organization,
        email="ny@example.org",
        role="admin",
        invited_by=org_admin,
        language="en",
    )
    response = client.get(url("members", slug=organization.slug))
    if actor == "resident":
        assert_refused(response, actor)
        return
    if actor == "outsider":
        assert response.status_code == 403
        return
    assert response.status_code == 200
    html = response.text
    assert "Maja" in html and "Adam" in html
    if actor in ALLOWED:
        assert "Change role" in html and "Remove" in html
        assert "ny@example.org" in html and "Resend" in html and "Revoke" in html
        assert 'name="email"' in html
    else:
        assert "Change role" not in html and "Revoke" not in html
        assert "ny@example.org" not in html
        assert "Leave organisation" in html


def test_non_members_get_404_for_a_pending_organisation(client, outsider, coordinator):
    pending = factories.OrganizationFactory(status=Organization.Status.PENDING)
    client.force_login(outsider)
    for name in ["members", "profile"]:
        assert client.get(url(name, slug=pending.slug)).status_code == 404
    response = client.post(url("invite", slug=pending.slug), {"email": "x@example.org"})
    assert response.status_code == 404
    assert not Invitation.objects.exists()
    login_with_second_factor(client, coordinator)
    assert client.get(url("members", slug=pending.slug)).status_code == 200


def test_an_unknown_organisation_is_404(client, org_admin):
    client.force_login(org_admin)
    assert client.get(url("members", slug="finns-inte")).status_code == 404


# --- The last admin ---------------------------------------------------------------------------


def test_the_last_admin_cannot_demote_themself(client, organization, org_admin):
    client.force_login(org_admin)
    membership = org_admin.memberships.get()
    response = client.post(
        url("member_role", slug=organization.slug),
        {"membership": membership.pk, "role": "member"},
        follow=True,
    )
    assert "last administrator" in response.text
    membership.refresh_from_db()
    assert membership.role == "admin"


def test_a_coordinator_cannot_remove_or_demote_the_last_admin(
    client, organization, org_admin, coordinator
):
    login_with_second_factor(client, coordinator)
    membership = org_admin.memberships.get()
    response = client.post(
        url("member_remove", slug=organization.slug), {"membership": membership.pk}, follow=True
    )
    assert "last administrator and cannot be removed" in response.text
    client.post(
        url("member_role", slug=organization.slug), {"membership": membership.pk, "role": "member"}
    )
    membership.refresh_from_db()
    assert membership.role == "admin"


def test_with_two_admins_one_may_demote_the_other_and_then_not_themself(
    client, organization, org_admin
):
    second = factories.MembershipFactory(organization=organization, role="admin")
    client.force_login(org_admin)
    client.post(
        url("member_role", slug=organization.slug), {"membership": second.pk, "role": "member"}
    )
    second.refresh_from_db()
    assert second.role == "member"
    with pytest.raises(services.ValidationError):
        services.membership_leave(membership=org_admin.memberships.get())


def test_an_admin_leaves_when_another_admin_remains(client, organization, org_admin):
    factories.MembershipFactory(organization=organization, role="admin")
    client.force_login(org_admin)
    response = client.post(url("leave", slug=organization.slug))
    assert response["Location"] == url("my_pages")
    assert not organization.memberships.filter(user=org_admin).exists()


# --- Bad input: clear messages, never a 500 -----------------------------------------------------


def test_actions_on_another_organisations_members_are_refused_with_a_message(
    client, organization, org_admin, outsider
):
    foreign = outsider.memberships.get()
    client.force_login(org_admin)
    response = client.post(
        url("member_remove", slug=organization.slug), {"membership": foreign.pk}, follow=True
    )
    assert "no longer there" in response.text
    assert Membership.objects.filter(pk=foreign.pk).exists()
    for data in [{"membership": "abc", "role": "admin"}, {"membership": foreign.pk, "role": "x"}]:
        response = client.post(url("member_role", slug=organization.slug), data)
        assert response.status_code == 302
    response = client.post(url("invitation_revoke", slug=organization.slug), {"invitation": "9"})
    assert response.status_code == 302


def test_an_invalid_invitation_keeps_the_input_and_shows_the_error_next_to_the_field(
    client, organization, org_admin, member
):
    client.force_login(org_admin)
    response = client.post(
        url("invite", slug=organization.slug), {"email": "inte-en-adress", "role": "admin"}
    )
    assert response.status_code == 400
    assert 'value="inte-en-adress"' in response.text
    assert response.context["invite_form"].errors["email"]
    response = client.post(
        url("invite", slug=organization.slug), {"email": "MEMBER@example.org", "role": "member"}
    )
    assert "already a member" in response.text
    assert not Invitation.objects.exists()


def test_mutations_are_post_only(client, organization, org_admin):
    client.force_login(org_admin)
    for name in ["invite", "member_role", "leave", "invitation_resend"]:
        assert client.get(url(name, slug=organization.slug)).status_code == 405
    # Removing and revoking ask first: their GET is the question (test_confirmations.py).


# --- The profile: optimistic locking ---------------------------------------------------------


def test_a_stale_profile_save_is_refused_and_the_input_kept(
    client, organization, org_admin, coordinator
):
    client.force_login(org_admin)
    assert 'name="version" value="1"' in client.get(url("profile", slug=organization.slug)).text
    services.organization_profile_update(
        organization=organization,
        actor=coordinator,
        data={"description": "Koordinatorns"},
        version=1,
    )
    data = {
        "description": "Min text",
        "website": "",
        "public_email": "",
        "public_phone": "",
        "version": 1,
    }
    response = client.post(url("profile", slug=organization.slug), data)
    assert response.status_code == 409
    assert "Someone else saved this profile" in response.text
    assert "Min text" in response.text
    organization.refresh_from_db()
    assert organization.description == "Koordinatorns" and organization.version == 2
    # Saving again, having seen the warning, is deliberate and succeeds.
    assert 'name="version" value="2"' in response.text
    response = client.post(url("profile", slug=organization.slug), {**data, "version": 2})
    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.description == "Min text" and organization.version == 3


def test_a_bad_profile_value_is_shown_next_to_the_field(client, organization, org_admin):
    client.force_login(org_admin)
    response = client.post(
        url("profile", slug=organization.slug),
        {"description": "Kvar", "public_email": "nej", "version": "x"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["public_email"]
    assert "Kvar" in response.text


def test_profile_history_records_the_editor(organization, org_admin):
    services.organization_profile_update(
        organization=organization, actor=org_admin, data={"description": "Ny"}, version=1
    )
    event = Organization.pgh_event_model.objects.filter(
        pgh_obj_id=organization.pk, pgh_label="update"
    ).get()
    assert event.description == "Ny"
    assert event.pgh_context.metadata["user"] == org_admin.pk


# --- History of membership changes -----------------------------------------------------------


def test_membership_changes_are_kept_in_history_with_the_acting_user(
    client, organization, member, org_admin
):
    membership = member.memberships.get()
    client.force_login(org_admin)
    client.post(
        url("member_role", slug=organization.slug), {"membership": membership.pk, "role": "admin"}
    )
    client.post(url("member_remove", slug=organization.slug), {"membership": membership.pk})
    events = Membership.pgh_event_model.objects.filter(pgh_obj_id=membership.pk).order_by("pgh_id")
    assert [e.pgh_label for e in events] == ["insert", "update", "delete"]
    assert [e.role for e in events] == ["member", "admin", "admin"]
    for event in events[1:]:
        assert event.pgh_context.metadata["user"] == org_admin.pk


# --- My pages and query counts ------------------------------------------------------------------


def test_my_pages_link_to_member_management_for_admins_only(
    client, organization, member, org_admin
):
    client.force_login(org_admin)
    html = client.get(url("my_pages")).text
    assert url("members", slug=organization.slug) in html
    assert url("profile", slug=organization.slug) in html
    client.force_login(member)
    html = client.get(url("my_pages")).text
    assert url("members", slug=organization.slug) in html
    assert url("profile", slug=organization.slug) not in html


def _members_page_queries(client, organization, admin, n):
    for _ in range(n):
        factories.MembershipFactory(organization=organization)
        Invitation.objects.create(
            organization=organization,
            email=f"{factories.UserFactory.build().email}",
            token_hash=Invitation.hash_token(Invitation.new_token()),
            expires_at=Invitation._meta.get_field("created_at").default()
            + services.INVITATION_VALIDITY,
            invited_by=admin,
        )
    client.force_login(admin)
    return query_count(client, url("members", slug=organization.slug))


def test_the_members_page_runs_the_same_queries_for_2_and_30_members(client, org_admin):
    few = _members_page_queries(client, org_admin.memberships.get().organization, org_admin, 2)
    other = factories.OrganizationFactory()
    admin = factories.UserFactory()
    factories.MembershipFactory(user=admin, organization=other, role="admin")
    many = _members_page_queries(client, other, admin, 30)
    assert few == many


@pytest.mark.django_db(transaction=True)
def test_two_admins_demoting_each_other_at_once_leave_one_admin(organization, org_admin):
    """The service locks the organisation's admin rows: the second demotion waits for the
    first to commit, then sees that only one admin is left and is refused."""
    import threading

    from django.db import connections, transaction

    other = factories.MembershipFactory(organization=organization, role="admin")
    mine = org_admin.memberships.get()
    first_holds_locks, outcome = threading.Event(), {}

    def first():
        try:
            with transaction.atomic():
                services.membership_role_change(membership=mine, role="member", actor=org_admin)
                first_holds_locks.set()
                threading.Event().wait(0.5)  # commit only after the second has started
        finally:
            connections.close_all()

    def second():
        first_holds_locks.wait(5)
        try:
            with translation.override("en"):
                services.membership_role_change(membership=other, role="member", actor=other.user)
            outcome["second"] = "demoted"
        except services.ValidationError as error:
            outcome["second"] = "refused" if "last administrator" in error.messages[0] else error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert outcome == {"second": "refused"}
    assert list(organization.memberships.filter(role="admin")) == [other]
