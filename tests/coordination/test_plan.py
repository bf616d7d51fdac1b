"""The åtgärdsplan (coordination/plan.py): green / yellow / red on planted cases at each
boundary, the ranking, the CSV and the PDF, who may read and download it, query counts."""

import csv
import datetime as dt
import io

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from initiatives.models import SessionMark
from partnership.coordination import plan
from partnership.coordination.queries import Scope
from partnership.problems.models import Problem, ProblemEndorsement, ProblemResponsibility
from tests import factories
from tests.helpers import query_count

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
A4_LANDSCAPE = (842, 595)


def url(name, lang="sv"):
    with translation.override(lang):
        return reverse(f"coordinator:dashboard:{name}")


@pytest.fixture
def area():
    return factories.AreaFactory(name="Vårby gård")


@pytest.fixture
def theme():
    return factories.ThemeFactory(name_sv="Belysning", name_en="Lighting")


def a_problem(area, theme, **kwargs):
    return factories.ProblemFactory(area=area, themes=[theme], **kwargs)


def initiative_for(problem, *, goal="Minst 100 kvällar", target=None, days=100, passed=10, **kw):
    """An initiative addressing ``problem`` whose period has ``days`` days, ``passed`` of
    them (today included) gone."""
    starts = TODAY - dt.timedelta(days=passed - 1)
    initiative = factories.InitiativeFactory(
        starts_on=starts,
        ends_on=starts + dt.timedelta(days=days - 1) if days else None,
        operational_goal=goal,
        goal_target=target,
        **kw,
    )
    problem.initiatives.add(initiative)
    return initiative


