"""The coordinator's pages, all behind ``permissions.coordinator_required`` (coordinators with
two-factor authentication): the dashboard, the organisations' applications and status, and
the coordinator role. Organisation and role changes are services of the stakeholders app."""

from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from partnership.coordination import exports, permissions, queries, services
from partnership.coordination.forms import OverlapDecisionForm, ScopeForm
from partnership.coordination.tasks import overlaps_refresh_task
from partnership.permissions import coordinator_required
from stakeholders import forms as stakeholder_forms
from stakeholders import selectors as stakeholder_selectors
from stakeholders import services as stakeholder_services
from stakeholders.models import Organization


def _scope_form(request, **kwargs) -> ScopeForm:
    form = ScopeForm(request.GET or None, **kwargs)
    form.is_valid()  # errors show next to the fields; the valid filters still apply
    return form


@coordinator_required
@require_GET
def overview(request):
    """What needs a coordinator's attention, in numbers, with links to each list."""
    form = _scope_form(request)
    numbers = queries.overview(form.scope())
    return render(request, "dashboard/overview.html", {"form": form, **numbers})


@coordinator_required
@require_GET
def overlaps(request):
    """Open (or decided) overlapping pairs, strongest first, grouped into clusters."""
    form = _scope_form(request)
    decided = request.GET.get("show") == "decided"
    result = queries.overlaps(form.scope(), decided=decided, page=request.GET.get("page"))
    return render(
        request,
        "dashboard/overlaps.html",
        {
            "form": form,
            "result": result,
            "page": result.page,
            "decided": decided,
            "decision_form": OverlapDecisionForm(),
        },
    )


@coordinator_required
@require_POST
def overlaps_refresh(request):
    """Queue a new computation of the overlap snapshot (the task worker runs it)."""
    overlaps_refresh_task.enqueue()
    messages.success(request, _("The pairs are being computed again; reload the page in a minute."))
    return redirect("coordinator:dashboard:overlaps")


