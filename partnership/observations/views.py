"""The reporters' pages (``observations:``): log an observation, correct or delete one's
own within a day, the partners' list with its CSV, and the organisation admin's choice of
reporters. Reads through ``selectors``, writes through ``services``, rules from
``permissions``. Partners only: everyone else gets 404 (they may not know the pages exist)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_safe

from partnership.models import Area
from partnership.observations import forms, permissions, selectors, services
from partnership.observations.models import Observation
from partnership.pagination import CappedCountPaginator
from stakeholders.permissions import organization_for_user
from stakeholders.selectors import organization_members

OBSERVATION_PAGE_SIZE = 50
SAVED = _("Saved. Log another?")


def _partner_required(request) -> None:
    if not permissions.can_read_observations(request.user):
        raise Http404


def _optional_url(name: str) -> str:
    """A URL another part of the app may not have yet (the "make a problem" view)."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


def _recent_own(user) -> list[Observation]:
    """What the user logged within the edit window: they may still correct it."""
    since = timezone.now() - permissions.EDIT_WINDOW
    return list(
        selectors.observation_list()
        .filter(reported_by=user, source=Observation.Source.LOGGED, created_at__gte=since)
        .order_by("-created_at")[:10]
    )


def _initial(request, organizations) -> dict:
    """The form's start: today, one of each; the organisation, area and date of the last
    observation when the reporter logs another (they come back in the address)."""
    today = timezone.localdate()
    initial = {"observed_on": today, "count": 1}
    area = Area.objects.filter(slug=request.GET.get("area", "")).first()
    if area is not None:
        initial["area"] = area
    try:
        day = timezone.datetime.fromisoformat(request.GET.get("date", "")).date()
    except ValueError:
        day = None
    if day is not None and day <= today:
        initial["observed_on"] = day
    chosen = next((o for o in organizations if o.slug == request.GET.get("organization")), None)
    if chosen is not None:
        initial["organization"] = chosen
    return initial


def _render_form(request, form, *, status=200, observation=None):
    context = {
        "form": form,
        "observation": observation,
        "recent": _recent_own(request.user) if observation is None else [],
        "edit_hours": int(permissions.EDIT_WINDOW.total_seconds() // 3600),
        "today": timezone.localdate(),
    }
    return render(request, "observations/log_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def observation_log(request):
    """Log an observation in under a minute, on a phone. Only reporters: another partner
    is told to ask their organisation's admin (403). After saving, the form again, with the
    date, place and organisation kept, to log the next one."""
    _partner_required(request)
    organizations = permissions.reporting_organizations(request.user)
    if not organizations:
        return render(request, "observations/not_reporter.html", status=403)
    today = timezone.localdate()
    if request.method != "POST":
        form = forms.ObservationForm(
            organizations=organizations, today=today, initial=_initial(request, organizations)
        )
        return _render_form(request, form)
    form = forms.ObservationForm(request.POST, organizations=organizations, today=today)
    if not form.is_valid():
        return _render_form(request, form, status=400)
    data = form.cleaned_data
    saved = services.observation_create(
        reporter=request.user,
        organization=data["organization"],
        category=data["category"],
        area=data["area"],
        observed_on=data["observed_on"],
        time_from=data["time_from"],
        time_to=data["time_to"],
        count=data["count"],
        note=data["note"],
        latitude=data["latitude"],
        longitude=data["longitude"],
    )
    messages.success(request, SAVED)
    keep = {"area": saved.area.slug, "date": saved.observed_on.isoformat()}
    if len(organizations) > 1:
        keep["organization"] = saved.organization.slug
    return redirect(f"{reverse('observations:log')}?{urlencode(keep)}")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def observation_edit(request, public_id):
    """The reporter corrects their own observation within a day of logging it."""
    observation = permissions.observation_for_user(request, public_id, "edit")
    organizations = [observation.organization]
    fields = ["category", "area", "observed_on", "time_from", "time_to", "count", "note"]
    fields += ["latitude", "longitude"]
    form = forms.ObservationForm(
        request.POST if request.method == "POST" else None,
        organizations=organizations,
        today=timezone.localdate(),
        keep_category=observation.category,
        initial={name: getattr(observation, name) for name in fields},
    )
    if request.method != "POST":
        return _render_form(request, form, observation=observation)
    if not form.is_valid():
        return _render_form(request, form, observation=observation, status=400)
    services.observation_update(
        observation=observation,
        actor=request.user,
        **{name: form.cleaned_data[name] for name in fields},
    )
    messages.success(request, _("The observation is corrected."))
    return redirect("observations:log")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def observation_delete(request, public_id):
    """GET asks "are you sure?"; POST deletes the reporter's own observation (a mistake)."""
    observation = permissions.observation_for_user(request, public_id, "edit")
    if request.method != "POST":
        when = selectors.when_in_words(observation, today=timezone.localdate())
        context = {"observation": observation, "when": when}
        return render(request, "observations/delete_confirm.html", context)
    services.observation_delete(observation=observation, actor=request.user)
    messages.success(request, _("The observation is deleted."))
    return redirect("observations:log")


def _filtered(request):
    return forms.ObservationFilter(request.GET, queryset=selectors.observation_list())


@require_safe
def observation_list(request):
    """The partners' list: filters (area with its sub-areas, category, period,
    organisation), newest first, a page at a time; rows chosen here become a problem."""
    _partner_required(request)
    filterset = _filtered(request)
    page = CappedCountPaginator(filterset.qs, OBSERVATION_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    today = timezone.localdate()
    reporting = permissions.reporting_organizations(request.user)
    for observation in page.object_list:
        observation.when = selectors.when_in_words(observation, today=today)
        observation.editable = permissions.can_edit_observation(
            request.user, observation, reporting=reporting
        )
    context = {
        "filterset": filterset,
        "page": page,
        "can_log": bool(reporting),
        "can_maintain": permissions.can_maintain_categories(request.user),
        "make_problem_url": _optional_url("observations:make_problem"),
        "pattern_url": _optional_url("observations:patterns"),
        "import_url": _optional_url("observations:import"),
        "query": request.GET.urlencode(),
        "edit_hours": int(permissions.EDIT_WINDOW.total_seconds() // 3600),
    }
    status = 400 if filterset.form.errors else 200
    return render(request, "observations/list.html", context, status=status)


@require_safe
def observation_export_csv(request):
    """The filtered list as CSV, streamed (any number of rows)."""
    _partner_required(request)
    filterset = _filtered(request)
    if not filterset.is_valid():
        return observation_list(request)
    rows = selectors.observation_csv_rows(filterset.qs.iterator(chunk_size=selectors.CHUNK_SIZE))
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    filename = f"handelser-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def reporters(request, slug):
    """The organisation's admins (and coordinators, as for every change to members) choose
    who logs observations for it: a button per member."""
    organization = organization_for_user(request, slug, "manage")
    if request.method == "POST":
        form = forms.ReporterForm(
            request.POST, memberships=organization_members(organization=organization)
        )
        if not form.is_valid():
            messages.error(request, _("That member is no longer there."))
        else:
            membership, on = form.cleaned_data["membership"], form.cleaned_data["is_reporter"]
            services.reporter_set(membership=membership, is_reporter=on, actor=request.user)
            name = membership.user.get_full_name() or membership.user.email
            text = (
                _("%(name)s logs observations now.")
                if on
                else _("%(name)s no longer logs observations.")
            )
            messages.success(request, text % {"name": name})
        return redirect("observations:reporters", slug=organization.slug)
    context = {
        "organization": organization,
        "memberships": selectors.organization_reporters(organization=organization),
    }
    return render(request, "observations/reporters.html", context)
