"""The partnership report's lägesbild after lag 2023:196, 4 §: kartläggning (observations by
area, category, weekday and time of day; problems recorded), annan information (safety walks
and surveys, residents' reports), analys (patterns, causes, gaps) and the åtgärdsplan — the
numbers on planted data, the PDF's text in Swedish and English, who may see it, query counts."""

import datetime as dt
import importlib
import io

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from partnership.coordination.queries import Scope
from partnership.models import Theme
from partnership.problems.models import Problem, SafetyWalk
from partnership.residents.models import ResidentReport
from tests import factories
from tests.helpers import query_count

# The module (the package's ``report`` attribute is the function of the same name).
report_queries = importlib.import_module("partnership.coordination.queries.report")

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
STARTS = TODAY - dt.timedelta(days=60)


def url(name, lang="sv"):
    with translation.override(lang):
        return reverse(f"coordinator:dashboard:{name}")


PERIOD = {"starts_on": STARTS.isoformat(), "ends_on": TODAY.isoformat()}
SCOPE = Scope(starts_on=STARTS, ends_on=TODAY)


def day(offset, weekday):
    """The day with ISO ``weekday`` in the week ``offset`` weeks after the period's start."""
    first = STARTS + dt.timedelta(weeks=offset)
    return first + dt.timedelta(days=(weekday - first.isoweekday()) % 7)


@pytest.fixture
def world(organization):
    district = factories.AreaFactory(name="Vårby gård")
    yard = factories.AreaFactory(name="Gården", parent=district)
    other = factories.AreaFactory(name="Masmo")
    litter = factories.observation_category("nedskrapning")
    graffiti = factories.observation_category("klotter")

    def observe(area, category, on, time_from=None, count=1, time_to=None):
        return factories.ObservationFactory(
            organization=organization,
            area=area,
            category=category,
            observed_on=on,
            time_from=time_from,
            time_to=time_to,
            count=count,
        )

    observe(yard, litter, day(1, 5), dt.time(21), count=3)  # Friday evening
    observe(district, graffiti, day(2, 6), dt.time(23, 30), count=2, time_to=dt.time(1))
    observe(other, graffiti, day(3, 1), dt.time(8), count=1)  # Monday morning
    observe(other, litter, day(4, 2), None, count=4)  # Tuesday, no time
    observe(other, litter, STARTS - dt.timedelta(days=1), dt.time(12), count=50)  # before
    lighting = factories.ThemeFactory(name_sv="Belysning", name_en="Lighting")
    youth = factories.ThemeFactory(name_sv="Ungdomar", name_en="Young people")
    dark = factories.ProblemFactory(
        title="Mörk gångtunnel",
        area=yard,
        themes=[lighting],
        cause="Trasiga armaturer",
        cause_categories=["physical_environment", "few_adults"],
        severity=5,
    )
    gathering = factories.ProblemFactory(
        title="Samling vid kiosken",
        area=other,
        themes=[youth],
        cause_categories=["physical_environment"],
    )
    factories.ProblemFactory(title="Klotter på skolan", area=district, themes=[lighting])
    walk = SafetyWalk.objects.create(
        title="Trygghetsvandring Vårby gård",
        held_on=day(2, 3),
        area=district,
        organization=organization,
        confirmed_at=timezone.now(),
    )
    SafetyWalk.objects.create(  # a draft: not in the report
        title="Utkast till vandring", held_on=day(2, 3), organization=organization
    )
    Problem.objects.filter(pk__in=[dark.pk, gathering.pk]).update(walk=walk)
    survey = SafetyWalk.objects.create(
        title="Trygghetsenkät 2026",
        source=SafetyWalk.Source.SAFETY_SURVEY,
        held_on=day(3, 2),
        organization=organization,
        confirmed_at=timezone.now(),
    )
    for kind, area, reasons in [
        ("unsafe", yard, ["badly_lit", "drugs"]),
        ("safe", other, ["badly_lit"]),
        ("unsafe", yard, ["hidden"]),
    ]:
        ResidentReport.objects.create(kind=kind, area=area, reasons=reasons, created_on=day(1, 4))
    ResidentReport.objects.create(  # before the period
        kind="unsafe", area=yard, reasons=["traffic"], created_on=STARTS - dt.timedelta(days=3)
    )
    return {
        "district": district,
        "yard": yard,
        "other": other,
        "litter": litter,
        "graffiti": graffiti,
        "walk": walk,
        "survey": survey,
        "problems": [dark, gathering],
    }


