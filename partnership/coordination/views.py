"""The coordinator's pages, all behind ``permissions.coordinator_required`` (coordinators with
two-factor authentication): the dashboard, the organisations' applications and status, and
the coordinator role. Organisation and role changes are services of the stakeholders app."""

import datetime as dt
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from partnership.coordination import exports, permissions, queries, selectors, services
from partnership.coordination.forms import (
    OverlapClusterDecisionForm,
    OverlapDecisionForm,
    ScopeForm,
    filter_params,
)
from partnership.coordination.models import OverlapDecision
from partnership.coordination.queries.attention import DELIVERY_WEEKS, delivery_attention
from partnership.coordination.queries.gaps import (
    DELIVERED_WEEKS,
    OBSERVATION_WEEKS,
    delivered_gaps,
    observation_pages,
    observation_period,
)
from partnership.coordination.tasks import overlaps_refresh_task
from partnership.permissions import coordinator_required
from partnership.spreadsheets import xlsx_response
from stakeholders import forms as stakeholder_forms
from stakeholders import selectors as stakeholder_selectors
from stakeholders import services as stakeholder_services
from stakeholders.models import Organization


def _scope_form(request, **kwargs) -> ScopeForm:
    form = ScopeForm(request.GET or None, **kwargs)
    form.is_valid()  # errors show next to the fields; the valid filters still apply
    return form


@coordinator_required
@require_safe
def overview(request):
    """What needs the coordinator today, first, in counts that link to their lists; then the
    state of the partnership in numbers."""
    form = _scope_form(request)
    since = selectors.overview_since(user=request.user)
    numbers = queries.overview(form.scope(), new_since=since.starts)
    return render(
        request,
        "dashboard/overview.html",
        {"form": form, "since": since, **numbers, **selectors.applications_waiting()},
    )


def _since(value) -> dt.date | None:
    """``?since=`` as a day (a bad value is ignored: the whole list shows)."""
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@coordinator_required
@require_safe
def overlaps(request):
    """Open (or decided) overlapping pairs, strongest or newest first, 25 a page, with the
    clusters on the page; each pair opens its own decision form."""
    form = _scope_form(request)
    decided = request.GET.get("show") == "decided"
    sort = request.GET.get("sort") if request.GET.get("sort") in queries.SORTS else "strength"
    since = _since(request.GET.get("since"))
    result = queries.overlaps(
        form.scope(),
        decided=decided,
        page=request.GET.get("page"),
        sort=sort,
        since=selectors.day_start(since) if since else None,
    )
    return render(
        request,
        "dashboard/overlaps.html",
        {
            "form": form,
            "result": result,
            "page": result.page,
            "decided": decided,
            "sort": sort,
            "since": since,
            "decisions": OverlapDecision.Decision.choices,
        },
    )


@coordinator_required
@require_POST
def overlaps_refresh(request):
    """Queue a new computation of the overlap snapshot (the task worker runs it)."""
    overlaps_refresh_task.enqueue()
    messages.success(request, _("The pairs are being computed again; reload the page in a minute."))
    return redirect("coordinator:dashboard:overlaps")


def _back(request) -> str:
    """The list the coordinator came from (only a page of the overlap list)."""
    back = reverse("coordinator:dashboard:overlaps")
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    return next_url if next_url.startswith(back) and "//" not in next_url else back


@coordinator_required
@require_http_methods(["GET", "HEAD", "POST"])
def overlap_decide(request):
    """A pair's decision on its own page (``?a=&b=``, for a phone or a long note); the list's
    forms post here too. A choice is required; errors come back on this page."""
    data = request.POST if request.method == "POST" else request.GET
    pair = permissions.overlap_pair_for_user(request, data.get("a"), data.get("b"))
    if request.method == "GET":
        decision_form = OverlapDecisionForm(initial={"a": pair.a.pk, "b": pair.b.pk})
    else:
        decision_form = OverlapDecisionForm(request.POST)
        if decision_form.is_valid():
            try:
                services.overlap_decide(
                    initiative_a_id=pair.a.pk,
                    initiative_b_id=pair.b.pk,
                    decision=decision_form.cleaned_data["decision"],
                    note=decision_form.cleaned_data["note"],
                    actor=request.user,
                )
            except ValidationError as error:
                decision_form.add_error(None, error)
            else:
                messages.success(
                    request, _("The decision is recorded; the pair is listed as decided.")
                )
                return redirect(_back(request))
    return TemplateResponse(
        request,
        "dashboard/overlap_decide.html",
        {"pair": pair, "decision_form": decision_form, "next": _back(request)},
        status=400 if decision_form.errors else 200,
    )


