"""The similar-initiative lookup ("someone already does this") behind the register form."""

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from initiatives import similar
from initiatives.models import Initiative
from initiatives.similar import similar_initiatives
from partnership.models import Visibility
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 15)
_slugs = itertools.count()


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)


@pytest.fixture(autouse=True, params=["narrow", "broad"])
def lookup_mode(request, monkeypatch):
    """Every rule holds both for a neighbourhood (every qualifying initiative ranked) and for
    the whole municipality (only the nearest candidates by trigram distance ranked)."""
    if request.param == "broad":
        monkeypatch.setattr(similar, "BROAD_AREAS", 1)
    return request.param


@pytest.fixture
def district():
    return factories.AreaFactory(name="Vårby gård")


@pytest.fixture
def centrum(district):
    return factories.AreaFactory(name="Vårby gård centrum", parent=district)


@pytest.fixture
def theme():
    return factories.ThemeFactory(name_en="Night walks")


def existing(title="Nattvandringar i centrum", *, areas, themes, **kwargs) -> Initiative:
    kwargs.setdefault("starts_on", TODAY - dt.timedelta(days=60))
    kwargs.setdefault("slug", f"insats-{next(_slugs)}")
    return factories.InitiativeFactory(title=title, areas=areas, themes=themes, **kwargs)


def found(user=None, **kwargs) -> list[str]:
    kwargs.setdefault("title", "Nattvandring i Vårby centrum")
    kwargs.setdefault("theme_ids", [])
    return [i.title for i in similar_initiatives(user=user or _anonymous(), **kwargs)]


def _anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


# --- Found ---------------------------------------------------------------------------------------


def test_planted_near_duplicate_is_found_with_org_schedule_and_similarity(centrum, theme):
    twin = existing(areas=[centrum], themes=[theme], contact_email="natt@example.org")
    factories.ScheduleSlotFactory(initiative=twin)
    existing("Läxhjälp på biblioteket", areas=[centrum], themes=[theme])

    [match] = similar_initiatives(
        user=_anonymous(),
        title="Nattvandring i Vårby centrum",
        area_ids=[centrum.pk],
        theme_ids=[theme.pk],
    )

    assert match == twin
    assert 0.3 <= match.similarity <= 1
    assert match.lead_organization.name  # selected with the row
    assert [str(slot) for slot in match.slots.all()] == [str(twin.slots.get())]


def test_found_through_a_nested_area_both_ways(district, centrum, theme):
    in_district = existing("Nattvandring i Vårby gård", areas=[district], themes=[theme])
    in_centrum = existing("Nattvandringar i centrum", areas=[centrum], themes=[theme])

    # Registering for the child area finds the parent's initiative, and vice versa.
    assert in_district.title in found(area_ids=[centrum.pk], theme_ids=[theme.pk])
    assert in_centrum.title in found(area_ids=[district.pk], theme_ids=[theme.pk])


def test_found_through_a_shared_target_group_only(centrum, theme):
    youth = factories.TargetGroupFactory()
    other_theme = factories.ThemeFactory()
    twin = existing(areas=[centrum], themes=[theme])
    twin.target_groups.add(youth)

    assert found(area_ids=[centrum.pk], theme_ids=[other_theme.pk]) == []
    assert found(
        area_ids=[centrum.pk], theme_ids=[other_theme.pk], target_group_ids=[youth.pk]
    ) == [twin.title]


def test_found_by_the_title_in_its_summary(centrum, theme):
    existing(
        "Trygga kvällar",
        summary="Nattvandring i Vårby centrum fredagar och lördagar.",
        areas=[centrum],
        themes=[theme],
    )

    assert found(area_ids=[centrum.pk], theme_ids=[theme.pk]) == ["Trygga kvällar"]


def test_ranked_by_similarity_with_a_bonus_for_same_area_and_theme(district, centrum, theme):
    youth = factories.TargetGroupFactory()
    title = "Nattvandringar i centrum"
    group_only = existing(title, areas=[district], themes=[])
    group_only.target_groups.add(youth)
    nested = existing(title, areas=[district], themes=[theme])
    exact = existing(title, areas=[centrum], themes=[theme])
    less_alike = existing("Nattvandring vid Vårby centrum", areas=[centrum], themes=[theme])

    matches = similar_initiatives(
        user=_anonymous(),
        title=title,
        area_ids=[centrum.pk],
        theme_ids=[theme.pk],
        target_group_ids=[youth.pk],
    )

    assert matches == [exact, nested, group_only, less_alike]
    assert [round(m.similarity, 2) for m in matches[:3]] == [1.0, 1.0, 1.0]
    assert matches[3].similarity < 0.8


