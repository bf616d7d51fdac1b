"""The page cache (partnership/page_cache.py, docs/caching.md): anonymous pages, feeds and open
data kept under the database's generation, so that a hit costs one query and never shows
anything older than the last committed write — and HTTP that says so (ETag, 304, Cache-Control,
Vary).

Each "never stale" test fetches a public page twice (the second answer is a hit: the page *is*
kept), changes what it shows the way the portal does (the ORM, ``.update()``, raw SQL, another
database connection), and fetches again."""

import datetime as dt
import gzip
import threading

import psycopg2
import pytest
from django.conf import settings
from django.db import connection
from django.db.utils import OperationalError
from django.urls import reverse
from django.utils import timezone

from initiatives.models import Initiative, SessionMark
from partnership import page_cache
from partnership.problems.models import Problem
from partnership.residents.models import ResidentReport
from stakeholders.models import Organization
from tests import factories

pytestmark = pytest.mark.django_db


def fetch(client, url, **headers):
    response = client.get(url, headers=headers)
    assert response.status_code == 200, (url, response.status_code)
    return response


def fetch_twice(client, url) -> str:
    """The page, after proving that the second request was answered from the cache."""
    first = fetch(client, url)
    second = fetch(client, url)
    assert second["X-Page-Cache"] == "hit", url
    assert second.content == first.content
    return second.content.decode()


# --- The generation --------------------------------------------------------------------------


def test_every_table_of_the_portal_apps_has_the_generation_trigger():
    watched = page_cache.watched_tables()
    assert {"initiatives_initiative", "stakeholders_organization", "partnership_theme"} <= set(
        watched
    )
    assert "initiatives_initiative_themes" in watched, "many-to-many tables too"
    assert "residents_residentreport" in watched
    assert "observations_observation" in watched
    assert not [t for t in watched if t.endswith("event")], "history is written with its table"
    missing = set(watched) - page_cache.tables_with_trigger()
    assert not missing, f"tables without the generation trigger: {sorted(missing)}"


def test_a_new_table_gets_the_trigger_after_migrate(monkeypatch):
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE initiatives_later (id int)")
    monkeypatch.setattr(
        page_cache, "watched_tables", lambda: ["initiatives_initiative", "initiatives_later"]
    )
    assert page_cache.install_triggers() == ["initiatives_later"]
    assert page_cache.install_triggers() == [], "idempotent"
    before = page_cache.current_generation()
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO initiatives_later VALUES (1)")
    assert page_cache.current_generation() != before


def test_every_kind_of_write_changes_the_generation():
    initiative = factories.InitiativeFactory()
    seen = {page_cache.current_generation()}

    def changed():
        token = page_cache.current_generation()
        assert token not in seen
        seen.add(token)

    initiative.title = "Ny titel"
    initiative.save()
    changed()
    Initiative.objects.filter(pk=initiative.pk).update(summary="Uppdaterad i klump")
    changed()
    theme = factories.ThemeFactory()
    changed()
    initiative.themes.add(theme)  # a many-to-many table
    changed()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE partnership_area SET name = name || '!'")
    changed()
    Initiative.objects.filter(pk=initiative.pk).delete()
    changed()


def test_reading_the_generation_is_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        page_cache.current_generation()


# --- Hits, and what is kept --------------------------------------------------------------------


def test_a_hit_costs_one_query_and_never_calls_the_view(client, django_assert_num_queries):
    factories.InitiativeFactory.create_batch(3)
    first = fetch(client, "/insatser/")
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(1):
        second = fetch(client, "/insatser/")
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert second["Content-Language"] == "sv"


