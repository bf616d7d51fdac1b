""" "Ni sa, vi gjorde" (you said, we did) as residents read it: what was done first, then
what is being done, then what nobody has taken on yet, then what was closed without action
— and the figures the home page shows of it, kept until a write (``initiatives.figures``:
the database's generation, scope "problems").

The page's order — progress, then severity, then the newest — costs a pass over every
public problem with two existence checks each (760 ms at 100,000 initiatives, 10,000 public
problems): :func:`page` keeps the ordered ids (``ranked_ids``, scope "problems", computed
again after any write) and fetches only the page's twenty rows; a filter narrows the kept
order to the ids that match.

The groups, defined once here (``progress``) and used by the page, each problem's page and
the home page:

- done: resolved (with the outcome and the approved organisations that did it);
- under way: open or being addressed, and an approved organisation has taken
  responsibility or an initiative addresses it (or its status says so);
- nobody yet: open, nobody responsible, no initiative;
- closed: dismissed (with the reason in the outcome).
"""

from array import array

from django.core.paginator import Page, Paginator
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, Value, When

from initiatives import figures
from partnership.problems import selectors
from partnership.problems.models import Problem, ProblemResponsibility
from stakeholders.models import Organization

DONE, UNDER_WAY, NOBODY_YET, CLOSED = 0, 1, 2, 3
# The newest results on the home page.
HOME_RESULTS = 3


def progress() -> Case:
    """The group of a public problem (an annotation: ``.annotate(progress=progress())``)."""
    taken = ProblemResponsibility.objects.filter(
        Organization.approved_q("organization__"), problem=OuterRef("pk")
    )
    # Any initiative linked to it: work is being done, even by one shown to partners only
    # (whose public part then says "the partners are working on it"). Checking that the
    # initiative is public here cost a pass over every initiative (1.2 s at 100,000).
    addressed = Problem.initiatives.through.objects.filter(problem=OuterRef("pk"))
    return Case(
        When(status=Problem.Status.RESOLVED, then=Value(DONE)),
        When(status=Problem.Status.DISMISSED, then=Value(CLOSED)),
        When(
            Q(status=Problem.Status.BEING_ADDRESSED) | Exists(taken) | Exists(addressed),
            then=Value(UNDER_WAY),
        ),
        default=Value(NOBODY_YET),
        output_field=IntegerField(),
    )


def by_progress(problems):
    """``problems`` with their ``progress``, done first (newest first), then under way,
    nobody yet and closed (most severe first, then newest)."""
    severity_first = Case(
        When(status=Problem.Status.RESOLVED, then=Value(0)),
        default=F("severity"),
        output_field=IntegerField(),
    )
    return problems.annotate(progress=progress()).order_by(
        "progress", severity_first.desc(), "-updated_at", "-pk"
    )


def ranked_ids() -> array:
    """The ids of every public problem in the page's order (:func:`by_progress`), kept
    until a write (8 bytes an id: 80 KB for 10,000 public problems)."""

    def compute():
        ids = by_progress(selectors.public_problems()).values_list("pk", flat=True)
        return array("q", ids)

    return figures.kept("ranked-ids", compute, scope="problems")


def page(filterset, number, *, per_page: int) -> Page:
    """One page of the "Ni sa, vi gjorde" list in the page's order: the ids come from
    :func:`ranked_ids` (narrowed to those ``filterset`` matches when a filter is set, one
    query for the matching ids; a bad value is left out, the other filters apply), the rows
    of the page only from the database (each with its ``progress``). The count is exact,
    filtered or not."""
    ranked = ranked_ids()
    if not filterset.is_valid() or any(filterset.form.cleaned_data.values()):
        matching = set(filterset.qs.order_by().values_list("pk", flat=True))
        ids = [pk for pk in ranked if pk in matching]
        # Written since the order was kept (by another transaction): last, not lost.
        ids += sorted(matching.difference(ids), reverse=True)
    else:
        ids = ranked
    found = Paginator(ids, per_page).get_page(number)
    rows = by_progress(selectors.public_problems()).filter(pk__in=list(found.object_list))
    position = {pk: index for index, pk in enumerate(found.object_list)}
    found.object_list = sorted(rows, key=lambda problem: position[problem.pk])
    return found


def public_count() -> int:
    """How many public problems there are (the home page's number, the page's total)."""
    return figures.kept("public-count", lambda: Problem.objects.public().count(), scope="problems")


def newest_results() -> list[dict]:
    """The latest resolved public problems: title, link, area, outcome, who did it."""

    def compute():
        problems = (
            selectors.public_problems()
            .filter(status=Problem.Status.RESOLVED)
            .order_by("-updated_at", "-pk")[:HOME_RESULTS]
        )
        return [
            {
                "title": problem.title,
                "public_id": problem.public_id,
                "area": problem.area.name,
                "outcome": problem.outcome,
                "organizations": [r.organization.name for r in problem.responsibilities.all()],
                "updated_at": problem.updated_at,
            }
            for problem in problems
        ]

    return figures.kept("newest-results", compute, scope="problems")


def home_stats() -> dict:
    """The home page's count of public problems (``site.home_stats``)."""
    return {"public_problems": public_count()}


def home_section(*, now) -> dict:
    """The home page's newest results (``site.home_sections``)."""
    return {"results": newest_results()}
