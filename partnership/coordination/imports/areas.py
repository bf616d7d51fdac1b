"""Areas from the municipality's GIS: a GeoJSON file or a GeoPackage, one area per feature.

How a file is read:

- **The kind**: a GeoPackage is an SQLite database (read with ``sqlite3``, in memory); every
  features table listed in ``gpkg_geometry_columns`` is read, its geometry blobs being the
  GeoPackage header followed by WKB. Anything else must be GeoJSON (a FeatureCollection or
  one Feature) in UTF-8.
- **The coordinate system**: a GeoPackage's ``gpkg_spatial_ref_sys`` row of the geometry
  column, a GeoJSON's ``crs`` member (``EPSG:3006``, ``urn:ogc:def:crs:EPSG::3006``). A
  GeoJSON without one is WGS 84 (RFC 7946) when its coordinates are longitudes and
  latitudes; otherwise, and for a GeoPackage whose system is undefined, the coordinator is
  asked to choose (``CRS_CHOICES``: what Swedish municipalities and SCB's DeSO and RegSO
  use). A system the file names wins over the choice.
- **Each feature** is reprojected to WGS 84 (pyproj) and must then be a valid area:
  ``partnership.geometry.normalized_boundary`` (a Polygon or MultiPolygon, rings closed with
  at least four positions, RFC 7946 ring order, six decimals), no self-intersection
  (shapely's validity, on the coordinates as they will be stored) and inside Sweden
  (``SWEDEN``: a feature outside after reprojection means a wrong coordinate system).
- **Its name** is the property the coordinator names, or the first of ``NAME_PROPERTIES``
  the features have. A name used twice in the file, or by an area the partnership already
  has (any case), is refused.
- **Its parent**: with a parent property, the area of that name, in the file or already in
  the partnership (empty: a top-level area); without one, by containment — the smallest
  area, in the file or already in the partnership with a boundary, that contains the
  feature's representative point and is larger than it (none: top level).

Nothing is saved until :func:`areas_create` is called with a parse without errors.
"""

import json
import math
import sqlite3
import time
from dataclasses import dataclass, field

import shapely
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError
from shapely.geometry import shape

from partnership.coordination.imports import files
from partnership.geometry import normalized_boundary
from partnership.models import Area

MAX_BYTES = 8_000_000
MAX_FEATURES = 2_000
WGS84 = 4326
# Sweden's extent with a margin (west, south, east, north), in WGS 84.
SWEDEN = (10.0, 55.0, 24.5, 69.5)
CRS_CHOICES = [
    ("", gettext_lazy("As the file says")),
    ("4326", "WGS 84 (EPSG:4326)"),
    ("3006", "SWEREF 99 TM (EPSG:3006)"),
    ("3011", "SWEREF 99 18 00 (EPSG:3011)"),
    ("3021", "RT90 2.5 gon V (EPSG:3021)"),
]
NAME_PROPERTIES = ("name", "namn", "regsonamn", "desonamn", "regso", "deso", "omrade", "område")


@dataclass
class AreaRow:
    """One feature: its number in the file, name, parent's name and how the parent was
    found ("property", "containment" or "" for top level), the boundary in WGS 84 (None
    when invalid) and the errors found."""

    number: int
    name: str
    parent: str = ""
    parent_by: str = ""
    boundary: dict | None = None
    errors: list[str] = field(default_factory=list)
    shape: object = None

    def preview(self) -> dict:
        return {
            "number": self.number,
            "name": self.name,
            "parent": self.parent,
            "parent_by": self.parent_by,
            "boundary": self.boundary,
            "errors": self.errors,
        }


@dataclass
class ParsedAreas:
    rows: list[AreaRow] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    # Errors of an upload-form field: "crs", "name_property", "parent_property".
    field_errors: dict[str, str] = field(default_factory=dict)
    crs_name: str = ""

    @property
    def is_valid(self) -> bool:
        return (
            not self.file_errors
            and not self.field_errors
            and bool(self.rows)
            and all(not row.errors for row in self.rows)
        )

    @property
    def error_count(self) -> int:
        return sum(1 for row in self.rows if row.errors)

    def preview(self) -> dict:
        return {"crs": self.crs_name, "rows": [row.preview() for row in self.rows]}


