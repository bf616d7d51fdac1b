"""The permission sweep: every URL pattern of the URLconf, filled from planted objects,
requested by GET and POST, in Swedish and English, as each role of the cast — plus a
coordinator without the second factor, a member of a suspended organisation and an admin of
a pending one. It fails on

- a pattern it cannot fill (a new parameter name: add it to ``fill`` in the ``world``
  fixture), so a new URL is swept without anyone remembering to add it;
- any 500;
- a coordinator-only view (``coordinator_required``, partnership/permissions.py) or an admin
  page answering anyone but a coordinator with the second factor (or, for the admin, staff)
  with anything but a refusal: 403, 404, 405, or a redirect to log in or to the second factor;
- a response showing what the role may not see (``SECRETS``: a partners-only initiative and
  problem, an archived initiative, a pending organisation's name) — what
  ``Initiative.objects.visible_to`` and the apps' permissions modules allow;
- a POST by a role without rights over the planted organisation that changed its
  initiatives, problems, members, invitations, any organisation's status or anyone's role.

Each request runs in a savepoint that is rolled back, so every request sees the same world
(and a logout or a deletion does not end the sweep). Each role requests each URL by GET in
one language and by POST in the other (alternating between roles), so that the sweep stays
well under a minute on an idle CI machine; the admin, the same views under both prefixes,
in Swedish only.
"""

import contextlib
import json
import re
import time
import uuid
from dataclasses import dataclass
from http.cookies import SimpleCookie

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern
from django.utils import timezone, translation

from initiatives import services as initiative_services
from initiatives.models import Initiative
from partnership.coordination.exports import TABLES
from partnership.problems.models import Problem, SafetyWalk
from partnership.residents.models import ResidentReport
from stakeholders import services as stakeholder_services
from stakeholders.models import Invitation, Membership, Organization, User
from tests import factories
from tests.coordination.publication_pages import plant_publications
from tests.helpers import login_with_second_factor

pytestmark = pytest.mark.django_db

ROLES = [
    "resident",
    "member",
    "org_admin",
    "outsider",
    "coordinator",
    "coordinator_without_mfa",
    "suspended_member",
    "pending_admin",
]
# Roles with no right over the planted organisation's things: a POST of theirs changes none.
NO_RIGHTS = {"resident", "outsider", "coordinator_without_mfa", "suspended_member", "pending_admin"}
NOT_PARTNERS = {"resident", "coordinator_without_mfa", "suspended_member", "pending_admin"}

PARTNERS_ONLY_INITIATIVE = "Hemlig kvällsinsats"
PARTNERS_ONLY_PROBLEM = "Hemligt problem vid torget"
ARCHIVED_INITIATIVE = "Arkiverad läxhjälp"
PENDING_ORGANIZATION = "Väntande Förening"
RESIDENT_TEXT = "Hemlig boendetext vid porten"  # a resident's report: partners read it
OBSERVATION_NOTE = "Hemlig händelse vid tunneln"  # an observation: partners only (obslog)
# What each role must never be shown.
SECRETS = {
    role: (
        (
            {PARTNERS_ONLY_INITIATIVE, PARTNERS_ONLY_PROBLEM, RESIDENT_TEXT, OBSERVATION_NOTE}
            if role in NOT_PARTNERS
            else set()
        )
        | ({ARCHIVED_INITIATIVE} if role not in {"member", "org_admin", "coordinator"} else set())
        | ({PENDING_ORGANIZATION} if role not in {"pending_admin", "coordinator"} else set())
    )
    for role in ROLES
}


@dataclass(frozen=True)
class Leaf:
    patterns: tuple
    namespaces: tuple
    name: str | None
    callback: object

    @property
    def label(self) -> str:
        return (
            ":".join([*self.namespaces, self.name or "?"])
            + " "
            + "".join(
                str(getattr(p, "_route", None) or getattr(p, "_regex", "")) for p in self.patterns
            )
        )


