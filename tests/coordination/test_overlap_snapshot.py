"""The overlap snapshot: at national scale the pairs are computed by a worker, not on each
request (``services.overlaps_refresh``). The planted cases in test_overlaps.py run against it
too; here: what the page says about it, staleness, a chosen period, the command."""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from partnership.coordination import services
from tests import factories
from tests.coordination.test_overlaps import TODAY, en, make

pytestmark = pytest.mark.django_db


@pytest.fixture
def place():
    district = factories.AreaFactory(name="Vårby gård")
    centre = factories.AreaFactory(name="Vårby gård centrum", parent=district)
    return district, centre, None


@pytest.fixture
def theme():
    return factories.ThemeFactory(name_sv="Nattvandring", name_en="Night walks")


def test_the_snapshot_says_when_it_was_computed_and_when_initiatives_changed_since(
    coordinator_client, place, theme
):
    _, centre, _ = place
    a = make(factories.OrganizationFactory(), [centre], [theme], title="Nattvandring A")
    make(factories.OrganizationFactory(), [centre], [theme], title="Nattvandring B")
    url = en("coordinator:dashboard:overlaps")
    assert "The pairs were computed at" not in coordinator_client.get(url).text  # live

    from_today, this_year = services.overlaps_refresh()
    assert (from_today.pairs, this_year.pairs) == (1, 1)
    page = coordinator_client.get(url).text
    assert "The pairs were computed at" in page and "Nattvandring A" in page
    assert "Initiatives have changed since" not in page

    a.themes.clear()  # no longer overlapping; the snapshot does not know yet
    page = coordinator_client.get(url).text
    assert "Initiatives have changed since" in page and "Nattvandring A" in page
    # A period with no snapshot of its own is computed now.
    tomorrow = TODAY + dt.timedelta(days=1)
    assert "Nattvandring A" not in coordinator_client.get(url, {"starts_on": tomorrow}).text

    response = coordinator_client.post(en("coordinator:dashboard:overlaps_refresh"))
    page = coordinator_client.get(response.url).text  # the task ran (immediate backend)
    assert "The pairs are being computed again" in page
    assert "Nattvandring A" not in page and "Initiatives have changed since" not in page


def test_the_refresh_command_and_its_post_only_page(coordinator_client, place, theme):
    _, centre, _ = place
    make(factories.OrganizationFactory(), [centre], [theme])
    make(factories.OrganizationFactory(), [centre], [theme])
    out = io.StringIO()
    call_command("refresh_overlaps", stdout=out)
    assert out.getvalue().count(": 1 overlapping pairs.") == 2  # from today; this year
    assert coordinator_client.get(en("coordinator:dashboard:overlaps_refresh")).status_code == 405
