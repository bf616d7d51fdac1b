"""Reads of organisations: the "who does what" directory."""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.core.paginator import Page
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Lower
from django.utils import timezone

from partnership import site
from partnership.history import history_page
from partnership.models import Area, Theme
from stakeholders.models import Invitation, Membership, Organization


def _initiatives():
    """The initiatives' manager, read through the organisation's reverse relation: the
    initiatives app sits above this one and is never imported here."""
    return Organization._meta.get_field("led_initiatives").related_model.objects


def home_stats() -> dict:
    """The home page's count of approved organisations."""
    return {"organizations": Organization.objects.approved().count()}


def directory() -> QuerySet[Organization]:
    """Approved organisations by name with their areas (names only: not the boundaries)
    and themes, in a fixed number of queries. The page's organisations get their number
    of live initiatives from :func:`with_live_initiative_counts`."""
    return (
        Organization.objects.approved()
        .prefetch_related(Prefetch("areas", queryset=Area.objects.only("pk", "name")), "themes")
        .order_by("name")
    )


def with_live_initiative_counts(organizations, *, user) -> list[Organization]:
    """``organizations`` (a page of the directory, or all of it for a download) as a list,
    each with ``live_initiative_count``: the live initiatives it leads that the user may
    see. One query grouped over those organisations' initiatives only — counting for every
    organisation with a join took 0.8 s a page at 100,000 initiatives (issue 16)."""
    organizations = list(organizations)
    counts = dict(
        _initiatives()
        .visible_to(user)
        .live()
        .filter(lead_organization__in=[organization.pk for organization in organizations])
        .order_by()
        .values_list("lead_organization")
        .annotate(Count("pk"))
    )
    for organization in organizations:
        organization.live_initiative_count = counts.get(organization.pk, 0)
    return organizations


def organization_detail_queryset(*, user, with_contacts: bool) -> QuerySet[Organization]:
    """One organisation's page: what it does, where, the initiatives the user may see (each
    with its ``timeline``, see :func:`_initiatives_with_timeline`) and, ``with_contacts``
    (the view decides who may see them), the members sharing their contact details, as
    ``shared_contacts``."""
    initiatives = (
        _initiatives_with_timeline(_initiatives().visible_to(user))
        .prefetch_related("themes", "areas", "slots")
        .order_by("-starts_on", "title")
    )
    prefetches = [
        "areas",
        "themes",
        Prefetch("led_initiatives", queryset=initiatives, to_attr="visible_initiatives"),
    ]
    if with_contacts:
        sharing = (
            Membership.objects.filter(user__is_active=True, user__share_contact_details=True)
            .select_related("user")
            .order_by("user__first_name", "user__last_name", "user__email")
        )
        prefetches.append(Prefetch("memberships", queryset=sharing, to_attr="shared_contacts"))
    return Organization.objects.approved().prefetch_related(*prefetches)


def _initiatives_with_timeline(initiatives: QuerySet) -> QuerySet:
    """Each initiative annotated with ``timeline``, where it stands today, from the model's
    states:

    - "running": live today (``Initiative.objects.live()``);
    - "planned": planned or active (``LIVE_STATUSES``) and not started yet;
    - "paused": paused and its period not over. A paused initiative is not running (a
      "running now" heading would tell a resident they can join it this week), nor planned,
      nor over (it may resume), so it gets its own group rather than a mark in another;
    - "ended": completed, cancelled, or its period is over, whatever its status.
    """
    model = initiatives.model
    today = timezone.localdate()
    running = model.objects.live(on=today).filter(pk=OuterRef("pk"))
    ended = Q(status__in=[model.Status.COMPLETED, model.Status.CANCELLED]) | Q(ends_on__lt=today)
    return initiatives.annotate(
        timeline=Case(
            When(ended, then=Value("ended")),
            When(status=model.Status.PAUSED, then=Value("paused")),
            When(Exists(running), then=Value("running")),
            default=Value("planned"),  # live statuses, starting after today
        )
    )