def url_leaves(patterns=None, prefix=(), namespaces=()):
    """Every URL pattern of the URLconf, with the patterns and namespaces above it."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            yield from url_leaves(
                pattern.url_patterns,
                (*prefix, pattern.pattern),
                (*namespaces, pattern.namespace) if pattern.namespace else namespaces,
            )
        elif isinstance(pattern, URLPattern):
            yield Leaf((*prefix, pattern.pattern), namespaces, pattern.name, pattern.callback)


class CannotFill(Exception):
    pass


ROUTE_PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")
REGEX_GROUP = re.compile(r"\(\?P<(\w+)>(?:[^()]|\([^()]*\))*\)")


def build_url(leaf: Leaf, fill) -> str:
    """The leaf's URL in the active language, parameters filled by ``fill(leaf, name)``."""
    parts = []
    for pattern in leaf.patterns:
        if isinstance(pattern, LocalePrefixPattern):
            parts.append(pattern.language_prefix)
        elif isinstance(pattern, RoutePattern):
            parts.append(
                ROUTE_PARAMETER.sub(lambda m: str(fill(leaf, m.group(1))), str(pattern._route))
            )
        elif isinstance(pattern, RegexPattern):
            text = REGEX_GROUP.sub(lambda m: str(fill(leaf, m.group(1))), str(pattern._regex))
            text = text.removeprefix("^").removesuffix("$").replace("\\.", ".")
            if re.search(r"[\\()\[\]*+?|{}^$]", text):
                raise CannotFill(f"{leaf.label}: a regular expression the sweep cannot fill")
            parts.append(text)
        else:
            raise CannotFill(f"{leaf.label}: an unknown kind of pattern {pattern!r}")
    return "/" + "".join(parts)


def is_i18n(leaf: Leaf) -> bool:
    return any(isinstance(p, LocalePrefixPattern) for p in leaf.patterns)


def is_coordinator_only(leaf: Leaf) -> bool:
    return getattr(leaf.callback, "coordinator_only", False)


def is_admin(leaf: Leaf) -> bool:
    return "admin" in leaf.namespaces


@pytest.fixture
def world(organization, other_organization, member, org_admin, outsider):
    """The planted objects the URLs are filled from, and the extra roles."""
    theme, area = factories.ThemeFactory(), factories.AreaFactory()
    secret = factories.InitiativeFactory(
        title=PARTNERS_ONLY_INITIATIVE,
        lead_organization=organization,
        visibility="partners",
        themes=[theme],
        areas=[area],
    )
    factories.InitiativeFactory(title="Öppen nattvandring", lead_organization=organization)
    archived = factories.InitiativeFactory(
        title=ARCHIVED_INITIATIVE, lead_organization=organization
    )
    initiative_services.initiative_archive(initiative=archived, actor=org_admin)
    join_request = initiative_services.join_request_create(
        initiative=secret, organization=other_organization, requested_by=outsider, message="Hej"
    )
    problem = factories.ProblemFactory(
        title=PARTNERS_ONLY_PROBLEM,
        recorded_by_organization=organization,
        visibility="partners",
        area=area,
    )
    walk = SafetyWalk.objects.create(
        title="Vandring i centrum",
        held_on=timezone.localdate(),
        area=area,
        organization=organization,
        imported_by=member,
    )
    invitation = stakeholder_services.invitation_create(
        organization=organization,
        email="ny.kollega@example.org",
        role="member",
        invited_by=org_admin,
        language="sv",
    )
    pending = factories.OrganizationFactory(name=PENDING_ORGANIZATION, status="pending")
    pending_admin = factories.UserFactory(email="pending.admin@example.org")
    factories.MembershipFactory(user=pending_admin, organization=pending, role="admin")
    suspended = factories.OrganizationFactory(name="Avstängda AB", status="suspended")
    suspended_member = factories.UserFactory(email="suspended.member@example.org")
    factories.MembershipFactory(user=suspended_member, organization=suspended)
    coordinator = factories.UserFactory(email="sweep.coordinator@example.org", is_coordinator=True)
    coordinator_without_mfa = factories.UserFactory(
        email="sweep.password.only@example.org", is_coordinator=True
    )
    meeting = None
    if apps.is_installed("partnership.meetings"):
        meeting = apps.get_model("meetings", "Meeting").objects.create(
            kind="operative",
            place="Vårby gårds bibliotek",
            starts_at=timezone.now() + timezone.timedelta(days=2),
            ends_at=timezone.now() + timezone.timedelta(days=2, hours=1),
        )
    users = {
        "member": member,
        "org_admin": org_admin,
        "outsider": outsider,
        "coordinator": coordinator,
        "coordinator_without_mfa": coordinator_without_mfa,
        "suspended_member": suspended_member,
        "pending_admin": pending_admin,
    }
    resident_report = ResidentReport.objects.create(
        kind="unsafe",
        area=area,
        reasons=["badly_lit"],
        text=RESIDENT_TEXT,
        created_on=timezone.localdate(),
    )
    # An observation logged by a reporter of the organisation (obslog).
    observation = factories.ObservationFactory(
        organization=organization, area=area, reported_by=member, note=OBSERVATION_NOTE
    )
    # Published situation pictures (publish): one residents see, and a coordinator's draft.
    publications = plant_publications(coordinator, area=area)
    missing = uuid.uuid4()
    fill = {
        # Publishing to residents (publish): the draft's pages and buttons, the public page.
        ("coordinator", "publication", "public_id"): publications["draft"].public_id,
        ("coordinator", "publication_edit", "public_id"): publications["draft"].public_id,
        ("coordinator", "publication_action", "public_id"): publications["draft"].public_id,
        ("coordinator", "publication_action", "action"): "publish",
        (None, "situation_report", "public_id"): publications["published"].public_id,
        # (namespace, url name, parameter) first, then (namespace, parameter), then parameter.
        ("problems", "walk_detail", "public_id"): walk.public_id,
        ("problems", "walk_preview", "public_id"): walk.public_id,
        ("problems", "walk_confirm", "public_id"): walk.public_id,
        ("problems", "public_id"): problem.public_id,
        (None, "public_problem", "public_id"): problem.public_id,  # "Ni sa, vi gjorde"
        ("problems", "initiative_id"): secret.public_id,
        ("initiatives", "slug"): secret.slug,
        ("initiatives", "public_id"): join_request.public_id,
        ("initiatives", "token"): "not-a-signed-token",  # the delivery log's email link
        ("initiatives", "session"): "20260102-1000",  # a session: date and start
        ("stakeholders", "slug"): organization.slug,
        ("stakeholders", "token"): invitation.token,
        ("coordinator", "slug"): pending.slug,
        ("coordinator", "action"): "grant",
        ("coordinator", "public_id"): missing,  # an import's draft: its uploader's only
        ("meetings", "public_id"): meeting.public_id if meeting else missing,
        ("meetings", "action"): "up",
        ("residents", "open311_key_revoke", "public_id"): missing,
        ("residents", "public_id"): resident_report.public_id,
        ("observations", "public_id"): observation.public_id,
        ("observations", "reporters", "slug"): organization.slug,
        ("observations", "slug"): "klotter",  # a category
        ("observations", "pk"): 999_999,  # an import's preview: its uploader's only (obspattern)
        ("open311", "service_code"): theme.slug,
        ("open311", "service_request_id"): problem.public_id,
        ("open311", "rest"): "nothing.json",
        ("hsds", "id"): secret.public_id,  # HSDS: a partners-only service, 404 for all
        ("admin", "object_id"): organization.pk,
        ("admin", "id"): member.pk,
        ("admin", "url"): "nothing/",
        "area": area.slug,
        "decision": "approve",
        "table": next(iter(TABLES)),
        "section": "initiatives",
        "item_id": 999_999,
        "decision_id": 999_999,
        "kind": "task",
        "app_label": "stakeholders",
        "content_type_id": ContentType.objects.get_for_model(Organization).pk,
        "key": "sweep-key",
        "uidb36": "1",
        "sheet": "organizations",  # the import templates
    }
    return {"users": users, "fill": fill, "organization": organization}


