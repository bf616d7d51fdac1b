"""The Atom feeds of "Ni sa, vi gjorde" (issue 17), read by ``feedparser`` as a feed reader
would: public problems only, an area's feed with its sub-areas, lasting entry ids at the host
of SITE_URL, the latest change as ``updated``, the outcome and who did it, both languages,
linked from the page, open to other sites (CORS), in a fixed number of queries."""

import datetime as dt
import re

import feedparser
import pytest
from django.utils import timezone

from partnership.problems import services
from partnership.problems.models import Problem
from tests import factories
from tests.helpers import query_count

pytestmark = pytest.mark.django_db

SITE_URL = "https://trygghet.example.se"
FEED = "/ni-sa-vi-gjorde/feed.atom"
FEED_EN = "/en/you-said-we-did/feed.atom"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE_URL
    settings.ALLOWED_HOSTS = ["testserver", "annan.example.net"]


@pytest.fixture
def places():
    varby = factories.AreaFactory(name="Vårby gård", slug="varby-gard")
    centrum = factories.AreaFactory(name="Vårby gård centrum", slug="varby-centrum", parent=varby)
    elsewhere = factories.AreaFactory(name="Masmo", slug="masmo")
    return {"varby": varby, "centrum": centrum, "elsewhere": elsewhere}


@pytest.fixture
def problems(places, organization, member):
    """A public problem resolved by the member's organisation (in a sub-area of Vårby gård),
    an open public one elsewhere, a partners-only one and an archived public one."""
    lighting = factories.ThemeFactory(name_sv="Belysning", name_en="Lighting")
    tunnel = factories.ProblemFactory(
        title="Mörk gångtunnel",
        area=places["centrum"],
        visibility="public",
        recorded_by_organization=organization,
        latitude=59.2651234,
        longitude=17.8831234,
    )
    tunnel.themes.set([lighting])
    services.problem_take_responsibility(
        problem=tunnel,
        organization=organization,
        actor=member,
        role="lead",
        commitment="Vi byter armaturerna i tunneln.",
    )
    services.problem_change_status(
        problem=tunnel, actor=member, status="resolved", outcome="Ny LED-belysning sedan maj."
    )
    litter = factories.ProblemFactory(
        title="Nedskräpning vid Masmo", area=places["elsewhere"], visibility="public"
    )
    factories.ProblemFactory(
        title="Hemligt problem vid torget", area=places["centrum"], visibility="partners"
    )
    archived = factories.ProblemFactory(
        title="Arkiverat problem", area=places["centrum"], visibility="public"
    )
    Problem.objects.filter(pk=archived.pk).update(archived_at=timezone.now())
    tunnel.refresh_from_db()
    return {"tunnel": tunnel, "litter": litter, "lighting": lighting}


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def entry_titled(feed, title):
    [entry] = [e for e in feed.entries if e.title.endswith(title)]
    return entry


def test_the_feed_holds_public_problems_only(resident, problems):
    feed = parse(resident.get(FEED))
    titles = sorted(entry.title for entry in feed.entries)
    assert titles == ["Löst: Mörk gångtunnel", "Öppet: Nedskräpning vid Masmo"]
    assert feed.feed.title.startswith("Ni sa, vi gjorde")
    assert feed.feed.language == "sv"


def test_an_entry_says_what_came_of_it_and_who_did_it(resident, problems, organization):
    entry = entry_titled(parse(resident.get(FEED)), "Mörk gångtunnel")
    assert entry.author == organization.name
    assert "Ny LED-belysning sedan maj." in entry.summary
    assert f"{organization.name} (leder): Vi byter armaturerna i tunneln." in entry.summary
    assert "Vårby gård centrum" in entry.summary
    assert [tag.term for tag in entry.tags] == ["Belysning"]
    # The area, never the point.
    assert "59.265" not in entry.summary and "17.883" not in entry.summary


def test_entry_ids_and_links_come_from_site_url_not_the_request_host(resident, problems):
    feed = parse(resident.get(FEED, HTTP_HOST="annan.example.net"))
    tunnel = problems["tunnel"]
    entry = entry_titled(feed, "Mörk gångtunnel")
    day = tunnel.created_at.astimezone(dt.UTC).date()  # the day in UTC: the same everywhere
    assert entry.id == f"tag:trygghet.example.se,{day:%Y-%m-%d}:problem:{tunnel.public_id}"
    # Each problem has its own public page.
    assert entry.link == f"{SITE_URL}/ni-sa-vi-gjorde/{tunnel.public_id}/"
    assert feed.feed.id == f"{SITE_URL}{FEED}"
    assert feed.feed.link == f"{SITE_URL}/ni-sa-vi-gjorde/"
    assert "annan.example.net" not in resident.get(FEED, HTTP_HOST="annan.example.net").text


def test_a_changed_problem_comes_first_with_the_same_id_and_a_later_update(
    resident, problems, other_organization, outsider
):
    litter, tunnel = problems["litter"], problems["tunnel"]
    long_ago = timezone.now() - dt.timedelta(days=30)
    Problem.objects.filter(pk__in=[litter.pk, tunnel.pk]).update(updated_at=long_ago)
    before = entry_titled(parse(resident.get(FEED)), "Nedskräpning vid Masmo")
    # Taking part in the work is news even though the problem's own row is unchanged.
    services.problem_take_responsibility(
        problem=litter,
        organization=other_organization,
        actor=outsider,
        role="supporting",
        commitment="Vi städar varje måndag.",
    )
    feed = parse(resident.get(FEED))
    after = feed.entries[0]
    assert after.title == "Åtgärdas: Nedskräpning vid Masmo"
    assert after.id == before.id
    assert after.updated_parsed > before.updated_parsed
    assert after.published == before.published
    assert after.author == other_organization.name


