"""The demo partnership's observations (issue 15): about 200 over the last 12 weeks in Vårby
gård's areas, with the patterns a heatmap should show, logged by demo reporters; loading
again creates none."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.db.models.functions import ExtractIsoWeekDay
from django.utils import timezone

from partnership.demo import loader
from partnership.observations.models import Observation
from stakeholders.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("load_demo", verbosity=0)


def test_about_200_observations_over_12_weeks(demo):
    observations = Observation.objects.all()
    assert 150 <= observations.count() <= 250
    today = timezone.localdate()
    first = observations.order_by("observed_on").first().observed_on
    assert today - dt.timedelta(weeks=12) <= first
    assert observations.order_by("-observed_on").first().observed_on <= today
    assert not observations.filter(created_at__gt=timezone.now()).exists()
    # Every one by a reporter of its organisation.
    for observation in observations.select_related("reported_by")[:50]:
        assert Membership.objects.filter(
            user=observation.reported_by, organization=observation.organization, is_reporter=True
        ).exists()


def test_the_patterns_show(demo):
    def by_weekday(**filters):
        rows = (
            Observation.objects.filter(**filters)
            .annotate(day=ExtractIsoWeekDay("observed_on"))
            .values("day")
            .annotate(n=Count("id"))
        )
        return {row["day"]: row["n"] for row in rows}

    groups = by_weekday(category__slug="ungdomar-i-grupp", area__slug="varby-gard-centrum")
    assert set(groups) == {5, 6}  # Friday and Saturday evenings
    assert sum(groups.values()) >= 30
    litter = by_weekday(category__slug="nedskrapning", area__slug="varby-gard-centrum")
    assert set(litter) == {1}  # Monday mornings
    lights = Observation.objects.filter(category__slug="belysning")
    assert lights.count() >= 8
    assert set(lights.values_list("area__slug", flat=True)) == {"varby-alle"}
    # A window past midnight.
    assert Observation.objects.filter(time_to__lt=dt.time(3), time_from__gt=dt.time(20)).exists()


def test_a_second_load_creates_none(demo):
    before = Observation.objects.count()
    result = loader.demo_load()
    assert result.created["observation"] == 0
    assert Observation.objects.count() == before


def test_a_pattern_with_an_unknown_reporter_is_refused(tmp_path):
    data = loader.DATA_FILE.read_text(encoding="utf-8")
    broken = tmp_path / "demo.toml"
    broken.write_text(
        data.replace('reporter = "medlem@example.se"', 'reporter = "ingen@example.se"', 1),
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="reporter names an unknown user 'ingen@example.se'"):
        loader.demo_data(broken)
