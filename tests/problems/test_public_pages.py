""" "Ni sa, vi gjorde" leads with what was done, then what is being done, then what nobody
has taken on yet (issue 14); each public problem has its own page, which the feeds, the
sitemap and the initiative pages link to."""

import re

import pytest

from partnership.problems.models import Problem, ProblemResponsibility
from tests import factories
from tests.helpers import query_count

pytestmark = pytest.mark.django_db

PAGE_EN = "/en/you-said-we-did/"


@pytest.fixture
def stories(organization):
    initiative = factories.InitiativeFactory(title="Ny belysning", lead_organization=organization)
    nobody = factories.ProblemFactory(title="Ingen tar det", severity=5, visibility="public")
    taken = factories.ProblemFactory(title="Någon tar det", severity=2, visibility="public")
    ProblemResponsibility.objects.create(
        problem=taken, organization=organization, role="lead", commitment="Vi rensar buskar."
    )
    addressed = factories.ProblemFactory(title="En insats tar det", severity=1, visibility="public")
    addressed.initiatives.add(initiative)
    done = factories.ProblemFactory(
        title="Löst",
        severity=1,
        status=Problem.Status.RESOLVED,
        outcome="Två nya lampor sattes upp.",
        visibility="public",
    )
    ProblemResponsibility.objects.create(
        problem=done, organization=organization, role="lead", commitment="Byta lampor."
    )
    dismissed = factories.ProblemFactory(
        title="Avfärdat",
        status=Problem.Status.DISMISSED,
        outcome="Platsen är privat.",
        visibility="public",
    )
    hidden = factories.ProblemFactory(title="Bara för partner", visibility="partners")
    return {
        "nobody": nobody,
        "taken": taken,
        "addressed": addressed,
        "done": done,
        "dismissed": dismissed,
        "hidden": hidden,
        "initiative": initiative,
    }


def sections(html: str) -> list[tuple[str, list[str]]]:
    found = []
    for heading, body in re.findall(
        r'<h2 id="progress-\d">([^<]+)</h2>(.*?)</section>', html, re.DOTALL
    ):
        found.append((heading, re.findall(r'<h3 class="card-title"><a [^>]*>([^<]+)</a>', body)))
    return found


def test_what_was_done_comes_first_then_under_way_then_nobody(resident, stories, organization):
    html = resident.get(PAGE_EN).text
    assert sections(html) == [
        ("What was done", ["Löst"]),
        ("What is being done", ["Någon tar det", "En insats tar det"]),
        ("What nobody has taken on yet", ["Ingen tar det"]),
        ("Closed without action", ["Avfärdat"]),
    ]
    done = html[html.index(">Löst<") : html.index('id="progress-1"')]
    assert "What was done:" in done and "Två nya lampor sattes upp." in done
    assert "Who did it" in done and organization.name in done
    assert "Bara för partner" not in html
    swedish = resident.get("/ni-sa-vi-gjorde/").text
    assert [heading for heading, _ in sections(swedish)][:3] == [
        "Det här har gjorts",
        "Det här görs",
        "Det här har ingen tagit sig an än",
    ]


def test_each_public_problem_has_its_own_page(resident, stories, organization, member):
    done = stories["done"]
    html = resident.get(PAGE_EN).text
    assert f'href="/en/you-said-we-did/{done.public_id}/"' in html
    page = resident.get(f"/en/you-said-we-did/{done.public_id}/")
    assert page.status_code == 200
    text = page.text
    assert re.search(r"<h1[^>]*>Löst</h1>", text)
    assert (
        text.index("What was done") < text.index("Who did it") < text.index("What was pointed out")
    )
    assert "Två nya lampor sattes upp." in text and organization.name in text
    addressed = resident.get(f"/en/you-said-we-did/{stories['addressed'].public_id}/").text
    assert f'href="/en/initiatives/{stories["initiative"].slug}/"' in addressed
    # Not public: not found, as if it did not exist.
    assert resident.get(f"/en/you-said-we-did/{stories['hidden'].public_id}/").status_code == 404
    stories["done"].set_archived(True, actor=member)
    assert resident.get(f"/en/you-said-we-did/{done.public_id}/").status_code == 404


def test_the_problem_page_and_the_list_keep_their_query_counts(resident, stories, organization):
    page = f"/en/you-said-we-did/{stories['done'].public_id}/"
    few_page, few_list = query_count(resident, page), query_count(resident, PAGE_EN)
    for n in range(10):
        problem = factories.ProblemFactory(
            visibility="public", status=Problem.Status.RESOLVED, outcome="Ja."
        )
        problem.initiatives.add(stories["initiative"])
        ProblemResponsibility.objects.create(
            problem=stories["done"] if n == 0 else problem,
            organization=factories.OrganizationFactory(),
            role="supporting",
            commitment="Hjälper till.",
        )
    assert query_count(resident, page) == few_page
    assert query_count(resident, PAGE_EN) == few_list


