"""The initiatives app's role × action matrix over the fixed cast (resident, member, org_admin,
outsider, coordinator): every action through its real URL — the status, and for a POST what
the database holds afterwards — and every helper of ``initiatives/permissions.py`` called
directly. Who is allowed follows the helpers' docstrings (the business rules).

The world: ``organization`` (member, org_admin) leads a public initiative (with
``partner_organization``, whose member is not in the cast, as partner), a partners-only one
and an archived one; ``other_organization`` (outsider) has asked to join a fourth."""

import inspect
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import RequestFactory
from django.utils import timezone

from initiatives import permissions, services
from initiatives.models import Initiative, InitiativeUpdate, JoinRequest
from tests import factories
from tests.helpers import login_as

pytestmark = pytest.mark.django_db

BASE = "/en/initiatives/"
CAST = ("resident", "member", "org_admin", "outsider", "coordinator")

# Outcomes: an HTTP status, or LOGIN (sent to log in, nothing changed), or DONE (a POST that
# did its work: a redirect, and the database holds the change).
LOGIN, DONE = "login", "done"
# Outcomes of a fetch helper called directly.
OK, NOT_FOUND, FORBIDDEN = "ok", Http404, PermissionDenied


@dataclass
class World:
    organization: Any
    other_organization: Any
    partner_organization: Any
    public: Initiative
    partners_only: Initiative
    archived: Initiative
    asked: Initiative
    join_request: JoinRequest
    theme: Any
    area: Any


@pytest.fixture
def world(organization, other_organization, partner_organization, outsider):
    theme, area = factories.ThemeFactory(), factories.AreaFactory()

    def initiative(title, **fields):
        return factories.InitiativeFactory(
            title=title, lead_organization=organization, themes=[theme], areas=[area], **fields
        )

    archived = initiative("Arkiverad läxhjälp")
    services.initiative_archive(initiative=archived, actor=factories.UserFactory())
    asked = initiative("Fritidsgård på fredagar")
    join_request = services.join_request_create(
        initiative=asked, organization=other_organization, requested_by=outsider, message="Hej!"
    )
    public = initiative("Nattvandring i Vårby")
    public.partner_organizations.add(partner_organization)
    return World(
        organization=organization,
        other_organization=other_organization,
        partner_organization=partner_organization,
        public=public,
        partners_only=initiative("Intern lägesbild", visibility="partners"),
        archived=archived,
        asked=asked,
        join_request=join_request,
        theme=theme,
        area=area,
    )


def _user(request, role):
    return AnonymousUser() if role == "resident" else request.getfixturevalue(role)


# --- Through the real URLs -----------------------------------------------------------------------


def _initiative_payload(world, *, title, version="", slots=0):
    return {
        "title": title,
        "summary": "Vuxna går i området fredagskvällar.",
        "lead_organization": str(world.organization.pk),
        "starts_on": "2026-01-10",
        "areas": [str(world.area.pk)],
        "themes": [str(world.theme.pk)],
        "status": "active",
        "visibility": "public",
        "version": version,
        "register_anyway": "1",  # the similar-initiatives step is test_similar's
        "slots-TOTAL_FORMS": str(slots),
        "slots-INITIAL_FORMS": "0",
        "slots-MIN_NUM_FORMS": "0",
        "slots-MAX_NUM_FORMS": "1000",
    }


def _now(obj, field):
    """The field as the database holds it now."""
    obj.refresh_from_db()
    return getattr(obj, field)


@dataclass
class Action:
    """One thing a user does on a page: the request, and for a POST what the database holds
    before and after (``state``) and what it holds once the action is done (``done``)."""

    method: str
    url: Any  # World -> str
    expected: tuple  # one outcome per role of CAST
    data: Any = None  # World -> dict
    state: Any = None  # World -> a value read from the database
    done: Any = None
    shows: Any = None  # World -> text a page that opens (200) shows


