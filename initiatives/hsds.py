"""Open Referral HSDS 3.1 (Human Services Data Specification) at ``/api/hsds/``: the public
initiatives as *services* of their lead organisation, for the service directories that read
HSDS (django-ninja, a second ``NinjaAPI`` beside the portal's own ``/api/v1/``; OpenAPI at
``/api/hsds/openapi.json``).

What is in it is what ``/api/v1/`` shows, through the same definitions: services are
``selectors.public_initiatives()`` (``Initiative.objects.public()``: public, approved lead
organisation, not archived), organisations ``Organization.objects.approved()``. A service or
organisation outside them answers 404, exactly like one that never existed. Never in it: an
initiative's contact email and phone (a person's, often), partners-only anything.

How the portal maps onto HSDS (also on the open-data page, ``open_data.html``):

- **Identifiers** are UUIDs, as HSDS requires. A service is the initiative's ``public_id``.
  Everything else has no UUID of its own and gets a *derived* one: ``uuid5`` in a namespace
  made from ``SITE_URL`` (so two portals never share ids) of a stable public name —
  ``organization/<slug>`` (an organisation's slug never changes), ``theme/<slug>``,
  ``target-group/<slug>``, ``schedule/<service id>/<ISO weekday>/<HH:MM>`` and so on
  (``derived_id``). The same data gives the same ids on every request and every server;
  changing ``SITE_URL`` changes every derived id.
- **Schedules**: each weekly slot is one ``schedule`` with ``freq=WEEKLY``, ``interval=1``,
  ``byday`` (``MO`` … ``SU``), ``opens_at``/``closes_at`` (``HH:MM``, wall-clock time in
  ``TIME_ZONE``: no UTC offset, because a weekly time keeps its clock time across summer
  time and no single offset is right all year) and ``valid_from``/``valid_to``/``dtstart``
  from the initiative's period (no ``valid_to`` while it is ongoing). A slot that passes
  midnight keeps its own day: ``closes_at`` at or before ``opens_at`` means the next day
  (``byday=FR``, ``opens_at=21:00``, ``closes_at=01:00`` is Friday 21:00 to Saturday 01:00),
  the portal's own rule (``ScheduleSlot``); ``description`` says so in words.
- **Status**: planned → ``inactive``, active → ``active``, paused → ``temporarily closed``,
  completed and cancelled → ``defunct``.
- **Taxonomies**: themes and target groups are two taxonomies; each initiative's are
  ``attributes`` (``link_type`` ``theme`` or ``target_group``) with their
  ``taxonomy_term``. Names and texts are in Swedish, the portal's language (``/api/`` has
  no language prefix): ``language`` says so.
- **Service areas**: the initiative's areas, with the boundary as GeoJSON when the area has
  one. **Locations**: the initiative's own point when it has one; otherwise each of its areas'
  centre points, said to be the area's (``description``), never more exact than the public
  pages are.

Lists are paginated as the HSDS API reference says (``total_items``, ``total_pages``,
``page_number``, ``size``, ``first_page``, ``last_page``, ``empty``, ``contents``), in a
fixed number of queries whatever the page size. A bad parameter is a 400 saying what was
wrong; an unknown identifier in a filter is a 400 too (as in ``/api/v1/``).
"""

import datetime as dt
import functools
import json
import math
import uuid
from dataclasses import dataclass
from typing import Literal

from django.conf import settings
from django.contrib.postgres.search import SearchRank
from django.db.models import F, Q
from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Query, Schema
from ninja.errors import ValidationError

from initiatives import figures, selectors
from initiatives.api import Utf8JSONRenderer
from initiatives.filters import search_query
from initiatives.models import Initiative, ScheduleSlot
from partnership.models import Area, TargetGroup, Theme, Weekday
from stakeholders.models import Organization

HSDS_VERSION = "3.1"
MAX_PAGE = 1_000_000
MAX_PER_PAGE = 200

