"""Who may do what with problems, safety walks and the weekly digest — three matrices over
the cast (``resident``, ``member``, ``org_admin``, ``outsider``, ``coordinator``; the rules
also for a member of a suspended organisation):

1. the rules of ``partnership.problems.permissions`` (each helper × role);
2. the fetch helpers (``problem_for_user`` … : the object, 404 or 403) × role × action;
3. every action through its real URL: the status each role gets and what the database holds
   after each POST.

The last test fails when a public helper of ``permissions`` is missing from the matrices.
"""

import datetime as dt
import inspect
import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from partnership.problems import csv_import, permissions, services
from partnership.problems.models import (
    Problem,
    ProblemDigestSubscription,
    ProblemEndorsement,
    ProblemResponsibility,
    SafetyWalk,
)
from stakeholders.models import Organization
from tests import factories
from tests.helpers import login_as

pytestmark = pytest.mark.django_db

CAST = ["resident", "member", "org_admin", "outsider", "coordinator"]
LOGIN = "login"  # expected: redirected to the login page


@pytest.fixture
def suspended_member(db):
    organization = factories.OrganizationFactory(status=Organization.Status.SUSPENDED)
    user = factories.UserFactory()
    factories.MembershipFactory(user=user, organization=organization)
    return user


@pytest.fixture
def area(db):
    return factories.AreaFactory(name="Vårby gård centrum", slug="varby-gard-centrum")


@pytest.fixture
def theme(db):
    return factories.ThemeFactory(name_sv="Belysning", name_en="Lighting", slug="belysning")


@pytest.fixture
def problem(organization, member, area, theme):
    """Partners-only, recorded by ``organization`` (member, org_admin)."""
    return services.problem_record(
        data={
            "title": "Trasigt lås",
            "description": "Porten",
            "area": area,
            "themes": [theme],
            "source": "safety_walk",
        },
        organization=organization,
        actor=member,
    )


@pytest.fixture
def public_problem(other_organization, outsider, area, theme):
    """Public, recorded by ``other_organization`` (outsider)."""
    return services.problem_record(
        data={
            "title": "Nedskräpning på torget",
            "description": "Papperskorgarna blir fulla.",
            "area": area,
            "themes": [theme],
            "source": "resident_report",
            "visibility": "public",
        },
        organization=other_organization,
        actor=outsider,
    )


@pytest.fixture
def archived_problem(problem, member):
    services.problem_archive(problem=problem, actor=member)
    return problem


@pytest.fixture
def initiative(other_organization):
    return factories.InitiativeFactory(lead_organization=other_organization)


@pytest.fixture
def own_initiative(organization, area):
    """Led by ``organization``, in the problems' area: offered to everyone for linking."""
    return factories.InitiativeFactory(
        title="Belysningsrond", lead_organization=organization, areas=[area]
    )


def _findings_csv(area, theme) -> bytes:
    header = "rubrik;beskrivning;område;teman;datum;veckodagar;tid från;tid till;allvarlighet"
    row = f"Mörk gångväg;Tre lampor är trasiga.;{area.name};{theme.name_sv};;;;;4"
    return f"{header}\n{row}\n".encode()


def _upload(member, organization, area, theme, title="Trygghetsvandring hösten"):
    """A walk ``member`` uploaded and has not confirmed yet (built as the import page does)."""
    parsed = csv_import.parse_findings(io.BytesIO(_findings_csv(area, theme)))
    assert parsed.is_valid, parsed.file_errors
    return services.walk_upload(
        actor=member,
        organization=organization,
        title=title,
        source="safety_walk",
        held_on=timezone.localdate(),
        visibility="partners",
        file_name="vandring.csv",
        rows=parsed.rows(),
    )


@pytest.fixture
def draft_walk(member, organization, area, theme):
    return _upload(member, organization, area, theme)


@pytest.fixture
def walk(draft_walk, member):
    """A confirmed walk: its findings are problems now."""
    return services.walk_confirm(walk=draft_walk, actor=member)