ACTIONS = {
    "view a public initiative": Action(
        "get",
        lambda w: f"{BASE}{w.public.slug}/",
        (200, 200, 200, 200, 200),
        shows=lambda w: w.public.title,
    ),
    "view a partners-only initiative": Action(
        "get",
        lambda w: f"{BASE}{w.partners_only.slug}/",
        (404, 200, 200, 200, 200),
        shows=lambda w: w.partners_only.title,
    ),
    "view an archived initiative": Action(
        "get",
        lambda w: f"{BASE}{w.archived.slug}/",
        (404, 200, 200, 404, 200),
        shows=lambda w: "This initiative is archived.",
    ),
    "open the register form": Action(
        "get",
        lambda w: f"{BASE}new/",
        (LOGIN, 200, 200, 200, 200),
        shows=lambda w: 'name="title"',
    ),
    "look for similar initiatives": Action(
        "get",
        lambda w: f"{BASE}new/similar/?title=Nattvandring&areas={w.area.pk}&themes={w.theme.pk}",
        (LOGIN, 200, 200, 200, 200),
        shows=lambda w: w.public.title,
    ),
    # The lead is ``organization``: one the outsider may not choose (400, next to the field).
    "register an initiative for the organisation": Action(
        "post",
        lambda w: f"{BASE}new/",
        (LOGIN, DONE, DONE, 400, DONE),
        data=lambda w: _initiative_payload(w, title="Läxhjälp i Masmo"),
        state=lambda w: list(
            Initiative.objects.filter(title="Läxhjälp i Masmo").values_list(
                "lead_organization__name", flat=True
            )
        ),
        done=["Stiftelsen Testbostäder"],
    ),
    "open the edit form": Action(
        "get",
        lambda w: f"{BASE}{w.public.slug}/edit/",
        (LOGIN, 200, 200, 403, 200),
        shows=lambda w: w.public.title,
    ),
    "edit": Action(
        "post",
        lambda w: f"{BASE}{w.public.slug}/edit/",
        (LOGIN, DONE, DONE, 403, DONE),
        data=lambda w: _initiative_payload(w, title="Nattvandring i Masmo", version="1"),
        state=lambda w: (_now(w.public, "title"), w.public.version),
        done=("Nattvandring i Masmo", 2),
    ),
    "edit a partners-only initiative": Action(
        "post",
        lambda w: f"{BASE}{w.partners_only.slug}/edit/",
        (LOGIN, DONE, DONE, 403, DONE),
        data=lambda w: {
            **_initiative_payload(w, title="Lägesbild", version="1"),
            "visibility": "partners",
        },
        state=lambda w: _now(w.partners_only, "title"),
        done="Lägesbild",
    ),
    "archive": Action(
        "post",
        lambda w: f"{BASE}{w.public.slug}/archive/",
        (LOGIN, DONE, DONE, 403, DONE),
        state=lambda w: _now(w.public, "archived_at") is not None,
        done=True,
    ),
    # Restoring is editing: refused to a partner who may know the initiative is there.
    "restore an initiative that is not archived": Action(
        "post",
        lambda w: f"{BASE}{w.public.slug}/restore/",
        (LOGIN, 302, 302, 403, 302),
        state=lambda w: (_now(w.public, "archived_at"), w.public.version),
    ),
    "restore": Action(
        "post",
        lambda w: f"{BASE}{w.archived.slug}/restore/",
        (LOGIN, DONE, DONE, 404, DONE),
        state=lambda w: _now(w.archived, "archived_at") is None,
        done=True,
    ),
    "open the delivery log": Action(
        "get",
        lambda w: f"{BASE}{w.public.slug}/delivery/",
        (LOGIN, 200, 200, 403, 200),
        shows=lambda w: w.public.title,
    ),
    "let partners mark sessions": Action(
        "post",
        lambda w: f"{BASE}{w.public.slug}/delivery/partners/",
        (LOGIN, DONE, DONE, 403, DONE),
        data=lambda w: {"partners_mark_sessions": "on"},
        state=lambda w: _now(w.public, "partners_mark_sessions"),
        done=True,
    ),
    "post an update": Action(
        "post",
        lambda w: f"{BASE}{w.public.slug}/updates/new/",
        (LOGIN, DONE, DONE, 403, DONE),
        data=lambda w: {
            "organization": str(w.organization.pk),
            "happened_on": timezone.localdate().isoformat(),
            "text": "Vi gick två kvällar.",
            "new_status": "",
            "visibility": "public",
        },
        state=lambda w: list(
            InitiativeUpdate.objects.filter(initiative=w.public).values_list("text", flat=True)
        ),
        done=["Vi gick två kvällar."],
    ),
    "see the history": Action(
        "get",
        lambda w: f"{BASE}{w.public.slug}/history/",
        (LOGIN, 200, 200, 200, 200),
        shows=lambda w: "Who changed what, when",
    ),
    "see the history of an archived initiative": Action(
        "get",
        lambda w: f"{BASE}{w.archived.slug}/history/",
        (LOGIN, 200, 200, 404, 200),
        shows=lambda w: "Who changed what, when",
    ),
    "open the ask-to-join form": Action(
        "get",
        lambda w: f"{BASE}{w.public.slug}/join/",
        (LOGIN, 403, 403, 200, 403),
        shows=lambda w: "Föreningen Andra",
    ),
    "ask to join": Action(
        "post",
        lambda w: f"{BASE}{w.public.slug}/join/",
        (LOGIN, 403, 403, DONE, 403),
        data=lambda w: {"message": "Vi går redan där."},
        state=lambda w: list(
            JoinRequest.objects.filter(initiative=w.public).values_list(
                "organization__name", "status"
            )
        ),
        done=[("Föreningen Andra", "pending")],
    ),
    "withdraw a request to join": Action(
        "post",
        lambda w: f"{BASE}{w.asked.slug}/join-requests/{w.join_request.public_id}/withdraw/",
        (LOGIN, 403, 403, DONE, DONE),
        state=lambda w: _now(w.join_request, "status"),
        done="withdrawn",
    ),
    "accept a request to join": Action(
        "post",
        lambda w: f"{BASE}{w.asked.slug}/join-requests/{w.join_request.public_id}/",
        (LOGIN, 403, DONE, 403, DONE),
        data=lambda w: {"decision": "accept", "answer": "Välkomna!"},
        state=lambda w: (
            _now(w.join_request, "status"),
            list(w.asked.partner_organizations.values_list("name", flat=True)),
        ),
        done=("accepted", ["Föreningen Andra"]),
    ),
}


