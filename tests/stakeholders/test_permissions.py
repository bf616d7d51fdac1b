"""Who may do what with organisations, members, invitations, the directory and accounts: the
role × action matrix over the fixed cast, through the real URLs, with what the database holds
after each POST; the services' re-checks of what a form picked; and every helper in
``stakeholders/permissions.py``, role by role.

The expectations come from the helpers' docstrings (the business rules):
- an approved organisation is public; a pending or suspended one is known only to its
  members and coordinators (404 for everyone else);
- its public page exists only while it is approved (404 for everyone otherwise);
- its admins and coordinators manage it (profile, invitations, roles, members), whatever its
  status; its members (any role) see the members page; anyone leaves what they belong to;
- partners (members of an approved organisation, coordinators) export the directory and see
  shared member contacts;
- every logged-in user has Mina sidor, their data and the deletion of their account;
  anonymous visitors are sent to log in.
"""

import inspect
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from stakeholders import permissions, services
from stakeholders.models import Invitation, Membership, Organization, User
from tests import factories
from tests.helpers import login_as

pytestmark = pytest.mark.django_db

CAST = ["resident", "member", "org_admin", "outsider", "coordinator"]
APPROVED = Organization.Status.APPROVED
PENDING = Organization.Status.PENDING
SUSPENDED = Organization.Status.SUSPENDED
STATUSES = [APPROVED, PENDING, SUSPENDED]
# Changes are tried on an approved and a suspended organisation (a pending one is known to
# the same people as a suspended one: the pages above and the helper matrix cover it).
CHANGE_STATUSES = [APPROVED, SUSPENDED]

OK = "ok"
LOGIN = "login"  # an anonymous visitor is sent to log in


def url(name: str, **kwargs) -> str:
    """English URLs, so that pages are in English (the source language) in assertions."""
    with translation.override("en"):
        return reverse(name, kwargs=kwargs)


@pytest.fixture
def cast(organization, member, org_admin, outsider, coordinator):
    """Everyone in the cast exists in every test, whoever acts."""
    return {
        "member": member,
        "org_admin": org_admin,
        "outsider": outsider,
        "coordinator": coordinator,
    }


def set_status(organization: Organization, status: str) -> None:
    Organization.objects.filter(pk=organization.pk).update(status=status)
    organization.refresh_from_db()


def assert_outcome(response, expected) -> None:
    """``expected`` is LOGIN, a refusal status (403, 404), or an outcome the caller checks
    (OK, "last admin")."""
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(url("account_login"))
    elif isinstance(expected, int):
        assert response.status_code == expected


def manage(status: str) -> dict:
    """The organisation's admins and coordinators manage it, whatever its status; whoever
    may not know a pending or suspended organisation gets a 404."""
    unknown = 403 if status == APPROVED else 404
    return {
        "resident": LOGIN,
        "member": 403,
        "org_admin": OK,
        "outsider": unknown,
        "coordinator": OK,
    }


def see_members(status: str) -> dict:
    """Its members (any role) and its managers see the members page."""
    return {**manage(status), "member": OK}


def leave(status: str) -> dict:
    """Anyone leaves an organisation they belong to; the last admin is refused by the service
    (sent back to the members page); a coordinator who does not belong has nothing to leave."""
    unknown = 403 if status == APPROVED else 404
    return {
        "resident": LOGIN,
        "member": OK,
        "org_admin": "last admin",
        "outsider": unknown,
        "coordinator": 403,
    }


def partner(status: str) -> dict:
    """Partners (members of an approved organisation, coordinators); ``status`` is that of
    ``organization`` (member's and org_admin's); outsider's organisation stays approved."""
    mine = status == APPROVED
    return {
        "resident": False,
        "member": mine,
        "org_admin": mine,
        "outsider": True,
        "coordinator": True,
    }


