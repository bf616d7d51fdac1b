"""One definition of "public": a partners-only initiative, an archived one and those of a
suspended or pending organisation appear on no public page, feed, API answer, CSV or
sitemap, and their own public addresses are 404."""

import json

import pytest
from django.utils import timezone

from tests import factories

pytestmark = pytest.mark.django_db

HIDDEN = ["Intern lägesbild", "Arkiverad städdag", "Avstängd insats", "Väntande insats"]


@pytest.fixture
def planted(organization):
    """Each initiative fully dressed (point, area, theme, weekly time), so that only the
    definition of public can keep it out."""
    area = factories.AreaFactory(name="Vårby gård")
    theme = factories.ThemeFactory(name_sv="Nattvandring", name_en="Night walks")
    suspended = factories.OrganizationFactory(name="Avstängd AB", status="suspended")
    pending = factories.OrganizationFactory(name="Väntande förening", status="pending")
    common = {
        "areas": [area],
        "themes": [theme],
        "latitude": 59.265,
        "longitude": 17.883,
        "summary": "Vuxna nattvandrar i centrum.",
    }
    made = {
        "public": factories.InitiativeFactory(
            title="Öppen nattvandring", lead_organization=organization, **common
        ),
        "partners": factories.InitiativeFactory(
            title=HIDDEN[0], lead_organization=organization, visibility="partners", **common
        ),
        "archived": factories.InitiativeFactory(
            title=HIDDEN[1],
            lead_organization=organization,
            archived_at=timezone.now(),
            **common,
        ),
        "suspended": factories.InitiativeFactory(
            title=HIDDEN[2], lead_organization=suspended, **common
        ),
        "pending": factories.InitiativeFactory(
            title=HIDDEN[3], lead_organization=pending, **common
        ),
    }
    for initiative in made.values():
        factories.ScheduleSlotFactory(initiative=initiative)
    # A partner organisation of a visible initiative leads a hidden one: still hidden.
    made["public"].partner_organizations.add(suspended)
    return made


def _body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if "json" in response.get("Content-Type", ""):
        # Compare with what a JSON reader sees, whatever escapes the encoder chose.
        return json.dumps(json.loads(content), ensure_ascii=False)
    return content.decode("utf-8")


PUBLIC_URLS = [
    "/insatser/",
    "/en/initiatives/",
    "/insatser/?q=nattvandring",
    "/insatser/?when=week",
    "/insatser/map.geojson",
    "/insatser/map.geojson?bbox=17.7,59.2,18.1,59.4",
    "/insatser/calendar.ics",
    "/insatser/export.csv",
    "/api/v1/initiatives",
    "/api/v1/initiatives?q=nattvandring",
    "/api/v1/initiatives.geojson",
    "/api/v1/organizations",
    "/sitemap.xml",
    "/sitemap-initiatives.xml",
    "/sitemap-organizations.xml",
    "/robots.txt",
    "/en/open-data/",
    "/",
]


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_hidden_initiatives_appear_nowhere_public(resident, planted, url):
    response = resident.get(url)
    assert response.status_code == 200, url
    body = _body(response)
    for title in HIDDEN:
        assert title not in body, (title, url)
    for initiative in (planted[key] for key in ("partners", "archived", "suspended", "pending")):
        assert initiative.slug not in body
        assert str(initiative.public_id) not in body


@pytest.mark.parametrize("url", ["/insatser/", "/insatser/map.geojson", "/api/v1/initiatives"])
def test_the_public_one_is_there(resident, planted, url):
    assert "Öppen nattvandring" in _body(resident.get(url))


def test_organisations_of_pending_or_suspended_status_are_not_open_data(resident, planted):
    body = _body(resident.get("/api/v1/organizations"))
    assert "Avstängd AB" not in body
    assert "Väntande förening" not in body
    assert "Stiftelsen Testbostäder" in body


@pytest.mark.parametrize("key", ["partners", "archived", "suspended", "pending"])
@pytest.mark.parametrize("suffix", ["", "calendar.ics"])
def test_hidden_initiatives_public_addresses_are_404(resident, planted, key, suffix):
    response = resident.get(f"/insatser/{planted[key].slug}/{suffix}")
    assert response.status_code == 404
    assert planted[key].title not in _body(response)


def test_a_partners_downloads_hold_what_their_list_shows_and_the_api_stays_public(
    client, member, planted
):
    """The list's calendar, CSV and spreadsheet hold what the list shows the user (issue 17:
    a partner's downloads silently left out partners-only work); such an answer is private.
    The API is open data, the same for everyone: a session does not widen it."""
    client.force_login(member)
    for url in ["/insatser/calendar.ics", "/insatser/export.csv"]:
        response = client.get(url)
        body = _body(response)
        assert "Öppen nattvandring" in body
        assert HIDDEN[0] in body, url  # partners-only, of an approved organisation
        assert HIDDEN[1] not in body and HIDDEN[2] not in body
        assert "private" in response["Cache-Control"]
    body = _body(client.get("/api/v1/initiatives"))
    assert "Öppen nattvandring" in body
    assert HIDDEN[0] not in body
    response = client.get(f"/insatser/{planted['partners'].slug}/calendar.ics")
    assert response.status_code == 404


def test_partners_see_partners_only_initiatives_on_the_map_as_on_the_list(client, member, planted):
    client.force_login(member)
    body = _body(client.get("/insatser/map.geojson"))
    assert HIDDEN[0] in body  # the list shows it to partners; the map shows the same
    assert HIDDEN[1] not in body
    assert HIDDEN[2] not in body


def test_problems_on_the_detail_page_are_the_public_ones(resident, planted):
    initiative = planted["public"]
    initiative.problems.add(
        factories.ProblemFactory(title="Mörk gångtunnel", visibility="public"),
        factories.ProblemFactory(title="Intern iakttagelse", visibility="partners"),
    )
    html = resident.get(f"/insatser/{initiative.slug}/").text
    assert "Mörk gångtunnel" in html
    assert "Intern iakttagelse" not in html


def test_public_id_is_used_not_sequential_ids(resident, planted):
    body = _body(resident.get("/api/v1/initiatives"))
    assert str(planted["public"].public_id) in body
    assert f'"id": {planted["public"].pk},' not in body
