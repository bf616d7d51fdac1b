"""Every read of the meeting pages, and the agenda as the dashboard gives it at a moment.

Each page reads in a fixed number of queries whatever the number of items and decisions
(``tests/meetings/test_queries.py`` pins them)."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from partnership.coordination import queries
from partnership.meetings.models import AgendaItem, Decision, Meeting
from partnership.models import Weekday
from partnership.problems.models import Problem, ProblemResponsibility

# The agenda takes this many rows of each source (the most urgent first); the rest stay on
# the dashboard, and the meeting page says how many there are.
ITEMS_PER_SOURCE = 5
OVERVIEW_MEETINGS = 3


# --- The meetings a user sees -----------------------------------------------------------------


def meetings_for(*, user):
    """The meetings the user may see (``Meeting.objects.visible_to``), newest first, with
    the invited organisations."""
    return (
        Meeting.objects.visible_to(user)
        .prefetch_related("invited_organizations")
        .order_by("-starts_at", "pk")
    )


def open_decisions():
    """Every open decision (``Decision.objects.open()``), oldest due date first."""
    return (
        Decision.objects.open()
        .select_related("meeting", "organization", "problem")
        .order_by("due_on", "created_at", "pk")
    )


def meeting_detail_queryset():
    """A meeting with everything its page, its minutes and their PDF show, in a fixed number
    of queries: the invited organisations, the items with what they are about, and the
    decisions recorded on each (with their organisation and problem)."""
    decisions = Decision.objects.select_related("organization", "problem", "overlap_decision")
    items = AgendaItem.objects.select_related(
        "problem",
        "responsibility__organization",
        "initiative_a__lead_organization",
        "initiative_b__lead_organization",
        "carried_decision__meeting",
        "carried_decision__organization",
        "carried_decision__problem",
    ).prefetch_related(Prefetch("decisions", queryset=decisions.order_by("created_at", "pk")))
    return Meeting.objects.select_related("approved_by").prefetch_related(
        Prefetch("invited_organizations"), Prefetch("items", queryset=items.order_by("position"))
    )


# Meetings per page of the history (each with its minutes and decisions).
HISTORY_PAGE_SIZE = 10


def history_years(*, user) -> list[int]:
    """The years in which meetings the user may see were held, newest first."""
    held = Meeting.objects.visible_to(user).held()
    return [day.year for day in held.dates("starts_at", "year", order="DESC")]


def meeting_history(*, user, kind: str | None = None, year: int | None = None):
    """Meetings held that the user may see (of a kind, in a year), newest first, each with
    its items' minutes and the decisions recorded on them and carried over to them (with
    what their state depends on), in a fixed number of queries for a page of them."""
    decisions = Decision.objects.select_related("organization", "problem").order_by(
        "created_at", "pk"
    )
    items = (
        AgendaItem.objects.select_related(
            "carried_decision__meeting",
            "carried_decision__organization",
            "carried_decision__problem",
        )
        .prefetch_related(Prefetch("decisions", queryset=decisions))
        .order_by("position")
    )
    meetings = Meeting.objects.visible_to(user).held().select_related("approved_by")
    if kind:
        meetings = meetings.filter(kind=kind)
    if year:
        meetings = meetings.filter(starts_at__year=year)
    return meetings.prefetch_related(
        "invited_organizations", Prefetch("items", queryset=items)
    ).order_by("-starts_at", "pk")


def previous_meeting(meeting: Meeting) -> Meeting | None:
    """The last meeting that started before this one."""
    return (
        Meeting.objects.filter(starts_at__lt=meeting.starts_at)
        .exclude(pk=meeting.pk)
        .order_by("-starts_at")
        .first()
    )


# "Since the last meeting" looks back at most this many days, or over the kind's period when
# that is longer (a yearly follow-up: a year): after a long pause the agenda holds what is
# recent, not everything since, and stays quick to draw up at national scale.
MAX_LOOK_BACK_DAYS = 91


def looks_back_to(meeting: Meeting) -> dt.datetime:
    """Where "since the last meeting" starts: the previous meeting's start (at most
    :data:`MAX_LOOK_BACK_DAYS` days, or the kind's period, before this one), or for the first
    meeting the period its kind covers (a week, a quarter, a year) before it."""
    period = Meeting.PERIOD_DAYS[meeting.kind]
    previous = previous_meeting(meeting)
    if previous is not None:
        limit = meeting.starts_at - dt.timedelta(days=max(MAX_LOOK_BACK_DAYS, period))
        return max(previous.starts_at, limit)
    return meeting.starts_at - dt.timedelta(days=period)


# --- Shared pages: Mina sidor and the coordinator's overview ------------------------------------


def coordinator_overview(**kwargs) -> dict:
    """What the coordinator's overview shows from this app: the date of the last meeting
    held (the dashboard counts "new since the last meeting" from it) and the next ones."""
    now = timezone.now()
    last = Meeting.objects.filter(starts_at__lte=now).order_by("-starts_at").first()
    upcoming = list(
        Meeting.objects.filter(ends_at__gte=now)
        .prefetch_related("invited_organizations")
        .order_by("starts_at", "pk")[:OVERVIEW_MEETINGS]
    )
    return {
        "last_meeting_on": timezone.localdate(last.starts_at) if last else None,
        "last_meeting_at": last.starts_at if last else None,
        "upcoming_meetings": upcoming,
    }


# --- The agenda the dashboard gives -------------------------------------------------------------


@dataclass
class AgendaDraft:
    """The generated items (unsaved, in order) and each source's total."""

    items: list[AgendaItem] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)