@pytest.mark.parametrize("role", CAST)
@pytest.mark.parametrize("name", ACTIONS)
def test_role_action_matrix(client, request, world, name, role):
    action = ACTIONS[name]
    expected = action.expected[CAST.index(role)]
    login_as(client, request, role)
    before = action.state(world) if action.state else None

    url = action.url(world)
    if action.method == "get":
        response = client.get(url)
    else:
        response = client.post(url, action.data(world) if action.data else {})

    if expected == LOGIN:
        assert response.status_code == 302 and "/login/" in response.url
    elif expected == DONE:
        assert response.status_code == 302, response.content[:2000]
        assert "/login/" not in response.url
    else:
        assert response.status_code == expected
        if expected == 200:
            assert action.shows(world) in response.text
    if action.state:
        after = action.state(world)
        if expected == DONE:
            assert before != action.done
            assert after == action.done
        else:
            assert after == before


def test_every_initiative_action_is_in_the_http_matrix():
    """Each action the fetch helper knows is exercised through a URL above."""
    through_urls = {
        "view": "view a public initiative",
        "edit": "edit",
        "archive": "archive",
        "restore": "restore",
        "post_update": "post an update",
        "see_history": "see the history",
        "request_to_join": "ask to join",
        "decide_join_request": "accept a request to join",
        "mark_sessions": "open the delivery log",
        "allow_partners_to_mark": "let partners mark sessions",
    }
    assert set(through_urls) == set(permissions.INITIATIVE_ACTIONS)
    assert set(through_urls.values()) <= set(ACTIONS)


