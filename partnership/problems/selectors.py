"""Every read of the problems app: lists, a problem's page, history, "you said, we did",
safety walks and the weekly digest."""

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Greatest

from initiatives.models import Initiative
from partnership.history import HISTORY_PAGE_SIZE, history_page
from partnership.models import Area
from partnership.permissions import partner_organization_ids
from partnership.problems.models import (
    Problem,
    ProblemEndorsement,
    ProblemResponsibility,
    SafetyWalk,
)
from stakeholders.models import Organization


def account_data(*, user) -> dict:
    """What "download my data" holds about the problems a user recorded, endorsed and
    committed to."""
    return {
        "problems_recorded": list(
            Problem.objects.filter(recorded_by=user)
            .order_by("created_at")
            .values(
                "title",
                "public_id",
                "created_at",
                recorded_by_organization_name=F("recorded_by_organization__name"),
            )
        ),
        "problem_endorsements": list(
            ProblemEndorsement.objects.filter(endorsed_by=user)
            .order_by("created_at")
            .values(
                "note",
                "created_at",
                problem_title=F("problem__title"),
                organization_name=F("organization__name"),
            )
        ),
        "problem_responsibilities": list(
            ProblemResponsibility.objects.filter(committed_by=user)
            .order_by("created_at")
            .values(
                "role",
                "commitment",
                "due_on",
                "created_at",
                problem_title=F("problem__title"),
                organization_name=F("organization__name"),
            )
        ),
    }


# --- Problems ------------------------------------------------------------------------------------


def problem_list(*, user):
    """Problems the user may see, newest first, with what a list row shows (area, recording
    organisation, themes, responsible organisations, endorsement count): a fixed number of
    queries whatever the page size."""
    responsibilities = ProblemResponsibility.objects.select_related("organization").order_by(
        "-role", "organization__name"
    )
    return (
        Problem.objects.visible_to(user)
        .select_related("area", "recorded_by_organization")
        .prefetch_related("themes", Prefetch("responsibilities", queryset=responsibilities))
        .annotate(endorsement_count=Count("endorsements", distinct=True))
        .order_by("-created_at", "-pk")
    )


def problem_for_page(*, public_id, user):
    """One problem visible to the user, with everything its page shows: endorsements (and
    their organisations), responsibilities ("who does what by when"), the initiatives that
    address it (only those the user may see, as ``visible_initiatives``) and its themes.
    None when there is no such problem (``permissions.problem_for_user`` then answers 404)."""
    return (
        _problem_page_queryset(Problem.objects.visible_to(user), user)
        .filter(public_id=public_id)
        .first()
    )


def archived_problem_for_page(*, public_id, user):
    """One archived problem, with what :func:`problem_for_page` fetches (the initiatives
    those visible to ``user``). None when there is none. Whether the user may reach it (its
    editors may, to restore it) is ``permissions.problem_for_user``'s call."""
    return (
        _problem_page_queryset(Problem.objects.filter(archived_at__isnull=False), user)
        .filter(public_id=public_id)
        .first()
    )


def _problem_page_queryset(problems, user):
    initiatives = (
        Initiative.objects.visible_to(user).select_related("lead_organization").order_by("title")
    )
    return problems.select_related("area", "recorded_by_organization", "walk").prefetch_related(
        "themes",
        Prefetch(
            "endorsements",
            queryset=ProblemEndorsement.objects.select_related("organization").order_by(
                "created_at"
            ),
        ),
        Prefetch(
            "responsibilities",
            queryset=ProblemResponsibility.objects.select_related("organization").order_by(
                "-role", "created_at"
            ),
        ),
        Prefetch("initiatives", queryset=initiatives, to_attr="visible_initiatives"),
    )


def initiatives_to_link(*, problem, user, limit: int = 100):
    """Initiatives the problem page offers to link: not archived, visible to the user, not
    yet linked, and either led by one of the user's organisations or working in the
    problem's area (or one within or around it). At most ``limit``, by title; the service
    checks that the user may link the one chosen."""
    areas = Area.objects.nested_ids([problem.area_id])
    in_area = Initiative.areas.through.objects.filter(area_id__in=areas).values("initiative_id")
    return (
        Initiative.objects.visible_to(user)
        .filter(Q(lead_organization_id__in=partner_organization_ids(user)) | Q(pk__in=in_area))
        .exclude(problems=problem)
        .select_related("lead_organization")
        .order_by("title")[:limit]
    )