def held(initiative, count, outcome=SessionMark.Outcome.HELD):
    for n in range(count):
        SessionMark.objects.create(
            initiative=initiative,
            on_date=initiative.starts_on + dt.timedelta(days=n % 10),
            starts_at=dt.time(8 + n // 10, 0),
            ends_at=dt.time(23, 0),
            outcome=outcome,
            via=SessionMark.Via.PAGE,
            **(
                {
                    "moved_on": initiative.starts_on + dt.timedelta(days=n % 10),
                    "moved_starts_at": dt.time(7, 0),
                    "moved_ends_at": dt.time(7, 30),
                }
                if outcome == SessionMark.Outcome.MOVED
                else {}
            ),
        )


def responsible(problem, due_on, name="Kommunen"):
    return ProblemResponsibility.objects.create(
        problem=problem,
        organization=factories.OrganizationFactory(name=name),
        commitment="Byter armaturerna",
        due_on=due_on,
    )


def state_of(problem):
    with translation.override("en"):
        (row,) = plan.plan_rows([problem], today=TODAY)
    return row.state, row.reasons


# --- The rule, at each boundary -------------------------------------------------------------


@pytest.mark.parametrize(
    ("delivered", "expected"),
    [(0, "red"), (4, "red"), (5, "yellow"), (8, "yellow"), (9, "green"), (10, "green")],
)
def test_delivered_sessions_against_the_pace(area, theme, delivered, expected):
    # 100 days, 10 gone: a target of 100 asks for 10 by now. Red below 5 (50 %), green
    # from 9 (90 %).
    problem = a_problem(area, theme)
    initiative = initiative_for(problem, target=100)
    held(initiative, delivered)
    state, reasons = state_of(problem)
    assert state == expected, reasons
    if expected != "green":
        assert f"{delivered} sessions held, 10.0 due by now" in " ".join(reasons)


def test_moved_sessions_count_as_delivered_cancelled_ones_do_not(area, theme):
    problem = a_problem(area, theme)
    initiative = initiative_for(problem, target=100)
    held(initiative, 9, outcome=SessionMark.Outcome.MOVED)
    assert state_of(problem)[0] == "green"
    SessionMark.objects.all().delete()
    held(initiative, 10, outcome=SessionMark.Outcome.CANCELLED)
    assert state_of(problem)[0] == "red"


def test_sessions_before_the_start_do_not_count(area, theme):
    problem = a_problem(area, theme)
    initiative = initiative_for(problem, target=100)
    SessionMark.objects.bulk_create(
        SessionMark(
            initiative=initiative,
            on_date=initiative.starts_on - dt.timedelta(days=n + 1),
            starts_at=dt.time(20),
            ends_at=dt.time(22),
            outcome=SessionMark.Outcome.HELD,
            via=SessionMark.Via.PAGE,
        )
        for n in range(10)
    )
    assert state_of(problem)[0] == "red"


def test_an_initiative_not_yet_started_is_not_behind(area, theme):
    problem = a_problem(area, theme)
    initiative = initiative_for(problem, target=100, passed=0)
    assert initiative.starts_on == TODAY + dt.timedelta(days=1)
    assert state_of(problem) == ("green", ["On track."])


@pytest.mark.parametrize(
    ("days", "expected"),
    [(-1, "red"), (0, "yellow"), (plan.DUE_SOON_DAYS, "yellow"), (plan.DUE_SOON_DAYS + 1, "green")],
)
def test_responsibilities_due_dates(area, theme, days, expected):
    problem = a_problem(area, theme)
    initiative_for(problem, goal="Alla armaturer bytta")
    responsible(problem, TODAY + dt.timedelta(days=days))
    state, reasons = state_of(problem)
    assert state == expected, reasons
    if expected != "green":
        due = (TODAY + dt.timedelta(days=days)).isoformat()
        assert any("Kommunen" in r and due in r for r in reasons), reasons


def test_nothing_done_is_red_responsibilities_only_is_yellow(area, theme):
    problem = a_problem(area, theme)
    state, reasons = state_of(problem)
    assert state == "red"
    assert reasons == ["No initiative addresses it and no organisation has taken responsibility."]
    responsible(problem, None)
    assert state_of(problem)[0] == "yellow"


def test_goals_that_cannot_be_measured_are_yellow(area, theme):
    no_goal = a_problem(area, theme)
    initiative_for(no_goal, goal="")
    assert state_of(no_goal)[0] == "yellow"
    no_end = a_problem(area, theme)
    initiative_for(no_end, target=50, days=None)
    assert state_of(no_end)[0] == "yellow"
    in_words = a_problem(area, theme)
    initiative_for(in_words, goal="Alla armaturer i gångtunneln bytta")
    assert state_of(in_words)[0] == "green"


def test_red_wins_over_yellow_and_archived_or_cancelled_initiatives_do_not_count(area, theme):
    problem = a_problem(area, theme)
    initiative_for(problem, goal="")  # yellow
    responsible(problem, TODAY - dt.timedelta(days=3))  # red
    assert state_of(problem)[0] == "red"
    lonely = a_problem(area, theme)
    initiative_for(lonely, status="cancelled")
    initiative_for(lonely, archived_at=timezone.now())
    assert state_of(lonely)[0] == "red"


def test_a_resolved_problem_is_green(area, theme):
    problem = a_problem(area, theme, status=Problem.Status.RESOLVED, outcome="Klart")
    assert state_of(problem)[0] == "green"


# --- Which problems, in which order -----------------------------------------------------------


def test_open_problems_ranked_by_severity_endorsements_then_age(area, theme):
    old = a_problem(area, theme, title="old", observed_on=TODAY - dt.timedelta(days=300))
    new = a_problem(area, theme, title="new", observed_on=TODAY - dt.timedelta(days=3))
    endorsed = a_problem(area, theme, title="endorsed", observed_on=TODAY)
    for _ in range(2):
        ProblemEndorsement.objects.create(
            problem=endorsed, organization=factories.OrganizationFactory()
        )
    severe = a_problem(area, theme, title="severe", severity=5)
    a_problem(area, theme, title="closed", status=Problem.Status.RESOLVED, outcome="Klart")
    a_problem(area, theme, title="archived", archived_at=timezone.now())
    result = plan.action_plan(Scope(), today=TODAY)
    assert [row.problem for row in result.rows] == [severe, endorsed, old, new]
    assert result.total == 4
    assert result.rows[1].endorsements == 2


def test_the_scope_filters_by_area_with_sub_areas_and_theme(area, theme):
    yard = factories.AreaFactory(name="Gården", parent=area)
    elsewhere = factories.AreaFactory(name="Annat")
    in_yard = a_problem(yard, theme)
    a_problem(elsewhere, theme)
    other_theme = a_problem(area, factories.ThemeFactory())
    rows = plan.action_plan(Scope(area=area), today=TODAY).rows
    assert {row.problem for row in rows} == {in_yard, other_theme}
    rows = plan.action_plan(Scope(area=area, theme=theme), today=TODAY).rows
    assert [row.problem for row in rows] == [in_yard]


# --- The page, the CSV and the PDF ------------------------------------------------------------


@pytest.fixture
def planted(area, theme):
    """A red, a yellow and a green problem, with causes, goals and organisations."""
    red = a_problem(
        area,
        theme,
        title="Mörk gångtunnel",
        severity=5,
        cause="Trasig belysning och ingen passerar efter 22",
        cause_categories=["physical_environment", "few_adults"],
    )
    walk = initiative_for(red, title="Nattvandring i tunneln", goal="Minst 100 kvällar", target=100)
    held(walk, 2)
    yellow = a_problem(area, theme, title="Klotter vid skolan", severity=4)
    responsible(yellow, TODAY + dt.timedelta(days=5), name="Fastighetsbolaget")
    initiative_for(yellow, title="Klottersanering", goal="Sanera inom 24 timmar")
    green = a_problem(area, theme, title="Nedskräpning på torget", severity=3)
    initiative_for(green, title="Städdag", goal="En städdag i månaden")
    return red, yellow, green


def test_the_page_shows_the_columns_the_rule_and_each_state_in_words(coordinator_client, planted):
    response = coordinator_client.get(url("plan", "en"))
    assert response.status_code == 200
    text = response.text
    for heading in ("Problem", "Cause", "Action", "Operational goal", "When", "Who", "Follow-up"):
        assert f'<th scope="col">{heading}</th>' in text
    assert "Red: behind" in text and "Yellow: watch" in text and "Green: on track" in text
    assert "fewer than 50 percent of the sessions due by now" in text
    assert f"due within {plan.DUE_SOON_DAYS} days" in text
    assert "Trasig belysning och ingen passerar efter 22" in text
    assert "Physical environment (lighting, hidden spots, disrepair)" in text
    assert "Minst 100 kvällar" in text and "2 held of 100; 10.0 due by now" in text
    assert "Fastighetsbolaget" in text
    assert text.index("Mörk gångtunnel") < text.index("Klotter vid skolan")
    assert "On this page: 1 red, 1 yellow, 1 green." in text


def test_the_page_in_swedish_at_atgardsplan(coordinator_client, planted):
    assert url("plan") == "/samordning/atgardsplan/"
    text = coordinator_client.get(url("plan")).text
    assert "Åtgärdsplan" in text and "Röd: efter" in text and "Orsak" in text


def test_the_csv_holds_every_column_and_row(coordinator_client, planted):
    response = coordinator_client.get(url("plan_csv", "en"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode()
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0][:4] == ["Problem", "Area", "Severity", "Endorsements"]
    assert rows[0][-2:] == ["Follow-up", "Why"]
    by_title = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert list(by_title) == ["Mörk gångtunnel", "Klotter vid skolan", "Nedskräpning på torget"]
    red = by_title["Mörk gångtunnel"]
    assert red["Cause"] == "Trasig belysning och ingen passerar efter 22"
    assert red["Kinds of cause"].startswith("Physical environment")
    assert red["Follow-up"] == "Red: behind"
    assert "Nattvandring i tunneln: Minst 100 kvällar (2 held of 100" in red["Operational goal"]
    assert "2 sessions held, 10.0 due by now" in red["Why"]
    yellow = by_title["Klotter vid skolan"]
    assert yellow["Follow-up"] == "Yellow: watch"
    assert "Fastighetsbolaget" in yellow["Who"]
    due = (TODAY + dt.timedelta(days=5)).isoformat()
    assert f"Fastighetsbolaget: {due}" in yellow["When"]
    assert by_title["Nedskräpning på torget"]["Follow-up"] == "Green: on track"


def test_the_csv_neutralises_formulas(coordinator_client, area, theme):
    a_problem(area, theme, title="=HYPERLINK(1)")
    body = b"".join(coordinator_client.get(url("plan_csv", "en")).streaming_content).decode()
    assert "\r\n'=HYPERLINK(1)," in body or '"\'=HYPERLINK(1)"' in body


def _pdf_text(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    sizes = {tuple(round(float(v)) for v in page.mediabox[2:]) for page in reader.pages}
    return reader, text, sizes


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("sv", ["Åtgärdsplan", "Orsak", "Åtgärd", "Operativt mål", "När", "Vem", "Uppföljning"]),
        ("en", ["Action plan", "Cause", "Action", "Operational goal", "When", "Who", "Follow-up"]),
    ],
)
def test_the_pdf_is_a4_landscape_and_loses_nothing(coordinator_client, planted, lang, words):
    reader, text, sizes = _pdf_text(coordinator_client.get(url("plan_pdf", lang)))
    assert sizes == {A4_LANDSCAPE}
    assert settings.PORTAL_NAME in text and TODAY.isoformat() in text
    page_word = "Sida" if lang == "sv" else "Page"
    of = "av" if lang == "sv" else "of"
    assert f"{page_word} 1 {of} {len(reader.pages)}" in text
    for word in words:
        assert word in text, word
    for problem in planted:
        assert problem.title in text
    assert "Trasig belysning och ingen passerar efter 22" in text
    assert "Nattvandring i tunneln" in text and "Minst 100 kvällar" in text


# --- Who may read and download it --------------------------------------------------------------


@pytest.mark.parametrize("name", ["plan", "plan_csv", "plan_pdf"])
def test_permissions(client, member, outsider, coordinator_without_mfa, coordinator, name):
    """Partners read the page; coordinators (with the second factor) download it; anyone
    else is sent to log in or refused."""
    target = url(name, "en")
    response = client.get(target)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(factories.UserFactory())  # a resident with an account, no organisation
    assert client.get(target).status_code == 403
    for user in (member, outsider):
        client.force_login(user)
        assert client.get(target).status_code == (200 if name == "plan" else 403)
    client.force_login(coordinator_without_mfa)
    assert client.get(target).status_code in (302, 403)
    from tests.helpers import login_with_second_factor

    login_with_second_factor(client, coordinator)
    assert client.get(target).status_code == 200


def test_a_partner_sees_no_download_and_no_coordinator_menu(client, member, planted):
    client.force_login(member)
    text = client.get(url("plan", "en")).text
    assert "Mörk gångtunnel" in text
    assert url("plan_csv", "en") not in text and url("plan_pdf", "en") not in text
    assert "Users and coordinators" not in text


def test_bad_filters_are_reported_and_never_a_500(coordinator_client):
    response = coordinator_client.get(url("plan", "en"), {"area": "abc", "page": "zz"})
    assert response.status_code == 200 and "errorlist" in response.text
    assert coordinator_client.get(url("plan_csv", "en"), {"theme": "x"}).status_code == 400
    assert coordinator_client.get(url("plan_pdf", "en"), {"theme": "x"}).status_code == 400
    response = coordinator_client.get(url("plan", "en"), {"page": "999"})
    assert response.status_code == 200


# --- Query counts --------------------------------------------------------------------------------


def _more(area, theme, count):
    for n in range(count):
        problem = a_problem(area, theme, severity=1 + n % 5)
        initiative = initiative_for(problem, target=20)
        initiative.partner_organizations.add(factories.OrganizationFactory())
        held(initiative, n % 4)
        responsible(problem, TODAY + dt.timedelta(days=n - 5), name=f"Org {n} {count}")
        ProblemEndorsement.objects.create(
            problem=problem, organization=factories.OrganizationFactory()
        )


@pytest.mark.parametrize("name", ["plan", "plan_csv"])
def test_query_count_does_not_grow_with_the_problems(coordinator_client, area, theme, name):
    target = url(name, "en")
    _more(area, theme, 2)
    coordinator_client.get(target)
    few = query_count(coordinator_client, target)
    _more(area, theme, 25)
    assert query_count(coordinator_client, target) == few


def test_the_computation_takes_seven_queries(django_assert_num_queries, area, theme):
    _more(area, theme, 12)
    # count, problems, responsibilities, links, initiatives, their partners, sessions held
    with django_assert_num_queries(7):
        result = plan.action_plan(Scope(), limit=50, today=TODAY)
    assert len(result.rows) == 12