# --- The organisation's public page, the directory ------------------------------------------


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("role", CAST)
def test_view_organisation_page(client, request, cast, organization, status, role):
    set_status(organization, status)
    response = login_as(client, request, role).get(
        url("stakeholders:detail", slug=organization.slug)
    )
    if status == APPROVED:
        assert response.status_code == 200
        assert organization.name in response.text
    else:  # no page until approved, and none while suspended: for everyone
        assert response.status_code == 404


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("role", CAST)
def test_see_member_contacts(client, request, cast, organization, other_organization, status, role):
    """Outsider shares their contact details; who sees them on their organisation's page?"""
    set_status(organization, status)
    User.objects.filter(pk=cast["outsider"].pk).update(
        share_contact_details=True, phone="070-123 45 67"
    )
    page = login_as(client, request, role).get(
        url("stakeholders:detail", slug=other_organization.slug)
    )
    assert page.status_code == 200
    sees = partner(status)[role]
    assert ("Contact people" in page.text) is sees
    assert ("outsider@example.org" in page.text) is sees
    assert ("070-123 45 67" in page.text) is sees


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("role", CAST)
def test_export_directory(client, request, cast, organization, other_organization, status, role):
    set_status(organization, status)
    response = login_as(client, request, role).get(url("stakeholders:export_csv"))
    if role == "resident":
        assert_outcome(response, LOGIN)
    elif partner(status)[role]:
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        assert other_organization.name in response.content.decode()
    else:
        assert response.status_code == 403


# --- The organisation's profile, members and invitations ----------------------------------


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("role", CAST)
def test_profile_page(client, request, cast, organization, status, role):
    set_status(organization, status)
    response = login_as(client, request, role).get(
        url("stakeholders:profile", slug=organization.slug)
    )
    expected = manage(status)[role]
    assert_outcome(response, expected)
    if expected == OK:
        assert response.status_code == 200
        assert 'name="version" value="1"' in response.text


@pytest.mark.parametrize("status", CHANGE_STATUSES)
@pytest.mark.parametrize("role", CAST)
def test_edit_profile(client, request, cast, organization, status, role):
    set_status(organization, status)
    theme = factories.ThemeFactory()
    response = login_as(client, request, role).post(
        url("stakeholders:profile", slug=organization.slug),
        {"description": "Vi städar gårdarna.", "themes": [theme.pk], "version": 1},
    )
    expected = manage(status)[role]
    assert_outcome(response, expected)
    organization.refresh_from_db()
    if expected == OK:
        assert response["Location"] == url("stakeholders:profile", slug=organization.slug)
        assert organization.description == "Vi städar gårdarna."
        assert list(organization.themes.all()) == [theme]
        assert organization.version == 2
    else:
        assert organization.description == "" and organization.version == 1
        assert not organization.themes.exists()


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("role", CAST)
def test_see_members(client, request, cast, organization, org_admin, status, role):
    set_status(organization, status)
    services.invitation_create(
        organization=organization,
        email="ny@example.org",
        role="member",
        invited_by=org_admin,
        language="en",
    )
    response = login_as(client, request, role).get(
        url("stakeholders:members", slug=organization.slug)
    )
    expected = see_members(status)[role]
    assert_outcome(response, expected)
    if expected == OK:
        assert response.status_code == 200
        assert "Maja" in response.text and "Adam" in response.text
        manages = manage(status)[role] == OK
        # Managing (roles, removal, invitations) is shown to managers only.
        assert ("Change role" in response.text) is manages
        assert ("ny@example.org" in response.text) is manages


@pytest.mark.parametrize("status", CHANGE_STATUSES)
@pytest.mark.parametrize("role", CAST)
def test_invite(
    client,
    request,
    cast,
    organization,
    status,
    role,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    set_status(organization, status)
    login_as(client, request, role)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("stakeholders:invite", slug=organization.slug),
            {"email": "Ny@Example.org", "role": "admin"},
        )
    expected = manage(status)[role]
    assert_outcome(response, expected)
    invitations = list(Invitation.objects.values_list("email", "role", "organization"))
    if expected == OK:
        assert response["Location"] == url("stakeholders:members", slug=organization.slug)
        assert invitations == [("ny@example.org", "admin", organization.pk)]
        assert [m.to for m in mailoutbox] == [["ny@example.org"]]
    else:
        assert invitations == [] and mailoutbox == []


@pytest.fixture
def open_invitation(organization, org_admin):
    return services.invitation_create(
        organization=organization,
        email="ny@example.org",
        role="member",
        invited_by=org_admin,
        language="en",
    )