hsds_api = NinjaAPI(
    renderer=Utf8JSONRenderer(),
    title="Partnerskap mot brott – Open Referral HSDS",
    version=HSDS_VERSION,
    description=(
        "The partnership's public initiatives as services in Open Referral's Human Services "
        "Data Specification (HSDS 3.1): services, their organisations, schedules, service "
        "areas, locations and taxonomies. Read-only, no key needed."
    ),
    urls_namespace="hsds",
    docs_url=None,  # documented on the open-data page (CSP: no CDN scripts)
)

# --- Identifiers ---------------------------------------------------------------------------------


def _page_url(viewname: str, *args) -> str:
    """A page's address from ``SITE_URL`` (like the ids, not from the request's Host), in
    Swedish, the default language, whatever the caller's."""
    with translation.override("sv"):
        return settings.SITE_URL + reverse(viewname, args=args)


@functools.cache
def _namespace(site_url: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"{site_url}/api/hsds/")


def derived_id(*parts) -> str:
    """The stable UUID of something that has none of its own, named by its public parts
    (``derived_id("organization", slug)``): uuid5 in this portal's namespace."""
    namespace = _namespace(settings.SITE_URL)
    return str(uuid.uuid5(namespace, "/".join(str(part) for part in parts)))


def organization_id(organization: Organization) -> str:
    return derived_id("organization", organization.slug)


@dataclass(frozen=True)
class Taxonomy:
    """One of the portal's vocabularies as an HSDS taxonomy."""

    key: str  # in derived ids
    model: type
    column: str  # Initiative's many-to-many field
    link_type: str  # an attribute's link_type
    name: str
    description: str
    api_url_name: str  # the vocabulary in /api/v1/ (the taxonomy's uri)


TAXONOMIES = {
    taxonomy.key: taxonomy
    for taxonomy in (
        Taxonomy(
            "theme",
            Theme,
            "themes",
            "theme",
            gettext_noop("Themes"),
            gettext_noop("What the partnership's initiatives are about."),
            "api:themes",
        ),
        Taxonomy(
            "target-group",
            TargetGroup,
            "target_groups",
            "target_group",
            gettext_noop("Target groups"),
            gettext_noop("Whom the partnership's initiatives are for."),
            "api:target_groups",
        ),
    )
}


def taxonomy_id(key: str) -> str:
    return derived_id("taxonomy", key)


def term_id(key: str, term) -> str:
    return derived_id(key, term.slug)


# --- Parameters ----------------------------------------------------------------------------------


class Paging(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE, description="Page number, from 1.")
    per_page: int = Field(
        50,
        ge=1,
        le=MAX_PER_PAGE,
        description="Items per page (at most 200).",
    )
    format: Literal["json"] = Field("json", description="Only json (ndjson is not offered).")


SEARCH = Field(
    None,
    max_length=200,
    pattern=r"^[^\x00]*$",
    description="Swedish full-text search, as on the list of initiatives.",
)


class ServiceFilters(Schema):
    search: str | None = SEARCH
    taxonomy_term_id: uuid.UUID | None = Field(
        None,
        description="Only services with this taxonomy term (a theme or target group).",
    )
    taxonomy_id: uuid.UUID | None = Field(
        None, description="Only services with a term of this taxonomy."
    )
    organization_id: uuid.UUID | None = Field(
        None,
        description="Only services of this organisation (the lead organisation).",
    )
    modified_after: str | None = Field(
        None,
        max_length=40,
        description="Only services changed at or after this ISO 8601 date or date and time "
        "(without an offset: the portal's local time).",
    )
    full: bool = Field(
        False,
        description="true: each service fully nested (organisation, schedules, areas, locations, "
        "attributes), as /services/{id} gives it.",
    )


class OrganizationFilters(Schema):
    search: str | None = Field(
        None,
        max_length=200,
        pattern=r"^[^\x00]*$",
        description="Part of the organisation's name.",
    )


class TermFilters(Schema):
    search: str | None = Field(
        None,
        max_length=200,
        pattern=r"^[^\x00]*$",
        description="Part of the term's name.",
    )
    taxonomy_id: uuid.UUID | None = Field(None, description="Only the terms of this taxonomy.")


class Error(Schema):
    detail: list[dict] | dict | str


class BadParameter(Exception):
    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name, self.message = name, message