def _user(request, role):
    return AnonymousUser() if role == "resident" else request.getfixturevalue(role)


def _prefetched(problem):
    return Problem.objects.prefetch_related("endorsements", "responsibilities").get(pk=problem.pk)


# --- 1. The rules ----------------------------------------------------------------------------

# Each column: the helper it asks, and how (user, problem, initiative, walk).
ACTIONS = {
    "record": (permissions.can_record_problem, lambda f, u, p, i, w: f(u)),
    "know": (permissions.can_know_problem, lambda f, u, p, i, w: f(u, p)),
    "details": (permissions.can_see_problem_details, lambda f, u, p, i, w: f(u)),
    "endorse": (permissions.can_endorse, lambda f, u, p, i, w: f(u, p)),
    "take_responsibility": (permissions.can_take_responsibility, lambda f, u, p, i, w: f(u, p)),
    "change_status": (permissions.can_change_problem_status, lambda f, u, p, i, w: f(u, p)),
    "link_initiative": (
        permissions.can_link_initiative_to_problem,
        lambda f, u, p, i, w: f(u, p, i),
    ),
    "import_walk": (permissions.can_import_walk, lambda f, u, p, i, w: f(u)),
    "digest": (permissions.can_subscribe_problem_digest, lambda f, u, p, i, w: f(u)),
    "record_for": (permissions.organizations_recording_for, lambda f, u, p, i, w: f(u)),
    "endorsing_for": (permissions.organizations_endorsing_for, lambda f, u, p, i, w: f(u, p)),
    "responsible_for": (
        permissions.organizations_responsible_for,
        lambda f, u, p, i, w: f(u, p),
    ),
    "edit": (permissions.can_edit_problem, lambda f, u, p, i, w: f(u, p)),
    "link_initiatives": (permissions.can_link_initiatives, lambda f, u, p, i, w: f(u, p)),
    "see_walks": (permissions.can_see_walks, lambda f, u, p, i, w: f(u)),
    "see_walk": (permissions.can_see_walk, lambda f, u, p, i, w: f(u, w)),
}

# The problem is partners-only, recorded by ``organization`` (member, org_admin); the
# initiative is led by ``other_organization`` (outsider); the walk is confirmed.
MATRIX = {
    #                   record know  details endorse resp  status link  import digest
    #                   rec_for endo_for resp_for edit  links walks walk
    "resident": [False, False, False, False, False, False, False, False, False]
    + [False, False, False, False, False, False, False],
    "member": [True, True, True, False, True, True, False, True, True]
    + [True, False, True, True, True, True, True],
    "org_admin": [True, True, True, False, True, True, False, True, True]
    + [True, False, True, True, True, True, True],
    "outsider": [True, True, True, True, True, False, True, True, True]
    + [True, True, True, False, True, True, True],
    "coordinator": [True, True, True, False, True, True, True, True, False]
    + [True, False, True, True, True, True, True],
    "suspended_member": [False, False, False, False, False, False, False, False, False]
    + [False, False, False, False, False, False, False],
}


@pytest.mark.parametrize("role", list(MATRIX))
def test_problem_permission_matrix(request, role, problem, initiative, walk):
    user = _user(request, role)
    problem = _prefetched(problem)
    got = [bool(call(f, user, problem, initiative, walk)) for f, call in ACTIONS.values()]
    assert dict(zip(ACTIONS, got, strict=True)) == dict(zip(ACTIONS, MATRIX[role], strict=True))


def test_closed_problems_take_no_endorsements_or_commitments(problem, member, outsider):
    services.problem_change_status(
        problem=problem, actor=member, status="resolved", outcome="Lagat."
    )
    problem = _prefetched(problem)
    assert not permissions.can_endorse(outsider, problem)
    assert not permissions.can_take_responsibility(outsider, problem)
    assert permissions.can_change_problem_status(member, problem)  # reopening


