"""The åtgärdsplan (action plan) of lag 2023:196, 4 §, in Brå's columns: Problem · Orsak ·
Åtgärd · Operativt mål · När · Vem · Uppföljning — computed from the data, never typed.

**Which problems, in which order.** Open problems (open or being addressed, not archived),
in the area (with its sub-areas) and theme of the scope, ranked as the gaps are ranked:
severity (highest first), then the number of organisations that endorse it ("we see this
too", most first), then age (the day it was observed, or else recorded, oldest first), then
the order they were recorded in.

**Åtgärd** is what is done about it: the initiatives that address it (linked, not archived,
not cancelled) and the organisations' responsibilities (what they will do, by when).
**Operativt mål** is each initiative's operational goal; **När** the initiatives' periods
and the responsibilities' due dates; **Vem** the organisations (responsible, leading or
taking part).

**Follow-up** (green / yellow / red), per problem, from these rules in this order; the
thresholds are the constants below, and the page states the rule in words:

- *Red* when a responsibility is past its due date; or nothing is done (no initiative and
  no responsibility); or an initiative with a target number has delivered fewer than
  :data:`RED_BELOW` (50 %) of its **pace**.
- *Yellow* when an initiative with a target number has delivered at least 50 % but fewer
  than :data:`GREEN_FROM` (90 %) of its pace; or a responsibility is due within
  :data:`DUE_SOON_DAYS` (14) days; or an initiative has no operational goal, or a target
  number but no end date to measure the pace against; or only responsibilities, no
  initiative.
- *Green* otherwise (and a resolved problem is green).

The **pace** of an initiative is its target number times the share of its period that has
passed: the days from its start to today (both included, at most the whole period) over the
days of the period. **Delivered** sessions are those the delivery log marks held or moved
(``initiatives.delivery``) from the start of the period to today. Before the start the pace
is 0 and nothing is behind.

The computation takes a fixed number of queries for any number of problems (one for the
problems, one for their responsibilities, one for their initiatives, one for those
initiatives' partner organisations, one for the delivered sessions).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from initiatives.models import Initiative, SessionMark
from partnership.coordination.queries.common import Scope
from partnership.problems.models import Problem, ProblemEndorsement, ProblemResponsibility

# The thresholds of the follow-up, in one place (the page and the docs state them).
RED_BELOW = 0.5  # delivered below half of the pace: red
GREEN_FROM = 0.9  # delivered at 90 % of the pace or more: on track
DUE_SOON_DAYS = 14  # a responsibility due within this many days: yellow

# Delivered: the sessions that took place (held, or held at another time).
DELIVERED_OUTCOMES = (SessionMark.Outcome.HELD, SessionMark.Outcome.MOVED)

GREEN, YELLOW, RED = "green", "yellow", "red"
STATE_LABELS = {
    GREEN: gettext_lazy("Green: on track"),
    YELLOW: gettext_lazy("Yellow: watch"),
    RED: gettext_lazy("Red: behind"),
}
_RANK = {GREEN: 0, YELLOW: 1, RED: 2}

# A page of the plan; the PDF lists this many, the CSV every problem.
PLAN_PAGE_SIZE = 50
PLAN_PDF_ROWS = 100


@dataclass
class PlanInitiative:
    """One initiative addressing a problem, with its goal measured."""

    initiative: Initiative
    delivered: int
    pace: float | None  # None: no target number, or no end date to measure it by

    @property
    def target(self) -> int | None:
        return self.initiative.goal_target

    @property
    def share(self) -> float | None:
        """Delivered over pace (1.0 when nothing is due yet); None when not measurable."""
        if self.pace is None:
            return None
        if self.pace <= 0:
            return 1.0
        return self.delivered / self.pace

    @property
    def percent(self) -> int | None:
        share = self.share
        return None if share is None else int(share * 100)


@dataclass
class PlanRow:
    """One problem in the plan's columns, with its follow-up and the reasons for it."""

    problem: Problem
    endorsements: int
    initiatives: list[PlanInitiative]
    responsibilities: list[ProblemResponsibility]
    state: str = GREEN
    reasons: list[str] = field(default_factory=list)

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def organizations(self) -> list[str]:
        """Vem: the responsible organisations, then the initiatives' lead and partner ones,
        each once."""
        names = [r.organization.name for r in self.responsibilities]
        for item in self.initiatives:
            names.append(item.initiative.lead_organization.name)
            names.extend(o.name for o in item.initiative.partner_organizations.all())
        return list(dict.fromkeys(names))

    @property
    def due_dates(self) -> list[dt.date]:
        return sorted(r.due_on for r in self.responsibilities if r.due_on)