def make_filler(table):
    def fill(leaf: Leaf, name: str):
        namespace = leaf.namespaces[0] if leaf.namespaces else None
        for key in ((namespace, leaf.name, name), (namespace, name), name):
            if key in table:
                return table[key]
        raise CannotFill(f"{leaf.label}: no value for the parameter {name!r}")

    return fill


def _digest(queryset, *fields) -> str:
    """The SQL of a digest of the queryset's rows (one query for all of them, below)."""
    sql, params = queryset.order_by("pk").values_list(*fields).query.sql_with_params()
    return f"(SELECT md5(string_agg(t::text, ',')) FROM ({sql}) t)", params


def fingerprint(organization) -> tuple:
    """What a role without rights over the planted organisation must not change: its
    initiatives and problems, every membership and invitation, every organisation's status
    and everyone's role — as one query, since it runs after thousands of POSTs."""
    parts = [
        _digest(
            Initiative.objects.filter(lead_organization=organization),
            "pk",
            "version",
            "status",
            "visibility",
            "archived_at",
        ),
        _digest(
            Problem.objects.filter(recorded_by_organization=organization),
            "pk",
            "version",
            "status",
            "visibility",
            "archived_at",
        ),
        _digest(Membership.objects.all(), "pk", "user_id", "role"),
        _digest(Invitation.objects.all(), "pk", "revoked_at", "accepted_at"),
        _digest(Organization.objects.all(), "pk", "status"),
        _digest(User.objects.all(), "pk", "is_coordinator", "is_active"),
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT " + ", ".join(sql for sql, _ in parts),
            [param for _, params in parts for param in params],
        )
        return cursor.fetchone()