def _spans_text(spans) -> str:
    return ", ".join(
        f"{Weekday(day).label} {start:%H:%M}–{end:%H:%M}"
        if end
        else f"{Weekday(day).label} {start:%H:%M}–24:00"
        for day, start, end in spans
    )


def _problem_detail(problem: Problem) -> str:
    themes = ", ".join(theme.name for theme in problem.themes.all())
    return _("%(area)s · severity %(severity)s · %(themes)s · %(when)s") % {
        "area": problem.area.name,
        "severity": problem.severity,
        "themes": themes,
        "when": problem.when_display,
    }


def _carried_over(meeting: Meeting, draft: AgendaDraft) -> None:
    decisions = open_decisions().filter(meeting__starts_at__lt=meeting.starts_at)
    if meeting.pk:
        decisions = decisions.exclude(meeting=meeting)
    rows = list(decisions[:ITEMS_PER_SOURCE])
    draft.totals[AgendaItem.Source.CARRIED_OVER] = decisions.count()
    for decision in rows:
        who = decision.organization.name if decision.organization else ""
        due = decision.due_on.isoformat() if decision.due_on else ""
        draft.items.append(
            AgendaItem(
                source=AgendaItem.Source.CARRIED_OVER,
                title=_("Follow up: %(decision)s") % {"decision": decision.text[:250]},
                detail=" · ".join(
                    part
                    for part in (
                        decision.get_kind_display(),
                        who,
                        _("due %(date)s") % {"date": due} if due else "",
                        _("decided %(date)s")
                        % {"date": timezone.localdate(decision.meeting.starts_at).isoformat()},
                    )
                    if part
                ),
                carried_decision=decision,
                problem=decision.problem,
            )
        )


def _responsibilities_due(meeting: Meeting, draft: AgendaDraft) -> None:
    """Responsibilities on open problems due before the meeting after this one is likely
    (the kind's period), or overdue."""
    until = timezone.localdate(meeting.starts_at) + dt.timedelta(
        days=Meeting.PERIOD_DAYS[meeting.kind]
    )
    due = (
        ProblemResponsibility.objects.filter(
            due_on__lte=until,
            problem__archived_at__isnull=True,
            problem__status__in=list(Problem.OPEN_STATUSES),
        )
        .select_related("organization", "problem")
        .order_by("due_on", "pk")
    )
    rows = list(due[:ITEMS_PER_SOURCE])
    draft.totals[AgendaItem.Source.RESPONSIBILITY_DUE] = due.count()
    today = timezone.localdate(meeting.starts_at)
    for duty in rows:
        late = duty.due_on < today
        draft.items.append(
            AgendaItem(
                source=AgendaItem.Source.RESPONSIBILITY_DUE,
                title=(
                    _("Overdue: %(organization)s on “%(problem)s”")
                    if late
                    else _("Due: %(organization)s on “%(problem)s”")
                )
                % {"organization": duty.organization.name, "problem": duty.problem.title},
                detail=_("%(commitment)s · by %(date)s")
                % {"commitment": duty.commitment[:1500], "date": duty.due_on.isoformat()},
                problem=duty.problem,
                responsibility=duty,
            )
        )