def _elapsed_share(initiative: Initiative, today: dt.date) -> float | None:
    """The share of the initiative's period that has passed by the end of ``today``."""
    if initiative.ends_on is None:
        return None
    days = (initiative.ends_on - initiative.starts_on).days + 1
    passed = (min(today, initiative.ends_on) - initiative.starts_on).days + 1
    return min(max(passed, 0), days) / days


def pace(initiative: Initiative, today: dt.date) -> float | None:
    """The sessions the target asks for by today (see the module's docstring)."""
    if not initiative.goal_target:
        return None
    share = _elapsed_share(initiative, today)
    return None if share is None else initiative.goal_target * share


def follow_up(row: PlanRow, today: dt.date) -> tuple[str, list[str]]:
    """The row's colour and the reasons for it, by the rules of the module's docstring."""
    if row.problem.status == Problem.Status.RESOLVED:
        return GREEN, [_("Resolved.")]
    red, yellow = [], []
    soon = today + dt.timedelta(days=DUE_SOON_DAYS)
    for r in row.responsibilities:
        if r.due_on and r.due_on < today:
            red.append(
                _("%(organization)s's responsibility was due %(date)s.")
                % {"organization": r.organization.name, "date": r.due_on.isoformat()}
            )
        elif r.due_on and r.due_on <= soon:
            yellow.append(
                _("%(organization)s's responsibility is due %(date)s.")
                % {"organization": r.organization.name, "date": r.due_on.isoformat()}
            )
    if not row.initiatives and not row.responsibilities:
        red.append(_("No initiative addresses it and no organisation has taken responsibility."))
    elif not row.initiatives:
        yellow.append(_("Only responsibilities: no initiative addresses it yet."))
    for item in row.initiatives:
        initiative = item.initiative
        params = {
            "title": initiative.title,
            "delivered": item.delivered,
            "pace": round(item.pace or 0, 1),
            "target": initiative.goal_target,
            "percent": item.percent,
        }
        share = item.share
        if share is not None and share < RED_BELOW:
            red.append(
                _(
                    "“%(title)s”: %(delivered)s sessions held, %(pace)s due by now for a "
                    "target of %(target)s (%(percent)s %% of the pace)."
                )
                % params
            )
        elif share is not None and share < GREEN_FROM:
            yellow.append(
                _(
                    "“%(title)s”: %(delivered)s sessions held, %(pace)s due by now for a "
                    "target of %(target)s (%(percent)s %% of the pace)."
                )
                % params
            )
        elif initiative.goal_target and initiative.ends_on is None:
            yellow.append(
                _("“%(title)s” has a target number but no end date to measure it by.") % params
            )
        elif not initiative.operational_goal.strip():
            yellow.append(_("“%(title)s” has no operational goal.") % params)
    if red:
        return RED, red
    if yellow:
        return YELLOW, yellow
    return GREEN, [_("On track.")]


# --- Reading the rows ----------------------------------------------------------------------------


