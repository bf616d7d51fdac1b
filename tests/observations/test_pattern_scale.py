"""seed_scale's observations: ten per initiative unless told, over the year before today,
skewed as reporters' logs are (evenings, weekends, a few hot areas), the same for the same
seed, and gone with a flush."""

import datetime as dt
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from partnership.demo.scale import scale_flush
from partnership.observations import patterns
from partnership.observations.models import Observation

pytestmark = pytest.mark.django_db


def seed(n: int, seed: int, *extra: str) -> str:
    out = StringIO()
    call_command("seed_scale", "--initiatives", str(n), "--seed", str(seed), *extra, stdout=out)
    return out.getvalue()


def digest() -> list[tuple]:
    return list(
        Observation.objects.order_by("public_id").values_list(
            "public_id",
            "area__slug",
            "category__slug",
            "observed_on",
            "time_from",
            "time_to",
            "count",
        )
    )


def test_ten_per_initiative_skewed_and_deterministic():
    output = seed(300, 21)
    observations = Observation.objects.all()
    assert observations.count() == 3000
    assert "Observation" in output and "of which observations" in output
    today = dt.date.today()
    assert not observations.filter(observed_on__gte=today).exists()
    assert not observations.filter(observed_on__lt=today - dt.timedelta(days=372)).exists()
    assert {o.organization.slug[:9] for o in observations.select_related("organization")[:50]} == {
        "skala-21-"
    }

    rows = list(observations.values_list("area_id", "observed_on", "time_from", "time_to"))
    unknown = sum(1 for _a, _d, start, _e in rows if start is None)
    windows = sum(1 for _a, _d, _s, end in rows if end is not None)
    assert 0.10 < unknown / len(rows) < 0.20
    assert 0.20 < windows / len(rows) < 0.30
    across_midnight = sum(1 for _a, _d, s, e in rows if e is not None and e <= s)
    assert across_midnight > 0
    hours = Counter(start.hour for _a, _d, start, _e in rows if start is not None)
    evening = sum(hours[h] for h in range(18, 24)) / 6
    day = sum(hours[h] for h in range(7, 18)) / 11
    assert evening > 3 * day
    weekdays = Counter(on.isoweekday() for _a, on, _s, _e in rows)
    assert weekdays[6] > 1.5 * weekdays[3] and weekdays[5] > 1.3 * weekdays[3]
    per_area = sorted(Counter(area for area, *_ in rows).values(), reverse=True)
    assert sum(per_area[: max(len(per_area) // 10, 1)]) > 0.2 * len(rows)  # a few hot areas

    # The heatmap reads them all (the whole partnership, a year).
    heatmap = patterns.heatmap(
        area_ids=None, category_ids=[], start=today - dt.timedelta(days=380), end=today
    )
    assert heatmap.unknown + heatmap.grid_total >= sum(observations.values_list("count", flat=True))

    first = digest()
    scale_flush()
    assert not Observation.objects.exists()
    seed(300, 21)
    assert digest() == first


def test_observations_flag():
    seed(60, 22, "--observations", "25")
    assert Observation.objects.count() == 25
    seed(60, 23, "--observations", "0")
    assert Observation.objects.count() == 25