def test_period_overlap_counts_not_just_today(centrum, theme):
    later = existing(
        areas=[centrum],
        themes=[theme],
        status=Initiative.Status.PLANNED,
        starts_on=TODAY + dt.timedelta(days=100),
    )

    assert found(area_ids=[centrum.pk], theme_ids=[theme.pk]) == [later.title]  # open end
    assert (
        found(
            area_ids=[centrum.pk],
            theme_ids=[theme.pk],
            starts_on=TODAY,
            ends_on=TODAY + dt.timedelta(days=30),
        )
        == []
    )


# --- Not found -----------------------------------------------------------------------------------


def test_not_found_in_another_area_that_is_not_nested(district, centrum, theme):
    sibling = factories.AreaFactory(name="Vårby allé", parent=district)
    elsewhere = factories.AreaFactory(name="Flemingsberg")
    existing(areas=[sibling], themes=[theme])
    existing(areas=[elsewhere], themes=[theme])

    assert found(area_ids=[centrum.pk], theme_ids=[theme.pk]) == []


@pytest.mark.parametrize(
    "status",
    [Initiative.Status.CANCELLED, Initiative.Status.COMPLETED, Initiative.Status.PAUSED],
)
def test_not_found_unless_planned_or_active(centrum, theme, status):
    existing(areas=[centrum], themes=[theme], status=status)

    assert found(area_ids=[centrum.pk], theme_ids=[theme.pk]) == []


def test_not_found_with_a_disjoint_period(centrum, theme):
    existing(
        areas=[centrum],
        themes=[theme],
        starts_on=TODAY - dt.timedelta(days=200),
        ends_on=TODAY - dt.timedelta(days=1),
    )

    assert found(area_ids=[centrum.pk], theme_ids=[theme.pk]) == []  # ended before the start
    assert found(
        area_ids=[centrum.pk], theme_ids=[theme.pk], starts_on=TODAY - dt.timedelta(days=10)
    ) == ["Nattvandringar i centrum"]


def test_not_found_without_a_shared_theme_or_target_group(centrum, theme):
    existing(areas=[centrum], themes=[theme])
    other = factories.ThemeFactory()

    assert (
        found(
            area_ids=[centrum.pk],
            theme_ids=[other.pk],
            target_group_ids=[factories.TargetGroupFactory().pk],
        )
        == []
    )


def test_not_found_with_dissimilar_text(centrum, theme):
    existing("Läxhjälp på biblioteket", areas=[centrum], themes=[theme])
    existing("Klottersanering", areas=[centrum], themes=[theme])

    assert found(area_ids=[centrum.pk], theme_ids=[theme.pk]) == []


def test_partners_only_initiative_found_by_partners_not_residents(centrum, theme, member):
    existing(areas=[centrum], themes=[theme], visibility=Visibility.PARTNERS)

    assert found(area_ids=[centrum.pk], theme_ids=[theme.pk]) == []
    assert found(member, area_ids=[centrum.pk], theme_ids=[theme.pk]) == [
        "Nattvandringar i centrum"
    ]


def test_not_found_when_archived(centrum, theme, coordinator):
    existing(areas=[centrum], themes=[theme], archived_at=timezone.now())

    assert found(coordinator, area_ids=[centrum.pk], theme_ids=[theme.pk]) == []


def test_exclude_pk_leaves_out_the_initiative_being_edited(centrum, theme):
    itself = existing("Nattvandring i Vårby centrum", areas=[centrum], themes=[theme])
    twin = existing(areas=[centrum], themes=[theme])

    assert found(area_ids=[centrum.pk], theme_ids=[theme.pk], exclude_pk=itself.pk) == [twin.title]


def test_nothing_asked_without_title_area_or_theme(centrum, theme, django_assert_num_queries):
    existing(areas=[centrum], themes=[theme])

    with django_assert_num_queries(0):
        assert found(title="Na", area_ids=[centrum.pk], theme_ids=[theme.pk]) == []
        assert found(area_ids=[], theme_ids=[theme.pk]) == []
        assert found(area_ids=[centrum.pk], theme_ids=[]) == []


# --- Queries -------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [2, 30])
def test_a_fixed_number_of_queries(centrum, theme, count, django_assert_num_queries, lookup_mode):
    for n in range(count):
        twin = existing(f"Nattvandringar i centrum {n}", areas=[centrum], themes=[theme])
        factories.ScheduleSlotFactory(initiative=twin)

    # areas, rows (with the organisation), slots, themes, partner organisations; broad:
    # the candidates nearest by title and by the title in the summary too
    with django_assert_num_queries(5 if lookup_mode == "narrow" else 7):
        found = similar_initiatives(
            user=_anonymous(),
            title="Nattvandring i Vårby centrum",
            area_ids=[centrum.pk],
            theme_ids=[theme.pk],
            limit=50,
        )
        shown = [(i.lead_organization.name, [str(s) for s in i.slots.all()]) for i in found]
        shown += [[t.name for t in i.themes.all()] for i in found]

    assert len(found) == count
    assert all(name and slots for name, slots in shown[:count])
