"""Gaps, time gaps, coverage, attention lists, the report, exports, roles and query counts."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from initiatives.models import InitiativeUpdate
from partnership.coordination import queries
from partnership.problems.models import Problem, ProblemEndorsement
from tests import factories
from tests.helpers import login_with_second_factor, query_count

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()
PAGES = ["overview", "overlaps", "gaps", "coverage", "attention", "report"]


def en(name, **kwargs):
    with translation.override("en"):
        return reverse(name, kwargs=kwargs or None)


@pytest.fixture
def area():
    return factories.AreaFactory(name="Vårby gård")


@pytest.fixture
def theme():
    return factories.ThemeFactory(name_sv="Belysning", name_en="Lighting")


def problem(area, theme, **kwargs):
    return factories.ProblemFactory(area=area, themes=[theme], **kwargs)


def endorse(p, count):
    for _ in range(count):
        ProblemEndorsement.objects.create(problem=p, organization=factories.OrganizationFactory())


# --- Gaps -------------------------------------------------------------------------------------


def test_gaps_rank_by_severity_then_endorsements_then_age(area, theme):
    old = problem(area, theme, title="old", severity=3, observed_on=TODAY - dt.timedelta(days=300))
    new = problem(area, theme, title="new", severity=3, observed_on=TODAY - dt.timedelta(days=3))
    endorsed = problem(area, theme, title="endorsed", severity=3)
    endorse(endorsed, 2)
    severe = problem(area, theme, title="severe", severity=5)
    mild = problem(area, theme, title="mild", severity=1)
    problem(area, theme, title="Löst", status=Problem.Status.RESOLVED, outcome="Klart")
    problem(area, theme, title="archived", archived_at=timezone.now())
    addressed = problem(area, theme, title="addressed", severity=5)
    factories.InitiativeFactory(areas=[area], themes=[theme]).problems.add(addressed)
    # an initiative that is no longer live does not address anything
    dead = problem(area, theme, title="dead", severity=2)
    factories.InitiativeFactory(areas=[area], themes=[theme], status="completed").problems.add(dead)
    page = queries.gaps(queries.Scope())
    titles = [row.problem.title for row in page.object_list]
    assert titles == ["severe", "endorsed", "old", "new", "dead", "mild"]
    assert page.paginator.count == 6
    assert page.object_list[1].endorsements == 2
    assert old.pk and new.pk and severe.pk and mild.pk


def test_gaps_filter_by_area_with_sub_areas_and_theme(area, theme):
    centre = factories.AreaFactory(name="Centrum", parent=area)
    elsewhere = factories.AreaFactory(name="Masmo")
    other = factories.ThemeFactory()
    problem(centre, theme, title="in centre")
    problem(elsewhere, theme, title="elsewhere")
    problem(centre, other, title="other theme")
    scope = queries.Scope(area=area, theme=theme)
    assert [r.problem.title for r in queries.gaps(scope).object_list] == ["in centre"]


def _addressed(area, theme, slots=(), **kwargs):
    p = problem(area, theme, **kwargs)
    initiative = factories.InitiativeFactory(areas=[area], themes=[theme])
    for weekday, start, end in slots:
        factories.ScheduleSlotFactory(
            initiative=initiative, weekday=weekday, starts_at=start, ends_at=end
        )
    initiative.problems.add(p)
    return p


def test_time_gaps_find_the_hours_nobody_is_there(area, theme):
    h = dt.time
    # Fridays and Saturdays 22:00–02:00 (past midnight); a walk Fridays 20–23:59 only.
    night = _addressed(
        area,
        theme,
        [(5, h(20), h(23, 59))],
        title="night",
        weekdays=[5, 6],
        time_from=h(22),
        time_to=h(2),
    )
    # fully covered: Mondays 18–20 by a slot Mondays 17–21
    _addressed(
        area,
        theme,
        [(1, h(17), h(21))],
        title="covered",
        weekdays=[1],
        time_from=h(18),
        time_to=h(20),
    )
    # an initiative without weekly times covers every hour
    _addressed(area, theme, [], title="untimed", weekdays=[3], time_from=h(1), time_to=h(3))
    # no weekdays = every day
    _addressed(area, theme, [(2, h(8), h(17))], title="daily", time_from=h(9), time_to=h(10))
    page = queries.time_gaps(queries.Scope())
    found = {row.problem.title: row.uncovered for row in page.object_list}
    assert set(found) == {"night", "daily"}
    assert found["night"] == [
        (6, h(0), h(2)),  # Friday night continues on Saturday
        (6, h(22), None),  # Saturday 22–24
        (7, h(0), h(2)),  # ... and on Sunday
    ]
    assert [day for day, *_ in found["daily"]] == [1, 3, 4, 5, 6, 7]
    assert night.pk


def test_a_sunday_night_continues_on_monday(area, theme):
    h = dt.time
    _addressed(
        area,
        theme,
        [(7, h(22), h(23, 59))],
        title="sunday",
        weekdays=[7],
        time_from=h(22),
        time_to=h(1),
    )
    (row,) = queries.time_gaps(queries.Scope()).object_list
    assert row.uncovered == [(1, h(0), h(1))]


# --- Coverage ---------------------------------------------------------------------------------


def test_coverage_counts_sub_areas_and_marks_cells_with_problems_and_no_initiative(area, theme):
    centre = factories.AreaFactory(name="Centrum", parent=area)
    other = factories.ThemeFactory(name_en="Littering")
    factories.InitiativeFactory(areas=[centre], themes=[theme])
    factories.InitiativeFactory(areas=[centre], themes=[theme], status="cancelled")
    problem(centre, theme)
    problem(centre, other)
    data = queries.coverage(queries.Scope())
    (row,) = data.rows
    cells = {c.theme.pk: c for c in row.cells}
    assert (cells[theme.pk].initiatives, cells[theme.pk].problems) == (1, 1)
    assert not cells[theme.pk].gap
    assert cells[other.pk].gap
    drill = queries.coverage(queries.Scope(area=area))
    assert [r.area for r in drill.rows] == [area, centre]


def test_the_coverage_page_marks_gaps_not_by_colour_alone(coordinator_client, area, theme):
    problem(area, theme)
    response = coordinator_client.get(en("coordinator:dashboard:coverage"))
    assert "coverage-gap" in response.text
    assert '<span class="visually-hidden">Gap:</span>' in response.text
    assert 'aria-hidden="true">!</span>' in response.text


# --- Attention lists --------------------------------------------------------------------------


def test_attention_lists(area, theme):
    quiet = factories.InitiativeFactory(title="quiet", areas=[area], themes=[theme])
    InitiativeUpdate.objects.create(
        initiative=quiet,
        organization=quiet.lead_organization,
        text="x",
        happened_on=TODAY - dt.timedelta(days=120),
    )
    busy = factories.InitiativeFactory(title="busy", areas=[area], themes=[theme])
    InitiativeUpdate.objects.create(
        initiative=busy, organization=busy.lead_organization, text="x", happened_on=TODAY
    )
    busy.problems.add(problem(area, theme))
    type(quiet).objects.filter(pk=busy.pk).update(
        created_at=timezone.now() - dt.timedelta(days=400)
    )
    type(quiet).objects.filter(pk=quiet.pk).update(
        created_at=timezone.now() - dt.timedelta(days=400)
    )
    idle = factories.OrganizationFactory(name="Idle")
    factories.OrganizationFactory(name="Pending", status="pending")
    scope = queries.Scope()
    assert [i.title for i in queries.stale_initiatives(scope)] == ["quiet"]
    assert [i.title for i in queries.unlinked_initiatives(scope)] == ["quiet"]
    idle_names = [o.name for o in queries.idle_organizations(scope)]
    assert "Idle" in idle_names and "Pending" not in idle_names
    assert quiet.lead_organization.name not in idle_names
    assert idle.pk


# --- Report and exports -----------------------------------------------------------------------


def test_report_in_english_and_swedish(coordinator_client, area, theme):
    p = problem(area, theme, title="Mörk gångväg", severity=4)
    from partnership.problems.models import ProblemResponsibility

    ProblemResponsibility.objects.create(
        problem=p,
        organization=factories.OrganizationFactory(name="Kommunen"),
        role="lead",
        commitment="Sätter upp belysning",
        due_on=TODAY,
    )
    factories.InitiativeFactory(title="Ny belysning", areas=[area], themes=[theme], starts_on=TODAY)
    response = coordinator_client.get(en("coordinator:dashboard:report"))
    assert "Partnership report" in response.text
    assert "Sätter upp belysning" in response.text and "Ny belysning" in response.text
    assert "css/dashboard.css" in response.text
    with translation.override("sv"):
        url = reverse("coordinator:dashboard:report")
    response = coordinator_client.get(url)
    assert response.status_code == 200 and 'lang="sv"' in response.text


@pytest.mark.parametrize(
    "table",
    [
        "overlaps",
        "decided",
        "gaps",
        "time-gaps",
        "coverage",
        "stale",
        "idle-organisations",
        "unlinked",
        "report-problems",
        "report-started",
        "report-ended",
        "report-coverage",
        "report-decided",
        "report-gaps",
    ],
)
def test_every_table_exports_as_csv(coordinator_client, area, theme, table):
    problem(area, theme, title="Mörk gångväg")
    factories.InitiativeFactory(areas=[area], themes=[theme])
    response = coordinator_client.get(en("coordinator:dashboard:export", table=table))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert b"".join(response.streaming_content).decode().startswith("\ufeff")


def test_an_unknown_table_is_404(coordinator_client):
    response = coordinator_client.get(en("coordinator:dashboard:export", table="nope"))
    assert response.status_code == 404


# --- Roles, bad input and query counts ---------------------------------------------------------


@pytest.mark.parametrize("name", PAGES)
def test_dashboard_pages_are_for_coordinators_only(
    client, resident, member, org_admin, outsider, coordinator, name
):
    url = en(f"coordinator:dashboard:{name}")
    response = resident.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for user in (member, org_admin, outsider):
        client.force_login(user)
        assert client.get(url).status_code == 403
    client.force_login(coordinator)  # without an authenticator app
    assert client.get(url)["Location"].startswith(en("mfa_activate_totp"))
    factories.enable_totp(coordinator)  # an app, but this login did not use it
    assert client.get(url)["Location"].startswith(en("mfa_reauthenticate"))
    login_with_second_factor(client, coordinator)
    assert client.get(url).status_code == 200


def test_the_overview_is_the_first_coordinator_page(coordinator_client):
    response = coordinator_client.get("/en/coordinator/")
    assert response.status_code == 200
    assert "What needs you today" in response.text


@pytest.mark.parametrize("name", PAGES)
def test_bad_filters_are_reported_and_never_a_500(coordinator_client, name):
    url = en(f"coordinator:dashboard:{name}")
    response = coordinator_client.get(
        url + "?area=abc&theme=999999&starts_on=2026-13-01&ends_on=x&page=zz&show=decided"
    )
    assert response.status_code == 200
    assert "errorlist" in response.text
    response = coordinator_client.get(url + "?starts_on=2026-05-01&ends_on=2026-01-01")
    assert "The end must not be before the start." in response.text


def _rows(count, area, theme):
    for n in range(count):
        lead = factories.OrganizationFactory()
        i = factories.InitiativeFactory(areas=[area], themes=[theme], lead_organization=lead)
        factories.ScheduleSlotFactory(initiative=i)
        p = problem(area, theme, weekdays=[5], time_from=dt.time(22), time_to=dt.time(2))
        endorse(p, 1)
        if n % 2:
            i.problems.add(p)


@pytest.mark.parametrize("name", PAGES)
def test_query_count_does_not_grow_with_the_data(coordinator_client, area, theme, name):
    url = en(f"coordinator:dashboard:{name}")
    _rows(2, area, theme)
    coordinator_client.get(url)
    few = query_count(coordinator_client, url)
    _rows(28, area, theme)
    assert query_count(coordinator_client, url) == few


def test_problem_model_fields_the_dashboard_reads():
    """The dashboard reads these Problem fields in SQL (see queries.py)."""
    names = {f.name for f in Problem._meta.get_fields()}
    assert {"weekdays", "time_from", "time_to", "severity", "status", "archived_at"} <= names


@pytest.mark.parametrize(
    ("page", "views"),
    [("gaps", ["planned", "delivered", "observed"]), ("attention", ["follow-up", "delivery"])],
)
def test_view_tabs_keep_the_filters_and_start_each_view_on_its_first_page(
    coordinator_client, area, page, views
):
    """Each tab leads to its view with the area filter kept and no page number; the tab
    shown is marked current, and the filter form carries the view along."""
    url = en(f"coordinator:dashboard:{page}")
    html = coordinator_client.get(url, {"area": area.pk, "view": views[-1], "page": 3}).text
    for value in views:
        query = f"area={area.pk}" + ("" if value == views[0] else f"&amp;view={value}")
        assert f'href="{url}?{query}"' in html
    assert f'href="{url}?area={area.pk}&amp;view={views[-1]}" aria-current="page"' in html
    assert f'<input type="hidden" name="view" value="{views[-1]}">' in html
    assert "page=3" not in "".join(line for line in html.splitlines() if "button--small" in line)
    first = coordinator_client.get(url, {"area": area.pk}).text
    assert f'href="{url}?area={area.pk}" aria-current="page"' in first
    assert '<input type="hidden" name="view"' not in first
