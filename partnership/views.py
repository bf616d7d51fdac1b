"""Pages of the partnership as a whole: home, static pages, health check, error pages."""

import datetime
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.db.utils import DatabaseError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views import i18n
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from partnership import selectors
from partnership.permissions import coordinator_required
from stakeholders import forms as stakeholder_forms
from stakeholders import selectors as stakeholder_selectors
from stakeholders import services as stakeholder_services
from stakeholders.models import Organization

# Shown on the pages; change them whenever the statement or the notice is reviewed
# (DIGG asks for the date of the latest assessment on the accessibility statement).
ACCESSIBILITY_STATEMENT_DATE = datetime.date(2026, 11, 24)
PRIVACY_NOTICE_DATE = datetime.date(2026, 11, 24)


@require_GET
def home(request):
    return render(request, "partnership/home.html", {"stats": selectors.portal_stats()})


@require_GET
def accessibility(request):
    return render(
        request,
        "partnership/accessibility.html",
        {"statement_date": ACCESSIBILITY_STATEMENT_DATE},
    )


@require_GET
def privacy(request):
    return render(request, "partnership/privacy.html", {"notice_date": PRIVACY_NOTICE_DATE})


def set_language(request):
    """Django's ``set_language``, reading the ``next`` URL in the language it is written in.

    The view itself lives outside ``i18n_patterns``, so the request runs in the default
    language and could not resolve an English ``/en/...`` address to translate it: switching
    from English back to Swedish would land on the English page again."""
    next_url = request.POST.get("next", request.GET.get("next", ""))
    language = translation.get_language_from_path(next_url) or settings.LANGUAGE_CODE
    with translation.override(language):
        return i18n.set_language(request)


@require_GET
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page declares (resolved per request: the
    hashed static name exists only after collectstatic)."""
    return redirect(static("img/logo.svg"), permanent=True)


@never_cache
@require_GET
def healthz(request):
    """For load balancers: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors that touch the database: the database may be why we are here.
    from django.http import HttpResponseServerError
    from django.template import loader

    return HttpResponseServerError(loader.get_template("500.html").render())


# --- Coordinator pages ---------------------------------------------------------------------------
# Every page here is behind ``coordinator_required`` (coordinators with two-factor
# authentication). The writes are services of the stakeholders app.

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
    organizations = stakeholder_selectors.organization_for_coordinator()
    organization = get_object_or_404(organizations, slug=slug)
    return _render_coordinator_organization(request, organization)


_DECISIONS = {
    # decision: (service, needs a reason, message)
    "approve": (
        stakeholder_services.organization_approve,
        False,
        _("The organisation is approved."),
    ),
    "reject": (stakeholder_services.organization_reject, True, _("The application is rejected.")),
    "suspend": (
        stakeholder_services.organization_suspend,
        True,
        _("The organisation is suspended."),
    ),
    "reinstate": (
        stakeholder_services.organization_reinstate,
        False,
        _("The organisation is reinstated."),
    ),
}


@coordinator_required
@require_POST
def coordinator_organization_decide(request, slug, decision):
    """Approve, reject (with a reason), suspend (with a reason) or reinstate."""
    if decision not in _DECISIONS:
        raise Http404
    service, needs_reason, done = _DECISIONS[decision]
    organizations = stakeholder_selectors.organization_for_coordinator()
    organization = get_object_or_404(organizations, slug=slug)
    kwargs = {"organization": organization, "actor": request.user}
    if needs_reason:
        form = stakeholder_forms.DecisionReasonForm(request.POST)
        if not form.is_valid():
            return _render_coordinator_organization(request, organization, reason_form=form)
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
    form = stakeholder_forms.CoordinatorRoleForm(request.POST)
    if service is None:
        raise Http404
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