@dataclass(frozen=True)
class InitiativeTimeline:
    """An organisation's initiatives by where they stand today (the organisation page)."""

    running: list
    planned: list
    paused: list
    ended: list


def initiative_timeline(initiatives) -> InitiativeTimeline:
    """Initiatives annotated by :func:`_initiatives_with_timeline` (the organisation page's
    ``visible_initiatives``), grouped: running now newest start first, planned soonest start
    first, paused newest start first, ended most recently ended first. No query."""
    groups = {"running": [], "planned": [], "paused": [], "ended": []}
    for initiative in initiatives:
        groups[initiative.timeline].append(initiative)
    groups["planned"].sort(key=lambda initiative: (initiative.starts_on, initiative.title))
    groups["ended"].sort(
        key=lambda initiative: initiative.ends_on or initiative.starts_on, reverse=True
    )
    return InitiativeTimeline(**groups)


@dataclass(frozen=True)
class MatrixRow:
    organization: Organization
    cells: list  # [(column, bool)] in column order


@dataclass(frozen=True)
class Matrix:
    columns: list
    rows: list[MatrixRow]


MATRIX_DIMENSIONS = ("themes", "areas")


def directory_matrix(*, organizations, dimension: str) -> Matrix:
    """Who works on what, where: a page of directory organisations (with ``areas`` and
    ``themes`` prefetched, as :func:`directory` does) against every theme or every area.
    One query for the columns, whatever the number of rows."""
    if dimension not in MATRIX_DIMENSIONS:
        raise ValueError(dimension)
    columns = list(
        Theme.objects.all() if dimension == "themes" else Area.objects.only("pk", "name")
    )
    rows = []
    for organization in organizations:
        linked = {item.pk for item in getattr(organization, dimension).all()}
        rows.append(MatrixRow(organization, [(column, column.pk in linked) for column in columns]))
    return Matrix(columns=columns, rows=rows)


# Mina sidor lists at most this many of each organisation's initiatives (newest period
# first) and links to the list of them all: an organisation may lead hundreds.
MY_ORGANIZATION_INITIATIVES = 20


def memberships_of(*, user) -> QuerySet:
    """The user's memberships with their organisations, by the organisation's name (their
    initiatives: :func:`led_initiatives`)."""
    return (
        Membership.objects.filter(user=user)
        .select_related("organization")
        .order_by("organization__name")
    )


def led_initiatives(*, organizations) -> dict[int, list]:
    """The initiatives each organisation leads (not archived), by organisation id: the
    newest ``MY_ORGANIZATION_INITIATIVES`` and one more, which says there are more. One
    query for all of them."""
    organizations = list(organizations)
    initiatives = _initiatives().active().order_by("-starts_on", "title", "pk")
    initiatives = initiatives[: MY_ORGANIZATION_INITIATIVES + 1]
    prefetch_related_objects(
        organizations,
        Prefetch("led_initiatives", queryset=initiatives, to_attr="current_initiatives"),
    )
    return {organization.pk: organization.current_initiatives for organization in organizations}


def sole_admin_organizations(*, user) -> QuerySet[Organization]:
    """Organisations where the user is the only administrator: they must hand the role over
    before they can delete their account."""
    others = Membership.objects.filter(
        organization=OuterRef("pk"), role=Membership.Role.ADMIN
    ).exclude(user=user)
    mine = Membership.objects.filter(organization=OuterRef("pk"), user=user, role="admin")
    return Organization.objects.filter(Exists(mine)).exclude(Exists(others)).order_by("name")