@hsds_api.exception_handler(ValidationError)
def _invalid(request, exc):
    """A malformed parameter is the caller's mistake: 400 with ninja's list of errors."""
    return hsds_api.create_response(request, {"detail": exc.errors}, status=400)


@hsds_api.exception_handler(BadParameter)
def _bad_parameter(request, exc):
    """A well-formed value that names nothing (an unknown organisation or term): 400."""
    return hsds_api.create_response(request, {"detail": {exc.name: [exc.message]}}, status=400)


def _not_found(message: str) -> JsonResponse:
    return JsonResponse({"detail": message}, status=404, json_dumps_params={"ensure_ascii": False})


# --- Serialising ---------------------------------------------------------------------------------

SERVICE_STATUS = {
    Initiative.Status.PLANNED: "inactive",
    Initiative.Status.ACTIVE: "active",
    Initiative.Status.PAUSED: "temporarily closed",
    Initiative.Status.COMPLETED: "defunct",
    Initiative.Status.CANCELLED: "defunct",
}
BYDAY = {1: "MO", 2: "TU", 3: "WE", 4: "TH", 5: "FR", 6: "SA", 7: "SU"}


def _without_blanks(item: dict) -> dict:
    """HSDS types have no null and an empty email or URL is not one: leave them out."""
    return {key: value for key, value in item.items() if value not in (None, "", [])}


def _timestamp(value: dt.datetime) -> str:
    return value.isoformat(timespec="milliseconds")


def _term(key: str, term) -> dict:
    language = get_language() or "sv"
    english = language.startswith("en") and bool(term.name_en)
    site = settings.SITE_URL
    return _term_data(key, term.slug, term.name, term.description, english, language, site)


@functools.lru_cache(maxsize=2048)
def _term_data(key, slug, name, description, english, language, site_url) -> dict:
    """One term as HSDS shows it; cached by everything it depends on (a page repeats the
    same few terms on every service). The dict is shared: never change it."""
    return {
        "id": derived_id(key, slug),
        "code": slug,
        "name": name,
        "description": description,
        "taxonomy": _(TAXONOMIES[key].name),
        "taxonomy_id": taxonomy_id(key),
        "taxonomy_detail": _taxonomy(key),
        "language": "en" if english else "sv",
    }


def _taxonomy(key: str) -> dict:
    taxonomy = TAXONOMIES[key]
    return {
        "id": taxonomy_id(key),
        "name": _(taxonomy.name),
        "description": _(taxonomy.description),
        "uri": settings.SITE_URL + reverse(taxonomy.api_url_name),
    }


def _attributes(link_id: str, link_entity: str, terms_by_key: dict) -> list[dict]:
    attributes = []
    for key, terms in terms_by_key.items():
        for term in terms:
            term_data = _term(key, term)
            attributes.append(
                {
                    "id": derived_id("attribute", link_id, term_data["id"]),
                    "link_id": link_id,
                    "link_type": TAXONOMIES[key].link_type,
                    "link_entity": link_entity,
                    "taxonomy_term_id": term_data["id"],
                    "taxonomy_term": term_data,
                }
            )
    return attributes


def _schedule(service_id: str, initiative: Initiative, slot: ScheduleSlot) -> dict:
    opens, closes = f"{slot.starts_at:%H:%M}", f"{slot.ends_at:%H:%M}"
    words = {
        "day": Weekday(slot.weekday).label,
        "opens": opens,
        "closes": closes,
        "zone": settings.TIME_ZONE,
    }
    if slot.passes_midnight:
        description = _("%(day)s %(opens)s–%(closes)s the next day, local time (%(zone)s)")
    else:
        description = _("%(day)s %(opens)s–%(closes)s, local time (%(zone)s)")
    return _without_blanks(
        {
            "id": derived_id("schedule", service_id, slot.weekday, opens),
            "service_id": service_id,
            "valid_from": initiative.starts_on.isoformat(),
            "valid_to": initiative.ends_on.isoformat() if initiative.ends_on else None,
            "dtstart": initiative.starts_on.isoformat(),
            "freq": "WEEKLY",
            "interval": 1,
            "wkst": "MO",
            "byday": BYDAY[slot.weekday],
            "opens_at": opens,
            "closes_at": closes,
            "description": description % words,
        }
    )


