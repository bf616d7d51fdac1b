"""Kept figures on the database's generation (issue 16, ``initiatives.figures``): the home
page's numbers and week, the lists' counts and "Ni sa, vi gjorde"'s order are kept under the
generation that a trigger changes with every write (``partnership.page_cache``), so any write
shows on the next request however it was made — the ORM, ``QuerySet.update()``, raw SQL,
another connection — and a kept figure costs no query; in a request the generation is read
once (shared with the page cache), and again after the request's own write."""

import re

import psycopg2
import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from initiatives import figures
from initiatives.models import Initiative
from partnership import page_cache
from partnership.problems import public as problems_public
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _figures_only(settings):
    """The views' kept figures, not the page cache in front of them."""
    settings.PAGE_CACHE_ENABLED = False


def home_initiatives(client) -> int:
    """The home page's number of public initiatives, as a visitor reads it."""
    html = client.get("/en/").text
    value = re.search(
        r'<a href="/en/initiatives/\?include_ended=on"><span class="stat-value">([^<]+)</span>',
        html,
    )
    assert value, "the home page shows the number of public initiatives"
    return int(value.group(1).replace("\xa0", "").replace(",", ""))


def token_reads(queries) -> int:
    return sum(q["sql"] == page_cache.TOKEN_SQL for q in queries.captured_queries)


def test_an_orm_save_shows_on_the_next_request(client, organization):
    initiative = factories.InitiativeFactory(lead_organization=organization)
    assert home_initiatives(client) == 1
    assert home_initiatives(client) == 1  # kept
    initiative.visibility = "partners"
    initiative.save()
    assert home_initiatives(client) == 0


def test_a_queryset_update_shows_on_the_next_request(client, organization):
    factories.InitiativeFactory(lead_organization=organization)
    factories.InitiativeFactory(lead_organization=organization)
    assert home_initiatives(client) == 2
    Initiative.objects.filter(lead_organization=organization).update(visibility="partners")
    assert home_initiatives(client) == 0


def test_a_raw_sql_write_shows_on_the_next_request(client, organization):
    factories.InitiativeFactory(lead_organization=organization)
    assert home_initiatives(client) == 1
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE stakeholders_organization SET status = 'suspended' WHERE id = %s",
            [organization.pk],
        )
    assert home_initiatives(client) == 0


def test_a_problems_figure_follows_a_raw_write_too(client):
    factories.ProblemFactory(visibility="public")
    assert problems_public.public_count() == 1
    with connection.cursor() as cursor:
        cursor.execute("UPDATE partnership_problem SET visibility = 'partners'")
    assert problems_public.public_count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_write_committed_on_another_connection_shows_on_the_next_request(client):
    organization = factories.OrganizationFactory()
    factories.InitiativeFactory(lead_organization=organization)
    assert home_initiatives(client) == 1
    db = connection.settings_dict
    other = psycopg2.connect(
        dbname=db["NAME"],
        user=db["USER"] or None,
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        password=db["PASSWORD"] or None,
    )
    try:
        with other, other.cursor() as cursor:  # commits at the end of the block
            cursor.execute("UPDATE initiatives_initiative SET visibility = 'partners'")
    finally:
        other.close()
    assert home_initiatives(client) == 0


def test_a_kept_figure_costs_no_query_and_a_request_reads_the_generation_once(
    client, organization, django_assert_num_queries
):
    factories.InitiativeFactory(lead_organization=organization)
    factories.ProblemFactory(visibility="public")
    client.get("/")
    # The generation (once, for every figure of the page) and the approved organisations'
    # count (not a kept figure: a few thousand rows at national scale).
    with django_assert_num_queries(2) as queries:
        client.get("/")
    assert token_reads(queries) == 1


def test_the_page_cache_and_the_figures_share_one_read(client, organization, settings):
    settings.PAGE_CACHE_ENABLED = True
    factories.InitiativeFactory(lead_organization=organization)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response["X-Page-Cache"] == "miss"
    assert token_reads(queries) == 1
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/")["X-Page-Cache"] == "hit"
    assert len(queries) == 1


def test_a_request_that_writes_sees_its_own_write(organization):
    factories.InitiativeFactory(lead_organization=organization)
    with page_cache.request_scope():
        assert figures.public_counts()["initiatives"] == 1
        with CaptureQueriesContext(connection) as queries:
            assert figures.public_counts()["initiatives"] == 1
        assert len(queries) == 0, "read once in a request, the figure kept"
        factories.InitiativeFactory(lead_organization=organization)
        assert figures.public_counts()["initiatives"] == 2
        with CaptureQueriesContext(connection) as queries:
            assert figures.public_counts()["initiatives"] == 2
        assert token_reads(queries) == 1, "after a write, read afresh"


def test_a_rolled_back_write_is_not_seen_afterwards_in_the_same_request(organization):
    factories.InitiativeFactory(lead_organization=organization)
    with page_cache.request_scope():
        assert figures.public_counts()["initiatives"] == 1

        class Undo(Exception):
            pass

        with pytest.raises(Undo), transaction.atomic():
            factories.InitiativeFactory(lead_organization=organization)
            assert figures.public_counts()["initiatives"] == 2
            raise Undo
        assert figures.public_counts()["initiatives"] == 1


def test_outside_a_request_every_figure_reads_the_generation_afresh(organization):
    factories.InitiativeFactory(lead_organization=organization)
    figures.public_counts()
    with CaptureQueriesContext(connection) as queries:
        figures.public_counts()
        figures.public_counts()
    assert len(queries) == token_reads(queries) == 2


def test_another_worker_reads_a_figure_another_computed(organization):
    """Each worker keeps figures in its memory; behind it the database cache shares them,
    so after a write only the first worker counts (here: a worker's memory emptied)."""
    factories.InitiativeFactory(lead_organization=organization)
    assert figures.public_counts()["initiatives"] == 1
    page_cache.forget_pages()  # another worker: nothing in its memory
    with CaptureQueriesContext(connection) as queries:
        assert figures.public_counts()["initiatives"] == 1
    assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"]]


def test_keeping_a_figure_in_the_database_cache_is_not_a_write_of_the_request(organization):
    factories.InitiativeFactory(lead_organization=organization)
    with page_cache.request_scope(), CaptureQueriesContext(connection) as queries:
        figures.public_counts()  # computed and kept (an INSERT into the cache's table)
        problems_public.public_count()
        figures.public_counts()
    assert token_reads(queries) == 1