# Where a refusal may send someone: to log in, to the second factor, or (the admin's logout,
# open to anyone) to the admin's index, which refuses in turn.
REFUSAL_REDIRECTS = (
    "account_login",
    "mfa_activate_totp",
    "mfa_reauthenticate",
    "admin:login",
    "admin:index",
)


def refusal_paths() -> set[str]:
    paths = set()
    for language in ("sv", "en"):
        with translation.override(language):
            for name in REFUSAL_REDIRECTS:
                paths.add(reverse(name))
    return paths


class _Rollback(Exception):
    pass


def body_text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    text = content.decode("utf-8", errors="ignore")
    if "json" in response.get("Content-Type", ""):
        # JSON may write "ä" as "\u00e4": read it as the words it says.
        with contextlib.suppress(ValueError):
            text = json.dumps(json.loads(text), ensure_ascii=False)
    return text


def test_permission_sweep(world):
    started = time.monotonic()
    fill = make_filler(world["fill"])
    leaves = list(url_leaves())
    problems, unfillable = [], []
    urls = []  # (leaf, {language: url})
    for leaf in leaves:
        # The admin's pages are the same views under /en/admin/: swept in Swedish only.
        languages = ("sv", "en") if is_i18n(leaf) and not is_admin(leaf) else ("sv",)
        try:
            built = {}
            for language in languages:
                with translation.override(language):
                    built[language] = build_url(leaf, fill)
            urls.append((leaf, built))
        except CannotFill as error:
            unfillable.append(str(error))
    refusals = refusal_paths()
    before = fingerprint(world["organization"])

    clients = {}
    for role in ROLES:
        client = Client()
        if role == "coordinator":
            login_with_second_factor(client, world["users"][role])
        elif role != "resident":
            client.force_login(world["users"][role])
        clients[role] = client
    session_cookies = {
        role: client.cookies.get(settings.SESSION_COOKIE_NAME) for role, client in clients.items()
    }

    requests = 0
    spent = {}
    for number, (role, client) in enumerate(clients.items()):
        for leaf, built in urls:
            for method in ("get", "post"):
                # Each role requests each URL once in Swedish and once in English: GET in one
                # language and POST in the other, alternating between roles (the views and
                # templates are the same; the routes and the words differ). Half the requests
                # of every language × every method, and still every pair in both languages.
                language = ("sv", "en")[(number + (method == "post")) % 2]
                url = built.get(language) or built["sv"]
                requests += 1
                clock = time.monotonic()
                where = f"{role} {method.upper()} {url} ({leaf.label})"
                try:
                    with transaction.atomic():
                        with translation.override(language):
                            response = getattr(client, method)(url)
                        text = body_text(response)
                        problems.extend(judge(role, method, leaf, response, text, refusals, where))
                        changed = method == "post" and role in NO_RIGHTS
                        if changed and fingerprint(world["organization"]) != before:
                            problems.append(f"{where}: a POST without rights changed data")
                        raise _Rollback
                except _Rollback:
                    pass
                except Exception as error:  # noqa: BLE001 - every failure is reported
                    problems.append(f"{where}: {type(error).__name__}: {error}")
                spent[leaf.label] = spent.get(leaf.label, 0) + time.monotonic() - clock
                # Whatever the request did to the session (a logout), the role stays logged in.
                client.cookies = SimpleCookie()
                if session_cookies[role] is not None:
                    client.cookies[settings.SESSION_COOKIE_NAME] = session_cookies[role].value

    elapsed = time.monotonic() - started
    print(
        f"\nPermission sweep: {len(leaves)} URL patterns "
        f"({sum(len(built) for _, built in urls)} URLs with their languages) × {len(ROLES)} "
        f"roles × GET/POST = {requests} requests in {elapsed:.1f} s"
    )
    slowest = sorted(spent.items(), key=lambda item: -item[1])[:5]
    print("\n".join(f"{seconds:6.2f} s  {label}" for label, seconds in slowest))
    assert not unfillable, "\n".join(unfillable)
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:80])
    assert requests > 3000, "the sweep swept far fewer URLs than the portal has"


def judge(role, method, leaf, response, text, refusals, where) -> list[str]:
    found = []
    status = response.status_code
    if status >= 500:
        found.append(f"{where}: {status}")
    guarded = (is_coordinator_only(leaf) and role != "coordinator") or is_admin(leaf)
    if guarded:
        location = response.get("Location", "").split("?")[0]
        refused = status in (403, 404, 405) or (status == 302 and location in refusals)
        if not refused:
            found.append(f"{where}: answered {status} {location} to a role without the right")
    shown = [secret for secret in SECRETS[role] if secret in text]
    if shown:
        found.append(f"{where}: shows {shown}")
    return found