@pytest.mark.parametrize("status", CHANGE_STATUSES)
@pytest.mark.parametrize("role", CAST)
def test_resend_invitation(
    client,
    request,
    cast,
    organization,
    open_invitation,
    status,
    role,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    set_status(organization, status)
    old_hash = open_invitation.token_hash
    login_as(client, request, role)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("stakeholders:invitation_resend", slug=organization.slug),
            {"invitation": open_invitation.pk},
        )
    expected = manage(status)[role]
    assert_outcome(response, expected)
    open_invitation.refresh_from_db()
    if expected == OK:
        assert response["Location"] == url("stakeholders:members", slug=organization.slug)
        assert open_invitation.token_hash != old_hash
        assert [m.to for m in mailoutbox] == [["ny@example.org"]]
    else:
        assert open_invitation.token_hash == old_hash and mailoutbox == []


@pytest.mark.parametrize("status", CHANGE_STATUSES)
@pytest.mark.parametrize("role", CAST)
def test_revoke_invitation(client, request, cast, organization, open_invitation, status, role):
    set_status(organization, status)
    response = login_as(client, request, role).post(
        url("stakeholders:invitation_revoke", slug=organization.slug),
        {"invitation": open_invitation.pk},
    )
    expected = manage(status)[role]
    assert_outcome(response, expected)
    open_invitation.refresh_from_db()
    if expected == OK:
        assert response["Location"] == url("stakeholders:members", slug=organization.slug)
        assert open_invitation.revoked_at is not None
    else:
        assert open_invitation.revoked_at is None


@pytest.mark.parametrize("status", CHANGE_STATUSES)
@pytest.mark.parametrize("role", CAST)
def test_change_role(client, request, cast, organization, member, status, role):
    set_status(organization, status)
    membership = member.memberships.get()
    response = login_as(client, request, role).post(
        url("stakeholders:member_role", slug=organization.slug),
        {"membership": membership.pk, "role": "admin"},
    )
    expected = manage(status)[role]
    assert_outcome(response, expected)
    membership.refresh_from_db()
    if expected == OK:
        assert response["Location"] == url("stakeholders:members", slug=organization.slug)
        assert membership.role == "admin"
    else:
        assert membership.role == "member"


@pytest.mark.parametrize("status", CHANGE_STATUSES)
@pytest.mark.parametrize("role", CAST)
def test_remove_member(client, request, cast, organization, member, status, role):
    set_status(organization, status)
    membership = member.memberships.get()
    response = login_as(client, request, role).post(
        url("stakeholders:member_remove", slug=organization.slug), {"membership": membership.pk}
    )
    expected = manage(status)[role]
    assert_outcome(response, expected)
    exists = Membership.objects.filter(pk=membership.pk).exists()
    if expected == OK:
        assert response["Location"] == url("stakeholders:members", slug=organization.slug)
        assert not exists
    else:
        assert exists


@pytest.mark.parametrize("status", CHANGE_STATUSES)
@pytest.mark.parametrize("role", CAST)
def test_leave(client, request, cast, organization, status, role):
    set_status(organization, status)
    response = login_as(client, request, role).post(
        url("stakeholders:leave", slug=organization.slug)
    )
    expected = leave(status)[role]
    assert_outcome(response, expected)
    members = set(organization.memberships.values_list("user__email", flat=True))
    if expected == OK:
        assert response["Location"] == url("my_pages")
        assert members == {"admin@example.org"}
    elif expected == "last admin":
        assert response["Location"] == url("stakeholders:members", slug=organization.slug)
        assert "last administrator" in client.get(response["Location"]).text
        assert members == {"member@example.org", "admin@example.org"}
    else:
        assert members == {"member@example.org", "admin@example.org"}


def test_a_manager_acts_only_on_their_own_organisations_members(
    client, organization, other_organization, org_admin, member, outsider
):
    """The organisation in the URL is checked by the view; the membership picked must be one
    of its members (the form's choices): another organisation's member is "no longer there"."""
    foreign = outsider.memberships.get()
    client.force_login(org_admin)
    for name, data in [
        ("member_remove", {"membership": foreign.pk}),
        ("member_role", {"membership": foreign.pk, "role": "admin"}),
    ]:
        response = client.post(url(f"stakeholders:{name}", slug=organization.slug), data)
        assert response["Location"] == url("stakeholders:members", slug=organization.slug)
    page = client.get(url("stakeholders:members", slug=organization.slug))
    assert "no longer there" in page.text
    foreign.refresh_from_db()
    assert foreign.role == "member"
    # Through the other organisation's URL: known (approved) but not managed.
    mine = member.memberships.get()
    response = client.post(
        url("stakeholders:member_remove", slug=other_organization.slug), {"membership": mine.pk}
    )
    assert response.status_code == 403
    assert Membership.objects.filter(pk__in=[foreign.pk, mine.pk]).count() == 2


