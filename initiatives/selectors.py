"""Reads of initiatives, with everything each page needs fetched up front."""

from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Page
from django.db.models import F, Lookup, Prefetch, Q, QuerySet, prefetch_related_objects

from initiatives import figures
from initiatives.models import (
    Initiative,
    InitiativeUpdate,
    JoinRequest,
    ScheduleSlot,
    problem_model,
)
from partnership.history import history_page
from partnership.models import Visibility
from partnership.permissions import (
    acting_organizations,
    is_coordinator,
    is_partner,
    partner_organization_ids,
)
from stakeholders.models import Organization

# --- What the shared pages show (registered in apps.py) -----------------------------------------


def home_stats() -> dict:
    """The home page's counts of public initiatives, all and current (planned or active,
    not ended: the list page's default, so the number and the list it links to agree),
    kept in the cache until a write changes them (``figures``)."""
    counts = figures.public_counts()
    return {
        "initiatives": counts["initiatives"],
        "live_initiatives": counts["current_initiatives"],
    }


def account_data(*, user) -> dict:
    """What "download my data" holds about the initiatives a user registered, the updates
    they wrote and the requests to join they sent."""
    return {
        "initiatives_created": list(
            Initiative.objects.filter(created_by=user)
            .order_by("created_at")
            .values(
                "title",
                "slug",
                "created_at",
                "archived_at",
                lead_organization_name=F("lead_organization__name"),
            )
        ),
        "initiative_updates_written": list(
            InitiativeUpdate.objects.filter(author=user)
            .order_by("created_at")
            .values(
                "happened_on",
                "text",
                "created_at",
                initiative_title=F("initiative__title"),
                organization_name=F("organization__name"),
            )
        ),
        "requests_to_join_sent": list(
            JoinRequest.objects.filter(requested_by=user)
            .order_by("created_at")
            .values(
                "message",
                "status",
                "answer",
                "created_at",
                "decided_at",
                initiative_title=F("initiative__title"),
                organization_name=F("organization__name"),
            )
        ),
    }


# --- Finding initiatives ------------------------------------------------------------------------


def initiative_list(*, user) -> QuerySet[Initiative]:
    """Initiatives the user may see, newest period first, ready for a list page
    (a fixed number of queries whatever the page size)."""
    return (
        Initiative.objects.visible_to(user)
        .select_related("lead_organization")
        .prefetch_related("themes", "areas", "slots")
        .order_by("-starts_on", "title")
    )


def initiative_detail_prefetches(*, user) -> list:
    """What one initiative's page shows besides the row: organisations, vocabulary,
    schedule and the updates the user may read (partners-only updates only for partners)."""
    updates = InitiativeUpdate.objects.select_related("organization").order_by("-happened_on")
    if not is_partner(user):
        updates = updates.filter(visibility=Visibility.PUBLIC)
    # The problems it addresses that the user may see (area-level place only on the page).
    problems = problem_model().objects.visible_to(user).select_related("area").order_by("title")
    # A pending or suspended partner organisation is named to coordinators only (its
    # directory page is a 404 to everyone else).
    partners = Organization.objects.order_by("name")
    if not is_coordinator(user):
        partners = partners.approved()
    return [
        Prefetch("partner_organizations", queryset=partners),
        "themes",
        "target_groups",
        "areas",
        "slots",
        Prefetch("updates", queryset=updates, to_attr="visible_updates"),
        Prefetch("problems", queryset=problems, to_attr="visible_problems"),
    ]


def initiative_detail_queryset(*, user) -> QuerySet[Initiative]:
    """For one initiative's page, among those the user may see."""
    return (
        Initiative.objects.visible_to(user)
        .select_related("lead_organization")
        .prefetch_related(*initiative_detail_prefetches(user=user))
    )


# --- Maintaining initiatives ---------------------------------------------------------------------


def initiative_for_page(*, slug: str, user) -> Initiative | None:
    """One initiative among ``visible_to(user)`` for its page, with what
    ``initiative_detail_prefetches`` lists; None when it is not among them (its editors also
    reach an archived one: ``permissions.initiative_for_user`` decides)."""
    return initiative_detail_queryset(user=user).filter(slug=slug).first()