def test_organisations_that_are_not_approved_are_not_named(resident, problems, organization):
    organization.status = "suspended"
    organization.save()
    entry = entry_titled(parse(resident.get(FEED)), "Mörk gångtunnel")
    assert organization.name not in resident.get(FEED).text
    assert "author" not in entry or entry.author != organization.name


def test_an_areas_feed_holds_its_sub_areas_and_nothing_else(resident, problems, places):
    feed = parse(resident.get("/ni-sa-vi-gjorde/varby-gard/feed.atom"))
    assert [entry.title for entry in feed.entries] == ["Löst: Mörk gångtunnel"]
    assert "Vårby gård" in feed.feed.title
    assert feed.feed.link == f"{SITE_URL}/ni-sa-vi-gjorde/?area={places['varby'].pk}"
    assert feed.feed.id == f"{SITE_URL}/ni-sa-vi-gjorde/varby-gard/feed.atom"
    assert parse(resident.get("/ni-sa-vi-gjorde/masmo/feed.atom")).entries[0].title == (
        "Öppet: Nedskräpning vid Masmo"
    )
    assert resident.get("/ni-sa-vi-gjorde/ingenstans/feed.atom").status_code == 404


def test_an_empty_feed_is_still_a_valid_feed(resident, places):
    feed = parse(resident.get("/ni-sa-vi-gjorde/masmo/feed.atom"))
    assert feed.entries == []
    assert feed.feed.title


def test_the_english_feed_speaks_english_about_the_same_entries(resident, problems):
    swedish, english = parse(resident.get(FEED)), parse(resident.get(FEED_EN))
    assert english.feed.title.startswith("You said, we did")
    assert english.feed.language == "en"
    assert {e.id for e in english.entries} == {e.id for e in swedish.entries}
    entry = entry_titled(english, "Mörk gångtunnel")
    assert entry.title == "Resolved: Mörk gångtunnel"
    assert [tag.term for tag in entry.tags] == ["Lighting"]
    assert english.feed.link == f"{SITE_URL}/en/you-said-we-did/"
    en_area = parse(resident.get("/en/you-said-we-did/varby-gard/feed.atom"))
    assert [e.title for e in en_area.entries] == ["Resolved: Mörk gångtunnel"]


ALTERNATE = re.compile(r'<link rel="alternate" type="application/atom\+xml" href="([^"]+)"')


def test_the_page_links_its_feeds(resident, problems, places):
    page = resident.get("/ni-sa-vi-gjorde/")
    assert ALTERNATE.findall(page.text) == [FEED]
    assert f'href="{FEED}"' in page.text.split("</head>")[1]  # a visible link too
    chosen = resident.get("/ni-sa-vi-gjorde/", {"area": places["varby"].pk})
    assert ALTERNATE.findall(chosen.text) == [FEED, "/ni-sa-vi-gjorde/varby-gard/feed.atom"]
    assert 'href="/ni-sa-vi-gjorde/varby-gard/feed.atom"' in chosen.text.split("</head>")[1]
    english = resident.get("/en/you-said-we-did/", {"area": places["varby"].pk})
    assert ALTERNATE.findall(english.text) == [FEED_EN, "/en/you-said-we-did/varby-gard/feed.atom"]


@pytest.mark.parametrize("url", [FEED, FEED_EN, "/ni-sa-vi-gjorde/varby-gard/feed.atom"])
def test_other_sites_may_read_the_feeds(resident, problems, url):
    response = resident.get(url, HTTP_ORIGIN="https://example.net")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response


def test_the_page_itself_gets_no_cors(resident, problems):
    response = resident.get("/ni-sa-vi-gjorde/", HTTP_ORIGIN="https://example.net")
    assert "Access-Control-Allow-Origin" not in response


def test_the_feed_takes_the_same_number_of_queries_for_2_and_30_problems(
    resident, places, organization, other_organization
):
    def add(count):
        initiative = factories.InitiativeFactory(lead_organization=other_organization)
        for _ in range(count):
            problem = factories.ProblemFactory(area=places["centrum"], visibility="public")
            problem.themes.set([factories.ThemeFactory()])
            problem.initiatives.add(initiative)
            problem.responsibilities.create(
                organization=organization, role="lead", commitment="Vi gör vår del."
            )

    add(2)
    few = query_count(resident, "/ni-sa-vi-gjorde/varby-gard/feed.atom")
    add(28)
    many = query_count(resident, "/ni-sa-vi-gjorde/varby-gard/feed.atom")
    assert few == many


def test_the_open_data_page_names_the_feeds(resident):
    assert f'href="{FEED}"' in resident.get("/oppna-data/").text
    english = resident.get("/en/open-data/").text
    assert f'href="{FEED_EN}"' in english
    assert "/en/you-said-we-did/&lt;area&gt;/feed.atom" in english