def test_observations_per_area_and_category(world):
    with translation.override("sv"):
        matrix = report_queries.observation_matrix(SCOPE)
    assert matrix.categories == ["Klotter", "Nedskräpning"]
    assert matrix.rows == [("Gården", [0, 3], 3), ("Masmo", [1, 4], 5), ("Vårby gård", [2, 0], 2)]
    assert matrix.totals == [3, 7] and matrix.total == 10
    # The area with its sub-areas.
    within = report_queries.observation_matrix(Scope(area=world["district"], **_window()))
    assert within.total == 5 and [row[0] for row in within.rows] == ["Gården", "Vårby gård"]


def _window():
    return {"starts_on": STARTS, "ends_on": TODAY}


def test_observations_by_weekday_and_part_of_the_day(world):
    with translation.override("en"):
        times = report_queries.observations_by_time(SCOPE)
        weekdays = {str(label): n for label, n in times["weekdays"]}
        parts = {str(label): n for label, n in times["parts"]}
    assert weekdays == {
        "Monday": 1,
        "Tuesday": 4,
        "Wednesday": 0,
        "Thursday": 0,
        "Friday": 3,
        "Saturday": 2,
        "Sunday": 0,
    }
    assert parts == {
        "Morning (06–10)": 1,
        "Daytime (10–17)": 0,
        "Evening (17–22)": 3,
        "Night (22–06)": 2,
        "No time given": 4,
    }


def test_patterns_rank_area_category_and_time(world):
    with translation.override("en"):
        patterns = [
            (p["area"], p["category"], str(p["weekday"]), str(p["part"]), p["count"])
            for p in report_queries.observation_patterns(SCOPE)
        ]
    assert patterns == [
        ("Masmo", "Littering", "Tuesday", "No time given", 4),
        ("Gården", "Littering", "Friday", "Evening (17–22)", 3),
        ("Vårby gård", "Graffiti", "Saturday", "Night (22–06)", 2),
        ("Masmo", "Graffiti", "Monday", "Morning (06–10)", 1),
    ]


def test_causes_walks_surveys_and_resident_reports(world):
    with translation.override("en"):
        causes = report_queries.cause_counts(SCOPE)
        residents = report_queries.resident_report_counts(SCOPE)
        kinds = [(str(label), n) for label, n in causes["kinds"]]
        reasons = [(str(label), n) for label, n in residents["reasons"]]
    assert kinds == [
        ("Physical environment (lighting, hidden spots, disrepair)", 2),
        ("Few adults about, little informal control", 1),
    ]
    assert causes["none"] == 1
    walks = report_queries.walks_in_period(SCOPE)
    assert [(w.title, w.findings) for w in walks] == [
        ("Trygghetsvandring Vårby gård", 2),
        ("Trygghetsenkät 2026", 0),
    ]
    assert residents["total"] == 3 and residents["unsafe"] == 2
    assert reasons == [
        ("Badly lit", 2),
        ("Hidden or overgrown", 1),
        ("Drug dealing or use", 1),
    ]
    assert residents["per_area"] == [("Gården", 2, 2), ("Masmo", 1, 0)]


def test_problems_recorded_in_the_period(world):
    assert report_queries.problems_recorded(SCOPE) == [
        ("Gården", 1),
        ("Masmo", 1),
        ("Vårby gård", 1),
    ]
    before = Scope(starts_on=STARTS - dt.timedelta(days=30), ends_on=STARTS)
    assert report_queries.problems_recorded(before) == []


def test_the_page_has_the_four_sections_with_the_numbers(coordinator_client, world):
    response = coordinator_client.get(url("report", "en"), PERIOD)
    assert response.status_code == 200
    text = response.text
    headings = [
        "1. Mapping: what happens where and when",
        "2. Other information: safety walks, surveys and residents",
        "3. Analysis: patterns, causes and gaps",
        "4. Action plan",
    ]
    positions = [text.index(h) for h in headings]
    assert positions == sorted(positions)
    assert "Observations per area and category" in text
    assert "Trygghetsvandring Vårby gård" in text and "2 findings" in text
    assert "Trygghetsenkät 2026" in text and "Utkast till vandring" not in text
    assert "3 reports from residents in the period, 2 of places that feel unsafe." in text
    assert "Gaps: open problems nobody addresses" in text
    assert "Mörk gångtunnel" in text and "Trasiga armaturer" in text
    assert "Red: behind" in text  # nothing is done about them