def _service_area(service_id: str, area: Area) -> dict:
    return _without_blanks(
        {
            "id": derived_id("service-area", service_id, area.slug),
            "service_id": service_id,
            "name": area.name,
            "extent": json.dumps(area.boundary, ensure_ascii=False) if area.boundary else None,
            "extent_type": "geojson" if area.boundary else None,
        }
    )


def _locations(service_id: str, initiative: Initiative) -> list[dict]:
    """Where the service is: its own point, or else its areas' centre points (said so)."""
    if initiative.latitude is not None:
        places = [
            {
                "id": derived_id("location", "service", service_id),
                "location_type": "physical",
                "name": initiative.address or initiative.title,
                "latitude": initiative.latitude,
                "longitude": initiative.longitude,
            }
        ]
    else:
        places = [
            {
                "id": derived_id("location", "area", area.slug),
                "location_type": "physical",
                "name": area.name,
                "description": _("The centre of the area, not an address."),
                "latitude": area.latitude,
                "longitude": area.longitude,
            }
            for area in initiative.areas.all()
            if area.latitude is not None
        ]
    return [
        {
            "id": derived_id("service-at-location", service_id, place["id"]),
            "service_id": service_id,
            "location_id": place["id"],
            "location": place,
        }
        for place in places
    ]


def _service_summary(initiative: Initiative) -> dict:
    """A service's one-to-one fields: what a list holds."""
    description = initiative.summary
    if initiative.description:
        description = f"{initiative.summary}\n\n{initiative.description}"
    return _without_blanks(
        {
            "id": str(initiative.public_id),
            "organization_id": organization_id(initiative.lead_organization),
            "name": initiative.title,
            "description": description,
            "url": _page_url("initiatives:detail", initiative.slug),
            "status": SERVICE_STATUS[initiative.status],
            "last_modified": _timestamp(initiative.updated_at),
        }
    )


def _service(initiative: Initiative) -> dict:
    """A fully nested service (its relations prefetched by ``public_initiatives``)."""
    service = _service_summary(initiative)
    service_id = service["id"]
    service.update(
        {
            "organization": _organization_summary(initiative.lead_organization),
            "schedules": [_schedule(service_id, initiative, s) for s in initiative.slots.all()],
            "service_areas": [_service_area(service_id, a) for a in initiative.areas.all()],
            "service_at_locations": _locations(service_id, initiative),
            "attributes": _attributes(
                service_id,
                "service",
                {"theme": initiative.themes.all(), "target-group": initiative.target_groups.all()},
            ),
        }
    )
    return service


def _organization_summary(organization: Organization) -> dict:
    org_id = organization_id(organization)
    phones = []
    if organization.public_phone:
        phones = [
            {
                "id": derived_id("phone", "organization", organization.slug),
                "organization_id": org_id,
                "number": organization.public_phone,
            }
        ]
    optional = {
        "email": organization.public_email,
        "website": organization.website,
        "phones": phones,
    }
    # The description is required, even when empty.
    required = {"id": org_id, "name": organization.name, "description": organization.description}
    return required | _without_blanks(optional)


def _organization(organization: Organization) -> dict:
    organization_data = _organization_summary(organization)
    attributes = _attributes(
        organization_data["id"], "organization", {"theme": organization.themes.all()}
    )
    return organization_data | ({"attributes": attributes} if attributes else {})


# --- Pagination ----------------------------------------------------------------------------------


def _page(items, total: int, paging: Paging) -> dict:
    """The HSDS list envelope. ``items``: the page's rows already sliced."""
    total_pages = math.ceil(total / paging.per_page)
    contents = list(items)
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": paging.page,
        "size": len(contents),
        "first_page": paging.page == 1,
        "last_page": paging.page >= total_pages,
        "empty": not contents,
        "contents": contents,
    }


def _paginate(queryset, paging: Paging, serialize) -> dict:
    total = figures.count(queryset)  # kept until a write: a count of 72,000 rows otherwise
    start = (paging.page - 1) * paging.per_page
    rows = queryset[start : start + paging.per_page] if start < total else []
    return _page((serialize(row) for row in rows), total, paging)