def test_initiative_pages_link_the_public_problems_they_address(resident, stories):
    initiative = stories["initiative"]
    stories["hidden"].initiatives.add(initiative)
    html = resident.get(f"/en/initiatives/{initiative.slug}/").text
    addressed = stories["addressed"]
    assert f'<a href="/en/you-said-we-did/{addressed.public_id}/">En insats tar det</a>' in html
    assert "Bara för partner" not in html


def test_the_sitemap_lists_the_public_problem_pages(resident, stories):
    index = resident.get("/sitemap.xml").content.decode()
    assert "sitemap-problems.xml" in index
    sitemap = resident.get("/sitemap-problems.xml").content.decode()
    assert f"/ni-sa-vi-gjorde/{stories['done'].public_id}/" in sitemap
    assert f"/en/you-said-we-did/{stories['done'].public_id}/" in sitemap
    assert str(stories["hidden"].public_id) not in sitemap


def test_the_unfiltered_page_shows_the_home_pages_number(resident, stories):
    home = resident.get("/en/").text
    number = re.search(
        r'<a href="/en/you-said-we-did/"><span class="stat-value">(\d+)</span>', home
    ).group(1)
    assert number == "5"
    assert re.search(r'role="status"[^>]*>\s*5 problems', resident.get(PAGE_EN).text)


def test_the_kept_order_moves_with_every_write_that_moves_a_problem(resident, stories):
    """The order is kept in the cache (``public.ranked_ids``); a link to an initiative, an
    initiative's deletion and a problem's new status each drop it."""
    assert sections(resident.get(PAGE_EN).text)[2] == (
        "What nobody has taken on yet",
        ["Ingen tar det"],
    )
    stories["nobody"].initiatives.add(stories["initiative"])
    under_way = sections(resident.get(PAGE_EN).text)[1]
    assert under_way == (
        "What is being done",
        ["Ingen tar det", "Någon tar det", "En insats tar det"],
    )

    stories["initiative"].delete()
    assert sections(resident.get(PAGE_EN).text)[1:3] == [
        ("What is being done", ["Någon tar det"]),
        ("What nobody has taken on yet", ["Ingen tar det", "En insats tar det"]),
    ]

    stories["nobody"].status = Problem.Status.RESOLVED
    stories["nobody"].outcome = "Buskarna är borta."
    stories["nobody"].save()
    assert sections(resident.get(PAGE_EN).text)[0] == ("What was done", ["Ingen tar det", "Löst"])


def test_a_filter_keeps_the_order_and_counts_exactly(resident, stories):
    html = resident.get(PAGE_EN, {"status": "open"}).text
    assert sections(html) == [
        ("What is being done", ["Någon tar det", "En insats tar det"]),
        ("What nobody has taken on yet", ["Ingen tar det"]),
    ]
    assert re.search(r'role="status"[^>]*>\s*3 problems', html)
    # A bad value is an error next to its field; the other filter still applies.
    bad = resident.get(PAGE_EN, {"status": "resolved", "area": "not-an-area"})
    assert bad.status_code == 200
    assert "Select a valid choice" in bad.text
    assert sections(bad.text) == [("What was done", ["Löst"])]
    assert re.search(r'role="status"[^>]*>\s*1 problem\b', bad.text)


def test_pages_deep_in_the_list_and_filtered_pages_keep_their_query_counts(resident, stories):
    """Only the page's rows come from the database: the query count of page 2 and of a
    filtered page does not grow with the number of problems or their links."""

    def grow(count):
        for n in range(count):
            problem = factories.ProblemFactory(
                visibility="public",
                severity=1 + n % 5,
                status=Problem.Status.OPEN,
                area=stories["nobody"].area,  # more areas than the filter lists: 2 queries
            )
            if n % 3 == 0:
                problem.initiatives.add(stories["initiative"])

    grow(25)
    few = query_count(resident, PAGE_EN, {"page": 2})
    few_filtered = query_count(resident, PAGE_EN, {"status": "open", "page": 2})
    grow(40)
    assert query_count(resident, PAGE_EN, {"page": 2}) == few
    assert query_count(resident, PAGE_EN, {"status": "open", "page": 2}) == few_filtered
    assert few <= 15 and few_filtered <= few  # 5 of them the kept order, computed again