# --- The services' re-checks of what a form picked ----------------------------------------


def _actor(request, role: str):
    return AnonymousUser() if role == "resident" else request.getfixturevalue(role)


SERVICE_CALLS = {
    "invitation_resend": lambda actor, invitation, membership: services.invitation_resend(
        invitation=invitation, actor=actor, language="en"
    ),
    "invitation_revoke": lambda actor, invitation, membership: services.invitation_revoke(
        invitation=invitation, actor=actor
    ),
    "membership_role_change": lambda actor, invitation, membership: services.membership_role_change(
        membership=membership, role="admin", actor=actor
    ),
    "membership_remove": lambda actor, invitation, membership: services.membership_remove(
        membership=membership, actor=actor
    ),
}


def _invitation_and_membership_state(invitation, membership):
    invitation.refresh_from_db()
    row = Membership.objects.filter(pk=membership.pk).values_list("role", flat=True).first()
    return (invitation.token_hash, invitation.revoked_at, row)


@pytest.mark.parametrize("status", CHANGE_STATUSES)
@pytest.mark.parametrize("role", CAST)
@pytest.mark.parametrize("service", SERVICE_CALLS)
def test_services_check_that_the_actor_manages_the_picked_objects_organisation(
    request, cast, organization, member, open_invitation, status, role, service
):
    set_status(organization, status)
    membership = member.memberships.get()
    before = _invitation_and_membership_state(open_invitation, membership)
    actor = _actor(request, role)
    # Anonymous: no login page here, the service itself refuses (404 if it may not know).
    expected = {**manage(status), "resident": 403 if status == APPROVED else 404}[role]
    call = SERVICE_CALLS[service]
    if expected == OK:
        call(actor, open_invitation, membership)
        assert _invitation_and_membership_state(open_invitation, membership) != before
    else:
        refusal = {403: PermissionDenied, 404: Http404}[expected]
        with pytest.raises(refusal):
            call(actor, open_invitation, membership)
        assert _invitation_and_membership_state(open_invitation, membership) == before


@pytest.mark.parametrize("service", SERVICE_CALLS)
def test_an_admin_of_another_organisation_is_refused_by_the_services(
    cast, organization, other_organization, member, open_invitation, outsider, service
):
    Membership.objects.filter(user=outsider).update(role=Membership.Role.ADMIN)
    membership = member.memberships.get()
    before = _invitation_and_membership_state(open_invitation, membership)
    with pytest.raises(PermissionDenied):
        SERVICE_CALLS[service](outsider, open_invitation, membership)
    assert _invitation_and_membership_state(open_invitation, membership) == before


# --- My account: Mina sidor, my data, deleting my account ---------------------------------


@pytest.mark.parametrize("role", CAST)
def test_my_pages(client, request, cast, role):
    response = login_as(client, request, role).get(url("my_pages"))
    if role == "resident":
        assert_outcome(response, LOGIN)
        return
    assert response.status_code == 200
    assert request.getfixturevalue(role).email in response.text


@pytest.mark.parametrize("role", CAST)
def test_update_my_details(client, request, cast, role):
    response = login_as(client, request, role).post(
        url("my_profile"), {"first_name": "Ny", "last_name": "Person", "language": "sv"}
    )
    if role == "resident":
        assert_outcome(response, LOGIN)
        assert not User.objects.filter(first_name="Ny").exists()
        return
    assert response["Location"] == url("my_profile")
    user = request.getfixturevalue(role)
    user.refresh_from_db()
    assert (user.first_name, user.last_name) == ("Ny", "Person")
    # Only the actor's own row changed.
    assert list(User.objects.filter(first_name="Ny").values_list("pk", flat=True)) == [user.pk]


@pytest.mark.parametrize("role", CAST)
def test_download_my_data(client, request, cast, role):
    response = login_as(client, request, role).get(url("my_data"))
    if role == "resident":
        assert_outcome(response, LOGIN)
        return
    assert response.status_code == 200
    assert response.json()["user"]["email"] == request.getfixturevalue(role).email


