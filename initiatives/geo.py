"""Initiatives as GeoJSON, built by PostgreSQL (``json_build_object`` / ``json_agg``).

Python never sees one row per initiative: the database returns the finished document as
text, so 10,000 features cost one query and no serialisation. Every function takes an
already filtered queryset (``Initiative.objects.public()`` narrowed by ``InitiativeFilter``)
and only reads the ids it selects, so what is public is decided there and nowhere here.

Where an initiative has no point of its own, its first area (lowest id) that has a place
stands for it: the open data places it at that area's point with ``"approximate": true``;
the list page's map shows the area itself (its outline, labelled, with the initiatives
there), never a pin pretending to be a place. One with neither is not on the map (the list
shows it).
"""

import json
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from initiatives.models import Initiative
from partnership.geometry import COORDINATE_DECIMALS

# A GeoJSON position rounded to COORDINATE_DECIMALS (RFC 7946 §11.2), in SQL; double
# precision has no round(x, n) in PostgreSQL, numeric has.
_POSITION_SQL = (
    f"json_build_array(round(({{lon}})::numeric, {COORDINATE_DECIMALS}), "
    f"round(({{lat}})::numeric, {COORDINATE_DECIMALS}))"
)


def _position(lon: str, lat: str) -> str:
    return _POSITION_SQL.format(lon=lon, lat=lat)


# The map asks for features while at most this many match its view; beyond that it gets
# clusters counted on a grid by the database (100,000 markers would freeze a phone).
MAP_FEATURE_CAP = 2000
# Grid cells across the view when clustering (about one cluster per 80 pixels on a phone).
MAP_GRID_CELLS = 8


@dataclass(frozen=True)
class BBox:
    """west, south, east, north in WGS84 degrees (GeoJSON's order)."""

    west: float
    south: float
    east: float
    north: float

    @classmethod
    def parse(cls, value: str) -> "BBox":
        """``"west,south,east,north"``; ValueError for anything else, with a message in the
        portal's words for the caller (never Python's own text)."""
        parts = value.split(",")
        try:
            if len(value) > 200 or len(parts) != 4:
                raise ValueError
            west, south, east, north = (float(part) for part in parts)
        except ValueError:
            raise ValueError(
                _("bbox needs four numbers separated by commas: west,south,east,north.")
            ) from None
        if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
            raise ValueError(
                _(
                    "bbox must be west,south,east,north in degrees, with west < east "
                    "(within ±180) and south < north (within ±90)."
                )
            )
        return cls(west, south, east, north)


def _ids_sql(queryset: QuerySet[Initiative]) -> tuple[str, list]:
    """The ids the (filtered) queryset selects, as SQL with its parameters."""
    try:
        sql, params = queryset.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # .none(): an unknown id in a filter
        return "SELECT NULL::bigint WHERE false", []
    return sql, list(params)


def _located_sql(queryset: QuerySet[Initiative]) -> tuple[str, list]:
    """A subquery of the selected initiatives with their effective point (own, else area)."""
    ids_sql, ids_params = _ids_sql(queryset)
    sql = f"""
        SELECT i.id, i.public_id, i.slug, i.title, i.summary, i.status, i.starts_on,
               i.ends_on, i.updated_at, i.lead_organization_id,
               COALESCE(i.latitude, ap.latitude) AS lat,
               COALESCE(i.longitude, ap.longitude) AS lon,
               i.latitude IS NULL AS approximate, ap.id AS area_id
        FROM initiatives_initiative i
        LEFT JOIN LATERAL (
            -- (i.latitude IS NULL is a one-time filter: no lookup for those with a point)
            SELECT a.id, a.latitude, a.longitude
            FROM initiatives_initiative_areas ia
            JOIN partnership_area a ON a.id = ia.area_id
            WHERE i.latitude IS NULL AND ia.initiative_id = i.id AND a.latitude IS NOT NULL
            ORDER BY a.id LIMIT 1
        ) ap ON true
        WHERE i.id IN ({ids_sql})
    """  # noqa: S608 (the ids come from the ORM's own compiler, with parameters)
    return sql, list(ids_params)


def _bbox_sql(bbox: BBox | None) -> tuple[str, list]:
    if bbox is None:
        return "", []
    return (
        " AND l.lat BETWEEN %s AND %s AND l.lon BETWEEN %s AND %s",
        [bbox.south, bbox.north, bbox.west, bbox.east],
    )