_PROBLEM_HISTORY_HIDDEN = {
    "id",
    "problem_id",
    "created_at",
    "updated_at",
    "version",
    "public_id",
    "walk_id",
}


def problem_history(*, problem, reader, page_number=None, page_size: int = HISTORY_PAGE_SIZE):
    """Every recorded change to a problem — status and outcome, endorsements,
    responsibilities, themes and the initiatives linked to it: who, when, before and after,
    as ``reader`` may see them (``history.history_page``: never an email, never an
    initiative the reader may not know of). Newest first, paginated, in a fixed number of
    queries."""
    return history_page(
        obj=problem,
        reader=reader,
        tracked=[Problem, ProblemEndorsement, ProblemResponsibility],
        links=["themes", "initiatives"],
        hidden=_PROBLEM_HISTORY_HIDDEN,
        page_number=page_number,
        page_size=page_size,
    )


def public_problems():
    """The "you said, we did" page: public problems with their status, outcome, area (never
    the point), the approved organisations responsible and the public initiatives that
    address them. Open ones first (most severe first), then the closed ones, newest first."""
    responsibilities = (
        ProblemResponsibility.objects.filter(Organization.approved_q("organization__"))
        .select_related("organization")
        .order_by("-role", "organization__name")
    )
    initiatives = Initiative.objects.public().select_related("lead_organization").order_by("title")
    closed = Case(
        When(status__in=[Problem.Status.RESOLVED, Problem.Status.DISMISSED], then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    return (
        Problem.objects.public()
        .select_related("area")
        .only(
            "public_id",
            "title",
            "description",
            "status",
            "outcome",
            "severity",
            "observed_on",
            "updated_at",
            "created_at",
            "area__name",
            "area__slug",
        )
        .prefetch_related(
            "themes",
            Prefetch("responsibilities", queryset=responsibilities),
            Prefetch("initiatives", queryset=initiatives, to_attr="public_initiatives"),
        )
        .annotate(closed=closed)
        .order_by("closed", "-severity", "-updated_at", "-pk")
    )


def walk_list():
    """Confirmed safety walks and surveys, newest first, with their area, organisation and
    how many findings (problems) each has."""
    return (
        SafetyWalk.objects.filter(confirmed_at__isnull=False)
        .select_related("area", "organization")
        .annotate(finding_count=Count("problems"))
        .order_by("-held_on", "-pk")
    )


def walk_for_page(*, public_id):
    """One safety walk (draft or confirmed) with its area, organisation and uploader; None
    when there is none. Who may see it is ``permissions.walk_for_user``'s call."""
    return (
        SafetyWalk.objects.filter(public_id=public_id)
        .select_related("area", "organization", "imported_by")
        .first()
    )


def walk_findings(*, walk, user):
    """A walk's findings that the user may see, with their status and who answers for them."""
    return problem_list(user=user).filter(walk=walk).order_by("pk")


def digest_problems(*, user, since, until) -> dict:
    """What one member's weekly digest says, for the window [since, until):

    - ``new``: problems recorded in the window, visible to the user, in one of the areas of
      the user's approved organisations (or an area within it) and — if the organisation
      names themes — on one of its themes; an organisation without areas matches by theme
      only, one with neither matches nothing;
    - ``changed``: problems one of the user's organisations is responsible for that changed
      in the window (status, outcome, a new endorsement or responsibility), not already in
      ``new``.

    A fixed number of queries per user."""
    organization_ids = partner_organization_ids(user)
    if not organization_ids:
        return {"new": [], "changed": []}
    organizations = Organization.objects.filter(pk__in=organization_ids).prefetch_related(
        "areas", "themes"
    )
    match = Q(pk__in=[])
    for organization in organizations:
        area_ids = [a.pk for a in organization.areas.all()]
        theme_ids = [t.pk for t in organization.themes.all()]
        if not (area_ids or theme_ids):
            continue
        condition = Q()
        if area_ids:
            nested = Area.objects.none()
            for area in organization.areas.all():
                nested = nested | Area.objects.with_descendants(area)
            condition &= Q(area__in=nested.values("pk"))
        if theme_ids:
            themed = Problem.themes.through.objects.filter(theme_id__in=theme_ids)
            condition &= Q(pk__in=themed.values("problem_id"))
        match |= condition
    visible = Problem.objects.visible_to(user).select_related("area", "recorded_by_organization")
    new = list(
        visible.filter(match, created_at__gte=since, created_at__lt=until).order_by(
            "-severity", "created_at"
        )
    )
    in_window = {"created_at__gte": since, "created_at__lt": until}
    touched = (
        Q(updated_at__gte=since, updated_at__lt=until)
        | Q(pk__in=ProblemEndorsement.objects.filter(**in_window).values("problem_id"))
        | Q(pk__in=ProblemResponsibility.objects.filter(**in_window).values("problem_id"))
    )
    changed = list(
        visible.responsibility_of(organization_ids)
        .filter(touched)
        .exclude(pk__in=[p.pk for p in new])
        .order_by("-updated_at")
    )
    return {"new": new, "changed": changed}


# --- Open data: the Atom feeds of "you said, we did" and Open311 ---------------------------------

# A feed holds the problems changed most recently, at most this many (readers keep the rest).
PROBLEM_FEED_SIZE = 50


def _public_responsibilities():
    """Responsibilities a public answer may name: of approved organisations, lead first."""
    return (
        ProblemResponsibility.objects.filter(Organization.approved_q("organization__"))
        .select_related("organization")
        .order_by("-role", "organization__name")
    )


def _public_problem_rows(problems):
    """Public problems with what an open-data answer shows: their area (never the point),
    themes, the approved organisations responsible and the public initiatives addressing
    them, and ``changed_at``, their latest change — the later of their own last version
    (status, outcome, edits) and the newest responsibility an approved organisation took
    for them (taking part in the work of a problem already being addressed makes no new
    version, yet it is news). A fixed number of queries, whatever the number of rows."""
    newest_responsibility = (
        _public_responsibilities()
        .filter(problem=OuterRef("pk"))
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    initiatives = Initiative.objects.public().select_related("lead_organization").order_by("title")
    return (
        problems.select_related("area", "area__parent")
        .prefetch_related(
            "themes",
            Prefetch("responsibilities", queryset=_public_responsibilities()),
            Prefetch("initiatives", queryset=initiatives, to_attr="public_initiatives"),
        )
        .annotate(changed_at=Greatest("updated_at", Subquery(newest_responsibility)))
    )


def public_problems_changed(*, area=None, limit: int = PROBLEM_FEED_SIZE):
    """Public problems (in ``area`` and the areas within it, when given) by their latest
    change, newest first, at most ``limit``: what the Atom feeds of "you said, we did"
    hold."""
    problems = Problem.objects.public()
    if area is not None:
        problems = problems.in_area(area)
    return _public_problem_rows(problems).order_by("-changed_at", "-pk")[:limit]


# Open311 answers at most this many requests to one query (GeoReport v2's "response volume").
OPEN311_LIMIT = 1000


def open311_requests(
    *, public_ids=None, recorded_from=None, recorded_until=None, theme_slugs=None, is_open=None
):
    """Public problems as Open311 service requests, newest first, at most ``OPEN311_LIMIT``:
    those named by ``public_ids`` (which then override every other filter, as GeoReport v2
    says), or those recorded in [``recorded_from``, ``recorded_until``], of any of the
    themes ``theme_slugs``, open (``Problem.OPEN_STATUSES``) or closed when ``is_open`` is
    True or False."""
    problems = Problem.objects.public()
    if public_ids is not None:
        problems = problems.filter(public_id__in=public_ids)
    else:
        problems = problems.filter(created_at__gte=recorded_from, created_at__lte=recorded_until)
        if theme_slugs:
            links = Problem.themes.through.objects.filter(theme__slug__in=theme_slugs)
            problems = problems.filter(pk__in=links.values("problem_id"))
        if is_open is True:
            problems = problems.filter(status__in=Problem.OPEN_STATUSES)
        elif is_open is False:
            problems = problems.exclude(status__in=Problem.OPEN_STATUSES)
    return _public_problem_rows(problems).order_by("-created_at", "-pk")[:OPEN311_LIMIT]
