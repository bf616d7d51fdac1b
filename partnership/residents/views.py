"""Residents' reports (``residents:``): the public form "Säg till om en plats" and its
counts, the partners' list and map layer, the coordinator's hiding of texts and Open311 keys.
Reads through ``selectors``, writes through ``services``, rules from ``permissions``."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from partnership.models import Area
from partnership.pagination import CappedCountPaginator
from partnership.permissions import coordinator_required
from partnership.ratelimit import client_ip
from partnership.residents import forms, permissions, selectors, services

REPORT_PAGE_SIZE = 50
# The map layer shows at most this many reports (the newest matching the filters).
MAP_LIMIT = 2000

TOO_MANY = _(
    "You have sent many reports in a short time. Wait a few minutes and send this one again; "
    "what you wrote is kept below."
)


@require_http_methods(["GET", "HEAD", "POST"])
def report(request):
    """Tell us about a place: no account. A filled honeypot gets the same thanks, and
    nothing is saved; over the rate limit, 429 with the input kept."""
    form = forms.ReportForm(request.POST if request.method == "POST" else None)
    if request.method == "GET":
        return render(request, "residents/report_form.html", {"form": form})
    if form.is_spam:
        return redirect("residents:thanks")
    if not form.is_valid():
        return render(request, "residents/report_form.html", {"form": form}, status=400)
    if services.report_limit_reached(client_ip(request)):
        form.add_error(None, TOO_MANY)
        return render(request, "residents/report_form.html", {"form": form}, status=429)
    cleaned = form.cleaned_data
    saved = services.report_create(
        kind=cleaned["kind"],
        area=cleaned["area"],
        reasons=cleaned["reasons"],
        times_of_day=cleaned["times_of_day"],
        weekdays=cleaned["weekdays"],
        text=cleaned["text"],
        latitude=cleaned.get("latitude"),
        longitude=cleaned.get("longitude"),
    )
    return redirect(f"{reverse('residents:thanks')}?area={saved.area.slug}")


@require_safe
def thanks(request):
    """After sending: what happens now, and the counts of the place's area."""
    area = Area.objects.filter(slug=request.GET.get("area", "")).first()
    return render(request, "residents/report_thanks.html", {"area": area})


@require_safe
def summary(request, area=None):
    """What residents say, in counts only: for the whole partnership or one area (with its
    sub-areas), by reason and time of day, unsafe and safe apart; never a point or a text.
    And what the partnership made of it (public problems made from reports)."""
    areas, counts = selectors.aggregates()
    chosen = None
    if area is not None:
        chosen = next((a for a in areas if a.slug == area), None)
        if chosen is None:
            raise Http404
    children = [a for a in areas if a.parent_id == (chosen.pk if chosen else None)]
    if chosen is None and len(children) == 1:  # one top area (the municipality): its parts
        children = [a for a in areas if a.parent_id == children[0].pk] or children
    context = {
        "area": chosen,
        "counts": counts[chosen.pk if chosen else None],
        "parts": [(a, counts[a.pk]) for a in children],
        "parent": next((a for a in areas if chosen and a.pk == chosen.parent_id), None),
        "problems": selectors.problems_from_reports(chosen),
    }
    return render(request, "residents/summary.html", context)


def _partner_required(request):
    if not permissions.can_read_reports(request.user):
        raise PermissionDenied


@login_required
@require_safe
def report_list(request):
    """The partners' list of reports with filters (area, reason, unsafe or safe, period),
    the points on a map; a coordinator selects reports to make a problem of them."""
    _partner_required(request)
    filterset = forms.ReportFilter(request.GET, queryset=selectors.report_list())
    page = CappedCountPaginator(filterset.qs, REPORT_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filterset": filterset,
        "page": page,
        "can_moderate": permissions.can_moderate_reports(request.user),
        "map_query": request.GET.urlencode(),
        "retention_days": settings.RESIDENT_REPORT_RETENTION_DAYS,
    }
    status = 400 if filterset.form.errors else 200
    return render(request, "residents/report_list.html", context, status=status)


@login_required
@require_safe
def map_data(request):
    """The partners' map layer: the filtered reports as GeoJSON points snapped to about
    50 m, with their reasons; the text only when shown (and never a hidden one)."""
    _partner_required(request)
    filterset = forms.ReportFilter(request.GET, queryset=selectors.report_list())
    if filterset.form.errors:
        return JsonResponse({"type": "FeatureCollection", "features": []}, status=400)
    features = []
    for item in filterset.qs.exclude(latitude__isnull=True)[:MAP_LIMIT]:
        latitude, longitude = item.rounded_point
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [longitude, latitude]},
                "properties": {
                    "kind": item.kind,
                    "kind_label": str(item.get_kind_display()),
                    "reasons": ", ".join(item.reason_labels),
                    "when": f"{item.times_display}; {item.weekdays_display}",
                    "sent_on": item.created_on.isoformat(),
                    "text": item.shown_text,
                },
            }
        )
    return JsonResponse({"type": "FeatureCollection", "features": features})


def _back_to_list(request):
    target = request.POST.get("next", "")
    list_url = reverse("residents:list")
    if target.startswith(list_url):
        return redirect(target)
    return redirect(list_url)


@coordinator_required
@require_POST
def report_hide(request, public_id):
    """Hide an abusive text: partners no longer read it, the counts stay."""
    item = permissions.report_for_user(request, public_id, "moderate")
    if services.report_hide_text(report=item, hidden=True):
        messages.success(request, _("The text is hidden. The report still counts."))
    return _back_to_list(request)


@coordinator_required
@require_POST
def report_show(request, public_id):
    item = permissions.report_for_user(request, public_id, "moderate")
    if services.report_hide_text(report=item, hidden=False):
        messages.success(request, _("The text is shown to partners again."))
    return _back_to_list(request)


@coordinator_required
@require_http_methods(["GET", "HEAD", "POST"])
def open311_keys(request):
    """Keys for apps that send reports over Open311: issue one (shown once), revoke one."""
    form = forms.Open311KeyForm(request.POST if request.method == "POST" else None)
    issued = None
    status = 200
    if form.is_bound:
        if form.is_valid():
            _key, issued = services.open311_key_issue(
                name=form.cleaned_data["name"], actor=request.user
            )
            form = forms.Open311KeyForm()
        else:
            status = 400
    keys = selectors.open311_keys()
    return render(
        request,
        "residents/open311_keys.html",
        {"form": form, "issued": issued, "keys": keys},
        status=status,
    )


@coordinator_required
@require_http_methods(["GET", "HEAD", "POST"])
def open311_key_revoke(request, public_id):
    """GET asks "are you sure?"; POST revokes: the app's reports are refused from then on."""
    key = permissions.open311_key_for_user(request, public_id)
    if request.method == "GET":
        return render(request, "residents/open311_key_revoke.html", {"key": key})
    if services.open311_key_revoke(key=key):
        messages.success(request, _("The key is revoked."))
    return redirect("residents:open311_keys")