# --- Every helper of initiatives/permissions.py, called directly ---------------------------------

T, F = True, False

# helper -> (how it is called: (user, world) -> result, expected per role of CAST)
RULES = {
    "can_register_initiative": (
        lambda u, w: permissions.can_register_initiative(u),
        (F, T, T, T, T),
    ),
    "can_choose_lead_organization": (
        lambda u, w: permissions.can_choose_lead_organization(u, w.organization),
        (F, T, T, F, T),
    ),
    "can_edit_initiative": (
        lambda u, w: permissions.can_edit_initiative(u, w.public),
        (F, T, T, F, T),
    ),
    "can_archive_initiative": (
        lambda u, w: permissions.can_archive_initiative(u, w.public),
        (F, T, T, F, T),
    ),
    "organizations_posting_for": (
        lambda u, w: [o.name for o in permissions.organizations_posting_for(u, w.public)],
        (
            [],
            ["Stiftelsen Testbostäder"],
            ["Stiftelsen Testbostäder"],
            [],
            ["Stiftelsen Testbostäder"],
        ),
    ),
    "can_mark_sessions": (
        lambda u, w: permissions.can_mark_sessions(u, w.public),
        (F, T, T, F, T),
    ),
    "can_allow_partners_to_mark": (
        lambda u, w: permissions.can_allow_partners_to_mark(u, w.public),
        (F, T, T, F, T),
    ),
    "can_post_update": (
        lambda u, w: permissions.can_post_update(u, w.public),
        (F, T, T, F, T),
    ),
    "can_know_initiative": (
        lambda u, w: tuple(
            permissions.can_know_initiative(u, i) for i in (w.public, w.partners_only, w.archived)
        ),
        ((T, F, F), (T, T, T), (T, T, T), (T, T, F), (T, T, T)),
    ),
    "can_see_initiative_history": (
        lambda u, w: tuple(
            permissions.can_see_initiative_history(u, i)
            for i in (w.public, w.partners_only, w.archived)
        ),
        ((F, F, F), (T, T, T), (T, T, T), (T, T, F), (T, T, T)),
    ),
    "organizations_requesting_to_join": (
        lambda u, w: [o.name for o in permissions.organizations_requesting_to_join(u, w.public)],
        ([], [], [], ["Föreningen Andra"], []),
    ),
    "can_request_to_join": (
        lambda u, w: permissions.can_request_to_join(u, w.public),
        (F, F, F, T, F),
    ),
    "can_withdraw_join_request": (
        lambda u, w: permissions.can_withdraw_join_request(u, w.join_request),
        (F, F, F, T, T),
    ),
    "can_decide_join_request": (
        lambda u, w: permissions.can_decide_join_request(u, w.asked),
        (F, F, T, F, T),
    ),
}


@pytest.mark.parametrize("role", CAST)
@pytest.mark.parametrize("helper", RULES)
def test_rule_matrix(request, world, helper, role):
    call, expected = RULES[helper]
    assert call(_user(request, role), world) == expected[CAST.index(role)]


def _outcome(fetch):
    try:
        fetch()
    except (Http404, PermissionDenied) as refusal:
        return type(refusal)
    return OK


def _request_as(request, role):
    http_request = RequestFactory().get("/")
    http_request.user = _user(request, role)
    return http_request