def _fetch_text(sql: str, params: list) -> str:
    # PostgreSQL's JIT compiler spends ~350 ms compiling these one-off aggregates, more than
    # running them: off for this statement only (SET LOCAL ends with the transaction).
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def _status_labels() -> str:
    return json.dumps({code: str(label) for code, label in Initiative.Status.choices})


def map_data(queryset: QuerySet[Initiative], *, bbox: BBox | None, detail_prefix: str) -> str:
    """The map's data for the list page's filters, as GeoJSON text (two queries).

    While at most ``MAP_FEATURE_CAP`` initiatives match (inside ``bbox`` when given), every
    one with its own point is a Point feature (title, link, lead organisation, status
    label), and those placed by their area are grouped into one feature per area: its
    boundary (its point when it has none) with ``"area": true``, its name, the count and
    the initiatives there (title, link, organisation, status); the document says
    ``"complete": true`` when no bbox limited it, so the map need not ask again as it pans.
    Beyond that the features are clusters: counts on a grid of about ``MAP_GRID_CELLS``
    cells across the view, each at the mean point of what it counts."""
    located, params = _located_sql(queryset)
    where, where_params = _bbox_sql(bbox)
    counted = _fetch_text(
        f"SELECT count(*)::text FROM (SELECT 1 FROM ({located}) l "  # noqa: S608
        f"WHERE l.lat IS NOT NULL{where} LIMIT %s) capped",
        [*params, *where_params, MAP_FEATURE_CAP + 1],
    )
    if int(counted) <= MAP_FEATURE_CAP:
        return _fetch_text(
            f"""
            WITH l AS MATERIALIZED (
                SELECT l.*, o.name AS organization,
                       %s || l.slug || '/' AS url, %s::jsonb ->> l.status AS status_label
                FROM ({located}) l
                JOIN stakeholders_organization o ON o.id = l.lead_organization_id
                WHERE l.lat IS NOT NULL{where}
            )
            SELECT json_build_object(
                'type', 'FeatureCollection',
                'complete', %s,
                'features', COALESCE((
                    SELECT jsonb_agg(jsonb_build_object(
                        'type', 'Feature',
                        'id', l.public_id,
                        'geometry', jsonb_build_object(
                            'type', 'Point', 'coordinates', {_position("l.lon", "l.lat")}),
                        'properties', jsonb_build_object(
                            'title', l.title,
                            'url', l.url,
                            'organization', l.organization,
                            'status', l.status_label,
                            'approximate', false)
                    ) ORDER BY l.lat DESC, l.id)
                    FROM l WHERE NOT l.approximate
                ), '[]'::jsonb) || COALESCE((
                    SELECT jsonb_agg(jsonb_build_object(
                        'type', 'Feature',
                        'id', 'area-' || a.slug,
                        'geometry', COALESCE(a.boundary::jsonb, jsonb_build_object(
                            'type', 'Point',
                            'coordinates', {_position("a.longitude", "a.latitude")})),
                        'properties', jsonb_build_object(
                            'area', true,
                            'name', a.name,
                            'count', g.n,
                            'initiatives', g.initiatives)
                    ) ORDER BY a.name, a.id)
                    FROM (
                        SELECT l.area_id, count(*) AS n, jsonb_agg(jsonb_build_object(
                            'title', l.title,
                            'url', l.url,
                            'organization', l.organization,
                            'status', l.status_label
                        ) ORDER BY l.title, l.id) AS initiatives
                        FROM l WHERE l.approximate
                        GROUP BY l.area_id
                    ) g
                    JOIN partnership_area a ON a.id = g.area_id
                ), '[]'::jsonb)
            )::text
            """,  # noqa: S608
            [detail_prefix, _status_labels(), *params, *where_params, bbox is None],
        )
    # Without a view, the grid spans the deployment's MAP_BOUNDS (where places may lie):
    # cheaper than a pass over the data to find its extent.
    extent = bbox or _map_bounds()
    cell_lon = (extent.east - extent.west) / MAP_GRID_CELLS
    cell_lat = (extent.north - extent.south) / MAP_GRID_CELLS
    return _fetch_text(
        f"""
        SELECT json_build_object(
            'type', 'FeatureCollection',
            'complete', false,
            'clustered', true,
            'features', COALESCE(json_agg(json_build_object(
                'type', 'Feature',
                'geometry', json_build_object(
                    'type', 'Point', 'coordinates', {_position("c.lon", "c.lat")}),
                'properties', json_build_object('cluster', true, 'count', c.n)
            ) ORDER BY c.n DESC), '[]'::json)
        )::text
        FROM (
            SELECT count(*) AS n, avg(l.lat) AS lat, avg(l.lon) AS lon
            FROM ({located}) l
            WHERE l.lat IS NOT NULL{where}
            GROUP BY floor(l.lat / %s), floor(l.lon / %s)
        ) c
        """,  # noqa: S608
        [*params, *where_params, cell_lat, cell_lon],
    )