def test_a_gzip_client_gets_the_kept_compressed_copy_and_a_plain_one_the_plain(
    client, django_assert_num_queries
):
    """The page is compressed once, when made, and kept so: a hit is not compressed again."""
    factories.InitiativeFactory(title="Nattvandring vid torget")
    zipped = client.get("/insatser/", headers={"Accept-Encoding": "gzip, br"})
    assert zipped["X-Page-Cache"] == "miss"
    assert zipped["Content-Encoding"] == "gzip"
    assert zipped["Vary"] == "Accept-Encoding"
    with django_assert_num_queries(1):
        again = client.get("/insatser/", headers={"Accept-Encoding": "gzip"})
    assert again["X-Page-Cache"] == "hit"
    assert again["Content-Encoding"] == "gzip"
    assert again.content == zipped.content
    assert "Nattvandring vid torget" in gzip.decompress(again.content).decode()
    plain = client.get("/insatser/")
    assert plain["X-Page-Cache"] == "miss"
    assert "Content-Encoding" not in plain
    assert "Nattvandring vid torget" in plain.content.decode()
    # The compressed copy's validator is its own: a plain copy's ETag does not match it.
    assert (
        client.get(
            "/insatser/", headers={"Accept-Encoding": "gzip", "If-None-Match": again["ETag"]}
        ).status_code
        == 304
    )
    assert plain["ETag"] != again["ETag"]


def test_the_key_holds_the_language_path_and_query(client):
    factories.InitiativeFactory(title="Nattvandring")
    swedish = fetch(client, "/insatser/").text
    english = fetch(client, "/en/initiatives/").text
    filtered = fetch(client, "/insatser/?q=zzzz").text
    assert '<html lang="sv">' in swedish and '<html lang="en">' in english
    assert "Nattvandring" in swedish and "Nattvandring" not in filtered


def test_the_key_holds_the_minute(client):
    url = "/insatser/"
    fetch(client, url)
    assert fetch(client, url)["X-Page-Cache"] == "hit"
    later = timezone.now() + dt.timedelta(minutes=1)
    # pytest's own MonkeyPatch: the conftest's would empty the cache as it patches.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: later)
        assert fetch(client, url)["X-Page-Cache"] == "miss", "pages change with the clock too"
        assert fetch(client, url)["X-Page-Cache"] == "hit"


def test_a_logged_in_user_is_never_served_the_anonymous_page(client, member):
    fetch_twice(client, "/insatser/")
    client.force_login(member)
    response = fetch(client, "/insatser/")
    assert "X-Page-Cache" not in response
    assert "Logga ut" in response.text
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_a_page_with_a_form_of_its_own_is_not_kept(client):
    """The residents' form holds the visitor's CSRF token: theirs alone."""
    url = reverse("residents:report")
    response = fetch(client, url)
    assert "csrfmiddlewaretoken" in response.text
    assert "X-Page-Cache" not in fetch(client, url)
    assert "Cookie" in response["Vary"]


def test_a_visitor_with_a_message_to_show_gets_a_fresh_page(client):
    fetch_twice(client, "/")
    client.cookies["messages"] = "anything"
    assert "X-Page-Cache" not in fetch(client, "/")


def test_errors_and_redirects_are_not_kept(client):
    assert client.get("/det-finns-inte/").status_code == 404
    assert "X-Page-Cache" not in client.get("/det-finns-inte/")
    assert client.get("/insatser").status_code == 301


def test_a_patched_function_is_seen_at_once(client, monkeypatch):
    """Tests patch code between two requests (tests/conftest.py's ``monkeypatch``)."""
    from partnership import views

    fetch_twice(client, "/tillganglighet/")
    monkeypatch.setattr(views, "ACCESSIBILITY_STATEMENT_DATE", dt.date(2031, 2, 3))
    assert "2031" in fetch(client, "/tillganglighet/").text


def test_a_changed_setting_is_seen_at_once(client, settings):
    fetch_twice(client, "/")
    settings.PORTAL_NAME = "Ett annat partnerskap"
    assert "Ett annat partnerskap" in fetch(client, "/").text


