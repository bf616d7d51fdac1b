"""Open311 GeoReport v2, the read side, at ``/open311/v2/``: the public problems as service
requests and the themes as services, in JSON (the spec's XML is not offered: discovery
lists ``application/json`` only), for FixaMinGata-style clients.

- ``discovery.json``; ``services.json`` (every theme: ``service_code`` is its slug, no
  further attributes); ``services/<code>.json`` (its definition: no attributes);
  ``requests.json`` and ``requests/<id>.json`` (``service_request_id`` is the problem's
  UUID).
- Public problems only (``Problem.objects.public()``), located by their **area** only: its
  name (and the area it is part of) as ``address``, the area's representative point (else
  its parent's) as ``lat``/``long``, never the problem's own point. ``status`` is ``open``
  for ``Problem.OPEN_STATUSES``, else ``closed``; ``status_notes`` the portal's status and
  the outcome; ``agency_responsible`` the lead organisation (else every organisation
  responsible), ``service_notice`` what each has committed to — approved organisations only;
  ``requested_datetime`` when it was recorded, ``updated_datetime`` its latest change.
  A problem with several themes is listed under its first (its first among those asked
  for, when ``service_code`` is given).
- ``requests.json`` takes the spec's filters: ``service_request_id`` (comma-separated; it
  overrides the others), ``service_code`` and ``status`` (comma-separated), ``start_date``
  and ``end_date`` (W3C date-times from 1900 to 2100; a date alone, or a time without an
  offset, is in ``TIME_ZONE``), by default
  the last 90 days and never a span over 90 days, at most 1,000 requests. An empty parameter
  is no parameter; ``jurisdiction_id`` is ignored (one jurisdiction).
- Every error is the spec's list, ``[{"code": 400, "description": "…"}]``, with the same
  HTTP status: 400 for a bad filter, 404 for an unknown service or request (a partners-only
  or archived problem is unknown), 405 for a method an endpoint does not take.
- ``POST requests.json`` lands as a **resident report** (``partnership.residents``), with
  the same privacy rules as the portal's form: ``api_key`` (issued by a coordinator, only
  its hash stored; missing, unknown or revoked: 403); ``service_code`` a theme, mapped to a
  reason by ``RESIDENT_REASON_THEMES`` (the first reason that names the theme, else
  "other"); ``lat``/``long`` inside the partnership's areas (the report's area is the
  smallest containing the point), or ``address_string`` naming an area (its name or slug) or
  the extension ``area`` (a slug); ``description`` at most 500 characters, without personal
  data (``partnership.personal_data``: refused with the reason). ``email``, ``phone``,
  ``first_name``, ``last_name``, ``device_id``, ``account_id`` and ``media_url`` are never
  stored. The answer is the spec's list of one, with a ``token`` (the report's id) and no
  ``service_request_id``: a report becomes a service request only when a coordinator makes a
  public problem of it.
- Answers are in Swedish, or English with ``locale=en`` (an extension some clients send).
  Other sites' pages may read them (CORS, ``CORS_URLS_REGEX``).
"""

import datetime as dt
import math
import uuid
from functools import wraps

from django.conf import settings
from django.db.models import Q
from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from partnership.fields import DATE_MAX, DATE_MIN
from partnership.models import Area, Theme
from partnership.personal_data import find_personal_data
from partnership.problems import selectors
from partnership.problems.models import Problem, ProblemResponsibility
from partnership.residents import geo as resident_geo
from partnership.residents import services as resident_services
from partnership.residents.forms import TEXT_LIMIT as REPORT_TEXT_LIMIT
from partnership.residents.models import Reason, ResidentReport

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this API last changed (discovery's ``changeset``).
CHANGESET = "2026-11-29T00:00:00Z"
MAX_SPAN = dt.timedelta(days=90)
DESCRIPTION_LIMIT = 4000  # GeoReport v2: "free form text limited to 4,000 characters"


class Open311Error(Exception):
    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status, self.description = status, description


def error_response(status: int, description: str) -> JsonResponse:
    return JsonResponse([{"code": status, "description": description}], status=status, safe=False)


def endpoint(*methods: str):
    """An Open311 view: answers in the language asked for (Swedish by default), the spec's
    error list for an ``Open311Error`` or a method it does not take, no CSRF check (it
    changes nothing and takes no session)."""

    def decorate(view):
        @csrf_exempt
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            locale = request.GET.get("locale", "")
            if not locale and request.method == "POST":  # a report may say it in its body
                locale = request.POST.get("locale", "")
            wants_english = locale.startswith("en")
            language = "en" if wants_english else settings.LANGUAGE_CODE
            with translation.override(language):
                if request.method not in (*methods, "HEAD"):
                    response = error_response(
                        405,
                        _("This address does not take %(method)s.") % {"method": request.method},
                    )
                    response["Allow"] = ", ".join(methods)
                    return response
                try:
                    return view(request, *args, **kwargs)
                except Open311Error as error:
                    return error_response(error.status, error.description)

        return wrapper

    return decorate


def w3c(moment: dt.datetime) -> str:
    """A date-time in the W3C profile of ISO 8601 with its UTC offset, in ``TIME_ZONE``."""
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


# --- Services (themes) ---------------------------------------------------------------------------


def service(theme: Theme) -> dict:
    other = theme.name_en if translation.get_language() == "sv" else theme.name_sv
    return {
        "service_code": theme.slug,
        "service_name": theme.name,
        "description": theme.description,
        "metadata": False,
        # A posted report gets a token, never a request id of its own: it becomes a service
        # request only when a coordinator makes a public problem of it (and no tokens/ lookup
        # exists), which GeoReport v2 calls "blackbox".
        "type": "blackbox",
        "keywords": other if other and other != theme.name else "",
        "group": "",
    }


@endpoint("GET")
def discovery(request):
    """Service discovery: where the GeoReport v2 endpoint is and what it speaks."""
    base = settings.SITE_URL + reverse("open311:discovery").removesuffix("discovery.json")
    return JsonResponse(
        {
            "changeset": CHANGESET,
            "contact": _("Questions about the data: %(email)s")
            % {"email": settings.PORTAL_CONTACT_EMAIL},
            "key_service": _(
                "Ask the partnership's coordinator for a key: %(email)s. Reports sent are "
                "anonymous residents' reports; no personal details are stored."
            )
            % {"email": settings.PORTAL_CONTACT_EMAIL},
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    "url": base.removesuffix("/"),
                    "changeset": CHANGESET,
                    "type": "production",
                    "formats": ["application/json"],
                }
            ],
        }
    )