def test_responsible_members_change_status_and_link(
    problem, outsider, other_organization, coordinator
):
    services.problem_take_responsibility(
        problem=problem,
        organization=other_organization,
        actor=coordinator,
        role="supporting",
        commitment="Stöttar.",
    )
    problem = _prefetched(problem)
    initiative = factories.InitiativeFactory()
    assert permissions.can_change_problem_status(outsider, problem)
    assert permissions.can_link_initiative_to_problem(outsider, problem, initiative)


def test_the_organisations_each_may_act_for(
    organization, other_organization, member, outsider, coordinator, problem
):
    problem = _prefetched(problem)
    assert list(permissions.organizations_recording_for(member)) == [organization]
    assert set(permissions.organizations_recording_for(coordinator)) == {
        organization,
        other_organization,
    }
    assert permissions.organizations_endorsing_for(outsider, problem) == [other_organization]
    assert permissions.organizations_responsible_for(member, problem) == [organization]
    assert set(permissions.organizations_responsible_for(coordinator, problem)) == {
        organization,
        other_organization,
    }


def test_an_archived_problem_is_known_to_its_editors_only(
    request, archived_problem, member, org_admin, outsider, coordinator
):
    archived = Problem.objects.get(pk=archived_problem.pk)
    known = {role: permissions.can_know_problem(_user(request, role), archived) for role in CAST}
    assert known == {
        "resident": False,
        "member": True,
        "org_admin": True,
        "outsider": False,
        "coordinator": True,
    }


def test_a_draft_walk_is_its_uploaders_only(request, draft_walk):
    seen = {role: permissions.can_see_walk(_user(request, role), draft_walk) for role in CAST}
    assert seen == {
        "resident": False,
        "member": True,
        "org_admin": False,
        "outsider": False,
        "coordinator": False,
    }


# --- 2. The fetch helpers: the object, 404 or 403 ----------------------------------------------

OK = "ok"

# ``problem_for_user`` for each action (``permissions.PROBLEM_ACTIONS``), by role in CAST order.
PROBLEM_FETCH = {
    # The partners-only problem recorded by ``organization``.
    "problem": {
        "view": (404, OK, OK, OK, OK),
        "see_details": (404, OK, OK, OK, OK),
        "edit": (404, OK, OK, 403, OK),
        "endorse": (404, 403, 403, OK, 403),
        "take_responsibility": (404, OK, OK, OK, OK),
        "change_status": (404, OK, OK, 403, OK),
        "link_initiatives": (404, OK, OK, OK, OK),
    },
    # The public problem recorded by ``other_organization``.
    "public_problem": {
        "view": (OK, OK, OK, OK, OK),
        "see_details": (403, OK, OK, OK, OK),
        "edit": (403, 403, 403, OK, OK),
        "endorse": (403, OK, OK, 403, 403),
        "take_responsibility": (403, OK, OK, OK, OK),
        "change_status": (403, 403, 403, OK, OK),
        "link_initiatives": (403, OK, OK, OK, OK),
    },
    # The partners-only problem, archived: only its editors know it, to restore it.
    "archived_problem": {
        "view": (404, OK, OK, 404, OK),
        "see_details": (404, OK, OK, 404, OK),
        "edit": (404, OK, OK, 404, OK),
        "endorse": (404, 403, 403, 404, 403),
        "take_responsibility": (404, 403, 403, 404, 403),
        "change_status": (404, 403, 403, 404, 403),
        "link_initiatives": (404, 403, 403, 404, 403),
    },
}


def _fetch(helper, user, *args):
    request = RequestFactory().get("/")
    request.user = user
    try:
        found = helper(request, *args)
    except Http404:
        return 404, None
    except PermissionDenied:
        return 403, None
    return OK, found


def test_problem_fetch_matrix_names_every_action():
    for actions in PROBLEM_FETCH.values():
        assert set(actions) == set(permissions.PROBLEM_ACTIONS)