@dataclass
class _Feature:
    properties: dict
    geometry: dict | None
    problem: str = ""  # why the geometry could not be read at all


# --- Reading the file ---------------------------------------------------------------------------


def _crs_from_name(name) -> CRS:
    if not isinstance(name, str) or not name.strip():
        raise CRSError("empty")
    return CRS.from_user_input(name.strip())


def _geojson_features(data: bytes) -> tuple[list[_Feature], CRS | None]:
    text = files.decode_text(data)
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise files.FileError(
            _("The file is neither a GeoPackage nor GeoJSON. Export the areas as one of them.")
        ) from error
    if not isinstance(document, dict):
        raise files.FileError(_("The GeoJSON file holds no features."))
    if document.get("type") == "Feature":
        document = {**document, "type": "FeatureCollection", "features": [document]}
    features = document.get("features")
    if document.get("type") != "FeatureCollection" or not isinstance(features, list):
        raise files.FileError(_("The GeoJSON file holds no features."))
    crs = None
    if document.get("crs") is not None:
        member = document["crs"]
        name = member.get("properties", {}).get("name") if isinstance(member, dict) else None
        try:
            crs = _crs_from_name(name)
        except (CRSError, AttributeError) as error:
            raise files.FileError(
                _("The file names a coordinate system this portal does not know: %(name)s.")
                % {"name": str(name)[:100]}
            ) from error
    result = []
    for feature in features:
        if not isinstance(feature, dict):
            result.append(_Feature({}, None, _("This is not a GeoJSON feature.")))
            continue
        properties = feature.get("properties")
        geometry = feature.get("geometry")
        result.append(
            _Feature(
                properties if isinstance(properties, dict) else {},
                geometry if isinstance(geometry, dict) else None,
                "" if isinstance(geometry, dict) else _("The feature has no geometry."),
            )
        )
    return result, crs


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _gpkg_geometry(blob) -> dict:
    """The geometry of a GeoPackage blob (header, then WKB) as a GeoJSON dict."""
    if not isinstance(blob, bytes) or len(blob) < 8 or blob[:2] != b"GP":
        raise ValueError("not a GeoPackage geometry")
    flags = blob[3]
    envelope_bytes = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}.get((flags >> 1) & 0b111)
    if envelope_bytes is None:
        raise ValueError("bad envelope")
    geometry = shapely.from_wkb(blob[8 + envelope_bytes :])
    return json.loads(shapely.to_geojson(geometry))


# Reading a GeoPackage may take this long (its tables could be views written to be slow).
GPKG_SECONDS = 20


def _untrusted_database() -> sqlite3.Connection:
    """An in-memory SQLite connection hardened for a file from outside, as SQLite's
    documentation advises: defensive mode, no schema-defined functions, read only, and an
    end to any statement that runs past ``GPKG_SECONDS``."""
    connection = sqlite3.connect(":memory:")
    connection.setconfig(sqlite3.SQLITE_DBCONFIG_DEFENSIVE, True)
    connection.setconfig(sqlite3.SQLITE_DBCONFIG_TRUSTED_SCHEMA, False)
    deadline = time.monotonic() + GPKG_SECONDS
    connection.set_progress_handler(lambda: int(time.monotonic() > deadline), 100_000)
    return connection