@pytest.mark.parametrize("role", CAST)
def test_delete_my_account(client, request, cast, organization, role):
    """Everyone logged in may delete their own account; the last admin of an organisation
    is refused until someone else is admin. (Nothing refuses the last coordinator, unlike
    ``services.coordinator_revoke``: asked about, not decided here.)"""
    response = login_as(client, request, role).get(url("my_account_delete"))
    assert_outcome(response, LOGIN if role == "resident" else OK)
    response = client.post(url("my_account_delete"), {"password": factories.PASSWORD})
    emails = set(User.objects.values_list("email", flat=True))
    everyone = {
        "member@example.org",
        "admin@example.org",
        "outsider@example.org",
        "coordinator@example.org",
    }
    if role == "resident":
        assert_outcome(response, LOGIN)
        assert emails == everyone
    elif role == "org_admin":
        assert response.status_code == 400
        assert "last administrator" in response.text
        assert emails == everyone
    else:
        assert response["Location"] == url("home")
        assert emails == everyone - {request.getfixturevalue(role).email}


# --- Every helper in stakeholders/permissions.py, role by role -------------------------------


def _outcome(call) -> object:
    """OK, or the status a refusal becomes (404, 403)."""
    try:
        call()
    except Http404:
        return 404
    except PermissionDenied:
        return 403
    return OK


def _context(request, organization, status: str):
    set_status(organization, status)
    users = {role: _actor(request, role) for role in CAST}
    member = request.getfixturevalue("member")
    return SimpleNamespace(
        organization=organization,
        users=users,
        members_membership=member.memberships.get(),
        rf=RequestFactory(),
    )


def _request(ctx, user):
    request = ctx.rf.get("/")
    request.user = user
    return request


def _fetch(action: str):
    def call(ctx, user):
        request = _request(ctx, user)
        fetched = permissions.organization_for_user(request, ctx.organization.slug, action)
        assert fetched == ctx.organization

    call.action = action
    return call


def _check(action: str):
    def call(ctx, user):
        permissions.organization_check(user, ctx.organization, action)

    call.action = action
    return call


def _fetch_membership(ctx, user):
    fetched = permissions.membership_for_user(_request(ctx, user), ctx.organization.slug, "leave")
    assert fetched.user == user and fetched.organization == ctx.organization


def _on_organization(helper):
    return lambda ctx, user: helper(user, ctx.organization)


def _on_user(helper):
    return lambda ctx, user: helper(user)


def _expect(row: str) -> dict:
    """One row of the matrix, in the order of CAST: resident member org_admin outsider
    coordinator. T/F for predicates, ok/403/404 for what a fetch helper does."""
    words = {"T": True, "F": False, "ok": OK, "403": 403, "404": 404}
    return dict(zip(CAST, [words[word] for word in row.split()], strict=True))


belongs = _on_organization(permissions.belongs_to)
know = _on_organization(permissions.can_know_organization)
view_page = _on_organization(permissions.can_view_organization_page)
manages = _on_organization(permissions.can_manage_organization)
sees_members = _on_organization(permissions.can_see_members)
contacts = _on_user(permissions.can_see_member_contacts)
exports = _on_user(permissions.can_export_directory)


def leaves(ctx, user):
    return permissions.can_leave(user, ctx.members_membership)


