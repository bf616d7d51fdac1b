"""An organisation's page groups its initiatives by where they stand today: running now,
planned, paused, and the ended ones collapsed (issue 19)."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from tests import factories
from tests.helpers import query_count

pytestmark = pytest.mark.django_db


def _page(client, organization, language="en"):
    prefix = "/en/who-does-what" if language == "en" else "/vem-gor-vad"
    return client.get(f"{prefix}/{organization.slug}/").text


def _sections(html) -> dict[str, str]:
    """{group heading: the HTML of its section}"""
    return dict(
        re.findall(
            r'<section aria-labelledby="initiatives-\w+">\s*<h2 id="initiatives-\w+">([^<]+)</h2>'
            r"(.*?)</section>",
            html,
            re.DOTALL,
        )
    )


@pytest.fixture
def mixed(organization):
    today = timezone.localdate()
    day = dt.timedelta(days=1)

    def make(title, status, starts_on, ends_on=None):
        factories.InitiativeFactory(
            lead_organization=organization,
            title=title,
            status=status,
            starts_on=starts_on,
            ends_on=ends_on,
        )

    make("Nattvandring", "active", today - 30 * day)
    make("Läxhjälp", "planned", today - day, today + 30 * day)  # planned, but already running
    make("Sommarfotboll", "planned", today + 30 * day)
    make("Belysning", "active", today + 10 * day)  # active, not started yet
    make("Grannsamverkan", "paused", today - 60 * day)
    make("Städdag", "completed", today - 90 * day, today - 80 * day)
    make("Julmarknad", "cancelled", today + 40 * day)
    make("Vinterkafé", "active", today - 200 * day, today - 100 * day)  # period over
    make("Pausad förr", "paused", today - 200 * day, today - 150 * day)
    return organization


def test_initiatives_are_grouped_running_planned_paused_and_ended(resident, mixed):
    html = _page(resident, mixed)
    sections = _sections(html)
    assert list(sections) == [
        "Initiatives running now",
        "Planned initiatives",
        "Paused initiatives",
        "Ended initiatives",
    ]

    def titles(heading):
        return re.findall(r'<h2 class="card-title"><a [^>]*>([^<]+)</a>', sections[heading])

    assert titles("Initiatives running now") == ["Läxhjälp", "Nattvandring"]  # newest start first
    assert titles("Planned initiatives") == ["Belysning", "Sommarfotboll"]  # soonest first
    assert titles("Paused initiatives") == ["Grannsamverkan"]
    # Most recently ended first (a cancelled one without an end by its start).
    assert titles("Ended initiatives") == ["Julmarknad", "Städdag", "Vinterkafé", "Pausad förr"]


def test_ended_initiatives_are_collapsed_in_a_details(resident, mixed):
    ended = _sections(_page(resident, mixed))["Ended initiatives"]
    details = re.search(r"<details[^>]*>(.*?)</details>", ended, re.DOTALL)
    assert details is not None, "the ended ones sit in a <details>"
    assert "<details open" not in ended and " open>" not in ended.split(">")[0]
    assert re.search(r"<summary>\s*Show the 4 ended initiatives\s*</summary>", details.group(1))
    assert "Städdag" in details.group(1)
    for heading, body in _sections(_page(resident, mixed)).items():
        if heading != "Ended initiatives":
            assert "<details" not in body, f"{heading} is shown open"


def test_groups_in_swedish(resident, mixed):
    html = _page(resident, mixed, language="sv")
    assert list(_sections(html)) == [
        "Insatser som pågår nu",
        "Planerade insatser",
        "Pausade insatser",
        "Avslutade insatser",
    ]
    assert re.search(r"<summary>\s*Visa de 4 avslutade insatserna\s*</summary>", html)


def test_only_groups_with_initiatives_are_shown(resident, organization):
    factories.InitiativeFactory(lead_organization=organization, title="Nattvandring")
    html = _page(resident, organization)
    assert list(_sections(html)) == ["Initiatives running now"]
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    assert "<details" not in main


def test_an_organisation_without_initiatives_says_so(resident, organization):
    html = _page(resident, organization)
    assert "<h2>Initiatives</h2>" in html
    assert "No initiatives to show." in html
    assert _sections(html) == {}


def test_organisation_page_query_count_does_not_grow_with_initiatives(resident, organization):
    today = timezone.localdate()
    states = [
        ("active", today - dt.timedelta(days=5), None),
        ("planned", today + dt.timedelta(days=5), None),
        ("paused", today - dt.timedelta(days=5), None),
        ("completed", today - dt.timedelta(days=50), today - dt.timedelta(days=40)),
        ("cancelled", today, None),
    ]
    area, theme = factories.AreaFactory(), factories.ThemeFactory()

    def queries(n):
        for i in range(n):
            status, starts_on, ends_on = states[i % len(states)]
            factories.InitiativeFactory(
                lead_organization=organization,
                status=status,
                starts_on=starts_on,
                ends_on=ends_on,
                areas=[area],
                themes=[theme],
            )
        count, response = query_count(
            resident, f"/en/who-does-what/{organization.slug}/", with_response=True
        )
        assert len(response.context["organization"].visible_initiatives) >= n
        return count

    assert queries(2) == queries(28)