@pytest.mark.parametrize("kind", list(PROBLEM_FETCH))
@pytest.mark.parametrize("role", CAST)
def test_problem_for_user_matrix(request, kind, role):
    target = request.getfixturevalue(kind)
    user = _user(request, role)
    got = {}
    for action in PROBLEM_FETCH[kind]:
        outcome, found = _fetch(permissions.problem_for_user, user, target.public_id, action)
        if outcome == OK:
            assert found.pk == target.pk
        got[action] = outcome
    expected = {action: row[CAST.index(role)] for action, row in PROBLEM_FETCH[kind].items()}
    assert got == expected


@pytest.mark.parametrize(
    ("role", "outcome"),
    [("member", OK), ("org_admin", OK), ("outsider", 403), ("coordinator", OK)],
)
def test_linked_initiative_for_user(request, problem, own_initiative, initiative, role, outcome):
    own_initiative.problems.add(problem)
    user = _user(request, role)
    _, fetched = _fetch(permissions.problem_for_user, user, problem.public_id, "view")
    got, found = _fetch(
        permissions.linked_initiative_for_user, user, fetched, own_initiative.public_id
    )
    assert got == outcome
    if outcome == OK:
        assert found == own_initiative
    # An initiative not linked to the problem is not found.
    not_linked = _fetch(permissions.linked_initiative_for_user, user, fetched, initiative.public_id)
    assert not_linked == (404, None)


@pytest.mark.parametrize(
    ("role", "confirmed", "draft"),
    [
        ("resident", 404, 404),
        ("member", OK, OK),
        ("org_admin", OK, 404),
        ("outsider", OK, 404),
        ("coordinator", OK, 404),
    ],
)
def test_walk_for_user_matrix(
    request, walk, member, organization, area, theme, role, confirmed, draft
):
    other_draft = _upload(member, organization, area, theme, title="Enkät")
    user = _user(request, role)
    for action in permissions.WALK_ACTIONS:
        assert _fetch(permissions.walk_for_user, user, walk.public_id, action)[0] == confirmed
        assert _fetch(permissions.walk_for_user, user, other_draft.public_id, action)[0] == draft


# --- 3. Through the pages: status per role, and what the database holds after each POST -------


def _assert_status(response, expected):
    if expected == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    else:
        assert response.status_code == expected, (response.status_code, expected)


# The organisation each role records, endorses or commits for (a coordinator may choose any).
ACTING_FOR = {
    "member": "organization",
    "org_admin": "organization",
    "outsider": "other_organization",
    "coordinator": "organization",
}


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("resident", LOGIN),
        ("member", 200),
        ("org_admin", 200),
        ("outsider", 200),
        ("coordinator", 200),
    ],
)
def test_list(client, request, problem, public_problem, role, status):
    response = login_as(client, request, role).get(reverse("problems:list"))
    _assert_status(response, status)
    if status == 200:
        assert problem.title in response.text and public_problem.title in response.text


@pytest.mark.parametrize("role", CAST)
def test_see_a_public_problem(client, request, public_problem, role):
    response = login_as(client, request, role).get(
        reverse("problems:detail", args=[public_problem.public_id])
    )
    assert response.status_code == 200 and public_problem.title in response.text


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("resident", 404),
        ("member", 200),
        ("org_admin", 200),
        ("outsider", 200),
        ("coordinator", 200),
    ],
)
def test_see_a_partners_only_problem(client, request, problem, role, status):
    response = login_as(client, request, role).get(
        reverse("problems:detail", args=[problem.public_id])
    )
    _assert_status(response, status)
    if status == 200:
        assert problem.title in response.text


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("resident", LOGIN),
        ("member", 302),
        ("org_admin", 302),
        ("outsider", 302),
        ("coordinator", 302),
    ],
)
def test_record(client, request, area, theme, role, status):
    login_as(client, request, role)
    _assert_status(client.get(reverse("problems:create")), 200 if status == 302 else status)
    organization = request.getfixturevalue(ACTING_FOR.get(role, "organization"))
    response = client.post(
        reverse("problems:create"),
        {
            "organization": organization.pk,
            "title": "Klotter på skolans fasad",
            "description": "Varje helg.",
            "area": area.pk,
            "themes": [theme.pk],
            "source": "partner_observation",
            "observed_on": timezone.localdate().isoformat(),
            "severity": "3",
            "visibility": "partners",
            "record_anyway": "1",
        },
    )
    _assert_status(response, status)
    recorded = Problem.objects.filter(title="Klotter på skolans fasad")
    if status == 302:
        assert recorded.get().recorded_by_organization == organization
    else:
        assert not recorded.exists()