# (helper name, status of the cast's organisation, call(ctx, user), expected for:
#                                              resident member org_admin outsider coordinator)
HELPER_MATRIX = [
    ("belongs_to",                 APPROVED,  belongs,                "F T T F F"),
    ("belongs_to",                 SUSPENDED, belongs,                "F T T F F"),
    ("can_know_organization",      APPROVED,  know,                   "T T T T T"),
    ("can_know_organization",      PENDING,   know,                   "F T T F T"),
    ("can_know_organization",      SUSPENDED, know,                   "F T T F T"),
    ("can_view_organization_page", APPROVED,  view_page,              "T T T T T"),
    ("can_view_organization_page", PENDING,   view_page,              "F F F F F"),
    ("can_view_organization_page", SUSPENDED, view_page,              "F F F F F"),
    ("can_manage_organization",    APPROVED,  manages,                "F F T F T"),
    ("can_manage_organization",    SUSPENDED, manages,                "F F T F T"),
    ("can_see_members",            APPROVED,  sees_members,           "F T T F T"),
    ("can_see_members",            SUSPENDED, sees_members,           "F T T F T"),
    ("can_leave",                  APPROVED,  leaves,                 "F T F F F"),
    ("can_see_member_contacts",    APPROVED,  contacts,               "F T T T T"),
    ("can_see_member_contacts",    SUSPENDED, contacts,               "F F F T T"),
    ("can_export_directory",       APPROVED,  exports,                "F T T T T"),
    ("can_export_directory",       PENDING,   exports,                "F F F T T"),
    ("organization_check",         APPROVED,  _check("view"),         "ok ok ok ok ok"),
    ("organization_check",         SUSPENDED, _check("view"),         "404 404 404 404 404"),
    ("organization_check",         APPROVED,  _check("manage"),       "403 403 ok 403 ok"),
    ("organization_check",         PENDING,   _check("manage"),       "404 403 ok 404 ok"),
    ("organization_check",         APPROVED,  _check("see_members"),  "403 ok ok 403 ok"),
    ("organization_check",         SUSPENDED, _check("see_members"),  "404 ok ok 404 ok"),
    ("organization_for_user",      APPROVED,  _fetch("view"),         "ok ok ok ok ok"),
    ("organization_for_user",      PENDING,   _fetch("view"),         "404 404 404 404 404"),
    ("organization_for_user",      SUSPENDED, _fetch("view"),         "404 404 404 404 404"),
    ("organization_for_user",      APPROVED,  _fetch("manage"),       "403 403 ok 403 ok"),
    ("organization_for_user",      PENDING,   _fetch("manage"),       "404 403 ok 404 ok"),
    ("organization_for_user",      SUSPENDED, _fetch("manage"),       "404 403 ok 404 ok"),
    ("organization_for_user",      APPROVED,  _fetch("see_members"),  "403 ok ok 403 ok"),
    ("organization_for_user",      PENDING,   _fetch("see_members"),  "404 ok ok 404 ok"),
    ("organization_for_user",      SUSPENDED, _fetch("see_members"),  "404 ok ok 404 ok"),
    ("membership_for_user",        APPROVED,  _fetch_membership,      "403 ok ok 403 403"),
    ("membership_for_user",        SUSPENDED, _fetch_membership,      "404 ok ok 404 403"),
]  # fmt: skip


@pytest.mark.parametrize(
    "helper, status, call, row",
    HELPER_MATRIX,
    ids=[
        f"{helper}-{status}-{index}" for index, (helper, status, _c, _r) in enumerate(HELPER_MATRIX)
    ],
)
def test_helper_matrix(request, cast, organization, helper, status, call, row):
    ctx = _context(request, organization, status)
    expected = _expect(row)
    actual = {}
    for role in CAST:
        user = ctx.users[role]
        if any(word in row.split() for word in ("ok", "403", "404")):
            actual[role] = _outcome(lambda user=user: call(ctx, user))
        else:
            actual[role] = call(ctx, user)
    assert actual == expected


def test_unknown_slugs_are_404_for_everyone(request, cast, organization):
    ctx = _context(request, organization, APPROVED)
    for user in ctx.users.values():
        for action in permissions.ORGANIZATION_ACTIONS:
            outcome = _outcome(
                lambda user=user, action=action: permissions.organization_for_user(
                    _request(ctx, user), "finns-inte", action
                )
            )
            assert outcome == 404
        fetch = lambda user=user: permissions.membership_for_user(  # noqa: E731
            _request(ctx, user), "finns-inte", "leave"
        )
        assert _outcome(fetch) == 404


def test_every_permission_helper_and_action_is_in_the_matrix():
    """A new helper (or action) in stakeholders/permissions.py must get its row here."""
    public = {
        name
        for name, function in inspect.getmembers(permissions, inspect.isfunction)
        if function.__module__ == permissions.__name__ and not name.startswith("_")
    }
    assert public - {helper for helper, *_ in HELPER_MATRIX} == set()
    for fetcher in ["organization_for_user", "organization_check"]:
        actions = {
            call.action for helper, _status, call, _row in HELPER_MATRIX if helper == fetcher
        }
        assert actions == set(permissions.ORGANIZATION_ACTIONS), fetcher
    assert set(permissions.MEMBERSHIP_ACTIONS) == {"leave"}  # membership_for_user's rows
