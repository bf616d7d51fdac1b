"""manage.py seed_scale: exact counts, deterministic per seed, refuses a second load."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from initiatives.models import Initiative, ScheduleSlot
from partnership.demo.scale import scale_flush
from partnership.models import Area, Theme
from partnership.problems.models import Problem
from stakeholders.models import Membership, Organization, User

pytestmark = pytest.mark.django_db


def seed_scale(n: int, seed: int) -> str:
    out = StringIO()
    call_command("seed_scale", "--initiatives", str(n), "--seed", str(seed), stdout=out)
    return out.getvalue()


def scale_titles(seed: int) -> list[str]:
    return list(
        Initiative.objects.filter(slug__contains=f"-skala-{seed}-")
        .order_by("slug")
        .values_list("title", flat=True)
    )


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }


def test_creates_exact_counts_with_relations_and_history():
    output = seed_scale(60, seed=7)

    organizations = Organization.objects.filter(slug__startswith="skala-7-")
    assert organizations.count() == 2
    assert all(o.name.startswith("Skala") for o in organizations)
    initiatives = Initiative.objects.filter(lead_organization__in=organizations)
    assert initiatives.count() == Initiative.objects.count() == 60
    assert Problem.objects.filter(recorded_by_organization__in=organizations).count() == 20
    assert User.objects.filter(email__endswith="@scale.example.org").count() == 6
    assert Membership.objects.filter(organization__in=organizations, role="admin").count() == 2
    assert not initiatives.filter(themes=None).exists()
    assert not initiatives.filter(areas=None).exists()
    assert Theme.objects.count() >= 12  # the demo vocabulary was created
    assert ScheduleSlot.objects.filter(initiative__in=initiatives).exists()
    assert Area.objects.filter(slug__startswith="skala-7-", boundary__type="Polygon").count() >= 5
    # History triggers stayed on: one insert event per initiative.
    events = Initiative.pgh_event_model.objects.filter(pgh_label="insert")
    assert events.count() == 60
    assert "Initiative" in output and "elapsed" in output


def test_same_seed_gives_the_same_data_and_another_seed_different():
    seed_scale(90, seed=3)
    first = scale_titles(3)
    assert len(first) == 90 and len(set(first)) > 30

    scale_flush()
    assert not Initiative.objects.exists() and not Organization.objects.exists()
    seed_scale(90, seed=3)
    assert scale_titles(3) == first

    seed_scale(90, seed=4)
    assert scale_titles(4) != first


def test_refuses_a_seed_already_loaded_and_adds_a_batch_for_another():
    seed_scale(60, seed=5)
    with pytest.raises(CommandError, match="already loaded"):
        seed_scale(60, seed=5)
    assert Initiative.objects.count() == 60

    seed_scale(60, seed=6)
    assert Initiative.objects.count() == 120
    assert Organization.objects.count() == 4


def test_flush_removes_scale_data_and_its_history_but_not_the_demo(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO())
    demo_only = row_counts()

    seed_scale(60, seed=8)
    assert row_counts() != demo_only
    out = StringIO()
    call_command("seed_scale", "--initiatives", "30", "--seed", "9", "--flush", stdout=out)
    assert "Flushed" in out.getvalue()
    assert Initiative.objects.filter(slug__contains="-skala-8-").count() == 0
    assert Initiative.objects.filter(slug__contains="-skala-9-").count() == 30

    scale_flush()
    assert row_counts() == demo_only