def _gpkg_features(data: bytes) -> tuple[list[_Feature], CRS | None]:
    connection = _untrusted_database()
    try:
        connection.deserialize(data)
        connection.execute("PRAGMA query_only = ON")
        columns = connection.execute(
            "SELECT table_name, column_name, srs_id FROM gpkg_geometry_columns"
        ).fetchall()
    except sqlite3.Error as error:
        connection.close()
        raise files.FileError(
            _("The file is an SQLite database but not a GeoPackage (it has no geometry table).")
        ) from error
    try:
        if not columns:
            raise files.FileError(_("The GeoPackage holds no features table."))
        crs, result = None, []
        for table, column, srs_id in columns:
            row = connection.execute(
                "SELECT organization, organization_coordsys_id, definition "
                "FROM gpkg_spatial_ref_sys WHERE srs_id = ?",
                [srs_id],
            ).fetchone()
            if row and srs_id not in (0, -1):
                organization, number, definition = row
                try:
                    if str(organization).upper() == "EPSG":
                        crs = CRS.from_epsg(int(number))
                    else:
                        crs = CRS.from_wkt(definition)
                except (CRSError, ValueError, TypeError) as error:
                    raise files.FileError(
                        _("The file names a coordinate system this portal does not know: %(name)s.")
                        % {"name": f"{organization}:{number}"}
                    ) from error
            # The identifiers come from the file's own catalogue, quoted: no user input.
            cursor = connection.execute(f"SELECT * FROM {_quoted(table)}")  # noqa: S608
            names = [d[0] for d in cursor.description]
            for values in cursor:
                if len(result) > MAX_FEATURES:  # enough to say the file has too many
                    break
                record = dict(zip(names, values, strict=True))
                blob = record.pop(column)
                properties = {
                    k: v for k, v in record.items() if isinstance(v, str | int | float) or v is None
                }
                try:
                    result.append(_Feature(properties, _gpkg_geometry(blob)))
                except (ValueError, shapely.errors.GEOSException) as error:
                    reason = str(error)
                    problem = (
                        _("The ring is not closed (its last position must equal its first).")
                        if "closed" in reason
                        else _("The geometry cannot be read (%(reason)s).")
                        % {"reason": reason[:120]}
                    )
                    result.append(_Feature(properties, None, problem))
        return result, crs
    except sqlite3.Error as error:
        raise files.FileError(
            _("The GeoPackage cannot be read (%(reason)s).") % {"reason": str(error)[:120]}
        ) from error
    finally:
        connection.close()


def _positions(coordinates):
    """Every position of a nested coordinates list (to see whether they are degrees)."""
    if isinstance(coordinates, list) and coordinates and isinstance(coordinates[0], int | float):
        yield coordinates
    elif isinstance(coordinates, list):
        for item in coordinates:
            yield from _positions(item)


def _looks_like_degrees(features: list[_Feature]) -> bool:
    for feature in features:
        for position in _positions((feature.geometry or {}).get("coordinates")):
            if len(position) < 2 or not (-180 <= position[0] <= 180 and -90 <= position[1] <= 90):
                return False
    return True


# --- Checking each feature ----------------------------------------------------------------------


def _transformed(coordinates, transformer):
    """The coordinates in WGS 84, ring by ring; anything malformed is left as it is for
    ``normalized_boundary`` to name."""
    if not isinstance(coordinates, list):
        return coordinates
    if coordinates and all(
        isinstance(p, list)
        and len(p) in (2, 3)
        and all(isinstance(n, int | float) and not isinstance(n, bool) for n in p)
        and all(math.isfinite(n) for n in p)
        for p in coordinates
    ):
        xs, ys = transformer.transform([p[0] for p in coordinates], [p[1] for p in coordinates])
        return [[x, y] for x, y in zip(xs, ys, strict=True)]
    return [_transformed(item, transformer) for item in coordinates]


