"""The partnership report (lägesbild) for a period, on a page and as a PDF, for coordinators:
the structure of lag 2023:196, 4 § — kartläggning (mapping: observations and problems by
area, category and time), annan information (safety walks and surveys, residents' reports),
analys (patterns, causes, gaps) and the åtgärdsplan — followed by the partnership's own
numbers (coverage, overlaps, initiatives started and ended)."""

from dataclasses import replace

from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from partnership.coordination import plan, queries
from partnership.coordination.forms import ScopeForm
from partnership.coordination.queries.report import lagesbild
from partnership.pdf import pdf_response
from partnership.permissions import coordinator_required

REPORT_PDF_PLAN_ROWS = 25
# The PDF's per-area tables list the busiest areas, the rest added up in one row (the page
# lists every area): at national scale 400 areas were 45 pages and most of the drawing time.
REPORT_PDF_AREAS = 30


def _scope_form(request) -> ScopeForm:
    form = ScopeForm(request.GET or None, default_year=True)
    form.is_valid()  # errors show next to the fields; the valid filters still apply
    return form


def _context(scope, *, plan_rows: int) -> dict:
    return {
        "scope": scope,
        "today": timezone.localdate(),
        **queries.report(scope),
        **lagesbild(scope),
        "plan": plan.action_plan(scope, limit=plan_rows),
        "red_below": int(plan.RED_BELOW * 100),
        "green_from": int(plan.GREEN_FROM * 100),
        "due_soon_days": plan.DUE_SOON_DAYS,
    }


def _busiest_areas(context: dict, limit: int) -> dict:
    """The observation matrix's and the recorded problems' ``limit`` busiest areas, with the
    others added up (``observations_others``, ``problems_others``: areas and counts), for
    print."""
    matrix = context["observations"]
    rows = sorted(matrix.rows, key=lambda row: (-row[2], row[0]))
    others = rows[limit:]
    recorded = context["problems_recorded"]  # most first
    return {
        "observations": replace(matrix, rows=rows[:limit]),
        "observations_others": (
            (
                len(others),
                [sum(column) for column in zip(*(r[1] for r in others), strict=True)],
                sum(r[2] for r in others),
            )
            if others
            else None
        ),
        "problems_recorded": recorded[:limit],
        "problems_others": (
            (len(recorded) - limit, sum(n for _name, n in recorded[limit:]))
            if len(recorded) > limit
            else None
        ),
    }


@coordinator_required
@require_safe
def report(request):
    """The partnership report for a period (the current year by default): printable."""
    form = _scope_form(request)
    return render(
        request,
        "dashboard/report.html",
        {"form": form, **_context(form.scope(), plan_rows=queries.REPORT_ROWS)},
    )


@coordinator_required
@require_safe
def report_pdf(request):
    """The partnership report as a PDF: A4, the partnership and the period on every page;
    the wide tables (coverage transposed, the action plan) on landscape pages, so no column
    is lost."""
    form = _scope_form(request)
    if form.errors:  # as the CSV files: the page shows the errors, the file says them
        return HttpResponseBadRequest(
            form.errors_as_text(), content_type="text/plain; charset=utf-8"
        )
    scope = form.scope()
    starts, ends = scope.window
    period = f"{starts.isoformat()} – {ends.isoformat() if ends else ''}".strip(" –")
    # The plan's first rows (its own PDF has more, its CSV all): WeasyPrint lays out each of
    # its wide rows in tens of milliseconds.
    context = _context(scope, plan_rows=REPORT_PDF_PLAN_ROWS)
    return pdf_response(
        request,
        "dashboard/report_pdf.html",
        {**context, **_busiest_areas(context, REPORT_PDF_AREAS), "pdf_areas": REPORT_PDF_AREAS},
        subtitle=period,
        filename=f"lagesbild-{starts.isoformat()}.pdf",
    )
