"""Area boundaries as GeoJSON (RFC 7946), checked and put in order once: when an area is
saved (``Area.clean`` and ``Area.save``), so every output (the API, ``areas.geojson``, the
maps) reads a boundary that clients accept as it is.

- A boundary is a GeoJSON ``Polygon`` or ``MultiPolygon`` in WGS84: each ring closed (last
  position = first), with at least four positions, longitudes within ±180 and latitudes
  within ±90.
- Exterior rings run counter-clockwise and holes clockwise (RFC 7946 §3.1.6): a ring the
  other way round is reversed, which draws the same shape.
- Coordinates keep six decimals (about 10 cm; RFC 7946 §11.2), the precision every GeoJSON
  output of the portal gives (``COORDINATE_DECIMALS``).
"""

import math

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

COORDINATE_DECIMALS = 6


def _position(value, where: str) -> list[float]:
    if (
        not isinstance(value, list)
        or len(value) not in (2, 3)
        or not all(isinstance(n, int | float) and not isinstance(n, bool) for n in value)
        or not all(math.isfinite(n) for n in value)
    ):
        raise ValidationError(
            _("%(where)s: a position must be [longitude, latitude] in numbers.") % {"where": where},
            code="position",
        )
    longitude, latitude = value[0], value[1]
    if not (-180 <= longitude <= 180 and -90 <= latitude <= 90):
        raise ValidationError(
            _(
                "%(where)s: [%(longitude)s, %(latitude)s] is outside the world "
                "(longitude first, within ±180; latitude within ±90)."
            )
            % {"where": where, "longitude": longitude, "latitude": latitude},
            code="range",
        )
    # The altitude, if any, is dropped: areas are drawn on a flat map.
    return [round(longitude, COORDINATE_DECIMALS), round(latitude, COORDINATE_DECIMALS)]


def _signed_area(ring: list[list[float]]) -> float:
    """Twice the ring's area by the shoelace formula: positive when counter-clockwise."""
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False))


def _ring(value, where: str, *, exterior: bool) -> list[list[float]]:
    if not isinstance(value, list) or len(value) < 4:
        raise ValidationError(
            _("%(where)s: a ring needs at least four positions, the last one equal to the first.")
            % {"where": where},
            code="short_ring",
        )
    ring = [_position(position, where) for position in value]
    if ring[0] != ring[-1]:
        raise ValidationError(
            _("%(where)s: the ring is not closed (its last position must equal its first).")
            % {"where": where},
            code="open_ring",
        )
    area = _signed_area(ring)
    if area == 0:
        raise ValidationError(
            _("%(where)s: the ring encloses no area.") % {"where": where}, code="flat_ring"
        )
    if (area > 0) != exterior:
        ring.reverse()
    return ring


def _polygon(value, where: str) -> list[list[list[float]]]:
    if not isinstance(value, list) or not value:
        raise ValidationError(
            _("%(where)s: a polygon is a list of rings, the outline first.") % {"where": where},
            code="polygon",
        )
    return [
        _ring(
            ring,
            _("%(where)s, ring %(number)s") % {"where": where, "number": n + 1},
            exterior=n == 0,
        )
        for n, ring in enumerate(value)
    ]


def normalized_boundary(value) -> dict | None:
    """``value`` checked and put in order (see the module docstring), as a new dict; None
    stays None. ValidationError says what is wrong and where."""
    if value is None:
        return None
    kind = value.get("type") if isinstance(value, dict) else None
    coordinates = value.get("coordinates") if isinstance(value, dict) else None
    if kind == "Polygon":
        return {"type": kind, "coordinates": _polygon(coordinates, _("The polygon"))}
    if kind == "MultiPolygon" and isinstance(coordinates, list) and coordinates:
        return {
            "type": kind,
            "coordinates": [
                _polygon(polygon, _("Polygon %(number)s") % {"number": n + 1})
                for n, polygon in enumerate(coordinates)
            ],
        }
    raise ValidationError(
        _(
            'A boundary must be a GeoJSON geometry of type "Polygon" or "MultiPolygon" with '
            "its coordinates."
        ),
        code="geometry_type",
    )