def _check_geometry(row: AreaRow, feature: _Feature, transformer) -> None:
    if feature.problem:
        row.errors.append(feature.problem)
        return
    geometry = dict(feature.geometry)
    if transformer is not None:
        geometry["coordinates"] = _transformed(geometry.get("coordinates"), transformer)
    try:
        boundary = normalized_boundary(geometry)
    except ValidationError as error:
        row.errors.extend(error.messages)
        return
    polygon = shape(boundary)
    if not polygon.is_valid:
        reason = shapely.is_valid_reason(polygon)
        if "Self-intersection" in reason or "Ring Self" in reason:
            row.errors.append(_("The boundary crosses itself (%(where)s).") % {"where": reason})
        else:
            row.errors.append(_("The boundary is not a valid area (%(why)s).") % {"why": reason})
        return
    west, south, east, north = polygon.bounds
    if not (SWEDEN[0] <= west and east <= SWEDEN[2] and SWEDEN[1] <= south and north <= SWEDEN[3]):
        row.errors.append(
            _(
                "After conversion to WGS 84 the area lies outside Sweden (around %(lat).4f, "
                "%(lon).4f): is the coordinate system right?"
            )
            % {"lat": (south + north) / 2, "lon": (west + east) / 2}
        )
        return
    row.boundary, row.shape = boundary, polygon


def _name_property(features: list[_Feature], chosen: str, parsed: ParsedAreas) -> str | None:
    keys = {}
    for feature in features:
        for key in feature.properties:
            keys.setdefault(key.lower(), key)
    if chosen:
        if chosen.lower() in keys:
            return keys[chosen.lower()]
        parsed.field_errors["name_property"] = _(
            "The features have no property “%(name)s”. Their properties: %(properties)s."
        ) % {"name": chosen, "properties": ", ".join(keys.values()) or "–"}
        return None
    for candidate in NAME_PROPERTIES:
        if candidate in keys:
            return keys[candidate]
    parsed.field_errors["name_property"] = _(
        "Which property holds the areas' names? Their properties: %(properties)s."
    ) % {"properties": ", ".join(keys.values()) or "–"}
    return None


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _check_names(rows: list[AreaRow], existing: dict[str, Area]) -> None:
    seen: dict[str, AreaRow] = {}
    for row in rows:
        if not row.name:
            row.errors.append(_("The area has no name."))
            continue
        if len(row.name) > Area._meta.get_field("name").max_length:
            row.errors.append(_("The name is longer than 120 characters."))
        key = row.name.lower()
        if key in existing:
            row.errors.append(
                _("The partnership already has an area named “%(name)s”.")
                % {"name": existing[key].name}
            )
        if key in seen:
            message = _("The name “%(name)s” is used by more than one area in the file.") % {
                "name": row.name
            }
            for twin in (seen[key], row):
                if message not in twin.errors:
                    twin.errors.append(message)
        seen.setdefault(key, row)


def _parents_by_property(
    rows, features, prop: str, existing: dict[str, Area], parsed: ParsedAreas
) -> None:
    keys = {k.lower(): k for f in features for k in f.properties}
    if prop.lower() not in keys:
        parsed.field_errors["parent_property"] = _(
            "The features have no property “%(name)s”. Their properties: %(properties)s."
        ) % {"name": prop, "properties": ", ".join(keys.values()) or "–"}
        return
    key = keys[prop.lower()]
    in_file = {row.name.lower(): row for row in rows if row.name}
    for row, feature in zip(rows, features, strict=True):
        parent = _cell(feature.properties.get(key))
        if not parent:
            continue
        row.parent_by = "property"
        found = in_file.get(parent.lower()) or existing.get(parent.lower())
        if found is None:
            row.errors.append(
                _("Its parent “%(parent)s” is neither in the file nor in the partnership.")
                % {"parent": parent}
            )
        elif found is row:
            row.errors.append(_("The area is named as its own parent."))
        row.parent = found.name if found else parent
    # A cycle (A in B, B in A) has no top: refuse every area on it.
    for row in rows:
        seen, current = set(), row
        while current is not None and current.parent:
            if id(current) in seen:
                row.errors.append(_("Its parents form a circle: no area is at the top."))
                break
            seen.add(id(current))
            current = in_file.get(current.parent.lower())