def _edit_payload(problem, **overrides):
    problem.refresh_from_db()
    return {
        "title": problem.title,
        "description": problem.description,
        "themes": [str(t.pk) for t in problem.themes.all()],
        "severity": str(problem.severity),
        "area": str(problem.area_id),
        "source": problem.source,
        "visibility": problem.visibility,
        "version": str(problem.version),
        **overrides,
    }


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("resident", LOGIN),
        ("member", 302),
        ("org_admin", 302),
        ("outsider", 403),
        ("coordinator", 302),
    ],
)
def test_edit(client, request, problem, role, status):
    url = reverse("problems:edit", args=[problem.public_id])
    login_as(client, request, role)
    _assert_status(client.get(url), 200 if status == 302 else status)
    response = client.post(url, _edit_payload(problem, title="Trasigt lås i porten"))
    _assert_status(response, status)
    problem.refresh_from_db()
    edited = status == 302
    assert problem.title == ("Trasigt lås i porten" if edited else "Trasigt lås")
    assert problem.version == (2 if edited else 1)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("resident", LOGIN),
        ("member", 302),
        ("org_admin", 302),
        ("outsider", 403),
        ("coordinator", 302),
    ],
)
def test_archive(client, request, problem, role, status):
    response = login_as(client, request, role).post(
        reverse("problems:archive", args=[problem.public_id])
    )
    _assert_status(response, status)
    problem.refresh_from_db()
    assert (problem.archived_at is not None) is (status == 302)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("resident", LOGIN),
        ("member", 302),
        ("org_admin", 302),
        ("outsider", 404),
        ("coordinator", 302),
    ],
)
def test_restore(client, request, archived_problem, role, status):
    response = login_as(client, request, role).post(
        reverse("problems:restore", args=[archived_problem.public_id])
    )
    _assert_status(response, status)
    archived_problem.refresh_from_db()
    assert (archived_problem.archived_at is None) is (status == 302)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("resident", LOGIN),
        ("member", 403),
        ("org_admin", 403),
        ("outsider", 302),
        ("coordinator", 403),
    ],
)
def test_endorse(client, request, problem, role, status):
    response = login_as(client, request, role).post(
        reverse("problems:endorse", args=[problem.public_id]), {"note": "Vi ser det också."}
    )
    _assert_status(response, status)
    endorsers = list(
        ProblemEndorsement.objects.filter(problem=problem).values_list("organization", flat=True)
    )
    expected = [request.getfixturevalue("other_organization").pk] if status == 302 else []
    assert endorsers == expected


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("resident", LOGIN),
        ("member", 302),
        ("org_admin", 302),
        ("outsider", 302),
        ("coordinator", 302),
    ],
)
def test_take_responsibility(client, request, problem, role, status):
    organization = request.getfixturevalue(ACTING_FOR.get(role, "organization"))
    response = login_as(client, request, role).post(
        reverse("problems:responsibility", args=[problem.public_id]),
        {"organization": organization.pk, "role": "supporting", "commitment": "Vi hjälper till."},
    )
    _assert_status(response, status)
    committed = list(
        ProblemResponsibility.objects.filter(problem=problem).values_list("organization", flat=True)
    )
    assert committed == ([organization.pk] if status == 302 else [])


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("resident", LOGIN),
        ("member", 302),
        ("org_admin", 302),
        ("outsider", 403),
        ("coordinator", 302),
    ],
)
def test_change_status(client, request, problem, role, status):
    response = login_as(client, request, role).post(
        reverse("problems:status", args=[problem.public_id]),
        {"status": "being_addressed", "version": problem.version},
    )
    _assert_status(response, status)
    problem.refresh_from_db()
    assert problem.status == ("being_addressed" if status == 302 else "open")