def _new_problems(meeting: Meeting, since: dt.datetime, draft: AgendaDraft) -> None:
    recorded = (
        Problem.objects.open()
        .filter(created_at__gte=since, created_at__lt=max(meeting.starts_at, timezone.now()))
        .select_related("area")
        .prefetch_related("themes")
        .order_by("-severity", "created_at", "pk")
    )
    rows = list(recorded[:ITEMS_PER_SOURCE])
    draft.totals[AgendaItem.Source.NEW_PROBLEM] = recorded.count()
    for problem in rows:
        draft.items.append(
            AgendaItem(
                source=AgendaItem.Source.NEW_PROBLEM,
                title=_("New problem: %(problem)s") % {"problem": problem.title},
                detail=_problem_detail(problem),
                problem=problem,
            )
        )


def _gaps(draft: AgendaDraft) -> None:
    scope = queries.Scope()
    for source, page, text in (
        (AgendaItem.Source.GAP, queries.gaps(scope, per_page=ITEMS_PER_SOURCE), None),
        (AgendaItem.Source.TIME_GAP, queries.time_gaps(scope, per_page=ITEMS_PER_SOURCE), True),
    ):
        draft.totals[source] = page.paginator.count
        for gap in page.object_list:
            detail = _problem_detail(gap.problem)
            if text:
                detail += " · " + _("not covered: %(spans)s") % {
                    "spans": _spans_text(gap.uncovered or [])
                }
            draft.items.append(
                AgendaItem(
                    source=source,
                    title=(
                        _("Time gap: %(problem)s") if text else _("Nobody addresses: %(problem)s")
                    )
                    % {"problem": gap.problem.title},
                    detail=detail[:2000],
                    problem=gap.problem,
                )
            )


def _new_overlaps(since: dt.datetime, draft: AgendaDraft) -> None:
    """Open overlapping pairs new since the last meeting (the dashboard's definition: the
    newer initiative registered since), strongest first."""
    result = queries.overlaps(queries.Scope(), since=since, per_page=ITEMS_PER_SOURCE)
    draft.totals[AgendaItem.Source.NEW_OVERLAP] = result.open_total
    for pair in result.page.object_list:
        draft.items.append(
            AgendaItem(
                source=AgendaItem.Source.NEW_OVERLAP,
                title=_("Overlap: %(a)s (%(org_a)s) and %(b)s (%(org_b)s)")
                % {
                    "a": pair.a.title,
                    "org_a": pair.a.lead_organization.name,
                    "b": pair.b.title,
                    "org_b": pair.b.lead_organization.name,
                },
                detail=_("%(reason)s · strength: %(strength)s")
                % {"reason": pair.reason, "strength": pair.strength_label},
                initiative_a=pair.a,
                initiative_b=pair.b,
            )
        )


def agenda_draft(meeting: Meeting) -> AgendaDraft:
    """The agenda the dashboard gives for the meeting now, in the order a meeting takes it:
    decisions carried over (open decisions of earlier meetings), responsibilities due or
    overdue, problems recorded since the last meeting, gaps and time gaps, new overlaps.
    Each source gives its first :data:`ITEMS_PER_SOURCE` rows (most urgent first) and its
    total; a problem already on the agenda is not repeated by a later source. A fixed
    number of queries whatever the data (each source one page of the dashboard's)."""
    since = looks_back_to(meeting)
    draft = AgendaDraft()
    _carried_over(meeting, draft)
    _responsibilities_due(meeting, draft)
    _new_problems(meeting, since, draft)
    _gaps(draft)
    _new_overlaps(since, draft)
    seen: set[int] = set()
    kept = []
    for item in draft.items:
        if item.problem_id and item.source != AgendaItem.Source.RESPONSIBILITY_DUE:
            if item.problem_id in seen:
                continue
            seen.add(item.problem_id)
        kept.append(item)
    draft.items = kept
    return draft