def _map_bounds() -> BBox:
    south, west, north, east = settings.MAP_BOUNDS
    return BBox(west, south, east, north)


def initiatives_geojson(
    queryset: QuerySet[Initiative],
    *,
    offset: int,
    limit: int,
    url_prefix: str,
    next_url: str | None = None,
) -> str:
    """One page of the open-data GeoJSON (``/api/v1/initiatives.geojson``), in one query:
    a FeatureCollection of Points with ``numberReturned`` and ``links`` (``next_url`` as
    the next page while this one is full), ordered by id so pages are stable.
    Properties are what a map needs (title, link, status, period, lead organisation); the
    JSON list has the rest (themes, areas, schedule), which would double the time here."""
    ids_sql, ids_params = _ids_sql(queryset)
    return _fetch_text(
        f"""
        WITH page AS (
            SELECT i.id, i.public_id, i.slug, i.title, i.status, i.starts_on, i.ends_on,
                   i.updated_at, i.lead_organization_id, i.latitude, i.longitude
            FROM initiatives_initiative i
            WHERE i.id IN ({ids_sql})
            ORDER BY i.id LIMIT %s OFFSET %s
        )
        SELECT json_build_object(
            'type', 'FeatureCollection',
            'numberReturned', count(p.id),
            'links', CASE WHEN count(p.id) = %s AND %s::text IS NOT NULL
                THEN json_build_array(json_build_object(
                    'rel', 'next', 'type', 'application/geo+json', 'href', %s::text))
                ELSE '[]'::json END,
            'features', COALESCE(json_agg(json_build_object(
                'type', 'Feature',
                'id', p.public_id,
                'geometry', CASE
                    WHEN p.latitude IS NOT NULL THEN json_build_object(
                        'type', 'Point', 'coordinates', {_position("p.longitude", "p.latitude")})
                    WHEN ap.latitude IS NOT NULL THEN json_build_object(
                        'type', 'Point',
                        'coordinates', {_position("ap.longitude", "ap.latitude")})
                    END,
                'properties', (SELECT to_json(x) FROM (SELECT
                    p.public_id AS id, p.slug, p.title, %s || p.slug || '/' AS url, p.status,
                    p.starts_on, p.ends_on, p.updated_at, p.latitude IS NULL AS approximate,
                    o.slug AS lead_organization) x)
            ) ORDER BY p.id), '[]'::json)
        )::text
        FROM page p
        JOIN stakeholders_organization o ON o.id = p.lead_organization_id
        LEFT JOIN LATERAL (
            SELECT a.latitude, a.longitude
            FROM initiatives_initiative_areas ia
            JOIN partnership_area a ON a.id = ia.area_id
            WHERE p.latitude IS NULL AND ia.initiative_id = p.id AND a.latitude IS NOT NULL
            ORDER BY a.id LIMIT 1
        ) ap ON true
        """,  # noqa: S608
        [*ids_params, limit, offset, limit, next_url, next_url, url_prefix],
    )


def areas_geojson() -> str:
    """Every area as a Feature: its boundary (or its point when it has no boundary), name,
    slug and parent's slug. Areas are the partnership's shared vocabulary, all public.
    Boundaries are stored in RFC 7946 order and precision (``partnership.geometry``)."""
    return _fetch_text(
        f"""
        SELECT json_build_object(
            'type', 'FeatureCollection',
            'features', COALESCE(json_agg(json_build_object(
                'type', 'Feature',
                'id', a.slug,
                'geometry', COALESCE(a.boundary::json, CASE WHEN a.latitude IS NULL THEN NULL
                    ELSE json_build_object('type', 'Point',
                        'coordinates', {_position("a.longitude", "a.latitude")}) END),
                'properties', json_build_object(
                    'slug', a.slug, 'name', a.name, 'parent', p.slug)
            ) ORDER BY a.parent_id NULLS FIRST, a.name), '[]'::json)
        )::text
        FROM partnership_area a
        LEFT JOIN partnership_area p ON p.id = a.parent_id
        """,  # noqa: S608 (a constant)
        [],
    )
