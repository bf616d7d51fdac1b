"""Each state is defined once, on its model, and the dashboard's raw SQL takes it as a
parameter. On planted data covering every status (archived rows, periods before, around and
after the window), each SQL definition selects exactly the ids its ORM counterpart selects —
with the model's tuple as it is and with a different one, so SQL that types a state out
instead of taking the model's fails here."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from initiatives.models import Initiative
from partnership.coordination import queries
from partnership.coordination.queries import common
from partnership.models import Visibility
from partnership.problems.models import Problem
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()
DAY = dt.timedelta(days=1)

# The model's tuple, and another one (of another length, so that counts differ too): a state
# typed into the SQL would no longer agree.
LIVE_STATUSES = {
    "as defined": Initiative.LIVE_STATUSES,
    "redefined": (Initiative.Status.ACTIVE, Initiative.Status.PAUSED, Initiative.Status.COMPLETED),
}
OPEN_STATUSES = {
    "as defined": Problem.OPEN_STATUSES,
    "redefined": (
        Problem.Status.BEING_ADDRESSED,
        Problem.Status.RESOLVED,
        Problem.Status.DISMISSED,
    ),
}
WINDOWS = {
    "today": common.Scope(starts_on=TODAY, ends_on=TODAY),
    "from today on": common.Scope(),
    "this year": common.Scope(
        starts_on=dt.date(TODAY.year, 1, 1), ends_on=dt.date(TODAY.year, 12, 31)
    ),
    "last month": common.Scope(starts_on=TODAY - 45 * DAY, ends_on=TODAY - 15 * DAY),
}


@pytest.fixture
def place():
    return factories.AreaFactory(name="Vårby gård"), factories.ThemeFactory()


@pytest.fixture
def initiatives(place):
    """Every status, running now, ended, not yet begun, each also archived."""
    area, theme = place
    periods = [
        (TODAY - 30 * DAY, None),
        (TODAY - 60 * DAY, TODAY - 20 * DAY),
        (TODAY + 20 * DAY, None),
    ]
    planted = []
    for status in Initiative.Status:
        for starts_on, ends_on in periods:
            for archived_at in (None, timezone.now()):
                planted.append(
                    factories.InitiativeFactory(
                        status=status,
                        starts_on=starts_on,
                        ends_on=ends_on,
                        archived_at=archived_at,
                        areas=[area],
                        themes=[theme],
                    )
                )
    return planted


@pytest.fixture
def problems(place):
    """Every status, public and partners-only, each also archived."""
    area, theme = place
    planted = []
    for status in Problem.Status:
        for visibility in Visibility:
            for archived_at in (None, timezone.now()):
                planted.append(
                    factories.ProblemFactory(
                        status=status,
                        outcome="" if status in Problem.OPEN_STATUSES else "Åtgärdat",
                        visibility=visibility,
                        archived_at=archived_at,
                        area=area,
                        themes=[theme],
                    )
                )
    return planted


def sql_ids(sql: str, params: dict) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0] for row in cursor.fetchall()}


def orm_ids(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


@pytest.mark.parametrize("statuses", LIVE_STATUSES.values(), ids=LIVE_STATUSES.keys())
@pytest.mark.parametrize("window", WINDOWS.values(), ids=WINDOWS.keys())
def test_a_live_initiative_in_sql_is_a_live_one_in_the_orm(
    initiatives, statuses, window, monkeypatch
):
    monkeypatch.setattr(Initiative, "LIVE_STATUSES", statuses)
    sql = f"SELECT i.id FROM initiatives_initiative i WHERE {common.LIVE_CONDITION}"

    live = sql_ids(sql, common.scope_params(window))

    assert live == orm_ids(common.live_initiatives(window))
    assert 0 < len(live) < len(initiatives)


@pytest.mark.parametrize("statuses", LIVE_STATUSES.values(), ids=LIVE_STATUSES.keys())
def test_live_on_one_day_in_sql_is_the_querysets_live(initiatives, statuses, monkeypatch):
    monkeypatch.setattr(Initiative, "LIVE_STATUSES", statuses)
    sql = f"SELECT i.id FROM initiatives_initiative i WHERE {common.LIVE_CONDITION}"

    for day in (TODAY, TODAY - 40 * DAY, TODAY + 30 * DAY):
        params = common.scope_params(common.Scope(starts_on=day, ends_on=day))
        assert sql_ids(sql, params) == orm_ids(Initiative.objects.active().live(day))


@pytest.mark.parametrize("statuses", LIVE_STATUSES.values(), ids=LIVE_STATUSES.keys())
def test_the_coverage_matrix_counts_the_live_initiatives(initiatives, statuses, monkeypatch):
    monkeypatch.setattr(Initiative, "LIVE_STATUSES", statuses)
    for window in WINDOWS.values():
        expected = common.live_initiatives(window).count()
        assert expected > 0
        assert queries.coverage(window).total.initiatives == expected


@pytest.mark.parametrize("statuses", OPEN_STATUSES.values(), ids=OPEN_STATUSES.keys())
def test_an_open_problem_in_sql_is_an_open_one_in_the_orm(problems, statuses, monkeypatch):
    monkeypatch.setattr(Problem, "OPEN_STATUSES", statuses)
    sql = f"SELECT p.id FROM partnership_problem p WHERE {common.OPEN_PROBLEM_CONDITION}"

    open_ = sql_ids(sql, common.scope_params(common.Scope()))

    assert open_ == orm_ids(Problem.objects.open())
    assert 0 < len(open_) < len(problems)


@pytest.mark.parametrize("statuses", OPEN_STATUSES.values(), ids=OPEN_STATUSES.keys())
def test_gaps_and_coverage_count_the_open_problems(problems, statuses, monkeypatch):
    """No initiative addresses any of them: every open problem is a gap."""
    monkeypatch.setattr(Problem, "OPEN_STATUSES", statuses)
    scope = common.Scope()

    gaps = {row.problem.pk for row in queries.gaps(scope).object_list}

    assert gaps == orm_ids(Problem.objects.open())
    assert queries.coverage(scope).total.problems == len(gaps)


def _leaves(q):
    for child in q.children:
        if isinstance(child, tuple):
            yield child
        else:
            yield from _leaves(child)


def test_a_closed_problem_needs_an_outcome_exactly_when_it_is_not_open():
    """``problem_closed_has_outcome`` spells the open statuses out (a Meta cannot see the
    class's names): it must list exactly ``Problem.OPEN_STATUSES``."""
    (constraint,) = [c for c in Problem._meta.constraints if c.name == "problem_closed_has_outcome"]
    listed = [value for lookup, value in _leaves(constraint.condition) if lookup == "status__in"]
    assert [sorted(statuses) for statuses in listed] == [sorted(Problem.OPEN_STATUSES)]

    for status in Problem.Status:
        try:
            with transaction.atomic():
                factories.ProblemFactory(status=status, outcome="")
            saved = True
        except IntegrityError:
            saved = False
        assert saved == (status in Problem.OPEN_STATUSES), status