@coordinator_required
@require_POST
def overlap_cluster_decide(request):
    """One decision for every pair of a cluster; errors come back on a page of their own."""
    decision_form = OverlapClusterDecisionForm(request.POST)
    if decision_form.is_valid():
        try:
            decided = services.overlap_cluster_decide(
                pairs=decision_form.cleaned_data["pairs"],
                decision=decision_form.cleaned_data["decision"],
                note=decision_form.cleaned_data["note"],
                actor=request.user,
            )
        except ValidationError as error:
            decision_form.add_error(None, error)
        else:
            messages.success(
                request,
                ngettext(
                    "The decision is recorded for %(count)d pair.",
                    "The decision is recorded for %(count)d pairs.",
                    len(decided),
                )
                % {"count": len(decided)},
            )
            return redirect(_back(request))
    return TemplateResponse(
        request,
        "dashboard/overlap_cluster_decide.html",
        {
            "decision_form": decision_form,
            "pair_keys": request.POST.getlist("pairs"),
            "next": _back(request),
        },
        status=400,
    )


def _views(request, views: dict) -> dict:
    """A page's views (``?view=``; ``views``: value → label, the first the default): the
    chosen ``view``, the ``kept_view`` the filter form carries along ("" for the default,
    ``dashboard/base.html``) and the ``view_tabs`` (label, address, shown): each view's
    address keeps the filters (``filter_params``) and drops the page numbers."""
    default = next(iter(views))
    view = request.GET.get("view") if request.GET.get("view") in views else default
    tabs = []
    for value, label in views.items():
        params = filter_params(request.GET)
        if value != default:
            params["view"] = value
        query = params.urlencode()
        tabs.append((label, f"{request.path}?{query}" if query else request.path, value == view))
    return {"view": view, "kept_view": "" if view == default else view, "view_tabs": tabs}


# The gaps page's views (``?view=``): the problems as planned (the initiatives' weekly
# times) and as delivered (the sessions held, from the delivery log), and the observed hours
# nobody covered, planned and delivered (one statement reads the observations once for
# both). Each computes only its own tables.
GAP_VIEWS = {
    "planned": gettext_lazy("As planned: weekly times"),
    "delivered": gettext_lazy("As delivered: sessions held"),
    "observed": gettext_lazy("Observed hours: planned and delivered"),
}


@coordinator_required
@require_safe
def gaps(request):
    """Open problems nobody addresses, and those addressed at the wrong days or hours; the
    delivered view: the hours covered only by sessions actually held; the observed view:
    observed hours and places where no initiative runs, and where no session was held."""
    form = _scope_form(request)
    scope = form.scope()
    context = {"form": form, **_views(request, GAP_VIEWS)}
    view = context["view"]
    if view == "planned":
        context |= {
            "page": queries.gaps(scope, page=request.GET.get("page")),
            "time_page": queries.time_gaps(scope, page=request.GET.get("time_page")),
        }
    elif view == "delivered":
        context |= {
            # The delivery log: hours covered only by sessions actually held.
            "delivered_page": delivered_gaps(scope, page=request.GET.get("delivered_page")),
            "delivered_weeks": DELIVERED_WEEKS,
        }
    else:
        observed = observation_pages(
            scope,
            planned_page=request.GET.get("observed_page"),
            delivered_page=request.GET.get("observed_delivered_page"),
        )
        context |= {
            "observation_period": observation_period(scope),
            "observation_weeks": OBSERVATION_WEEKS,
            "observed_page": observed["planned"],
            "observed_delivered_page": observed["delivered"],
        }
    return render(request, "dashboard/gaps.html", context)


