"""The lists a secretariat sends round before a meeting download with every row: open problems
nobody has taken on, responsibilities past their date (the follow-up page) and the problems
whose hours held sessions did not cover (the gaps page's delivered view) — as CSV and as a
spreadsheet, from a link on the page, in the page's filters."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from partnership.problems.models import ProblemResponsibility
from tests import factories
from tests.helpers import mark_session

pytestmark = pytest.mark.django_db


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def en(name: str, **kwargs) -> str:
    with translation.override("en"):
        return reverse(name, kwargs=kwargs or None)


def csv_rows(client, url: str) -> list[list[str]]:
    response = client.get(url)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


@pytest.fixture
def area():
    return factories.AreaFactory(name="Vårby gård")


@pytest.fixture
def theme():
    return factories.ThemeFactory()


def test_the_follow_up_lists_download_with_every_row(coordinator_client, area, theme):
    for n in range(3):  # more than a page would need: every row, most severe first
        factories.ProblemFactory(
            title=f"Ingen tar det {n}", area=area, themes=[theme], severity=n + 1
        )
    taken = factories.ProblemFactory(title="Mörk gångväg", area=area, themes=[theme])
    ProblemResponsibility.objects.create(
        problem=taken,
        organization=factories.OrganizationFactory(name="Stiftelsen Hyresbostäder"),
        role="lead",
        commitment="Byter armaturer",
        due_on=days_ago(10),
    )
    other = factories.AreaFactory(name="Masmo")
    factories.ProblemFactory(title="Annat område", area=other, themes=[theme])

    # The links carry the page's filters, not its page numbers.
    page = coordinator_client.get(
        en("coordinator:dashboard:attention"), {"area": area.pk, "unowned_page": 2}
    )
    for table in ("unowned", "overdue"):
        link = en("coordinator:dashboard:export", table=table) + f"?area={area.pk}"
        assert f'href="{link}" download' in page.text

    rows = csv_rows(
        coordinator_client, en("coordinator:dashboard:export", table="unowned") + f"?area={area.pk}"
    )
    assert rows[0][:3] == ["Problem", "Area", "Severity"]
    assert [row[0] for row in rows[1:]] == ["Ingen tar det 2", "Ingen tar det 1", "Ingen tar det 0"]
    assert rows[1][1:3] == ["Vårby gård", "3"]

    rows = csv_rows(coordinator_client, en("coordinator:dashboard:export", table="overdue"))
    assert rows[0] == [
        "Problem",
        "Area",
        "Organisation",
        "Role",
        "What they do",
        "By when",
        "Days overdue",
    ]
    assert rows[1:] == [
        [
            "Mörk gångväg",
            "Vårby gård",
            "Stiftelsen Hyresbostäder",
            "Lead",
            "Byter armaturer",
            days_ago(10).isoformat(),
            "10",
        ]
    ]

    response = coordinator_client.get(en("coordinator:dashboard:export_xlsx", table="overdue"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[2]][:3] == [
        "Mörk gångväg",
        "Vårby gård",
        "Stiftelsen Hyresbostäder",
    ]


def test_the_delivered_view_downloads_with_every_row(coordinator_client, area, theme):
    h = dt.time
    problem = factories.ProblemFactory(
        title="Oro vid torget",
        area=area,
        themes=[theme],
        weekdays=[5],
        time_from=h(20),
        time_to=h(23),
    )
    initiative = factories.InitiativeFactory(
        title="Nattvandring", areas=[area], themes=[theme], starts_on=days_ago(120)
    )
    factories.ScheduleSlotFactory(initiative=initiative, weekday=5, starts_at=h(20), ends_at=h(23))
    initiative.problems.add(problem)
    today = timezone.localdate()
    friday = today - dt.timedelta(days=(today.isoweekday() - 5) % 7 or 7)
    # Held at 21–23 once in the last 4 weeks: 20–21 is not covered.
    mark_session(initiative, friday, h(21), h(23))

    with translation.override("sv"):
        page = coordinator_client.get(reverse("coordinator:dashboard:gaps"), {"view": "delivered"})
        link = reverse("coordinator:dashboard:export", kwargs={"table": "delivered-gaps"})
    assert link in page.text
    with translation.override("sv"):
        rows = csv_rows(coordinator_client, link)
    assert rows[0][:3] == ["Problem", "Område", "När det händer"]
    assert len(rows) == 2
    title, area_name, _when, hours, recent, previous, held, held_before, uncovered = rows[1]
    assert (title, area_name) == ("Oro vid torget", "Vårby gård")
    assert (hours, recent, previous, held, held_before) == ("3.0", "0.5", "0.0", "1", "0")
    assert uncovered == "Fredag 20:00–21:00"
