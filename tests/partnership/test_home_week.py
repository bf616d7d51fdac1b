"""The home page opens with what happens this week (issue 14): sessions from now on with
when in words, each a link, with a frozen clock and initiatives planted on known weekdays;
the newest results of "Ni sa, vi gjorde"; a way to tell about a place; numbers that link
to lists showing the same number, kept in the cache until a write (issue 16)."""

import datetime as dt
import re
import zoneinfo

import pytest
from django.utils import timezone

from initiatives.models import SessionMark
from partnership.problems.models import Problem, ProblemResponsibility
from tests import factories
from tests.helpers import query_count

pytestmark = pytest.mark.django_db

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
# Wednesday 17 June 2026, 19:30 in Vårby gård.
WEDNESDAY = dt.datetime(2026, 6, 17, 19, 30, tzinfo=STOCKHOLM)


@pytest.fixture
def frozen(monkeypatch):
    """The clock at WEDNESDAY for every ``timezone.now()``/``localtime()``/``localdate()``."""
    real_localtime = timezone.localtime

    def localtime(value=None, tz=None):
        return real_localtime(WEDNESDAY if value is None else value, tz)

    monkeypatch.setattr(timezone, "now", lambda: WEDNESDAY)
    monkeypatch.setattr(timezone, "localtime", localtime)
    return WEDNESDAY


def plant(title, weekday, start, end, **kwargs):
    initiative = factories.InitiativeFactory(
        title=title, starts_on=kwargs.pop("starts_on", dt.date(2026, 6, 1)), **kwargs
    )
    factories.ScheduleSlotFactory(
        initiative=initiative, weekday=weekday, starts_at=dt.time(*start), ends_at=dt.time(*end)
    )
    return initiative


def week(html: str) -> list[tuple[str, str]]:
    section = re.search(r'<section class="week".*?</section>', html, re.DOTALL).group(0)
    return re.findall(r'<li><a href="[^"]+">([^<]+)</a> <span class="when">([^·]+) ·', section)


def test_the_week_in_words_from_a_frozen_clock(resident, frozen):
    plant("Läxhjälp", 3, (15,), (17,))  # Wednesday afternoon: over already
    plant("Nattvandring", 3, (21,), (0,))  # tonight until midnight
    plant("Kvällsfika", 3, (19,), (20,))  # under way now
    plant("Nattfotboll", 2, (22,), (2,))  # Tuesday 22–02: over on Wednesday at 02
    plant("Helgvandring", 5, (22,), (2,))  # Friday past midnight
    plant("Lördagsstädning", 6, (10,), (13,))
    plant("Torsdagsträff", 4, (18,), (20,))
    plant("Nästa onsdag", 3, (9,), (10,))  # next Wednesday, within seven days? no: day 8
    plant("Måndag", 1, (10,), (12,))
    plant("Slutar i dag", 5, (10,), (12,), ends_on=dt.date(2026, 6, 17))
    plant("Pausad", 6, (10,), (12,), status="paused")
    plant("Inte offentlig", 6, (10,), (12,), visibility="partners")
    cancelled = plant("Inställd lördag", 6, (12,), (14,))
    SessionMark.objects.create(
        initiative=cancelled,
        on_date=dt.date(2026, 6, 20),
        starts_at=dt.time(12),
        ends_at=dt.time(14),
        outcome="cancelled",
        via="page",
    )

    assert week(resident.get("/en/").text) == [
        ("Kvällsfika", "tonight 19–20"),
        ("Nattvandring", "tonight 21–24"),
        ("Torsdagsträff", "tomorrow 18–20"),
        ("Helgvandring", "Friday 22–02"),
        ("Lördagsstädning", "Saturday 10–13"),
        ("Måndag", "Monday 10–12"),
        ("Nattfotboll", "Tuesday 22–02"),
    ]
    assert week(resident.get("/").text)[:4] == [
        ("Kvällsfika", "i kväll 19–20"),
        ("Nattvandring", "i kväll 21–24"),
        ("Torsdagsträff", "i morgon 18–20"),
        ("Helgvandring", "fredag 22–02"),
    ]


