"""The åtgärdsplan (``coordination/plan.py``): a page partners and coordinators read, and
the CSV and PDF coordinators download. Nothing here is edited: the plan is computed from
the problems, their responsibilities, the initiatives that address them and the delivery
log; it changes when they do."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from partnership.coordination import plan
from partnership.coordination.forms import ScopeForm
from partnership.coordination.queries.common import page_number, page_of
from partnership.pdf import pdf_response
from partnership.permissions import coordinator_required, is_partner
from stakeholders.exports import CsvWriter, csv_safe


class PlanFilterForm(ScopeForm):
    """Area (with its sub-areas) and theme: the plan is of the problems open today."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["starts_on"]
        del self.fields["ends_on"]


def _filter_form(request) -> PlanFilterForm:
    form = PlanFilterForm(request.GET or None)
    form.is_valid()  # errors show next to the fields; the valid filters still apply
    return form


def _partner_required(request):
    """Partners (members of an approved organisation) and coordinators read the plan; anyone
    else is sent to log in (anonymous) or refused."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not is_partner(request.user):
        raise PermissionDenied
    return None


def _rule_context() -> dict:
    return {
        "red_below": int(plan.RED_BELOW * 100),
        "green_from": int(plan.GREEN_FROM * 100),
        "due_soon_days": plan.DUE_SOON_DAYS,
    }


@require_safe
def action_plan(request):
    """The åtgärdsplan: the open problems in Brå's columns, 50 a page, with the follow-up
    computed and its rule stated."""
    refused = _partner_required(request)
    if refused is not None:
        return refused
    form = _filter_form(request)
    number = page_number(request.GET.get("page"))
    scope = form.scope()
    result = plan.action_plan(
        scope, limit=plan.PLAN_PAGE_SIZE, offset=(number - 1) * plan.PLAN_PAGE_SIZE
    )
    if not result.rows and number > 1:
        number = 1
        result = plan.action_plan(scope, limit=plan.PLAN_PAGE_SIZE)
    page = page_of(result.rows, result.total, number, plan.PLAN_PAGE_SIZE)
    return render(
        request,
        "dashboard/plan.html",
        {
            "form": form,
            "plan": result,
            "page": page,
            "today": timezone.localdate(),
            **_rule_context(),
        },
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value):
    if value is None:
        return ""
    return csv_safe(value) if isinstance(value, str) else value


def _stream(rows):
    writer = CsvWriter(_Echo())
    first = True
    for row in rows:
        line = writer.writerow([_cell(value) for value in row])
        yield ("\ufeff" + line) if first else line
        first = False


@coordinator_required
@require_safe
def action_plan_csv(request):
    """Every row of the plan as CSV (UTF-8 with a byte-order mark, for Excel), streamed."""
    form = _filter_form(request)
    if form.errors:
        return HttpResponseBadRequest(
            form.errors_as_text(), content_type="text/plain; charset=utf-8"
        )
    response = StreamingHttpResponse(
        _stream(plan.csv_rows(form.scope())), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="atgardsplan.csv"'
    return response


@coordinator_required
@require_safe
def action_plan_pdf(request):
    """The plan as a PDF: A4 landscape, every column, the partnership's name, the date and
    page numbers on every page; the first :data:`plan.PLAN_PDF_ROWS` problems (the CSV has
    them all)."""
    form = _filter_form(request)
    if form.errors:
        return HttpResponseBadRequest(
            form.errors_as_text(), content_type="text/plain; charset=utf-8"
        )
    today = timezone.localdate()
    scope = form.scope()
    result = plan.action_plan(scope, limit=plan.PLAN_PDF_ROWS)
    return pdf_response(
        request,
        "dashboard/plan_pdf.html",
        {"plan": result, "scope": scope, "today": today, **_rule_context()},
        subtitle=today.isoformat(),
        filename=f"atgardsplan-{today.isoformat()}.pdf",
    )