# (action, which initiative) -> expected per role of CAST
INITIATIVE_FETCHES = {
    ("view", "public"): (OK, OK, OK, OK, OK),
    ("view", "partners_only"): (NOT_FOUND, OK, OK, OK, OK),
    ("view", "archived"): (NOT_FOUND, OK, OK, NOT_FOUND, OK),
    ("edit", "public"): (FORBIDDEN, OK, OK, FORBIDDEN, OK),
    ("edit", "partners_only"): (NOT_FOUND, OK, OK, FORBIDDEN, OK),
    ("archive", "public"): (FORBIDDEN, OK, OK, FORBIDDEN, OK),
    ("restore", "archived"): (NOT_FOUND, OK, OK, NOT_FOUND, OK),
    ("post_update", "public"): (FORBIDDEN, OK, OK, FORBIDDEN, OK),
    ("see_history", "public"): (FORBIDDEN, OK, OK, OK, OK),
    ("see_history", "archived"): (NOT_FOUND, OK, OK, NOT_FOUND, OK),
    ("request_to_join", "public"): (FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN),
    ("request_to_join", "archived"): (NOT_FOUND, FORBIDDEN, FORBIDDEN, NOT_FOUND, FORBIDDEN),
    ("decide_join_request", "asked"): (FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, OK),
    ("mark_sessions", "public"): (FORBIDDEN, OK, OK, FORBIDDEN, OK),
    ("mark_sessions", "archived"): (NOT_FOUND, FORBIDDEN, FORBIDDEN, NOT_FOUND, FORBIDDEN),
    ("allow_partners_to_mark", "public"): (FORBIDDEN, OK, OK, FORBIDDEN, OK),
}


@pytest.mark.parametrize("role", CAST)
@pytest.mark.parametrize(("action", "which"), INITIATIVE_FETCHES)
def test_initiative_for_user(request, world, action, which, role):
    initiative = getattr(world, which)
    http_request = _request_as(request, role)
    expected = INITIATIVE_FETCHES[action, which][CAST.index(role)]

    assert (
        _outcome(lambda: permissions.initiative_for_user(http_request, initiative.slug, action))
        is expected
    )
    if expected is OK:
        fetched = permissions.initiative_for_user(http_request, initiative.slug, action)
        assert fetched.pk == initiative.pk


def test_initiative_for_user_knows_every_action_and_no_other(rf, member, world):
    assert {action for action, _ in INITIATIVE_FETCHES} == set(permissions.INITIATIVE_ACTIONS)
    http_request = rf.get("/")
    http_request.user = member
    with pytest.raises(Http404):
        permissions.initiative_for_user(http_request, "finns-inte", "view")
    with pytest.raises(ValueError):
        permissions.initiative_for_user(http_request, world.public.slug, "delete")


JOIN_REQUEST_FETCHES = {
    "decide": (FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, OK),
    "withdraw": (FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK),
}


@pytest.mark.parametrize("role", CAST)
@pytest.mark.parametrize("action", JOIN_REQUEST_FETCHES)
def test_join_request_for_user(request, world, action, role):
    http_request = _request_as(request, role)
    expected = JOIN_REQUEST_FETCHES[action][CAST.index(role)]

    def fetch():
        return permissions.join_request_for_user(
            http_request, world.asked.slug, world.join_request.public_id, action
        )

    assert _outcome(fetch) is expected
    if expected is OK:
        join_request = fetch()
        assert join_request.pk == world.join_request.pk
        assert join_request.initiative.slug == world.asked.slug


def test_join_request_for_user_finds_only_the_initiatives_own_requests(rf, org_admin, world):
    assert set(JOIN_REQUEST_FETCHES) == set(permissions.JOIN_REQUEST_ACTIONS)
    http_request = rf.post("/")
    http_request.user = org_admin
    elsewhere = world.public.slug  # also led by org_admin's organisation
    for action in JOIN_REQUEST_FETCHES:
        with pytest.raises(Http404):
            permissions.join_request_for_user(
                http_request, elsewhere, world.join_request.public_id, action
            )
    with pytest.raises(ValueError):
        permissions.join_request_for_user(
            http_request, world.asked.slug, world.join_request.public_id, "accept"
        )