# The initiative is led by ``organization``: its members and coordinators link it; the
# outsider is offered it (it works in the problem's area) but neither leads it nor answers
# for the problem, so the choice is refused next to the field.
@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("resident", LOGIN),
        ("member", 302),
        ("org_admin", 302),
        ("outsider", 400),
        ("coordinator", 302),
    ],
)
def test_link_an_initiative(client, request, problem, own_initiative, role, status):
    response = login_as(client, request, role).post(
        reverse("problems:link_initiative", args=[problem.public_id]),
        {"initiative": str(own_initiative.public_id)},
    )
    _assert_status(response, status)
    assert own_initiative.problems.filter(pk=problem.pk).exists() is (status == 302)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("resident", LOGIN),
        ("member", 302),
        ("org_admin", 302),
        ("outsider", 403),
        ("coordinator", 302),
    ],
)
def test_unlink_an_initiative(client, request, problem, own_initiative, member, role, status):
    services.initiative_problem_link(initiative=own_initiative, problem=problem, actor=member)
    response = login_as(client, request, role).post(
        reverse("problems:unlink_initiative", args=[problem.public_id, own_initiative.public_id])
    )
    _assert_status(response, status)
    assert own_initiative.problems.filter(pk=problem.pk).exists() is (status != 302)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("resident", LOGIN),
        ("member", 200),
        ("org_admin", 200),
        ("outsider", 200),
        ("coordinator", 200),
    ],
)
def test_history(client, request, problem, public_problem, role, status):
    login_as(client, request, role)
    for target in (problem, public_problem):
        response = client.get(reverse("problems:history", args=[target.public_id]))
        _assert_status(response, status)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("resident", LOGIN),
        ("member", 302),
        ("org_admin", 302),
        ("outsider", 302),
        ("coordinator", 302),
    ],
)
def test_import_a_walk(client, request, area, theme, role, status):
    login_as(client, request, role)
    page = 200 if status == 302 else status
    _assert_status(client.get(reverse("problems:walk_import")), page)
    _assert_status(client.get(reverse("problems:walk_template")), page)
    organization = request.getfixturevalue(ACTING_FOR.get(role, "organization"))
    response = client.post(
        reverse("problems:walk_import"),
        {
            "organization": organization.pk,
            "title": "Trygghetsvandring hösten",
            "source": "safety_walk",
            "held_on": (timezone.localdate() - dt.timedelta(days=3)).isoformat(),
            "visibility": "partners",
            "file": SimpleUploadedFile(
                "vandring.csv", _findings_csv(area, theme), content_type="text/csv"
            ),
        },
    )
    _assert_status(response, status)
    if status == 302:
        uploaded = SafetyWalk.objects.get()
        assert uploaded.imported_by == request.getfixturevalue(role)
        assert uploaded.organization == organization and uploaded.confirmed_at is None
    else:
        assert not SafetyWalk.objects.exists()
    assert not Problem.objects.exists()  # a draft until its uploader confirms it


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("resident", LOGIN),
        ("member", 302),
        ("org_admin", 404),
        ("outsider", 404),
        ("coordinator", 404),
    ],
)
def test_confirm_a_walk(client, request, draft_walk, role, status):
    login_as(client, request, role)
    _assert_status(
        client.get(reverse("problems:walk_preview", args=[draft_walk.public_id])),
        200 if status == 302 else status,
    )
    response = client.post(reverse("problems:walk_confirm", args=[draft_walk.public_id]))
    _assert_status(response, status)
    draft_walk.refresh_from_db()
    imported = status == 302
    assert (draft_walk.confirmed_at is not None) is imported
    assert list(Problem.objects.filter(walk=draft_walk).values_list("title", flat=True)) == (
        ["Mörk gångväg"] if imported else []
    )


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("resident", LOGIN),
        ("member", 200),
        ("org_admin", 200),
        ("outsider", 200),
        ("coordinator", 200),
    ],
)
def test_see_a_walk(client, request, walk, role, status):
    login_as(client, request, role)
    _assert_status(client.get(reverse("problems:walk_list")), status)
    response = client.get(reverse("problems:walk_detail", args=[walk.public_id]))
    _assert_status(response, status)
    if status == 200:
        assert walk.title in response.text and "Mörk gångväg" in response.text


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("resident", LOGIN),
        ("member", 302),
        ("org_admin", 302),
        ("outsider", 302),
        ("coordinator", 400),
    ],
)
def test_subscribe_to_the_digest(client, request, role, status):
    login_as(client, request, role)
    _assert_status(client.get(reverse("problems:digest")), 200 if role != "resident" else LOGIN)
    response = client.post(reverse("problems:digest"), {"subscribe": "on"})
    _assert_status(response, status)
    # A coordinator without an organisation has no organisation's areas to follow.
    assert ProblemDigestSubscription.objects.exists() is (status == 302)


