"""What this app puts on Mina sidor's "what needs me" (``partnership.site.workplace``): what
our organisations committed to, by when, and the problems we endorsed that changed since.
Each provider answers in one query (plus the user's organisations, cached on the user)."""

import datetime as dt

from django.db.models import F, OuterRef, Subquery
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from partnership.permissions import partner_organization_ids
from partnership.problems.models import Problem, ProblemEndorsement, ProblemResponsibility
from partnership.site import WorkItem, by_memberships

# "Changed" looks back this many days. Not "since your last visit": a list that empties
# when the page is reloaded (or opened by mistake) hides what the user has not read, and a
# visit stamp would make every GET of Mina sidor a write. The page says which days it means.
CHANGED_DAYS = 30


def _date(value) -> str:
    return formats.date_format(value, "j F Y")


@by_memberships
def responsibilities(*, user, today: dt.date, limit: int) -> list[WorkItem] | None:
    """What the user's approved organisations committed to on open problems they may see,
    the earliest date first — so overdue ones come first —, those without a date last;
    ``None`` for a user of no approved organisation."""
    ours = partner_organization_ids(user)
    if not ours:
        return None
    committed = (
        ProblemResponsibility.objects.filter(
            organization_id__in=ours,
            problem__in=Problem.objects.visible_to(user).open(),
        )
        .select_related("problem", "organization")
        .order_by(F("due_on").asc(nulls_last=True), "created_at", "pk")[:limit]
    )
    items = []
    for responsibility in committed:
        due = responsibility.due_on
        overdue = due is not None and due < today
        if due is None:
            detail = _("%(organization)s: %(commitment)s (no date set).")
        elif overdue:
            detail = _("%(organization)s: %(commitment)s — was due %(date)s.")
        else:
            detail = _("%(organization)s: %(commitment)s — by %(date)s.")
        problem = responsibility.problem
        items.append(
            WorkItem(
                title=problem.title,
                url=reverse("problems:detail", args=[problem.public_id]),
                detail=detail
                % {
                    "organization": responsibility.organization.name,
                    "commitment": responsibility.commitment,
                    "date": _date(due) if due else "",
                },
                action_url=reverse("problems:detail", args=[problem.public_id]) + "#who-heading",
                action_label=_("Report progress"),
                overdue=overdue,
            )
        )
    return items


@by_memberships
def endorsed_changed(*, user, today: dt.date, limit: int) -> list[WorkItem] | None:
    """Problems the user's approved organisations endorsed ("we see this too") that changed
    after the endorsement and in the last ``CHANGED_DAYS`` days — a new status, outcome or
    correction (every change is a new version) —, the most recent change first; ``None``
    for a user of no approved organisation."""
    ours = partner_organization_ids(user)
    if not ours:
        return None
    since = timezone.make_aware(
        dt.datetime.combine(today - dt.timedelta(days=CHANGED_DAYS), dt.time())
    )
    endorsements = ProblemEndorsement.objects.filter(organization_id__in=ours)
    first_endorsed = endorsements.filter(problem_id=OuterRef("pk")).order_by("created_at")
    changed = (
        Problem.objects.visible_to(user)
        .filter(pk__in=endorsements.values("problem_id"), updated_at__gte=since)
        .annotate(endorsed_at=Subquery(first_endorsed.values("created_at")[:1]))
        .filter(updated_at__gt=F("endorsed_at"))
        .order_by("-updated_at", "pk")
        .only("public_id", "title", "status", "updated_at")[:limit]
    )
    return [
        WorkItem(
            title=problem.title,
            url=reverse("problems:detail", args=[problem.public_id]),
            detail=_("Changed %(date)s; now %(status)s.")
            % {
                "date": _date(timezone.localdate(problem.updated_at)),
                "status": problem.get_status_display().lower(),
            },
            action_url=reverse("problems:history", args=[problem.public_id]),
            action_label=_("See what changed"),
        )
        for problem in changed
    ]