def archived_initiative(*, slug: str) -> Initiative | None:
    """One archived initiative with its lead organisation (what the rules look at); the
    caller decides who may know it, then fetches its page with
    :func:`initiative_page_prefetch`."""
    return (
        Initiative.objects.filter(slug=slug, archived_at__isnull=False)
        .select_related("lead_organization")
        .first()
    )


def initiative_page_prefetch(*, initiative: Initiative, user) -> Initiative:
    """What the page of an initiative already in hand shows (``initiative_detail_prefetches``)."""
    prefetch_related_objects([initiative], *initiative_detail_prefetches(user=user))
    return initiative


def initiative_for_maintenance(*, slug: str) -> Initiative | None:
    """One initiative, archived or not, with what the permission rules look at (the lead
    and partner organisations); the caller decides who may know and act on it."""
    return (
        Initiative.objects.filter(slug=slug)
        .select_related("lead_organization")
        .prefetch_related("partner_organizations")
        .first()
    )


# Columns that say nothing to a reader of an initiative's history.
_HISTORY_HIDDEN = {"id", "initiative_id", "created_at", "updated_at", "version", "public_id"}


def initiative_history(*, initiative: Initiative, reader, page_number=None) -> Page:
    """Every recorded change to an initiative, its links (themes, areas, target groups,
    problems, partner organisations), its schedule and its progress updates: who, when, and
    each field before and after, as ``reader`` may see them (``history.history_page``).
    Newest first, paginated, in a fixed number of queries (the events, then one query per
    kind of thing they refer to)."""
    return history_page(
        obj=initiative,
        reader=reader,
        tracked=[Initiative, InitiativeUpdate, ScheduleSlot],
        links=["themes", "target_groups", "areas", "partner_organizations", "problems"],
        hidden=_HISTORY_HIDDEN,
        page_number=page_number,
    )


# --- Asking to join as a partner organisation ----------------------------------------------------


def join_requests_for_page(*, initiative: Initiative, user, deciding: bool) -> dict:
    """What the initiative's page shows about requests to join, in at most two queries:
    ``waiting`` — the requests waiting for an answer, when the user answers them
    (``deciding``: the caller asked ``permissions.can_decide_join_request``); ``mine`` — the
    latest request of each of the user's organisations, so a requester sees where they
    stand; ``mine_waiting`` — whether one of those still waits (the page then offers no
    second request)."""
    requests = JoinRequest.objects.filter(initiative=initiative).select_related(
        "organization", "requested_by"
    )
    waiting = []
    if deciding:
        waiting = list(requests.filter(status=JoinRequest.Status.PENDING).order_by("created_at"))
    mine = {}
    organization_ids = partner_organization_ids(user)
    if organization_ids:
        for join_request in requests.filter(organization_id__in=organization_ids):
            mine.setdefault(join_request.organization_id, join_request)  # newest first
    mine = list(mine.values())
    return {
        "waiting": waiting,
        "mine": mine,
        "mine_waiting": any(r.status == JoinRequest.Status.PENDING for r in mine),
    }


def join_request_for_decision(*, initiative: Initiative, public_id) -> JoinRequest | None:
    return (
        JoinRequest.objects.filter(initiative=initiative, public_id=public_id)
        .select_related("organization", "requested_by")
        .first()
    )


# --- Registering and editing ---------------------------------------------------------------------

# The register form offers the newest open problems only: a page with every problem of a
# large municipality would weigh megabytes; older ones are linked from the problem's page.
PROBLEM_CHOICES = 200


def initiative_form_choices(*, user, initiative: Initiative | None = None) -> dict:
    """What the register and edit form may offer the user (``forms.InitiativeForm``):

    - ``lead_organizations``: the organisations the user acts for (``acting_organizations``);
      an editor keeps the current lead even if it is no longer approved;
    - ``partner_organizations``: approved organisations other than the lead;
    - ``problems``: the open problems the user may see, plus those already linked; the list
      box shows ``problem_options`` of them: the newest ``PROBLEM_CHOICES`` and the linked
      ones (the problem picker searches them all: ``problem_choices_matching``)."""
    lead = acting_organizations(user)
    partners = Organization.objects.approved().order_by("name")
    problems = problem_model().objects.visible_to(user).open()
    allowed = Q(pk__in=problems.values("pk"))
    wanted = Q(pk__in=problems.order_by("-created_at").values("pk")[:PROBLEM_CHOICES])
    if initiative is not None:
        lead = (lead | Organization.objects.filter(pk=initiative.lead_organization_id)).order_by(
            "name"
        )
        partners = partners.exclude(pk=initiative.lead_organization_id)
        linked = Q(pk__in=initiative.problems.values("pk"))
        wanted, allowed = wanted | linked, allowed | linked
    elif len(lead) == 1:
        partners = partners.exclude(pk=lead[0].pk)
    return {
        "lead_organizations": lead,
        "partner_organizations": partners,
        "problems": problem_model().objects.filter(allowed).order_by("title"),
        "problem_options": problem_model().objects.filter(wanted).order_by("title"),
    }


