"""The coverage matrix opens where the area tree branches."""

import pytest

from partnership.coordination import queries
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_single_top_area_opens_down_to_its_neighbourhoods():
    municipality = factories.AreaFactory(name="Huddinge kommun")
    district = factories.AreaFactory(name="Vårby gård", parent=municipality)
    north = factories.AreaFactory(name="Vårby gård norra", parent=district)
    south = factories.AreaFactory(name="Vårby gård södra", parent=district)

    assert queries.coverage_rows_for(None) == [district, north, south]
    assert queries.coverage_rows_for(municipality) == [municipality, district]


def test_several_top_areas_are_the_rows():
    one = factories.AreaFactory(name="Huddinge kommun")
    two = factories.AreaFactory(name="Botkyrka kommun")
    factories.AreaFactory(name="Vårby gård", parent=one)

    assert queries.coverage_rows_for(None) == [two, one]
