"""The coordinator benchmarks run on a small database, time every page they name and leave
the database as they found it: a renamed page or a broken view fails here, not on the day
someone measures at 100,000 initiatives."""

import io

import pytest
from django.core.management import call_command

from partnership.meetings.models import Meeting
from stakeholders.models import User
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def partnership():
    municipality = factories.AreaFactory(name="Huddinge")
    district = factories.AreaFactory(name="Vårby", parent=municipality)
    square = factories.AreaFactory(name="Vårby gård centrum", parent=district)
    theme = factories.ThemeFactory()
    for _ in range(3):
        factories.InitiativeFactory(areas=[square], themes=[theme])
    factories.ProblemFactory(area=square, themes=[theme])


def timed_lines(command: str) -> dict[str, str]:
    out = io.StringIO()
    call_command(command, runs=1, stdout=out)
    return {
        line.split(" median ")[0].strip(): line
        for line in out.getvalue().splitlines()
        if " median " in line
    }


def test_bench_dashboard_times_every_coordinator_page(partnership):
    lines = timed_lines("bench_dashboard")
    for label in (
        "overview",
        "report",
        "gaps, delivered",
        "gaps, observed hours",
        "attention, delivery",
        "action plan",
        "weekly lägesbild",
        "overlaps, newest first",
        "coverage, district Vårby",
    ):
        assert label in lines and lines[label].endswith("queries"), label
    assert not User.objects.filter(email="bench-dashboard@example.invalid").exists()


def test_bench_meetings_times_the_meeting_cycle(partnership):
    lines = timed_lines("bench_meetings")
    for label in ("agenda, everything new", "meeting created (with agenda)", "minutes PDF"):
        assert label in lines, label
    assert "partnership report PDF" in lines
    assert not Meeting.objects.exists()