def _parents_by_containment(rows: list[AreaRow], existing: dict[str, Area]) -> None:
    candidates = [(row.name, row.shape) for row in rows if row.shape is not None]
    for area in existing.values():
        if area.boundary:
            try:
                candidates.append((area.name, shape(area.boundary)))
            except (ValueError, TypeError, shapely.errors.GEOSException):
                continue
    candidates.sort(key=lambda c: c[1].area)
    tree = shapely.STRtree([c[1] for c in candidates]) if candidates else None
    for row in rows:
        if row.shape is None or tree is None:
            continue
        point = row.shape.representative_point()
        inside = sorted(tree.query(point, predicate="within"))
        for index in inside:  # indices are in ascending area order: the smallest first
            name, polygon = candidates[index]
            if name != row.name and polygon.area > row.shape.area:
                row.parent, row.parent_by = name, "containment"
                break


def parse_areas(
    data: bytes, *, crs: str = "", name_property: str = "", parent_property: str = ""
) -> ParsedAreas:
    """Read and check a file's areas (see the module docstring); never raises for bad
    input: file errors, upload-form field errors and each feature's errors are returned."""
    parsed = ParsedAreas()
    try:
        if data.startswith(files.SQLITE_MAGIC):
            features, declared = _gpkg_features(data)
        else:
            features, declared = _geojson_features(data)
    except files.FileError as error:
        parsed.file_errors.append(str(error))
        return parsed
    if not features:
        parsed.file_errors.append(_("The file holds no features."))
        return parsed
    if len(features) > MAX_FEATURES:
        parsed.file_errors.append(
            _("The file has more than %(max)s features; import at most %(max)s at a time.")
            % {"max": MAX_FEATURES}
        )
        return parsed
    source = declared or (CRS.from_epsg(int(crs)) if crs else None)
    if source is None and _looks_like_degrees(features):
        source = CRS.from_epsg(WGS84)
    if source is None:
        parsed.field_errors["crs"] = _(
            "The file does not say which coordinate system it uses and its coordinates are "
            "not longitudes and latitudes. Choose the coordinate system."
        )
        return parsed
    parsed.crs_name = f"{source.name}" + (f" (EPSG:{source.to_epsg()})" if source.to_epsg() else "")
    transformer = (
        None
        if source.to_epsg() == WGS84
        else Transformer.from_crs(source, CRS.from_epsg(WGS84), always_xy=True)
    )
    name_key = _name_property(features, name_property.strip(), parsed)
    if name_key is None:
        return parsed
    existing = {area.name.lower(): area for area in Area.objects.only("pk", "name", "boundary")}
    for number, feature in enumerate(features, start=1):
        row = AreaRow(number=number, name=_cell(feature.properties.get(name_key)))
        _check_geometry(row, feature, transformer)
        parsed.rows.append(row)
    _check_names(parsed.rows, existing)
    if parent_property.strip():
        _parents_by_property(parsed.rows, features, parent_property.strip(), existing, parsed)
    else:
        _parents_by_containment(parsed.rows, existing)
    return parsed


# --- Saving -------------------------------------------------------------------------------------


def _unique_slug(name: str, taken: set[str]) -> str:
    base = slugify(name)[:110] or "omrade"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


@transaction.atomic
def areas_create(*, parsed: ParsedAreas) -> list[Area]:
    """Create the areas of a parse without errors, parents before their children, each
    with a unique slug from its name. Raises ``ValueError`` for a parse with errors."""
    if not parsed.is_valid:
        raise ValueError("a parse with errors cannot be saved")
    by_name = {area.name.lower(): area for area in Area.objects.select_for_update()}
    taken = set(Area.objects.values_list("slug", flat=True))
    pending, created = list(parsed.rows), []
    while pending:
        ready = [r for r in pending if not r.parent or r.parent.lower() in by_name]
        if not ready:  # a cycle: the parse refused it, so this never happens
            raise ValueError("the parents form a circle")
        for row in ready:
            area = Area(
                name=row.name,
                slug=_unique_slug(row.name, taken),
                parent=by_name.get(row.parent.lower()) if row.parent else None,
                boundary=row.boundary,
            )
            area.save()
            by_name[row.name.lower()] = area
            created.append(area)
        pending = [r for r in pending if r not in ready]
    return created
