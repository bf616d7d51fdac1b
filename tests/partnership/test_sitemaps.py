"""The sitemap at national scale (issue 16): pages of ids written without the template, an
index of the pages that hold rows (each with its own lastmod), every public initiative,
approved organisation and public problem listed once, nothing else, and query counts that
do not grow with the rows."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from initiatives import sitemaps as initiative_sitemaps
from initiatives.models import Initiative
from tests import factories
from tests.helpers import query_count

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


@pytest.fixture(autouse=True)
def _uncached(settings):
    """The view itself, not the page cache in front of it (partnership/page_cache.py)."""
    settings.PAGE_CACHE_ENABLED = False


@pytest.fixture
def small_pages(monkeypatch):
    """Pages of 3 ids, so that a few rows make several pages."""
    monkeypatch.setattr(initiative_sitemaps, "ID_SPAN", 3)


def _index(client) -> list[tuple[str, str | None]]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return [
        (entry.find("s:loc", NS).text, getattr(entry.find("s:lastmod", NS), "text", None))
        for entry in root.findall("s:sitemap", NS)
    ]


def _listed(client) -> list[str]:
    """Every <loc> of every page the index lists."""
    locations = []
    for address, _lastmod in _index(client):
        response = client.get(address.removeprefix("http://testserver"))
        assert response.status_code == 200, address
        root = ET.fromstring(response.content)
        locations += [url.find("s:loc", NS).text for url in root.findall("s:url", NS)]
    return locations


@pytest.fixture
def planted(organization):
    suspended = factories.OrganizationFactory(name="Avstängd AB", status="suspended")
    pending = factories.OrganizationFactory(name="Väntande förening", status="pending")
    public = [
        factories.InitiativeFactory(lead_organization=organization, title=f"Öppen {n}")
        for n in range(7)
    ]
    hidden = [
        factories.InitiativeFactory(lead_organization=organization, visibility="partners"),
        factories.InitiativeFactory(lead_organization=organization, archived_at=timezone.now()),
        factories.InitiativeFactory(lead_organization=suspended),
        factories.InitiativeFactory(lead_organization=pending),
    ]
    problems = [factories.ProblemFactory(visibility="public") for _ in range(4)]
    hidden_problems = [
        factories.ProblemFactory(visibility="partners"),
        factories.ProblemFactory(visibility="public", archived_at=timezone.now()),
    ]
    return {
        "public": public,
        "hidden": hidden,
        "problems": problems,
        "hidden_problems": hidden_problems,
        "organizations": [organization],
        "hidden_organizations": [suspended, pending],
    }


def test_every_public_row_is_listed_once_in_each_language_and_nothing_else(
    client, planted, small_pages
):
    listed = _listed(client)
    assert len(listed) == len(set(listed))
    for initiative in planted["public"]:
        assert listed.count(f"http://testserver/insatser/{initiative.slug}/") == 1
        assert listed.count(f"http://testserver/en/initiatives/{initiative.slug}/") == 1
    for problem in planted["problems"]:
        assert sum(str(problem.public_id) in address for address in listed) == 2
    for organization in planted["organizations"]:
        assert sum(f"/{organization.slug}/" in address for address in listed) == 2
    text = "\n".join(listed)
    for initiative in planted["hidden"]:
        assert initiative.slug not in text
    for problem in planted["hidden_problems"]:
        assert str(problem.public_id) not in text
    for organization in planted["hidden_organizations"]:
        assert f"/{organization.slug}/" not in text


def test_each_address_names_its_other_language_and_the_default(client, planted):
    initiative = planted["public"][0]
    page = _page_of(initiative)
    body = client.get(f"/sitemap-initiatives.xml?p={page}").content
    root = ET.fromstring(body)
    urls = {url.find("s:loc", NS).text: url for url in root.findall("s:url", NS)}
    swedish = urls[f"http://testserver/insatser/{initiative.slug}/"]
    links = {link.get("hreflang"): link.get("href") for link in swedish.findall("x:link", NS)}
    assert links == {
        "sv": f"http://testserver/insatser/{initiative.slug}/",
        "en": f"http://testserver/en/initiatives/{initiative.slug}/",
        "x-default": f"http://testserver/insatser/{initiative.slug}/",
    }
    assert (
        swedish.find("s:lastmod", NS).text == timezone.localdate(initiative.updated_at).isoformat()
    )
    assert swedish.find("s:changefreq", NS).text == "weekly"


def test_the_index_lists_only_pages_with_rows_each_with_its_newest_change(
    client, organization, small_pages
):
    # ids 3k … 3k+2 share a page: make one page, leave the next one's ids partners-only.
    made = [factories.InitiativeFactory(lead_organization=organization) for _ in range(9)]
    pages = {}
    for initiative in made:
        pages.setdefault(initiative.pk // 3 + 1, []).append(initiative)
    empty_number = sorted(pages)[1]
    for initiative in pages[empty_number]:
        initiative.visibility = "partners"
        initiative.save()
    listed = [
        (address, lastmod)
        for address, lastmod in _index(client)
        if "sitemap-initiatives" in address
    ]
    numbers = [
        int(re.search(r"\?p=(\d+)$", address).group(1)) if "?p=" in address else 1
        for address, _lastmod in listed
    ]
    # Pages are numbered 1, 2, 3 … over the ranges that hold rows: no gap for the empty one.
    ranges = sorted(n for n in pages if n != empty_number)
    assert numbers == list(range(1, len(ranges) + 1))
    for (_address, lastmod), bucket in zip(listed, ranges, strict=True):
        newest = max(initiative.updated_at for initiative in pages[bucket])
        assert lastmod.startswith(timezone.localtime(newest).date().isoformat())
    response = client.get(f"/sitemap-initiatives.xml?p={len(ranges) + 1}")
    assert response.status_code == 404


@pytest.mark.parametrize("page", ["0", "abc", "-1", "99999999999", "2.5"])
def test_a_page_that_is_no_page_is_404(client, planted, page):
    assert client.get(f"/sitemap-initiatives.xml?p={page}").status_code == 404


def test_an_empty_section_still_has_its_first_page(client):
    Initiative.objects.all().delete()
    response = client.get("/sitemap-initiatives.xml")
    assert response.status_code == 200
    assert ET.fromstring(response.content).findall("s:url", NS) == []
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_an_archived_initiative_leaves_the_index_and_its_page_at_once(client, planted):
    initiative = planted["public"][0]
    address = f"http://testserver/insatser/{initiative.slug}/"
    assert address in _listed(client)
    initiative.archived_at = timezone.now()
    initiative.save()
    assert address not in _listed(client)


def test_pages_carry_last_modified_and_the_robots_header(client, planted):
    page = _page_of(planted["public"][0])
    response = client.get(f"/sitemap-initiatives.xml?p={page}")
    assert response["X-Robots-Tag"] == "noindex, noodp, noarchive"
    assert response["Content-Type"] == "application/xml"
    assert "Last-Modified" in response


def _page_of(initiative) -> int:
    """The sitemap page listing ``initiative``: pages are numbered over the ranges of ids
    that hold rows (the ids of a parallel test run start anywhere)."""
    bucket = initiative.pk // initiative_sitemaps.ID_SPAN
    pages = initiative_sitemaps.InitiativeSitemap().pages()
    return next(page.number for page in pages if page.bucket == bucket)


def _grow(organization, n):
    for _ in range(n):
        factories.InitiativeFactory(lead_organization=factories.OrganizationFactory())
        factories.ProblemFactory(visibility="public")


@pytest.mark.parametrize(
    "url",
    [
        "/sitemap.xml",
        "/sitemap-initiatives.xml",
        "/sitemap-organizations.xml",
        "/sitemap-problems.xml",
        "/sitemap-pages.xml",
    ],
)
def test_query_counts_do_not_grow_with_the_rows(client, organization, url):
    _grow(organization, 2)
    few = query_count(client, url)
    _grow(organization, 30)
    assert query_count(client, url) == few
    # Kept until a write: the index reads three kept lists and the published situation
    # pictures (one query, partnership/coordination/publication_sitemaps.py); a page reads its
    # section's kept list of pages (two) and its rows (one).
    assert query_count(client, url) <= (7 if url == "/sitemap.xml" else 3)


def test_a_sitemap_page_and_the_index_take_a_few_queries_when_cold(
    client, organization, django_assert_max_num_queries
):
    _grow(organization, 5)
    # The first page after a write groups the section's rows into pages and keeps them;
    # the next page reads them kept.
    with django_assert_max_num_queries(9):
        client.get("/sitemap-initiatives.xml")
    with django_assert_max_num_queries(3):
        client.get("/sitemap-initiatives.xml?p=2")
    # Per section: the grouping of its rows into pages, whatever the number of rows.
    with django_assert_max_num_queries(24):
        client.get("/sitemap.xml")