# --- Filters -------------------------------------------------------------------------------------


NESTED = ("themes", "target_groups", "areas", "slots")  # what a nested service shows


def _services(filters: ServiceFilters):
    """The public initiatives the filters choose, oldest first (by their row: a harvester
    paging through meets new ones at the end), best match first when searching."""
    queryset = selectors.public_initiatives().order_by("pk").prefetch_related(None)
    if filters.full:
        queryset = queryset.prefetch_related(*NESTED)
    if filters.search and filters.search.strip():
        query = search_query(filters.search.strip())
        queryset = (
            queryset.filter(search_vector=query)
            .annotate(rank=SearchRank(F("search_vector"), query))
            .order_by("-rank", "pk")
        )
    if filters.taxonomy_term_id:
        queryset = queryset.filter(_term_q(filters.taxonomy_term_id))
    if filters.taxonomy_id:
        taxonomy = TAXONOMIES[_taxonomy_key(filters.taxonomy_id, "taxonomy_id")]
        links = getattr(Initiative, taxonomy.column).through.objects.values("initiative_id")
        queryset = queryset.filter(pk__in=links)
    if filters.organization_id:
        queryset = queryset.filter(lead_organization=_organization_pk(filters.organization_id))
    if filters.modified_after:
        queryset = queryset.filter(updated_at__gte=_moment(filters.modified_after))
    return queryset


def _term_q(wanted: uuid.UUID) -> Q:
    for key, taxonomy in TAXONOMIES.items():
        for term in taxonomy.model.objects.only("pk", "slug"):
            if term_id(key, term) == str(wanted):
                links = getattr(Initiative, taxonomy.column).through.objects.filter(
                    **{taxonomy.model._meta.model_name: term}
                )
                return Q(pk__in=links.values("initiative_id"))
    raise BadParameter("taxonomy_term_id", _("No taxonomy term has this id."))


def _taxonomy_key(wanted: uuid.UUID, name: str) -> str:
    for key in TAXONOMIES:
        if taxonomy_id(key) == str(wanted):
            return key
    raise BadParameter(name, _("No taxonomy has this id."))


def _organization_pk(wanted: uuid.UUID) -> int:
    """The approved organisation whose derived id this is (a uuid5 cannot be reversed: the
    approved organisations' slugs are hashed, one short query)."""
    for pk, slug in Organization.objects.approved().values_list("pk", "slug"):
        if derived_id("organization", slug) == str(wanted):
            return pk
    raise BadParameter("organization_id", _("No approved organisation has this id."))


def _moment(value: str) -> dt.datetime:
    """An ISO 8601 date or date and time as an aware moment (no offset: local time). One
    that cannot be a moment in UTC (year 9999 at -05:00) is as bad as one that is no date."""
    try:
        moment = dt.datetime.fromisoformat(value.strip())
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return moment.astimezone(dt.UTC)
    except (ValueError, OverflowError):
        raise BadParameter("modified_after", _("Not an ISO 8601 date or date and time.")) from None


def _approved_organization(wanted: str) -> Organization | None:
    try:
        pk = _organization_pk(uuid.UUID(wanted))
    except (ValueError, BadParameter):
        return None
    return Organization.objects.approved().prefetch_related("themes").get(pk=pk)


# --- Endpoints -----------------------------------------------------------------------------------


@hsds_api.get(
    "/",
    response={200: dict},
    summary="About this API",
    description="The HSDS version, the profile (how the portal maps onto HSDS) and the publisher.",
)
def about(request):
    return {
        "version": HSDS_VERSION,
        "profile": f"{settings.SITE_URL}{reverse('open_data')}#hsds-heading",
        "openapi_url": f"{settings.SITE_URL}{reverse('hsds:openapi-json')}",
        "description": _(
            "The public initiatives of the partnership's approved organisations as services."
        ),
        "publisher": {
            "name": settings.PORTAL_NAME,
            "email": settings.PORTAL_CONTACT_EMAIL,
            "website": settings.SITE_URL + "/",
        },
    }