@pytest.mark.parametrize("role", CAST)
def test_you_said_we_did(client, request, problem, public_problem, role):
    response = login_as(client, request, role).get(reverse("public_problems"))
    assert response.status_code == 200
    assert public_problem.title in response.text and problem.title not in response.text


# --- Services re-check what the user chose ------------------------------------------------------


def test_services_refuse_an_organisation_or_initiative_the_actor_may_not_choose(
    member, organization, other_organization, problem, initiative, area, theme
):
    """The form offers only allowed choices; a service called with another one refuses it
    (the organisation may have been suspended, or the actor left it, since the form)."""
    with pytest.raises(ValidationError) as refused:
        services.problem_record(
            data={"title": "x", "description": "y", "area": area, "source": "safety_walk"},
            organization=other_organization,
            actor=member,
        )
    assert "organization" in refused.value.message_dict
    with pytest.raises(ValidationError):  # its own problem: no endorsement
        services.problem_endorse(problem=problem, organization=organization, actor=member)
    with pytest.raises(ValidationError):  # not the member's organisation
        services.problem_take_responsibility(
            problem=problem,
            organization=other_organization,
            actor=member,
            role="supporting",
            commitment="Vi hjälper till.",
        )
    with pytest.raises(ValidationError):  # led by another organisation, not responsible
        services.initiative_problem_link(initiative=initiative, problem=problem, actor=member)
    parsed = csv_import.parse_findings(io.BytesIO(_findings_csv(area, theme)))
    with pytest.raises(ValidationError):
        services.walk_upload(
            actor=member,
            organization=other_organization,
            title="Vandring",
            source="safety_walk",
            held_on=timezone.localdate(),
            visibility="partners",
            rows=parsed.rows(),
        )
    assert list(Problem.objects.all()) == [problem]
    assert not ProblemEndorsement.objects.exists()
    assert not ProblemResponsibility.objects.exists()
    assert not initiative.problems.exists()
    assert not SafetyWalk.objects.exists()


def test_a_suspended_organisation_records_nothing_more(member, organization, area):
    organization.status = Organization.Status.SUSPENDED
    organization.save()
    member = type(member).objects.get(pk=member.pk)  # a fresh user: no cached organisations
    with pytest.raises(ValidationError):
        services.problem_record(
            data={"title": "x", "description": "y", "area": area, "source": "safety_walk"},
            organization=organization,
            actor=member,
        )
    assert not Problem.objects.exists()


# --- Every helper is in a matrix -------------------------------------------------------------


def test_every_public_permission_helper_is_in_a_matrix():
    public = {
        name
        for name, function in inspect.getmembers(permissions, inspect.isfunction)
        if function.__module__ == permissions.__name__ and not name.startswith("_")
    }
    rules = {function.__name__ for function, _ in ACTIONS.values()}
    fetch_helpers = {"problem_for_user", "linked_initiative_for_user", "walk_for_user"}
    assert public == rules | fetch_helpers
