"""The public read API, ``/api/v1/`` (django-ninja; OpenAPI at ``/api/v1/openapi.json``,
documentation page at ``open_data``).

Read-only and anonymous: whoever calls, initiatives come from
``Initiative.objects.public()`` (never ``visible_to`` a logged-in session) and organisations
from ``Organization.objects.approved()``. The initiative endpoints take the list page's
filters, applied by the same ``InitiativeFilter``, so a page's query string works here too.
A bad parameter is a 400 with what was wrong, never a 500; a page past the end is empty.
A filter value that names nothing (a theme id or organisation that does not exist) is a bad
parameter too: the same 400 as the CSV, calendar and map give (``initiatives.filters``).
Organisations are named by their slug, in filters and in answers alike; any other path
under ``/api/`` is a JSON 404.
"""

import datetime as dt
import re
import uuid
from typing import Annotated, Literal

from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import Field, NinjaAPI, Query, Schema, Status
from ninja.errors import ValidationError
from ninja.renderers import JSONRenderer
from pydantic import BeforeValidator

from initiatives import figures, geo, selectors
from initiatives.filters import InitiativeFilter
from initiatives.models import Initiative
from partnership.models import Area, TargetGroup, Theme
from stakeholders.models import Organization


class Utf8JSONRenderer(JSONRenderer):
    """Å, ä and ö as themselves, not \\u escapes: smaller and readable open data."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    renderer=Utf8JSONRenderer(),
    title="Partnerskap mot brott – open data",
    version="1",
    description=(
        "Public initiatives of the partnership's approved organisations, the organisations, "
        "areas, themes and target groups. Read-only, no key needed. Lists are paginated "
        "(`page`, `page_size`); the initiative endpoints take the same filters as the "
        "initiative list page."
    ),
    urls_namespace="api",
    docs_url=None,  # the documentation page is server-rendered (CSP: no CDN scripts)
)

MAX_PAGE = 1_000_000
MAX_ID = 2**63 - 1  # ids are PostgreSQL bigints
# Features per GeoJSON page: a page of 10,000 was 5.8 MB (0.3–0.5 s to build) at national
# scale, which no 2-core server sends to 32 clients at once (docs/caching.md).
GEOJSON_PAGE_SIZE = 1_000
ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"
SLUG = r"^[-a-zA-Z0-9_]+$"


def _iso_date_only(value):
    """``format: date`` means an ISO date: pydantic would also take a Unix timestamp."""
    if isinstance(value, str) and not re.fullmatch(ISO_DATE, value):
        raise ValueError("an ISO date, YYYY-MM-DD")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date_only)]


# --- Schemas -------------------------------------------------------------------------------------


class Error(Schema):
    detail: list[dict] | dict | str


class Paging(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE, description=gettext_noop("Page number, from 1."))
    page_size: int = Field(
        50, ge=1, le=200, description=gettext_noop("Items per page (at most 200).")
    )


class InitiativeFilters(Schema):
    q: str | None = Field(
        None,
        max_length=200,
        # PostgreSQL text cannot hold NUL: say so in the schema (a 400 otherwise surprises).
        pattern=r"^[^\x00]*$",
        description=gettext_noop('Swedish full-text search: "quoted phrases", `or`, `-exclusion`.'),
    )
    theme: int | None = Field(
        None,
        ge=1,
        le=MAX_ID,
        description=gettext_noop("A theme id (see /themes); an unknown id is a 400."),
    )
    target_group: int | None = Field(
        None, ge=1, le=MAX_ID, description=gettext_noop("A target group id.")
    )
    area: int | None = Field(
        None, ge=1, le=MAX_ID, description=gettext_noop("An area id; includes its sub-areas.")
    )
    organization: str | None = Field(
        None,
        max_length=200,
        pattern=SLUG,
        description=gettext_noop(
            "An organisation's slug (as in `lead_organization.slug` and /organizations), "
            "leading or taking part; an unknown slug is a 400."
        ),
    )
    status: Literal["planned", "active", "paused", "completed", "cancelled"] | None = Field(
        None, description=gettext_noop("Only initiatives with this status.")
    )
    when: Literal["now", "week"] | None = Field(
        None,
        description=gettext_noop(
            "`now`: planned or active, running today and, with weekly times, one of them "
            "is now. `week`: the same for any day from today to Sunday."
        ),
    )
    running_on: IsoDate | None = Field(
        None, description=gettext_noop("Period includes this date (ISO, YYYY-MM-DD).")
    )
    sort: Literal["relevance", "newest", "updated", "title"] | None = Field(
        None,
        description=gettext_noop(
            "Order: best match (with q), newest start, recently updated, title."
        ),
    )


class OrganizationRef(Schema):
    slug: str
    name: str


class Slot(Schema):
    weekday: int = Field(description=gettext_noop("ISO weekday, 1 = Monday … 7 = Sunday."))
    # Wall-clock times in the portal's time zone: JSON Schema's "time" format would demand
    # a UTC offset, which a weekly time has none of (it changes with summer time).
    starts_at: str = Field(pattern=r"^\d{2}:\d{2}$", description=gettext_noop("Local time, HH:MM."))
    ends_at: str = Field(
        pattern=r"^\d{2}:\d{2}$",
        description=gettext_noop(
            "Local time, HH:MM. At or before starts_at: the next day (21:00–01:00 ends at 01:00)."
        ),
    )


class InitiativeOut(Schema):
    id: uuid.UUID
    slug: str
    title: str
    summary: str
    description: str
    url: str
    status: str
    starts_on: dt.date
    ends_on: dt.date | None
    schedule: list[Slot]
    lead_organization: OrganizationRef
    partner_organizations: list[OrganizationRef]
    themes: list[str] = Field(description=gettext_noop("Theme slugs."))
    target_groups: list[str] = Field(description=gettext_noop("Target group slugs."))
    areas: list[str] = Field(description=gettext_noop("Area slugs."))
    address: str
    latitude: float | None
    longitude: float | None
    updated_at: dt.datetime


class InitiativePage(Schema):
    count: int
    next: str | None
    previous: str | None
    results: list[InitiativeOut]


class PointGeometry(Schema):
    type: Literal["Point"]
    coordinates: list[float]


class InitiativeProperties(Schema):
    id: uuid.UUID
    slug: str
    title: str
    url: str
    status: str
    starts_on: dt.date
    ends_on: dt.date | None
    updated_at: dt.datetime
    approximate: bool = Field(
        description=gettext_noop("True: placed at its area's point, not its own.")
    )
    lead_organization: str = Field(description=gettext_noop("The lead organisation's slug."))


class InitiativeFeature(Schema):
    type: Literal["Feature"]
    id: uuid.UUID
    geometry: PointGeometry | None
    properties: InitiativeProperties


class Link(Schema):
    rel: Literal["next"]
    type: Literal["application/geo+json"]
    href: str


class InitiativeFeatureCollection(Schema):
    type: Literal["FeatureCollection"]
    numberReturned: int  # noqa: N815 (OGC API – Features' name)
    links: list[Link] = Field(
        description=gettext_noop(
            "The next page (`rel` next) while this one is full, as in OGC API – Features; "
            "empty on the last page."
        )
    )
    features: list[InitiativeFeature]


class OrganizationOut(Schema):
    slug: str
    name: str
    kind: str
    description: str
    website: str
    public_email: str
    public_phone: str
    url: str
    areas: list[str]
    themes: list[str]


class OrganizationPage(Schema):
    count: int
    next: str | None
    previous: str | None
    results: list[OrganizationOut]


class AreaOut(Schema):
    id: int
    slug: str
    name: str
    parent: str | None = Field(description=gettext_noop("The slug of the area it is part of."))
    latitude: float | None
    longitude: float | None
    boundary: dict | None = Field(
        description=gettext_noop("GeoJSON Polygon or MultiPolygon, WGS84.")
    )


class AreaPage(Schema):
    count: int
    next: str | None
    previous: str | None
    results: list[AreaOut]


class TermOut(Schema):
    id: int
    slug: str
    name_sv: str
    name_en: str


# --- Helpers -------------------------------------------------------------------------------------


@api.exception_handler(ValidationError)
def _bad_parameter(request, exc):
    """A malformed parameter (a theme that is not a number, a date that is not a date,
    a search longer than 200 characters) is the caller's mistake: 400, not ninja's 422."""
    return api.create_response(request, {"detail": exc.errors}, status=400)


def _absolute(request: HttpRequest, viewname: str, *args) -> str:
    # Stable Swedish (default language) page addresses, whatever the caller's language.
    with translation.override("sv"):
        return request.build_absolute_uri(reverse(viewname, args=args))


def _page(request: HttpRequest, queryset, paging: Paging, serialize, *, kept=False) -> dict:
    """One page as ``{count, next, previous, results}``; past the end, empty results.
    ``kept``: the count is kept until a write (``figures.count``; initiatives only)."""
    if kept:
        paginator = figures.KeptCountPaginator(queryset, paging.page_size, capped=False)
    else:
        paginator = Paginator(queryset, paging.page_size)
    count = paginator.count
    rows = []
    if paging.page <= paginator.num_pages:
        rows = list(paginator.page(paging.page).object_list)

    def link(number: int) -> str:
        query = request.GET.copy()
        query["page"] = str(number)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    last = max(paginator.num_pages, 1)
    return {
        "count": count,
        "next": link(paging.page + 1) if paging.page < last else None,
        "previous": link(min(paging.page - 1, last)) if paging.page > 1 else None,
        "results": [serialize(row) for row in rows],
    }


def _filtered(request: HttpRequest, filters: InitiativeFilters):
    """The public initiatives narrowed by the list page's FilterSet, or (None, errors).
    A value that names nothing (a theme since removed) is an error, as everywhere."""
    data = filters.dict(exclude_none=True)
    filterset = InitiativeFilter(
        data, queryset=selectors.public_initiatives(), user=AnonymousUser()
    )
    if not filterset.is_valid():
        return None, {field: [str(e) for e in errors] for field, errors in filterset.errors.items()}
    return filterset.qs, None


def _org_ref(org: Organization) -> dict:
    return {"slug": org.slug, "name": org.name}


def _slugs(related) -> list[str]:
    return [item.slug for item in related.all()]


# --- Endpoints -----------------------------------------------------------------------------------


@api.get(
    "/initiatives",
    response={200: InitiativePage, 400: Error},
    summary=gettext_noop("Public initiatives"),
    description=gettext_noop(
        "Public initiatives of approved organisations, newest period first (or `sort`)."
    ),
    tags=["initiatives"],
)
def initiatives(request, filters: Query[InitiativeFilters], paging: Query[Paging]):
    queryset, errors = _filtered(request, filters)
    if errors:
        return Status(400, {"detail": errors})

    def serialize(initiative: Initiative) -> dict:
        return {
            "id": initiative.public_id,
            "slug": initiative.slug,
            "title": initiative.title,
            "summary": initiative.summary,
            "description": initiative.description,
            "url": _absolute(request, "initiatives:detail", initiative.slug),
            "status": initiative.status,
            "starts_on": initiative.starts_on,
            "ends_on": initiative.ends_on,
            "schedule": [
                {
                    "weekday": s.weekday,
                    "starts_at": f"{s.starts_at:%H:%M}",
                    "ends_at": f"{s.ends_at:%H:%M}",
                }
                for s in initiative.slots.all()
            ],
            "lead_organization": _org_ref(initiative.lead_organization),
            "partner_organizations": [
                _org_ref(org) for org in initiative.partner_organizations.all()
            ],
            "themes": _slugs(initiative.themes),
            "target_groups": _slugs(initiative.target_groups),
            "areas": _slugs(initiative.areas),
            "address": initiative.address,
            "latitude": initiative.latitude,
            "longitude": initiative.longitude,
            "updated_at": initiative.updated_at,
        }

    return Status(200, _page(request, queryset, paging, serialize, kept=True))


@api.get(
    "/initiatives.geojson",
    response={200: InitiativeFeatureCollection, 400: Error},
    summary=gettext_noop("Public initiatives as GeoJSON"),
    # The body is GeoJSON's own media type (RFC 7946), with the schema ninja derived.
    openapi_extra={
        "responses": {
            200: {
                "content": {
                    "application/geo+json": {
                        "schema": {"$ref": "#/components/schemas/InitiativeFeatureCollection"}
                    }
                }
            }
        }
    },
    description=gettext_noop(
        "The same initiatives as a GeoJSON FeatureCollection (WGS84), 1,000 per page, "
        "ordered by id; `links` holds the next page's address while there may be more. An "
        "initiative without a point of its own is placed at its area's point "
        "(`approximate`); `geometry` is null when there is neither."
    ),
    tags=["initiatives"],
)
def initiatives_geojson(
    request,
    filters: Query[InitiativeFilters],
    page: int = Query(
        1, ge=1, le=MAX_PAGE, description=gettext_noop("Page of 1,000 features, from 1.")
    ),
):
    queryset, errors = _filtered(request, filters)
    if errors:
        return Status(400, {"detail": errors})
    prefix = _absolute(request, "initiatives:detail", "x")[: -len("x/")]
    query = request.GET.copy()
    query["page"] = str(page + 1)
    next_url = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    def build() -> bytes:
        return geo.initiatives_geojson(
            queryset,
            offset=(page - 1) * GEOJSON_PAGE_SIZE,
            limit=GEOJSON_PAGE_SIZE,
            url_prefix=prefix,
            next_url=next_url if page < MAX_PAGE else None,
        ).encode()

    # A page is megabytes at national scale (0.3–0.5 s to build): kept until a write, so
    # that the page cache's entry of the next minute copies it instead of building it again
    # (``figures.kept``). Not "happening now" (the time is in its key: each request its own).
    digest = figures.statement(queryset)
    if filters.when is None and digest is not None:
        body = figures.kept("geojson", build, digest, next_url)
    else:
        body = build()
    return HttpResponse(body, content_type="application/geo+json")


@api.get(
    "/organizations",
    response={200: OrganizationPage, 400: Error},
    summary=gettext_noop("Approved organisations"),
    description=gettext_noop(
        "The partnership's approved organisations, by name: the who-does-what directory."
    ),
    tags=["organisations"],
)
def organizations(request, paging: Query[Paging]):
    queryset = (
        Organization.objects.approved().prefetch_related("areas", "themes").order_by("name", "pk")
    )

    def serialize(org: Organization) -> dict:
        return {
            "slug": org.slug,
            "name": org.name,
            "kind": org.kind,
            "description": org.description,
            "website": org.website,
            "public_email": org.public_email,
            "public_phone": org.public_phone,
            "url": _absolute(request, "stakeholders:detail", org.slug),
            "areas": _slugs(org.areas),
            "themes": _slugs(org.themes),
        }

    return _page(request, queryset, paging, serialize)


@api.get(
    "/areas",
    response={200: AreaPage, 400: Error},
    summary=gettext_noop("Areas"),
    description=gettext_noop("The areas the partnership works in; areas nest (`parent`)."),
    tags=["vocabulary"],
)
def areas(request, paging: Query[Paging]):
    queryset = Area.objects.select_related("parent").order_by("name", "pk")

    def serialize(area: Area) -> dict:
        return {
            "id": area.pk,
            "slug": area.slug,
            "name": area.name,
            "parent": area.parent.slug if area.parent else None,
            "latitude": area.latitude,
            "longitude": area.longitude,
            "boundary": area.boundary,
        }

    return _page(request, queryset, paging, serialize)


@api.get(
    "/areas.geojson",
    summary=gettext_noop("Areas as GeoJSON"),
    description=gettext_noop(
        "Every area as a GeoJSON Feature: its boundary, or its point when it has none."
    ),
    tags=["vocabulary"],
)
def areas_geojson(request):
    return HttpResponse(geo.areas_geojson(), content_type="application/geo+json")


def _terms(model) -> list[dict]:
    return list(model.objects.order_by("position", "name_sv").values("id", "slug", *NAMES))


NAMES = ("name_sv", "name_en")


@api.get(
    "/themes",
    response=list[TermOut],
    summary=gettext_noop("Themes"),
    description=gettext_noop("What initiatives are about (the `theme` filter takes an id)."),
    tags=["vocabulary"],
)
def themes(request):
    return _terms(Theme)


@api.get(
    "/target-groups",
    response=list[TermOut],
    summary=gettext_noop("Target groups"),
    description=gettext_noop("Who initiatives are for (the `target_group` filter takes an id)."),
    tags=["vocabulary"],
)
def target_groups(request):
    return _terms(TargetGroup)


def not_found(request, path=""):
    """Any other address under ``/api/``: a JSON 404 an API client can read, not the HTML
    page (``partnership/urls.py`` routes it after the API's own)."""
    return JsonResponse(
        {
            "detail": _("No such API address. The endpoints are listed in %(schema)s.")
            % {"schema": reverse("api:openapi-json")}
        },
        status=404,
    )


# --- The documentation page ----------------------------------------------------------------------


def _type_of(schema: dict) -> str:
    """A parameter's type in a few words, from its JSON schema."""
    options = [option for option in schema.get("anyOf", [schema]) if option.get("type") != "null"]
    option = options[0] if options else schema
    if "enum" in option:
        return " | ".join(str(value) for value in option["enum"])
    kind = option.get("format") or option.get("type", "")
    bounds = []
    if "minimum" in option:
        bounds.append(f"≥ {option['minimum']}")
    if "maximum" in option:
        bounds.append(f"≤ {option['maximum']}")
    if "maxLength" in option:
        bounds.append(f"≤ {option['maxLength']} chars")
    return " ".join([kind, *bounds])


def open_data_docs() -> list[dict]:
    """The API's endpoints as the documentation page shows them, read from its own OpenAPI
    schema (so the page cannot drift from what the API does)."""
    schema = api.get_openapi_schema()
    endpoints = []
    for path, methods in schema["paths"].items():
        operation = methods["get"]
        endpoints.append(
            {
                "path": path,
                "summary": operation.get("summary", ""),
                "description": operation.get("description", ""),
                "parameters": [
                    {
                        "name": parameter["name"],
                        "type": _type_of(parameter.get("schema", {})),
                        "description": parameter.get("description")
                        or parameter.get("schema", {}).get("description", ""),
                    }
                    for parameter in operation.get("parameters", [])
                ],
            }
        )
    return endpoints