PICKER_RESULTS = 20
# The problem search answers from three characters: the trigram index needs them (a shorter
# text that matches nothing would read every problem: ~100 ms at 33,333 problems).
PROBLEM_SEARCH_MIN = 3


class _ILikeContains(Lookup):
    """``column ILIKE '%text%'`` with ``text`` escaped: unlike Django's ``icontains``
    (``UPPER(column) LIKE UPPER(...)``) it can use the trigram GIN index on the column."""

    lookup_name = "ilike_contains"

    def get_prep_lookup(self):
        escaped = self.rhs.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return f"%{escaped}%"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} ILIKE {rhs}", (*lhs_params, *rhs_params)


def organization_choices_matching(*, text: str) -> list[dict]:
    """The partner picker's answers: approved organisations (the form's choices) whose name
    contains ``text``, those starting with it first, at most ``PICKER_RESULTS``."""
    found = (
        Organization.objects.approved()
        .filter(_ILikeContains(F("name"), text))
        .annotate(starts=Q(name__istartswith=text))
        .order_by("-starts", "name")
        .values("pk", "name")[:PICKER_RESULTS]
    )
    return [{"id": row["pk"], "label": row["name"]} for row in found]


def problem_choices_matching(*, user, text: str) -> list[dict]:
    """The problem picker's answers: open problems the user may see whose title contains
    ``text`` (all of them, not only the newest ``PROBLEM_CHOICES`` the list box offers),
    newest first, at most ``PICKER_RESULTS``; nothing for fewer than ``PROBLEM_SEARCH_MIN``
    characters."""
    if len(text) < PROBLEM_SEARCH_MIN:
        return []
    found = (
        problem_model()
        .objects.visible_to(user)
        .open()
        .filter(_ILikeContains(F("title"), text))
        .order_by("-created_at", "-pk")
        .values("pk", "title")[:PICKER_RESULTS]
    )
    return [{"id": row["pk"], "label": row["title"]} for row in found]


def initiative_for_edit(*, slug: str) -> Initiative | None:
    """One initiative, archived or not, with everything its edit form shows (links and
    slots); the caller decides who may know and edit it."""
    return (
        Initiative.objects.filter(slug=slug)
        .select_related("lead_organization")
        .prefetch_related(
            "partner_organizations", "themes", "target_groups", "areas", "problems", "slots"
        )
        .first()
    )


# --- Public map, feeds and open data ------------------------------------------------------------


def public_initiatives() -> QuerySet[Initiative]:
    """``Initiative.objects.public()`` with what the open data, CSV and calendar feeds show
    (organisations, vocabulary, areas, weekly times): a fixed number of queries for any
    number of rows. Newest period first, like the list page."""
    return initiative_exports(user=AnonymousUser())


def initiative_exports(*, user) -> QuerySet[Initiative]:
    """What the list's CSV, spreadsheet and calendar feed hold: the initiatives the list
    shows the user (``visible_to``; a resident's are the public ones), with what
    their organisations (a suspended partner organisation is not named), vocabulary, areas
    and weekly times, newest period first."""
    partners = Organization.objects.approved().order_by("name")
    return (
        Initiative.objects.visible_to(user)
        .select_related("lead_organization")
        .prefetch_related(
            Prefetch("partner_organizations", queryset=partners),
            "themes",
            "target_groups",
            "areas",
            "slots",
        )
        .order_by("-starts_on", "title", "pk")
    )


def public_initiative(*, slug: str) -> Initiative | None:
    """One public initiative with its weekly times (its calendar feed), or None."""
    return (
        Initiative.objects.public()
        .select_related("lead_organization")
        .prefetch_related("slots")
        .filter(slug=slug)
        .first()
    )
