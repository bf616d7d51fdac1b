import pytest

from tests import factories


def box(south, west, north, east):
    return {
        "type": "Polygon",
        "coordinates": [
            [[west, south], [east, south], [east, north], [west, north], [west, south]]
        ],
    }


@pytest.fixture
def places(db):
    """Vårby gård with two parts, each with a boundary; a point in the centre, one in the
    north, and one inside MAP_BOUNDS but outside every area."""
    varby = factories.AreaFactory(
        name="Vårby gård", slug="varby-gard", boundary=box(59.258, 17.8715, 59.2768, 17.893)
    )
    centrum = factories.AreaFactory(
        name="Vårby gård centrum",
        slug="varby-gard-centrum",
        parent=varby,
        boundary=box(59.263, 17.8815, 59.2665, 17.887),
    )
    norra = factories.AreaFactory(
        name="Vårby gård norra",
        slug="varby-gard-norra",
        parent=varby,
        boundary=box(59.2665, 17.8815, 59.27, 17.8925),
    )
    return {
        "varby": varby,
        "centrum": centrum,
        "norra": norra,
        "in_centrum": ("59.264712", "17.884321"),
        "in_norra": ("59.2690", "17.8870"),
        "outside_areas": ("59.2100", "17.9000"),
    }