@endpoint("GET")
def services(request):
    """Every theme as a service."""
    return JsonResponse([service(theme) for theme in Theme.objects.all()], safe=False)


@endpoint("GET")
def service_definition(request, service_code):
    """A theme's definition: it asks for nothing more (no attributes)."""
    if not Theme.objects.filter(slug=service_code).exists():
        raise Open311Error(404, _("There is no service %(code)s.") % {"code": service_code})
    return JsonResponse({"service_code": service_code, "attributes": []})


# --- Requests (public problems) -------------------------------------------------------------------


def _listed(request, name: str) -> list[str]:
    """A comma-separated parameter as its values; none when empty or absent."""
    return [value.strip() for value in request.GET.get(name, "").split(",") if value.strip()]


def _moment(request, name: str) -> dt.datetime | None:
    value = request.GET.get(name, "").strip()
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise Open311Error(
            400,
            _("%(name)s is not a date and time in W3C format (for example 2026-05-01T00:00:00Z).")
            % {"name": name},
        ) from None
    if not DATE_MIN <= moment.date() <= DATE_MAX:  # the portal's dates, as in every form
        raise Open311Error(400, _("%(name)s must be from 1900 to 2100.") % {"name": name})
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _period(request) -> tuple[dt.datetime, dt.datetime]:
    """GeoReport v2's period: the last 90 days by default, 90 days from ``start_date`` or up
    to ``end_date`` when only one is given, never more than 90 days."""
    start, end = _moment(request, "start_date"), _moment(request, "end_date")
    if start is None and end is None:
        end = timezone.now()
    if start is None:
        start = end - MAX_SPAN
    if end is None:
        end = start + MAX_SPAN
    if end < start:
        raise Open311Error(400, _("end_date is before start_date."))
    if end - start > MAX_SPAN:
        raise Open311Error(400, _("start_date and end_date may be at most 90 days apart."))
    return start, end


def _request_filters(request) -> dict:
    ids = _listed(request, "service_request_id")
    if ids:
        try:
            return {"public_ids": [uuid.UUID(value) for value in ids]}
        except ValueError:
            raise Open311Error(
                400, _("service_request_id takes the ids of requests, separated by commas.")
            ) from None
    codes = _listed(request, "service_code")
    unknown = set(codes) - set(Theme.objects.filter(slug__in=codes).values_list("slug", flat=True))
    if unknown:
        raise Open311Error(
            400, _("There is no service %(code)s.") % {"code": ", ".join(sorted(unknown))}
        )
    statuses = set(_listed(request, "status"))
    if statuses - {"open", "closed"}:
        raise Open311Error(400, _("status is open, closed or both (open,closed)."))
    start, end = _period(request)
    return {
        "recorded_from": start,
        "recorded_until": end,
        "theme_slugs": codes,
        "is_open": None if len(statuses) != 1 else statuses == {"open"},
    }


def _representative_point(area) -> tuple[float | None, float | None]:
    for place in (area, area.parent):
        if place is not None and place.has_point:
            return round(place.latitude, 6), round(place.longitude, 6)
    return None, None