def test_without_the_database_the_view_answers_as_it_would(client, monkeypatch):
    """The generation cannot be read: no cache, and the view says what it says without a
    database (/healthz: 503 from its own check, which fails the same way)."""

    def down(*args, **kwargs):
        raise OperationalError("the database is down")

    monkeypatch.setattr(page_cache, "current_generation", down)
    response = client.get("/healthz")
    assert response.status_code == 200  # its own query still works here
    assert "X-Page-Cache" not in response
    assert "X-Page-Cache" not in fetch(client, "/insatser/")


def test_the_page_cache_can_be_turned_off(client, settings):
    settings.PAGE_CACHE_ENABLED = False
    fetch(client, "/insatser/")
    assert "X-Page-Cache" not in fetch(client, "/insatser/")


# --- HTTP ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/insatser/",
        "/en/initiatives/",
        "/api/v1/initiatives",
        "/insatser/calendar.ics",
        "/sitemap.xml",
        "/ni-sa-vi-gjorde/",
        "/vem-gor-vad/",
    ],
)
def test_anonymous_answers_can_be_revalidated(client, url):
    factories.InitiativeFactory()
    response = fetch(client, url)
    assert response["Cache-Control"] == "public, no-cache"
    etag = response["ETag"]
    assert etag.startswith('"') and etag.endswith('"') and not etag.startswith('W/"')
    vary = response.get("Vary", "").lower()
    assert "cookie" not in vary and "accept-language" not in vary
    assert not response.cookies

    again = client.get(url, headers={"if-none-match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    head = client.head(url, headers={"if-none-match": etag})
    assert head.status_code == 304
    other = client.get(url, headers={"if-none-match": '"something-else"'})
    assert other.status_code == 200 and other.content == response.content


def test_a_stale_etag_gets_the_new_page(client):
    initiative = factories.InitiativeFactory(title="Före ändringen")
    url = reverse("initiatives:detail", args=[initiative.slug])
    etag = fetch(client, url)["ETag"]
    initiative.title = "Efter ändringen"
    initiative.save()
    response = client.get(url, headers={"if-none-match": etag})
    assert response.status_code == 200
    assert "Efter ändringen" in response.text
    assert response["ETag"] != etag


def test_head_is_answered_from_the_same_entry(client, django_assert_num_queries):
    fetch(client, "/insatser/")
    with django_assert_num_queries(1):
        head = client.head("/insatser/")
    assert head.status_code == 200 and head.content == b""
    assert head["X-Page-Cache"] == "hit"


def test_the_other_languages_page_needs_no_vary(client):
    """Swedish at /, English at /en/: the address decides, not Accept-Language."""
    response = client.get("/", headers={"accept-language": "en"})
    assert '<html lang="sv">' in response.text
    assert "accept-language" not in response.get("Vary", "").lower()


# --- Never stale: each kind of change, seen on the next request ---------------------------------


@pytest.fixture
def public_world(organization):
    theme = factories.ThemeFactory(name_sv="Belysning", name_en="Lighting")
    area = factories.AreaFactory(name="Vårby allé")
    initiative = factories.InitiativeFactory(
        title="Kvällsvandring vid torget",
        lead_organization=organization,
        visibility="public",
    )
    initiative.themes.add(theme)
    initiative.areas.add(area)
    return {"theme": theme, "area": area, "initiative": initiative, "organization": organization}


def detail(initiative) -> str:
    return reverse("initiatives:detail", args=[initiative.slug])


def test_an_edited_initiative_is_seen_everywhere_at_once(client, public_world):
    initiative = public_world["initiative"]
    urls = ["/insatser/", detail(initiative), "/api/v1/initiatives", "/en/initiatives/"]
    for url in urls:
        assert "Kvällsvandring vid torget" in fetch_twice(client, url)
    initiative.title = "Morgonvandring vid torget"
    initiative.save()
    for url in urls:
        text = fetch(client, url).text
        assert "Morgonvandring vid torget" in text, url
        assert "Kvällsvandring vid torget" not in text, url


def test_an_archived_initiative_leaves_the_public_pages(client, public_world):
    initiative = public_world["initiative"]
    for url in ["/insatser/", "/api/v1/initiatives", "/sitemap-initiatives.xml"]:
        assert (
            initiative.slug in fetch_twice(client, url)
            or initiative.title in fetch(client, url).text
        )
    fetch_twice(client, detail(initiative))
    Initiative.objects.filter(pk=initiative.pk).update(archived_at=timezone.now())
    assert client.get(detail(initiative)).status_code == 404
    for url in ["/insatser/", "/api/v1/initiatives", "/sitemap-initiatives.xml"]:
        text = fetch(client, url).text
        assert initiative.slug not in text and initiative.title not in text, url


def test_a_suspended_organisation_leaves_the_directory_and_takes_its_initiatives(
    client, public_world
):
    organization = public_world["organization"]
    assert organization.name in fetch_twice(client, "/vem-gor-vad/")
    assert "Kvällsvandring vid torget" in fetch_twice(client, "/insatser/")
    Organization.objects.filter(pk=organization.pk).update(status=Organization.Status.SUSPENDED)
    assert organization.name not in fetch(client, "/vem-gor-vad/").text
    assert "Kvällsvandring vid torget" not in fetch(client, "/insatser/").text


def test_a_problems_new_status_is_seen_on_you_said_we_did(client, public_world):
    problem = factories.ProblemFactory(
        title="Mörk gångväg", area=public_world["area"], visibility="public"
    )
    url = reverse("public_problem", args=[problem.public_id])
    assert "Mörk gångväg" in fetch_twice(client, url)
    assert "Mörk gångväg" in fetch_twice(client, "/ni-sa-vi-gjorde/")
    before = fetch(client, url).text
    Problem.objects.filter(pk=problem.pk).update(status=Problem.Status.BEING_ADDRESSED)
    after = fetch(client, url).text
    assert after != before
    assert str(Problem.Status.BEING_ADDRESSED.label) in after or "åtgärdas" in after.lower()


def test_a_renamed_theme_is_seen_on_the_list_and_the_initiative(client, public_world):
    initiative = public_world["initiative"]
    assert "Belysning" in fetch_twice(client, detail(initiative))
    assert "Belysning" in fetch_twice(client, "/insatser/")
    public_world["theme"].name_sv = "Gatubelysning"
    public_world["theme"].save()
    assert "Gatubelysning" in fetch(client, detail(initiative)).text
    assert "Gatubelysning" in fetch(client, "/insatser/").text


def test_a_cancelled_session_is_seen_on_the_page_and_in_the_calendar(client, public_world):
    initiative = public_world["initiative"]
    day = timezone.localdate() + dt.timedelta(days=7)
    factories.ScheduleSlotFactory(
        initiative=initiative,
        weekday=day.isoweekday(),
        starts_at=dt.time(18),
        ends_at=dt.time(20),
    )
    calendar = reverse("initiatives:calendar", args=[initiative.slug])
    page = fetch_twice(client, detail(initiative))
    feed = fetch_twice(client, calendar)
    assert "Inställt" not in page
    SessionMark.objects.create(
        initiative=initiative,
        on_date=day,
        starts_at=dt.time(18),
        ends_at=dt.time(20),
        outcome=SessionMark.Outcome.CANCELLED,
        via="page",
    )
    assert "Inställt" in fetch(client, detail(initiative)).text
    assert fetch(client, calendar).text != feed


def test_a_residents_report_is_counted_at_once(client, public_world):
    url = reverse("residents:summary")
    before = fetch_twice(client, url)
    for _ in range(3):
        ResidentReport.objects.create(
            kind=ResidentReport.Kind.UNSAFE,
            area=public_world["area"],
            reasons=["badly_lit"],
            created_on=timezone.localdate(),
        )
    assert fetch(client, url).text != before


def test_a_new_initiative_is_counted_on_the_home_page(client, public_world):
    home = fetch_twice(client, "/")
    factories.InitiativeFactory.create_batch(5, lead_organization=public_world["organization"])
    assert fetch(client, "/").text != home


# --- Never stale across workers: a write committed on another connection ------------------------


def other_connection():
    """A second database connection of its own, as another worker's would be."""
    db = connection.settings_dict
    return psycopg2.connect(
        dbname=db["NAME"],
        user=db["USER"] or None,
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        password=db["PASSWORD"] or None,
    )


@pytest.mark.django_db(transaction=True)
def test_a_write_committed_by_another_process_is_seen_on_the_next_request(client):
    initiative = factories.InitiativeFactory(title="Läxhjälp på biblioteket", visibility="public")
    url = detail(initiative)
    assert "Läxhjälp på biblioteket" in fetch_twice(client, "/insatser/")
    fetch_twice(client, url)
    before = page_cache.current_generation()
    other = other_connection()
    try:
        with other, other.cursor() as cursor:  # commits at the end of the block
            cursor.execute(
                "UPDATE initiatives_initiative SET title = %s WHERE id = %s",
                ["Läxhjälp i skolan", initiative.pk],
            )
    finally:
        other.close()
    assert page_cache.current_generation() != before
    assert "Läxhjälp i skolan" in fetch(client, url).text
    assert "Läxhjälp i skolan" in fetch(client, "/insatser/").text


@pytest.mark.django_db(transaction=True)
def test_a_writer_never_waits_at_the_generation_so_it_cannot_deadlock():
    """The interleaving that deadlocks one shared generation row taken at the first write:
    A locks an area, B writes (and would hold the row), A writes (would wait for B), B
    updates A's area (waits for A). Here A's write takes another row at once — a one-second
    lock timeout proves it does not wait — A commits, and B goes on."""
    area = factories.AreaFactory()
    first, second = other_connection(), other_connection()
    try:
        a, b = first.cursor(), second.cursor()
        a.execute("SET lock_timeout = '1s'")
        a.execute("SELECT id FROM partnership_area WHERE id = %s FOR UPDATE", [area.pk])
        b.execute("UPDATE partnership_theme SET name_sv = name_sv")
        start = page_cache.current_generation()
        a.execute("UPDATE stakeholders_organization SET name = name WHERE false")
        a.execute("UPDATE partnership_area SET name = 'Av A' WHERE id = %s", [area.pk])
        first.commit()
        after_a = page_cache.current_generation()
        assert after_a != start, "A's commit is seen while B still runs"
        b.execute("UPDATE partnership_area SET name = 'Av B' WHERE id = %s", [area.pk])
        second.commit()
        assert page_cache.current_generation() not in {start, after_a}
    finally:
        first.close()
        second.close()


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_all_commit_and_move_the_generation():
    """16 threads at once, each a transaction of two writes to watched tables: all commit,
    nobody waits at the generation, and it holds a row per writer at work at once at most."""
    areas = [factories.AreaFactory() for _ in range(16)]
    before = page_cache.current_generation()
    barrier = threading.Barrier(16)
    errors = []

    def write(number):
        conn = other_connection()
        try:
            with conn, conn.cursor() as cursor:
                cursor.execute("SET lock_timeout = '5s'")
                cursor.execute("UPDATE partnership_theme SET name_sv = name_sv WHERE false")
                barrier.wait(timeout=30)
                cursor.execute(
                    "UPDATE partnership_area SET name = %s WHERE id = %s",
                    [f"Område nr {number}", areas[number].pk],
                )
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            conn.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert page_cache.current_generation() != before
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM partnership_generation")
        assert cursor.fetchone()[0] <= 17


def test_settings_name_the_pages_cache():
    assert "pages" in settings.CACHES
    assert settings.CACHES["pages"]["OPTIONS"]["MAX_ENTRIES"] > 0
