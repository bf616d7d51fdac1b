"""Where a resident's point lies: inside the partnership's area, and in which of its areas.

The partnership's area is the union of its areas' boundaries (``Area.boundary``, GeoJSON
Polygon or MultiPolygon in RFC 7946 order, checked on save), inside the map's ``MAP_BOUNDS``.
A point lies in the *smallest* area whose boundary contains it (Vårby gård centrum rather
than Vårby gård rather than Huddinge). When no area has a boundary, ``MAP_BOUNDS`` alone
decide and the resident chooses the area.
"""

from django.conf import settings

from partnership.models import Area


def _in_ring(longitude: float, latitude: float, ring) -> bool:
    """Ray casting: whether the point is inside the closed ring of [longitude, latitude]."""
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
        if (y1 > latitude) != (y2 > latitude):
            crossing = x1 + (latitude - y1) * (x2 - x1) / (y2 - y1)
            if longitude < crossing:
                inside = not inside
    return inside


def _polygons(boundary) -> list:
    if not boundary:
        return []
    if boundary.get("type") == "Polygon":
        return [boundary["coordinates"]]
    if boundary.get("type") == "MultiPolygon":
        return list(boundary["coordinates"])
    return []


def _ring_area(ring) -> float:
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False)))


def contains(boundary, latitude: float, longitude: float) -> bool:
    """Whether the GeoJSON boundary contains the point (inside an exterior ring, not in a
    hole)."""
    for rings in _polygons(boundary):
        inside = bool(rings) and _in_ring(longitude, latitude, rings[0])
        if inside and not any(_in_ring(longitude, latitude, hole) for hole in rings[1:]):
            return True
    return False


def _size(boundary) -> float:
    return sum(_ring_area(rings[0]) for rings in _polygons(boundary) if rings)


def in_map_bounds(latitude: float, longitude: float) -> bool:
    south, west, north, east = settings.MAP_BOUNDS
    return south <= latitude <= north and west <= longitude <= east


def areas_with_boundaries() -> list[Area]:
    return list(Area.objects.exclude(boundary__isnull=True).only("id", "name", "slug", "boundary"))


def area_for_point(latitude: float, longitude: float, areas=None) -> Area | None:
    """The smallest area containing the point; None when it lies in none of them (or outside
    ``MAP_BOUNDS``)."""
    if not in_map_bounds(latitude, longitude):
        return None
    areas = areas_with_boundaries() if areas is None else areas
    found = [area for area in areas if contains(area.boundary, latitude, longitude)]
    return min(found, key=lambda area: _size(area.boundary)) if found else None