def service_request(problem: Problem, codes: list[str]) -> dict:
    """One public problem as a GeoReport v2 service request: its area, never its point."""
    themes = list(problem.themes.all())
    theme = next((t for t in themes if t.slug in codes), themes[0] if themes else None)
    responsible = list(problem.responsibilities.all())
    lead = [r for r in responsible if r.role == ProblemResponsibility.Role.LEAD]
    agencies = lead or responsible
    notes = problem.get_status_display()
    if problem.outcome:
        notes = f"{notes}: {problem.outcome}"
    latitude, longitude = _representative_point(problem.area)
    area = problem.area
    return {
        "service_request_id": str(problem.public_id),
        "status": "open" if problem.status in Problem.OPEN_STATUSES else "closed",
        "status_notes": notes,
        "service_name": theme.name if theme else None,
        "service_code": theme.slug if theme else None,
        "description": f"{problem.title}\n\n{problem.description}"[:DESCRIPTION_LIMIT],
        "agency_responsible": ", ".join(r.organization.name for r in agencies) or None,
        "service_notice": "\n".join(f"{r.organization.name}: {r.commitment}" for r in responsible)
        or None,
        "requested_datetime": w3c(problem.created_at),
        "updated_datetime": w3c(problem.changed_at),
        "expected_datetime": None,
        "address": f"{area.name}, {area.parent.name}" if area.parent else area.name,
        "address_id": None,
        "zipcode": None,
        "lat": latitude,
        "long": longitude,
        "media_url": None,
    }


@endpoint("GET", "POST")
def requests(request):
    """GET: public problems as service requests, by the spec's filters. POST: a resident
    report (:func:`create_report`)."""
    if request.method == "POST":
        return create_report(request)
    filters = _request_filters(request)
    codes = filters.get("theme_slugs") or []
    problems = selectors.open311_requests(**filters)
    return JsonResponse([service_request(p, codes) for p in problems], safe=False)


def _reason_for(theme_slug: str) -> str:
    for reason, slugs in settings.RESIDENT_REASON_THEMES.items():
        if theme_slug in slugs:
            return reason
    return Reason.OTHER


def _report_place(data) -> tuple[Area, float | None, float | None]:
    """The report's area and point from ``lat``/``long``, else from ``address_string`` or
    ``area`` (an area's name or slug)."""
    latitude, longitude = data.get("lat", "").strip(), data.get("long", "").strip()
    if latitude or longitude:
        try:
            latitude, longitude = float(latitude), float(longitude)
        except ValueError:
            raise Open311Error(400, _("lat and long must both be decimal degrees.")) from None
        if not (math.isfinite(latitude) and math.isfinite(longitude)):
            raise Open311Error(400, _("lat and long must both be decimal degrees."))
        area = resident_geo.area_for_point(latitude, longitude)
        if area is None:
            raise Open311Error(400, _("The point is outside the partnership's areas."))
        return area, latitude, longitude
    name = (data.get("area") or data.get("address_string") or "").strip()
    if not name:
        raise Open311Error(
            400, _("Give lat and long, or address_string naming one of the partnership's areas.")
        )
    area = Area.objects.filter(Q(slug=name) | Q(name__iexact=name)).first()
    if area is None:
        raise Open311Error(
            400,
            _("%(name)s is not one of the partnership's areas; give lat and long instead.")
            % {"name": name},
        )
    return area, None, None


def create_report(request):
    """``POST requests.json``: a resident report from an app with a coordinator's key."""
    data = request.POST
    if resident_services.open311_key_find(data.get("api_key", "").strip()) is None:
        raise Open311Error(
            403, _("A valid api_key is needed to send reports. Ask the partnership's coordinator.")
        )
    code = data.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, _("service_code is required."))
    if not Theme.objects.filter(slug=code).exists():
        raise Open311Error(400, _("There is no service %(code)s.") % {"code": code})
    area, latitude, longitude = _report_place(data)
    description = data.get("description", "").strip()
    if len(description) > REPORT_TEXT_LIMIT:
        raise Open311Error(
            400,
            _("description may be at most %(limit)d characters (it has %(count)d).")
            % {"limit": REPORT_TEXT_LIMIT, "count": len(description)},
        )
    reasons = find_personal_data(description)
    if reasons:
        raise Open311Error(400, " ".join(reasons))
    report = resident_services.report_create(
        kind=ResidentReport.Kind.UNSAFE,
        area=area,
        reasons=[_reason_for(code)],
        text=description,
        latitude=latitude,
        longitude=longitude,
        channel=ResidentReport.Channel.OPEN311,
    )
    return JsonResponse(
        [
            {
                # No service_request_id: the spec returns it or a token, not both.
                "token": str(report.public_id),
                "service_notice": _(
                    "Thank you. The report is anonymous: the partners read it with the others "
                    "from the area, and what they do shows on requests.json."
                ),
                "account_id": None,
            }
        ],
        safe=False,
    )


@endpoint("GET")
def request_detail(request, service_request_id):
    """One public problem as a service request (a list of one, as the spec has it)."""
    try:
        public_id = uuid.UUID(service_request_id)
    except ValueError:
        public_id = None
    problems = selectors.open311_requests(public_ids=[public_id]) if public_id else []
    if not problems:
        raise Open311Error(404, _("There is no request %(id)s.") % {"id": service_request_id})
    return JsonResponse([service_request(problems[0], [])], safe=False)


@endpoint("GET", "POST", "PUT", "PATCH", "DELETE")
def not_found(request, rest=""):
    """Any other address under ``/open311/v2/`` (an ``.xml`` one too: JSON only)."""
    raise Open311Error(
        404,
        _("There is nothing at this address. This Open311 endpoint answers JSON (.json) only."),
    )