def test_a_session_past_midnight_still_running_is_now(resident, monkeypatch):
    night = dt.datetime(2026, 6, 18, 1, 0, tzinfo=STOCKHOLM)  # Thursday 01:00
    real_localtime = timezone.localtime
    monkeypatch.setattr(timezone, "now", lambda: night)
    monkeypatch.setattr(
        timezone, "localtime", lambda value=None, tz=None: real_localtime(value or night, tz)
    )
    plant("Nattvandring", 3, (22,), (2,))  # Wednesday 22–02
    assert week(resident.get("/en/").text)[0] == ("Nattvandring", "now, until 02")


def test_each_session_links_to_its_initiative(resident, frozen):
    initiative = plant("Nattvandring", 3, (21,), (0,))
    html = resident.get("/en/").text
    assert f'<a href="/en/initiatives/{initiative.slug}/">Nattvandring</a>' in html


def test_the_newest_results_and_a_way_to_tell_about_a_place(resident, organization):
    done = factories.ProblemFactory(
        title="Mörk gångtunnel",
        status=Problem.Status.RESOLVED,
        outcome="Ny LED-belysning.",
        visibility="public",
    )
    ProblemResponsibility.objects.create(
        problem=done, organization=organization, role="lead", commitment="Byta lampor."
    )
    factories.ProblemFactory(title="Fortfarande öppet", visibility="public")
    html = resident.get("/en/").text
    results = re.search(r'id="results-heading".*?</ul>', html, re.DOTALL).group(0)
    assert f'href="/en/you-said-we-did/{done.public_id}/">Mörk gångtunnel</a>' in results
    assert "Ny LED-belysning." in results and organization.name in results
    assert "Fortfarande öppet" not in results
    assert "Does a place feel unsafe?" in html
    assert "112" in html


def _numbers(html: str) -> list[tuple[str, int]]:
    return [
        (href.replace("&amp;", "&"), int(value.replace("\xa0", "").replace(",", "")))
        for href, value in re.findall(
            r'<li class="stat"><a href="([^"]+)"><span class="stat-value">([^<]+)</span>', html
        )
    ]


@pytest.mark.parametrize("language", ["", "/en"])
def test_every_number_links_to_a_list_showing_the_same_number(
    resident, organization, other_organization, language
):
    for status in ("active", "planned", "completed", "paused"):
        factories.InitiativeFactory(status=status, lead_organization=organization)
    factories.InitiativeFactory(visibility="partners", lead_organization=organization)
    factories.ProblemFactory(recorded_by_organization=organization, visibility="public")
    factories.ProblemFactory(status=Problem.Status.RESOLVED, outcome="Klart.", visibility="public")
    factories.ProblemFactory(visibility="partners")
    numbers = _numbers(resident.get(f"{language}/").text)
    assert len(numbers) == 4
    for href, value in numbers:
        page = resident.get(href).text
        shown = re.search(
            r'(?:role="status"[^>]*>|<p>)\s*(\d+) (?:initiativ|insats|organisation|problem)', page
        )
        assert shown, href
        assert int(shown.group(1)) == value, href
    assert [value for _, value in numbers][1:] == [4, 2, 2]  # public, current, public problems


def test_home_counts_are_kept_until_a_write(resident, organization, settings):
    """Issue 16: no count over every row per request; a write shows on the next one."""
    settings.PAGE_CACHE_ENABLED = False  # the figures' cache under it is what counts here
    factories.InitiativeFactory(lead_organization=organization)
    resident.get("/")
    kept = query_count(resident, "/")
    for _ in range(5):
        factories.InitiativeFactory(lead_organization=organization)
    html = resident.get("/en/").text
    assert ("/en/initiatives/", 6) in _numbers(html)
    assert query_count(resident, "/") == kept
    organization.status = "suspended"
    organization.save()
    assert ("/en/initiatives/", 0) in _numbers(resident.get("/en/").text)