@coordinator_required
@require_safe
def coverage(request):
    """Areas × themes: live initiatives and open problems in each cell."""
    form = _scope_form(request)
    return render(
        request,
        "dashboard/coverage.html",
        {"form": form, "coverage": queries.coverage(form.scope())},
    )


# The follow-up page's views (``?view=``): responsibilities and initiatives, and the
# delivery log's sessions (which read four weeks of every live initiative's sessions).
ATTENTION_VIEWS = {
    "follow-up": gettext_lazy("Responsibilities and initiatives"),
    "delivery": gettext_lazy("Delivery: sessions"),
}


@coordinator_required
@require_safe
def attention(request):
    """Problems nobody answers for, overdue responsibilities, initiatives without news,
    organisations without initiatives, initiatives without a problem; the delivery view
    (``?view=delivery``): sessions nobody confirmed, sessions often cancelled. Each view
    computes only its own lists."""
    form = _scope_form(request)
    scope = form.scope()
    context = {"form": form, **_views(request, ATTENTION_VIEWS)}
    view = context["view"]
    if view == "follow-up":
        context |= {
            "stale_days": queries.STALE_DAYS,
            "unowned": queries.attention_page(
                queries.unowned_problems(scope), request.GET.get("unowned_page")
            ),
            "overdue": queries.attention_page(
                queries.overdue_responsibilities(scope), request.GET.get("overdue_page")
            ),
            "stale": queries.attention_page(
                queries.stale_initiatives(scope), request.GET.get("stale_page")
            ),
            "idle": queries.attention_page(
                queries.idle_organizations(scope), request.GET.get("idle_page")
            ),
            "unlinked": queries.attention_page(
                queries.unlinked_initiatives(scope), request.GET.get("unlinked_page")
            ),
        }
    else:
        context |= {
            # The delivery log: sessions nobody confirmed, sessions often cancelled.
            **delivery_attention(
                scope,
                unconfirmed_page=request.GET.get("unconfirmed_page"),
                cancelled_page=request.GET.get("cancelled_page"),
            ),
            "delivery_weeks": DELIVERY_WEEKS,
        }
    return render(request, "dashboard/attention.html", context)


@coordinator_required
@require_safe
def export_csv(request, table):
    """Every row of one dashboard table as CSV, streamed, with the page's filters; a filter the
    page would show an error for answers 400 with the error, never every row."""
    if table not in exports.TABLES:
        raise Http404
    form = _scope_form(request, default_year=table.startswith("report"))
    if form.errors:  # the page shows these next to the fields; the file says them
        return HttpResponseBadRequest(
            form.errors_as_text(), content_type="text/plain; charset=utf-8"
        )
    response = StreamingHttpResponse(
        exports.rows(table, form.scope()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{table}.csv"'
    return response


@coordinator_required
@require_safe
def export_xlsx(request, table):
    """The same table as a spreadsheet for Excel (the CSV is for programs): the same
    filters, the same 400 for a filter the page would show an error for."""
    if table not in exports.TABLES:
        raise Http404
    form = _scope_form(request, default_year=table.startswith("report"))
    if form.errors:
        return HttpResponseBadRequest(
            form.errors_as_text(), content_type="text/plain; charset=utf-8"
        )
    rows = exports.TABLES[table](form.scope())
    return xlsx_response(rows, title=table, filename=f"{table}.xlsx")


# --- Organisations and the coordinator role ----------------------------------------------------

COORDINATOR_PAGE_SIZE = 30


@coordinator_required
@require_safe
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
        organization=organization, reader=request.user, page_number=request.GET.get("page")
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
@require_safe
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
@require_safe
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
            _(
                "%(email)s is now a coordinator. We have emailed them: their coordinator "
                "rights begin when they log in with an authenticator app."
            )
            if granted
            else _("%(email)s is no longer a coordinator.")
        )
        messages.success(request, message % {"email": user.email})
    return redirect(f"{reverse('coordinator:users')}?q={quote(user.email)}")