def test_a_bad_period_is_reported_and_the_rest_kept(coordinator_client, world):
    response = coordinator_client.get(
        url("report", "en"), {"starts_on": TODAY.isoformat(), "ends_on": STARTS.isoformat()}
    )
    assert response.status_code == 200
    assert "The end must not be before the start." in response.text
    assert f'value="{TODAY.isoformat()}"' in response.text
    response = coordinator_client.get(url("report", "en"), {"starts_on": "2026-02-31"})
    assert response.status_code == 200 and "errorlist" in response.text


def _pdf_text(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    sizes = {tuple(round(float(v)) for v in page.mediabox[2:]) for page in reader.pages}
    return reader, text, sizes


@pytest.mark.parametrize(
    ("lang", "headings"),
    [
        (
            "sv",
            [
                "1. Kartläggning: vad som händer var och när",
                "2. Annan information: trygghetsvandringar, enkäter och boende",
                "3. Analys: mönster, orsaker och luckor",
                "4. Åtgärdsplan",
                "Händelser per område och kategori",
                "Luckor",
            ],
        ),
        (
            "en",
            [
                "1. Mapping: what happens where and when",
                "2. Other information: safety walks, surveys and residents",
                "3. Analysis: patterns, causes and gaps",
                "4. Action plan",
                "Observations per area and category",
                "Gaps",
            ],
        ),
    ],
)
def test_the_pdf_holds_every_section_problem_and_theme(coordinator_client, world, lang, headings):
    reader, text, sizes = _pdf_text(coordinator_client.get(url("report_pdf", lang), PERIOD))
    assert sizes == {(595, 842), (842, 595)}  # portrait, with the wide tables landscape
    assert settings.PORTAL_NAME in text
    assert f"{STARTS.isoformat()} – {TODAY.isoformat()}" in text
    for heading in headings:
        assert heading in text, heading
    for problem in Problem.objects.all():
        assert problem.title in text, problem.title
    with translation.override(lang):
        for theme in Theme.objects.all():
            assert theme.name in text, theme.name
    assert "Trygghetsvandring Vårby gård" in text
    assert "Trasiga armaturer" in text


@pytest.mark.parametrize("name", ["report", "report_pdf"])
def test_only_coordinators_with_the_second_factor(client, member, coordinator_without_mfa, name):
    target = url(name, "en")
    assert client.get(target).status_code == 302
    client.force_login(member)
    assert client.get(target).status_code == 403
    client.force_login(coordinator_without_mfa)
    assert client.get(target).status_code == 302  # to set up the second factor


def _more(organization, count):
    area = factories.AreaFactory()
    theme = factories.ThemeFactory()
    for n in range(count):
        factories.ObservationFactory(
            organization=organization,
            area=area,
            category=factories.observation_category(["klotter", "nedskrapning"][n % 2]),
            observed_on=day(n % 8, 1 + n % 7),
            count=1 + n,
        )
        problem = factories.ProblemFactory(
            area=area, themes=[theme], cause_categories=["opportunity"]
        )
        problem.initiatives.add(factories.InitiativeFactory(areas=[area], themes=[theme]))
        ResidentReport.objects.create(
            kind="unsafe", area=area, reasons=["litter"], created_on=day(n % 8, 3)
        )
        SafetyWalk.objects.create(
            title=f"Vandring {n}",
            held_on=day(n % 8, 4),
            organization=organization,
            confirmed_at=timezone.now(),
        )


def test_query_count_does_not_grow_with_the_data(coordinator_client, organization, world):
    _more(organization, 2)
    coordinator_client.get(url("report", "en"), PERIOD)
    few = query_count(coordinator_client, url("report", "en"), PERIOD)
    _more(organization, 25)
    assert query_count(coordinator_client, url("report", "en"), PERIOD) == few