def account_data(*, user) -> dict:
    """Everything the portal stores about the user, for "download my data": the account,
    email addresses, whether two-factor is on, memberships, and what they created or wrote.
    Never password hashes, tokens or two-factor secrets."""
    emails = list(EmailAddress.objects.filter(user=user).values("email", "verified", "primary"))
    addresses = {row["email"].lower() for row in emails} | {user.email.lower()}
    invitation_fields = ("email", "role", "created_at", "expires_at", "accepted_at", "revoked_at")
    methods = sorted(Authenticator.objects.filter(user=user).values_list("type", flat=True))
    return {
        "user": {
            field: getattr(user, field)
            for field in (
                "email",
                "first_name",
                "last_name",
                "phone",
                "title",
                "language",
                "share_contact_details",
                "is_coordinator",
                "date_joined",
                "last_login",
            )
        },
        "email_addresses": emails,
        "two_factor_authentication": {"enabled": bool(methods), "methods": methods},
        "memberships": list(
            Membership.objects.filter(user=user)
            .order_by("organization__name")
            .values(
                "role",
                "created_at",
                organization_name=F("organization__name"),
                organization_slug=F("organization__slug"),
            )
        ),
        "invitations_sent": list(
            Invitation.objects.filter(invited_by=user)
            .order_by("created_at")
            .values(*invitation_fields, organization_name=F("organization__name"))
        ),
        "invitations_received": list(
            Invitation.objects.annotate(email_lower=Lower("email"))
            .filter(email_lower__in=addresses)
            .order_by("created_at")
            .values(*invitation_fields, organization_name=F("organization__name"))
        ),
        # What the user did in the apps above this one (initiatives, problems).
        **site.account_data.collect(user=user),
    }


# --- Organisation profile, members and invitations -------------------------------------------


def organization_members(*, organization) -> QuerySet:
    """The organisation's members with their accounts, admins first, then by name."""
    return (
        Membership.objects.filter(organization=organization)
        .select_related("user")
        .order_by("role", "user__first_name", "user__last_name", "user__email")
    )


def organization_open_invitations(*, organization) -> QuerySet:
    """Invitations not yet accepted or revoked (expired ones too: they can be resent)."""
    return (
        Invitation.objects.filter(
            organization=organization, accepted_at__isnull=True, revoked_at__isnull=True
        )
        .select_related("invited_by")
        .order_by("email")
    )


# --- Coordinator pages --------------------------------------------------------------------------


def organizations_by_status(*, status: str) -> QuerySet[Organization]:
    """The coordinator's list: organisations with one status, oldest application first for
    pending ones, by name otherwise."""
    ordering = ["created_at", "pk"] if status == Organization.Status.PENDING else ["name"]
    return Organization.objects.filter(status=status).order_by(*ordering)


def organization_for_coordinator() -> QuerySet[Organization]:
    """Any organisation, whatever its status, with its areas, themes and members."""
    return Organization.objects.prefetch_related(
        "areas",
        "themes",
        Prefetch(
            "memberships",
            queryset=Membership.objects.select_related("user").order_by("role", "user__email"),
        ),
    )


def users_for_coordinator(*, query: str = "") -> QuerySet:
    """Users matching an email or name, with their organisations and whether they use
    two-factor authentication."""
    users = get_user_model().objects.all()
    for word in query.split():
        users = users.filter(
            Q(email__icontains=word) | Q(first_name__icontains=word) | Q(last_name__icontains=word)
        )
    return (
        users.annotate(
            has_totp=Exists(
                Authenticator.objects.filter(user=OuterRef("pk"), type=Authenticator.Type.TOTP)
            )
        )
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("organization").order_by(
                    "organization__name"
                ),
            )
        )
        .order_by("email")
    )


# --- History ------------------------------------------------------------------------------------

# Columns that say nothing to a reader of the history.
_HISTORY_HIDDEN = {"id", "created_at", "updated_at", "version", "organization_id"}


def organization_history(*, organization, reader, page_number=None) -> Page:
    """Every recorded change to an organisation, its area and theme links, its memberships
    (roles) and its invitations: who, when, and each field before and after, as ``reader``
    may see them. Newest first, paginated, in a fixed number of queries."""
    return history_page(
        obj=organization,
        reader=reader,
        tracked=[Organization, Membership, Invitation],
        links=["areas", "themes"],
        hidden=_HISTORY_HIDDEN,
        page_number=page_number,
    )