@coordinator_required
@require_POST
def overlap_decide(request):
    """Record a decision on a pair; back to the list the coordinator came from."""
    form = OverlapDecisionForm(request.POST)
    back = reverse("coordinator:dashboard:overlaps")
    next_url = request.POST.get("next", "")
    if next_url.startswith(back):
        back = next_url
    if not form.is_valid():
        messages.error(request, _("Choose a decision for the pair."))
        return redirect(back)
    try:
        services.overlap_decide(
            initiative_a_id=form.cleaned_data["a"],
            initiative_b_id=form.cleaned_data["b"],
            decision=form.cleaned_data["decision"],
            note=form.cleaned_data["note"],
            actor=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The decision is recorded; the pair is listed as decided."))
    return redirect(back)


@coordinator_required
@require_GET
def gaps(request):
    """Open problems nobody addresses, and those addressed at the wrong days or hours."""
    form = _scope_form(request)
    scope = form.scope()
    return render(
        request,
        "dashboard/gaps.html",
        {
            "form": form,
            "page": queries.gaps(scope, page=request.GET.get("page")),
            "time_page": queries.time_gaps(scope, page=request.GET.get("time_page")),
        },
    )


@coordinator_required
@require_GET
def coverage(request):
    """Areas × themes: live initiatives and open problems in each cell."""
    form = _scope_form(request)
    return render(
        request,
        "dashboard/coverage.html",
        {"form": form, "coverage": queries.coverage(form.scope())},
    )


@coordinator_required
@require_GET
def attention(request):
    """Initiatives without news, organisations without initiatives, initiatives without a
    problem."""
    form = _scope_form(request)
    scope = form.scope()
    return render(
        request,
        "dashboard/attention.html",
        {
            "form": form,
            "stale_days": queries.STALE_DAYS,
            "stale": queries.attention_page(
                queries.stale_initiatives(scope), request.GET.get("stale_page")
            ),
            "idle": queries.attention_page(
                queries.idle_organizations(scope), request.GET.get("idle_page")
            ),
            "unlinked": queries.attention_page(
                queries.unlinked_initiatives(scope), request.GET.get("unlinked_page")
            ),
        },
    )


@coordinator_required
@require_GET
def report(request):
    """The partnership report for a period (the current year by default): printable."""
    form = _scope_form(request, default_year=True)
    scope = form.scope()
    return render(
        request,
        "dashboard/report.html",
        {"form": form, "scope": scope, "today": timezone.localdate(), **queries.report(scope)},
    )


@coordinator_required
@require_GET
def export_csv(request, table):
    """Every row of one dashboard table as CSV, streamed, with the page's filters."""
    if table not in exports.TABLES:
        raise Http404
    form = _scope_form(request, default_year=table.startswith("report"))
    response = StreamingHttpResponse(
        exports.rows(table, form.scope()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{table}.csv"'
    return response


# --- Organisations and the coordinator role ----------------------------------------------------

COORDINATOR_PAGE_SIZE = 30


@coordinator_required
@require_GET
def coordinator_organizations(request):
    """Organisations by status, pending applications first."""
    form = stakeholder_forms.OrganizationStatusForm(request.GET)
    status = form.cleaned_data["status"] if form.is_valid() else Organization.Status.PENDING
    page = Paginator(
        stakeholder_selectors.organizations_by_status(status=status), COORDINATOR_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "partnership/coordinator/organization_list.html",
        {"page": page, "status": status, "statuses": Organization.Status.choices},
    )


def _render_coordinator_organization(request, organization, *, reason_form=None, status=200):
    history = stakeholder_selectors.organization_history(
        organization=organization, page_number=request.GET.get("page")
    )
    return render(
        request,
        "partnership/coordinator/organization_detail.html",
        {
            "organization": organization,
            "history": history,
            "reason_form": reason_form or stakeholder_forms.DecisionReasonForm(),
        },
        status=status,
    )


@coordinator_required
@require_GET
def coordinator_organization(request, slug):
    """An organisation whatever its status: the application, the decisions, its history."""
    organization = permissions.organization_for_user(request, slug)
    return _render_coordinator_organization(request, organization)


_DECISIONS = {
    # decision: (service, needs a reason, message)
    "approve": (
        stakeholder_services.organization_approve,
        False,
        gettext_lazy("The organisation is approved."),
    ),
    "reject": (
        stakeholder_services.organization_reject,
        True,
        gettext_lazy("The application is rejected."),
    ),
    "suspend": (
        stakeholder_services.organization_suspend,
        True,
        gettext_lazy("The organisation is suspended."),
    ),
    "reinstate": (
        stakeholder_services.organization_reinstate,
        False,
        gettext_lazy("The organisation is reinstated."),
    ),
}


@coordinator_required
@require_POST
def coordinator_organization_decide(request, slug, decision):
    """Approve, reject (with a reason), suspend (with a reason) or reinstate."""
    if decision not in _DECISIONS:
        raise Http404
    service, needs_reason, done = _DECISIONS[decision]
    organization = permissions.organization_for_user(request, slug)
    kwargs = {"organization": organization, "actor": request.user}
    if needs_reason:
        form = stakeholder_forms.DecisionReasonForm(request.POST)
        if not form.is_valid():
            return _render_coordinator_organization(
                request, organization, reason_form=form, status=400
            )
        kwargs["reason"] = form.cleaned_data["reason"]
    try:
        service(**kwargs)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("coordinator:organization", slug=organization.slug)


@coordinator_required
@require_GET
def coordinator_users(request):
    """Users by email or name, with their organisations; grant or revoke the coordinator role."""
    form = stakeholder_forms.UserSearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    page = Paginator(
        stakeholder_selectors.users_for_coordinator(query=query), COORDINATOR_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(request, "partnership/coordinator/user_list.html", {"page": page, "form": form})


@coordinator_required
@require_POST
def coordinator_role(request, action):
    """Grant or revoke the coordinator role of the user named in the form."""
    service = {
        "grant": stakeholder_services.coordinator_grant,
        "revoke": stakeholder_services.coordinator_revoke,
    }.get(action)
    if service is None:
        raise Http404
    form = stakeholder_forms.CoordinatorRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a user from the list."))
        return redirect("coordinator:users")
    user = form.cleaned_data["user"]
    try:
        service(user=user, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        granted = action == "grant"
        message = (
            _("%(email)s is now a coordinator.")
            if granted
            else _("%(email)s is no longer a coordinator.")
        )
        messages.success(request, message % {"email": user.email})
    return redirect(f"{reverse('coordinator:users')}?q={quote(user.email)}")