def plan_problems(scope: Scope):
    """The open problems of the plan, ranked (see the module's docstring), each annotated
    with ``endorsement_count``."""
    problems = Problem.objects.open()
    if scope.area is not None:
        problems = problems.in_area(scope.area)
    if scope.theme is not None:
        problems = problems.filter(themes=scope.theme)
    endorsements = (
        ProblemEndorsement.objects.filter(problem_id=OuterRef("pk"))
        .order_by()
        .values("problem_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        problems.select_related("area")
        .annotate(
            endorsement_count=Coalesce(Subquery(endorsements), Value(0)),
            first_seen=Coalesce(F("observed_on"), TruncDate("created_at")),
        )
        .order_by("-severity", "-endorsement_count", "first_seen", "pk")
    )


def plan_rows(problems: list[Problem], *, today: dt.date | None = None) -> list[PlanRow]:
    """The plan's rows for these problems (already fetched, in order), in four queries."""
    today = today or timezone.localdate()
    ids = [p.pk for p in problems]
    responsibilities: dict[int, list[ProblemResponsibility]] = {pk: [] for pk in ids}
    for r in (
        ProblemResponsibility.objects.filter(problem_id__in=ids)
        .select_related("organization")
        .order_by("role", "due_on", "organization__name", "pk")
    ):
        responsibilities[r.problem_id].append(r)
    links = Problem.initiatives.through.objects.filter(
        problem_id__in=ids,
        initiative__archived_at__isnull=True,
    ).exclude(initiative__status=Initiative.Status.CANCELLED)
    by_problem: dict[int, list[int]] = {pk: [] for pk in ids}
    for problem_id, initiative_id in links.values_list("problem_id", "initiative_id"):
        by_problem[problem_id].append(initiative_id)
    initiative_ids = {i for group in by_problem.values() for i in group}
    initiatives = {
        i.pk: i
        for i in Initiative.objects.filter(pk__in=initiative_ids)
        .select_related("lead_organization")
        .prefetch_related(Prefetch("partner_organizations"))
    }
    delivered = _delivered(initiatives.values(), today)
    rows = []
    for problem in problems:
        measured = [
            PlanInitiative(initiatives[pk], delivered.get(pk, 0), pace(initiatives[pk], today))
            for pk in by_problem[problem.pk]
        ]
        measured.sort(key=lambda item: (item.initiative.starts_on, item.initiative.title))
        row = PlanRow(
            problem=problem,
            endorsements=getattr(problem, "endorsement_count", 0),
            initiatives=measured,
            responsibilities=responsibilities[problem.pk],
        )
        row.state, row.reasons = follow_up(row, today)
        rows.append(row)
    return rows


def _delivered(initiatives, today: dt.date) -> dict[int, int]:
    """Sessions held (or moved) per initiative, from its start to today: one query."""
    condition = Q()
    for initiative in initiatives:
        if initiative.goal_target:
            last = min(today, initiative.ends_on) if initiative.ends_on else today
            condition |= Q(initiative_id=initiative.pk, on_date__range=(initiative.starts_on, last))
    if not condition:
        return {}
    marks = (
        SessionMark.objects.filter(condition, outcome__in=DELIVERED_OUTCOMES)
        .order_by()
        .values("initiative_id")
        .annotate(n=Count("pk"))
    )
    return {m["initiative_id"]: m["n"] for m in marks}


@dataclass
class Plan:
    rows: list[PlanRow]
    total: int
    counts: dict[str, int]


def action_plan(scope: Scope, *, limit: int | None = None, offset: int = 0, today=None) -> Plan:
    """The plan for the scope: ``limit`` rows from ``offset`` (all when None), with the
    number of problems in all and of each colour among the rows shown."""
    problems = plan_problems(scope)
    total = problems.count()
    chosen = problems[offset : offset + limit] if limit is not None else problems
    rows = plan_rows(list(chosen), today=today)
    counts = {GREEN: 0, YELLOW: 0, RED: 0}
    for row in rows:
        counts[row.state] += 1
    return Plan(rows=rows, total=total, counts=counts)


def csv_rows(scope: Scope, *, today=None, batch: int = 500):
    """Every row of the plan for CSV, a header first; a batch of rows at a time."""
    yield [
        _("Problem"),
        _("Area"),
        _("Severity"),
        _("Endorsements"),
        _("Cause"),
        _("Kinds of cause"),
        _("Action: initiatives"),
        _("Action: responsibilities"),
        _("Operational goal"),
        _("When"),
        _("Who"),
        _("Follow-up"),
        _("Why"),
    ]
    problems = plan_problems(scope)
    offset = 0
    while True:
        chunk = list(problems[offset : offset + batch])
        if not chunk:
            break
        for row in plan_rows(chunk, today=today):
            yield _csv_row(row)
        offset += batch


def _period(initiative: Initiative) -> str:
    ends = initiative.ends_on.isoformat() if initiative.ends_on else _("ongoing")
    return f"{initiative.starts_on.isoformat()}–{ends}"


def goal_text(item: PlanInitiative) -> str:
    """An initiative's goal with its measure, in words: "minst 100 kvällar (40 of 100 …)"."""
    initiative = item.initiative
    text = initiative.operational_goal or _("no operational goal")
    if initiative.goal_target:
        if item.pace is None:
            text += " " + _("(target %(target)s, no end date)") % {"target": initiative.goal_target}
        else:
            text += " " + _(
                "(%(delivered)s held of %(target)s; %(pace)s due by now: %(percent)s %%)"
            ) % {
                "delivered": item.delivered,
                "target": initiative.goal_target,
                "pace": round(item.pace, 1),
                "percent": item.percent,
            }
    return f"{initiative.title}: {text}"


def _csv_row(row: PlanRow) -> list:
    problem = row.problem
    return [
        problem.title,
        problem.area.name,
        problem.severity,
        row.endorsements,
        problem.cause,
        "; ".join(problem.cause_categories_display),
        "; ".join(
            f"{i.initiative.title} ({i.initiative.lead_organization.name})" for i in row.initiatives
        ),
        "; ".join(
            f"{r.organization.name} ({r.get_role_display()}): {r.commitment}"
            + (f" – {r.due_on.isoformat()}" if r.due_on else "")
            for r in row.responsibilities
        ),
        "; ".join(goal_text(i) for i in row.initiatives),
        "; ".join(
            [f"{i.initiative.title}: {_period(i.initiative)}" for i in row.initiatives]
            + [
                f"{r.organization.name}: {r.due_on.isoformat()}"
                for r in row.responsibilities
                if r.due_on
            ]
        ),
        "; ".join(row.organizations),
        row.state_label,
        " ".join(row.reasons),
    ]