@hsds_api.get(
    "/services",
    response={200: dict, 400: Error},
    summary="Services",
    description="The public initiatives as services, oldest first (best match first with search); "
    "one-to-one fields only unless full=true.",
)
def services(request, filters: Query[ServiceFilters], paging: Query[Paging]):
    serialize = _service if filters.full else _service_summary
    return _paginate(_services(filters), paging, serialize)


@hsds_api.get(
    "/services/{id}",
    response={200: dict, 404: Error},
    summary="One service",
    description="A public initiative as a fully nested service; 404 otherwise.",
)
def service(request, id: str):  # noqa: A002 (the API reference's name)
    try:
        public_id = uuid.UUID(id)
    except ValueError:
        return _not_found(_("No public service has this id."))
    initiative = (
        selectors.public_initiatives()
        .prefetch_related(None)
        .prefetch_related(*NESTED)
        .filter(public_id=public_id)
        .first()
    )
    if initiative is None:
        return _not_found(_("No public service has this id."))
    return _service(initiative)


@hsds_api.get(
    "/organizations",
    response={200: dict, 400: Error},
    summary="Organisations",
    description="The partnership's approved organisations, by name.",
)
def organizations(request, filters: Query[OrganizationFilters], paging: Query[Paging]):
    queryset = Organization.objects.approved().prefetch_related("themes").order_by("name", "pk")
    if filters.search and filters.search.strip():
        queryset = queryset.filter(name__icontains=filters.search.strip())
    return _paginate(queryset, paging, _organization)


@hsds_api.get(
    "/organizations/{id}",
    response={200: dict, 404: Error},
    summary="One organisation",
    description="An approved organisation with its public services; 404 otherwise.",
)
def organization(request, id: str):  # noqa: A002 (the API reference's name)
    found = _approved_organization(id)
    if found is None:
        return _not_found(_("No approved organisation has this id."))
    led = (
        Initiative.objects.public()
        .filter(lead_organization=found)
        .select_related("lead_organization")
        .order_by("pk")
    )
    return _organization(found) | {"services": [_service_summary(i) for i in led]}


@hsds_api.get(
    "/taxonomies",
    response={200: dict, 400: Error},
    summary="Taxonomies",
    description="The two taxonomies: themes and target groups.",
)
def taxonomies(request, paging: Query[Paging]):
    everything = [_taxonomy(key) for key in TAXONOMIES]
    start = (paging.page - 1) * paging.per_page
    return _page(everything[start : start + paging.per_page], len(everything), paging)


@hsds_api.get(
    "/taxonomies/{id}",
    response={200: dict, 404: Error},
    summary="One taxonomy",
    description="A taxonomy; 404 otherwise.",
)
def taxonomy(request, id: str):  # noqa: A002 (the API reference's name)
    for key in TAXONOMIES:
        if taxonomy_id(key) == id.lower():
            return _taxonomy(key)
    return _not_found(_("No taxonomy has this id."))


def _all_terms(filters: TermFilters | None = None) -> list[dict]:
    keys = list(TAXONOMIES)
    if filters and filters.taxonomy_id:
        keys = [_taxonomy_key(filters.taxonomy_id, "taxonomy_id")]
    terms = [_term(key, term) for key in keys for term in TAXONOMIES[key].model.objects.all()]
    if filters and filters.search and filters.search.strip():
        wanted = filters.search.strip().casefold()
        terms = [term for term in terms if wanted in term["name"].casefold()]
    return terms


@hsds_api.get(
    "/taxonomy_terms",
    response={200: dict, 400: Error},
    summary="Taxonomy terms",
    description="Every theme and target group, as taxonomy terms.",
)
def taxonomy_terms(request, filters: Query[TermFilters], paging: Query[Paging]):
    terms = _all_terms(filters)
    start = (paging.page - 1) * paging.per_page
    return _page(terms[start : start + paging.per_page], len(terms), paging)


@hsds_api.get(
    "/taxonomy_terms/{id}",
    response={200: dict, 404: Error},
    summary="One taxonomy term",
    description="A theme or target group as a taxonomy term; 404 otherwise.",
)
def taxonomy_term(request, id: str):  # noqa: A002 (the API reference's name)
    for term in _all_terms():
        if term["id"] == id.lower():
            return term
    return _not_found(_("No taxonomy term has this id."))