@pytest.mark.parametrize(
    ("role", "expected"), list(zip(CAST, (FORBIDDEN, OK, OK, OK, OK), strict=True))
)
def test_require_can_register(request, role, expected):
    http_request = _request_as(request, role)
    assert _outcome(lambda: permissions.require_can_register(http_request)) is expected


def test_an_edit_may_keep_a_lead_no_longer_approved_but_a_registration_may_not(
    coordinator, organization, world
):
    organization.status = "suspended"
    organization.save()
    assert not permissions.can_choose_lead_organization(coordinator, organization)
    assert permissions.can_choose_lead_organization(
        coordinator, organization, initiative=world.public
    )


FETCH_HELPERS = {
    "initiative_for_user": test_initiative_for_user,
    "join_request_for_user": test_join_request_for_user,
    "require_can_register": test_require_can_register,
}


def test_every_permission_helper_is_in_the_matrix():
    """A helper added to ``initiatives/permissions.py`` must be added to the matrix here."""
    helpers = {
        name
        for name, function in inspect.getmembers(permissions, inspect.isfunction)
        if function.__module__ == permissions.__name__ and not name.startswith("_")
    }
    assert helpers == set(RULES) | set(FETCH_HELPERS)


# --- Services re-check only what was submitted: the organisation chosen --------------------------

ADDED, REFUSED = "added", "refused"


def _register(user, world):
    data = {
        "title": "Läxhjälp i Masmo",
        "summary": "Läxhjälp två dagar i veckan.",
        "lead_organization": world.organization,
        "starts_on": timezone.localdate(),
        "status": "active",
        "visibility": "public",
        "themes": [world.theme],
        "areas": [world.area],
    }
    services.initiative_create(data=data, slots=[], actor=user)


def _post_update_for(organization_name):
    def post(user, world):
        services.initiative_update_post(
            initiative=world.public,
            organization=getattr(world, organization_name),
            author=user,
            happened_on=timezone.localdate(),
            text="Vi gick två kvällar.",
        )

    return post


def _ask_to_join(user, world):
    services.join_request_create(
        initiative=world.public, organization=world.other_organization, requested_by=user
    )


# service call -> (what it adds, the field refused, expected for member, org_admin, outsider,
# coordinator: services act for a logged-in user, so the resident is never one)
SUBMITTED = {
    "register for the organisation": (
        _register,
        lambda: Initiative.objects.filter(title="Läxhjälp i Masmo").count(),
        "lead_organization",
        (ADDED, ADDED, REFUSED, ADDED),
    ),
    "post an update for the lead organisation": (
        _post_update_for("organization"),
        lambda: InitiativeUpdate.objects.count(),
        "organization",
        (ADDED, ADDED, REFUSED, ADDED),
    ),
    # A coordinator posts for the lead organisation only.
    "post an update for the partner organisation": (
        _post_update_for("partner_organization"),
        lambda: InitiativeUpdate.objects.count(),
        "organization",
        (REFUSED, REFUSED, REFUSED, REFUSED),
    ),
    "ask to join for the outsider's organisation": (
        _ask_to_join,
        lambda: JoinRequest.objects.filter(status="pending").count(),
        "organization",
        (REFUSED, REFUSED, ADDED, REFUSED),
    ),
}


@pytest.mark.parametrize("role", CAST[1:])
@pytest.mark.parametrize("name", SUBMITTED)
def test_services_refuse_an_organisation_the_user_may_not_act_for(request, world, name, role):
    call, count, field, expected = SUBMITTED[name]
    expected = expected[CAST.index(role) - 1]
    before = count()

    if expected == ADDED:
        call(request.getfixturevalue(role), world)
        assert count() == before + 1
    else:
        with pytest.raises(ValidationError) as refusal:
            call(request.getfixturevalue(role), world)
        assert field in refusal.value.message_dict
        assert count() == before
