"""Overlaps: the planted cases of the definition, decisions, clusters and the page."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from initiatives.models import Initiative
from partnership.coordination import queries, services
from partnership.coordination.models import OverlapDecision
from partnership.coordination.queries import snapshot
from partnership.coordination.queries.overlaps import HIGH, LOW, MEDIUM
from tests import factories
from tests.helpers import query_count

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


def en(name, **kwargs):
    with translation.override("en"):
        return reverse(name, kwargs=kwargs or None)


@pytest.fixture(autouse=True, params=["live", "snapshot"])
def overlap_mode(request, monkeypatch):
    """Every case holds both when the pairs are computed on request (a small partnership)
    and when they are read from the snapshot (national scale): in "snapshot" mode the
    snapshot is recomputed right before each read, so both must give the same answer."""
    if request.param == "snapshot":
        snapshot_for = snapshot.for_scope

        def from_a_fresh_snapshot(scope):
            services.overlaps_refresh()
            return snapshot_for(scope)

        monkeypatch.setattr(snapshot, "for_scope", from_a_fresh_snapshot)
    return request.param


@pytest.fixture
def place():
    district = factories.AreaFactory(name="Vårby gård")
    centre = factories.AreaFactory(name="Vårby gård centrum", parent=district)
    elsewhere = factories.AreaFactory(name="Masmo")
    return district, centre, elsewhere


@pytest.fixture
def theme():
    return factories.ThemeFactory(name_sv="Nattvandring", name_en="Night walks")


def make(org, areas, themes=(), groups=(), **kwargs):
    initiative = factories.InitiativeFactory(
        lead_organization=org, areas=list(areas), themes=list(themes), **kwargs
    )
    if groups:
        initiative.target_groups.set(groups)
    return initiative


def pairs(scope=None, decided=False):
    result = queries.overlaps(scope or queries.Scope(), decided=decided)
    return {(p.a.pk, p.b.pk): p for p in result.page.object_list}


def key(x, y):
    return tuple(sorted((x.pk, y.pk)))


def test_same_area_and_theme_of_different_organisations_overlap(place, theme):
    district, centre, _ = place
    a = make(factories.OrganizationFactory(), [centre], [theme])
    b = make(factories.OrganizationFactory(), [centre], [theme])
    found = pairs()
    assert list(found) == [key(a, b)]
    pair = found[key(a, b)]
    assert pair.same_area and not pair.nested
    assert [t.pk for t in pair.themes] == [theme.pk]
    assert [area.pk for area in pair.shared_areas] == [centre.pk]


def test_the_same_organisation_never_overlaps_with_itself(place, theme):
    _, centre, _ = place
    org = factories.OrganizationFactory()
    make(org, [centre], [theme])
    make(org, [centre], [theme])
    assert pairs() == {}


@pytest.mark.parametrize(
    "other",
    [
        {"status": Initiative.Status.CANCELLED},
        {"status": Initiative.Status.COMPLETED},
        {"status": Initiative.Status.PAUSED},
        {"archived_at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC)},
        # ended before the other one started: periods are disjoint
        {"starts_on": TODAY - dt.timedelta(days=400), "ends_on": TODAY - dt.timedelta(days=200)},
    ],
)
def test_dead_or_disjoint_initiatives_never_overlap(place, theme, other):
    _, centre, _ = place
    make(factories.OrganizationFactory(), [centre], [theme])
    make(factories.OrganizationFactory(), [centre], [theme], **other)
    assert pairs() == {}


def test_disjoint_future_periods_do_not_overlap(place, theme):
    _, centre, _ = place
    later = TODAY + dt.timedelta(days=100)
    make(
        factories.OrganizationFactory(),
        [centre],
        [theme],
        status="planned",
        starts_on=TODAY + dt.timedelta(days=10),
        ends_on=TODAY + dt.timedelta(days=20),
    )
    make(factories.OrganizationFactory(), [centre], [theme], status="planned", starts_on=later)
    assert pairs() == {}


def test_nested_areas_overlap_when_they_also_meet_the_same_people_or_hours(place, theme):
    """A district-wide night walk and one in a part of it overlap when they are for the same
    people or on the same evenings."""
    district, centre, elsewhere = place
    youth = factories.TargetGroupFactory(name_sv="Unga 13–17 år", name_en="Young people 13–17")
    a = make(factories.OrganizationFactory(), [district], [theme], [youth])
    b = make(factories.OrganizationFactory(), [centre], [theme], [youth])
    make(factories.OrganizationFactory(), [elsewhere], [theme], [youth])
    found = pairs()
    assert list(found) == [key(a, b)]
    assert found[key(a, b)].nested and found[key(a, b)].strength == MEDIUM
    with translation.override("sv"):
        assert found[key(a, b)].reason == (
            "Båda arbetar med nattvandring i Vårby gård centrum, inom Vårby gård, för unga 13–17 år"
        )

    a.target_groups.clear()  # other people, other hours: two levels of the same work
    assert pairs() == {}

    for initiative in (a, b):  # the same Friday evenings
        factories.ScheduleSlotFactory(
            initiative=initiative, weekday=5, starts_at=dt.time(21), ends_at=dt.time(23, 59)
        )
    found = pairs()
    assert list(found) == [key(a, b)]
    assert found[key(a, b)].coincide and found[key(a, b)].strength == MEDIUM


def test_nested_areas_with_only_a_theme_in_common_are_not_an_overlap(place, theme):
    """The municipality's district-wide lighting survey and a housing company's new lamps
    in one yard share the theme and a place one level apart, nothing else: at national
    scale every district-wide initiative would otherwise pair with every local one under it."""
    district, centre, _ = place
    make(factories.OrganizationFactory(), [district], [theme])
    make(factories.OrganizationFactory(), [centre], [theme])
    assert pairs() == {}
    # In the same area the theme alone is enough.
    a = make(factories.OrganizationFactory(), [centre], [theme])
    assert len(pairs()) == 1 and a.pk in next(iter(pairs()))


def test_a_shared_target_group_alone_is_not_an_overlap(place):
    """Football for girls and homework help share young people, not work."""
    _, centre, _ = place
    youth = factories.TargetGroupFactory(name_en="Young people")
    make(factories.OrganizationFactory(), [centre], [factories.ThemeFactory()], [youth])
    make(factories.OrganizationFactory(), [centre], [factories.ThemeFactory()], [youth])
    assert pairs() == {}


def test_schedules_alone_are_not_an_overlap(place):
    _, centre, _ = place
    a = make(factories.OrganizationFactory(), [centre], [factories.ThemeFactory()])
    b = make(factories.OrganizationFactory(), [centre], [factories.ThemeFactory()])
    for initiative in (a, b):
        factories.ScheduleSlotFactory(initiative=initiative, weekday=5)
    assert pairs() == {}


def test_target_groups_and_coinciding_times_raise_the_strength(place, theme):
    """Theme and place: low; plus a target group or coinciding times: medium; both: high."""
    _, centre, _ = place
    youth = factories.TargetGroupFactory(name_sv="Unga 13–17 år", name_en="Young people 13–17")
    low = [make(factories.OrganizationFactory(), [centre], [theme]) for _ in range(2)]
    other = factories.AreaFactory(name="Masmo centrum")
    medium = [make(factories.OrganizationFactory(), [other], [theme], [youth]) for _ in range(2)]
    third = factories.AreaFactory(name="Vårby allé")
    high = [make(factories.OrganizationFactory(), [third], [theme], [youth]) for _ in range(2)]
    for initiative in high:
        factories.ScheduleSlotFactory(
            initiative=initiative, weekday=5, starts_at=dt.time(21), ends_at=dt.time(23, 59)
        )
    found = pairs()
    assert {k: p.strength for k, p in found.items()} == {
        key(*low): LOW,
        key(*medium): MEDIUM,
        key(*high): HIGH,
    }
    # strongest first
    assert list(found) == [key(*high), key(*medium), key(*low)]
    assert [g.pk for g in found[key(*high)].groups] == [youth.pk]
    with translation.override("sv"):
        assert found[key(*high)].strength_label == "hög"
        assert found[key(*high)].reason == (
            "Båda arbetar med nattvandring i Vårby allé, fredagar 21–24, för unga 13–17 år"
        )
    with translation.override("en"):
        assert found[key(*high)].reason == (
            "Both work on night walks in Vårby allé, Fridays 21–24, for young people 13–17"
        )
        assert found[key(*low)].reason == "Both work on night walks in Vårby gård centrum"


def test_points_within_300_metres_overlap_in_unrelated_areas(place, theme):
    _, centre, elsewhere = place
    # 0.002° of latitude is about 222 m; 0.004° about 445 m.
    a = make(factories.OrganizationFactory(), [centre], [theme], latitude=59.265, longitude=17.88)
    b = make(
        factories.OrganizationFactory(), [elsewhere], [theme], latitude=59.267, longitude=17.88
    )
    far = factories.AreaFactory(name="Långt bort")
    make(factories.OrganizationFactory(), [far], [theme], latitude=59.261, longitude=17.88)
    found = pairs()
    assert list(found) == [key(a, b)]
    pair = found[key(a, b)]
    assert pair.near and 200 < pair.distance < 250
    assert not pair.same_area and not pair.nested
    with translation.override("en"):
        assert pair.reason == "Both work on night walks 222 m from each other"


def test_points_within_300_metres_need_a_shared_theme_too(place, theme):
    _, centre, elsewhere = place
    make(factories.OrganizationFactory(), [centre], [theme], latitude=59.265, longitude=17.88)
    make(
        factories.OrganizationFactory(),
        [elsewhere],
        [factories.ThemeFactory()],
        latitude=59.2651,
        longitude=17.88,
    )
    assert pairs() == {}


def test_schedule_coincidence_needs_the_same_weekday_and_intersecting_hours(place, theme):
    _, centre, _ = place
    a = make(factories.OrganizationFactory(), [centre], [theme])
    b = make(factories.OrganizationFactory(), [centre], [theme])
    c = make(factories.OrganizationFactory(), [centre], [theme])
    factories.ScheduleSlotFactory(
        initiative=a, weekday=5, starts_at=dt.time(20), ends_at=dt.time(23)
    )
    factories.ScheduleSlotFactory(
        initiative=b, weekday=5, starts_at=dt.time(22), ends_at=dt.time(23, 59)
    )
    factories.ScheduleSlotFactory(
        initiative=c, weekday=5, starts_at=dt.time(9), ends_at=dt.time(12)
    )
    factories.ScheduleSlotFactory(
        initiative=c, weekday=6, starts_at=dt.time(20), ends_at=dt.time(23)
    )
    found = pairs()
    assert found[key(a, b)].coincide
    assert not found[key(a, c)].coincide
    assert not found[key(b, c)].coincide
    # coinciding schedules rank first
    assert next(iter(found)) == key(a, b)


def test_a_decision_hides_the_pair_and_a_change_of_theme_brings_it_back(place, theme, coordinator):
    _, centre, _ = place
    a = make(factories.OrganizationFactory(), [centre], [theme])
    b = make(factories.OrganizationFactory(), [centre], [theme])
    services.overlap_decide(
        initiative_a_id=b.pk,
        initiative_b_id=a.pk,
        decision="complementary",
        note="Olika tider",
        actor=coordinator,
    )
    decision = OverlapDecision.objects.get()
    assert (decision.initiative_a_id, decision.initiative_b_id) == key(a, b)
    assert pairs() == {}
    decided = pairs(decided=True)
    assert decided[key(a, b)].decision.note == "Olika tider"
    assert decision.pgh_event_model.objects.count() == 1  # tracked by pghistory

    b.themes.add(factories.ThemeFactory())  # a later change of theme
    assert list(pairs()) == [key(a, b)]
    assert pairs(decided=True) == {}


def test_a_change_of_period_also_brings_the_pair_back(place, theme, coordinator):
    _, centre, _ = place
    a = make(factories.OrganizationFactory(), [centre], [theme])
    b = make(factories.OrganizationFactory(), [centre], [theme])
    services.overlap_decide(
        initiative_a_id=a.pk, initiative_b_id=b.pk, decision="contacted", note="", actor=coordinator
    )
    assert pairs() == {}
    a.ends_on = TODAY + dt.timedelta(days=50)
    a.save()
    assert list(pairs()) == [key(a, b)]


def test_pairs_that_do_not_overlap_cannot_be_decided(place, theme, coordinator):
    _, centre, elsewhere = place
    a = make(factories.OrganizationFactory(), [centre], [theme])
    b = make(factories.OrganizationFactory(), [elsewhere], [theme])
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.overlap_decide(
            initiative_a_id=a.pk,
            initiative_b_id=b.pk,
            decision="merged",
            note="",
            actor=coordinator,
        )


def test_clusters_group_connected_pairs(place, theme):
    _, centre, _ = place
    initiatives = [make(factories.OrganizationFactory(), [centre], [theme]) for _ in range(3)]
    result = queries.overlaps(queries.Scope())
    assert len(result.clusters) == 1
    assert {i.pk for i in result.clusters[0].initiatives} == {i.pk for i in initiatives}
    assert {p.cluster for p in result.page.object_list} == {1}


def test_filters_by_area_theme_and_period(place, theme):
    district, centre, elsewhere = place
    other_theme = factories.ThemeFactory()
    a = make(factories.OrganizationFactory(), [centre], [theme, other_theme])
    b = make(factories.OrganizationFactory(), [centre], [theme])
    make(factories.OrganizationFactory(), [elsewhere], [other_theme])
    make(factories.OrganizationFactory(), [elsewhere], [other_theme])
    assert list(pairs(queries.Scope(area=district))) == [key(a, b)]
    assert list(pairs(queries.Scope(theme=theme))) == [key(a, b)]
    assert len(pairs(queries.Scope(theme=other_theme))) == 1
    past = TODAY - dt.timedelta(days=3650)
    assert pairs(queries.Scope(starts_on=past, ends_on=past + dt.timedelta(days=1))) == {}


def test_the_page_lists_pairs_and_records_a_decision(coordinator_client, place, theme):
    _, centre, _ = place
    a = make(
        factories.OrganizationFactory(name="Hyresgästföreningen"),
        [centre],
        [theme],
        title="Nattvandring A",
    )
    b = make(
        factories.OrganizationFactory(name="Fastighets AB"),
        [centre],
        [theme],
        title="Nattvandring B",
    )
    url = en("coordinator:dashboard:overlaps")
    response = coordinator_client.get(url)
    assert "Nattvandring A" in response.text
    assert "Both work on night walks in Vårby gård centrum." in response.text
    assert "How strong is a pair?" in response.text and ">Low<" in response.text
    # No decision is chosen beforehand: a stray click records nothing.
    assert 'type="radio"' in response.text and " checked" not in response.text
    response = coordinator_client.post(
        en("coordinator:dashboard:overlap_decide"),
        {"a": a.pk, "b": b.pk, "decision": "merged", "note": "Slås ihop", "next": url},
        follow=True,
    )
    assert "No open overlaps." in response.text
    assert OverlapDecision.objects.get().decision == "merged"
    response = coordinator_client.get(url + "?show=decided")
    assert "Slås ihop" in response.text


def test_a_decision_needs_an_explicit_choice(coordinator_client, place, theme):
    _, centre, _ = place
    a = make(factories.OrganizationFactory(), [centre], [theme], title="Nattvandring A")
    b = make(factories.OrganizationFactory(), [centre], [theme])
    url = en("coordinator:dashboard:overlap_decide")
    page = coordinator_client.get(url, {"a": a.pk, "b": b.pk})
    assert page.status_code == 200 and "Nattvandring A" in page.text
    assert " checked" not in page.text
    response = coordinator_client.post(url, {"a": a.pk, "b": b.pk, "note": "Kvar"})
    assert response.status_code == 400
    assert "Choose a decision for the pair." in response.text
    assert "Kvar</textarea>" in response.text  # the input is kept
    assert not OverlapDecision.objects.exists()


@pytest.mark.parametrize(
    "data", [{"a": "x", "decision": "merged"}, {"a": "1", "b": "1"}, {"a": "999", "b": "998"}]
)
def test_a_decision_on_no_pair_is_not_found(coordinator_client, data):
    url = en("coordinator:dashboard:overlap_decide")
    assert coordinator_client.post(url, data).status_code == 404
    assert coordinator_client.get(url, data).status_code == 404
    assert not OverlapDecision.objects.exists()


def test_not_an_overlap_hides_the_pair_until_either_initiative_changes(
    coordinator_client, place, theme
):
    _, centre, _ = place
    a = make(factories.OrganizationFactory(), [centre], [theme], title="Nattvandring A")
    b = make(factories.OrganizationFactory(), [centre], [theme], title="Nattvandring B")
    url = en("coordinator:dashboard:overlaps")
    coordinator_client.post(
        en("coordinator:dashboard:overlap_decide"),
        {"a": a.pk, "b": b.pk, "decision": "not_overlap", "note": "Olika gator"},
    )
    assert pairs() == {}
    assert "Nattvandring A" not in coordinator_client.get(url).text
    decided = coordinator_client.get(url, {"show": "decided"}).text
    assert "Not an overlap" in decided and "Olika gator" in decided

    a.areas.add(factories.AreaFactory(name="Huddinge centrum"))  # either initiative changes
    assert list(pairs()) == [key(a, b)]
    assert "Nattvandring A" in coordinator_client.get(url).text


def test_a_cluster_is_decided_in_one_step(coordinator_client, place, theme):
    _, centre, _ = place
    here = [make(factories.OrganizationFactory(), [centre], [theme]) for _ in range(3)]
    result = queries.overlaps(queries.Scope())
    [cluster] = result.clusters
    assert (cluster.theme, cluster.area) == (theme, centre)
    assert {i.pk for i in cluster.initiatives} == {i.pk for i in here}
    assert len(cluster.pairs) == 3
    url = en("coordinator:dashboard:overlaps")
    page = coordinator_client.get(url).text
    assert "Decide all 3 pairs at once" in page

    response = coordinator_client.post(
        en("coordinator:dashboard:overlap_cluster_decide"),
        {"pairs": cluster.keys, "decision": "contacted", "note": "Möte 3/12", "next": url},
        follow=True,
    )
    assert "The decision is recorded for 3 pairs." in response.text
    assert "No open overlaps." in response.text
    assert (
        sorted(OverlapDecision.objects.values_list("decision", "note"))
        == [("contacted", "Möte 3/12")] * 3
    )


def test_a_cluster_decision_refuses_bad_input(coordinator_client, place, theme):
    _, centre, elsewhere = place
    here = [make(factories.OrganizationFactory(), [centre], [theme]) for _ in range(2)]
    away = make(factories.OrganizationFactory(), [elsewhere], [theme])
    url = en("coordinator:dashboard:overlap_cluster_decide")
    pair = f"{here[0].pk}-{here[1].pk}"
    response = coordinator_client.post(url, {"pairs": [pair], "note": "x"})
    assert response.status_code == 400 and "Choose a decision for the pair." in response.text
    response = coordinator_client.post(url, {"pairs": ["nonsense"], "decision": "merged"})
    assert response.status_code == 400 and "Choose the pairs of one cluster." in response.text
    not_a_pair = f"{here[0].pk}-{away.pk}"
    response = coordinator_client.post(url, {"pairs": [pair, not_a_pair], "decision": "merged"})
    assert response.status_code == 400 and "do not overlap any more" in response.text
    assert not OverlapDecision.objects.exists()


def test_the_list_is_compact_sortable_and_filtered_by_newness(coordinator_client, place, theme):
    _, centre, _ = place
    old = [make(factories.OrganizationFactory(), [centre], [theme]) for _ in range(8)]
    Initiative.objects.filter(pk__in=[i.pk for i in old]).update(
        created_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    )
    newest = make(factories.OrganizationFactory(), [centre], [theme], title="Helt ny")
    url = en("coordinator:dashboard:overlaps")
    result = queries.overlaps(queries.Scope())
    assert result.open_total == 36 and len(result.page.object_list) == 25  # 25 a page
    by_newest = queries.overlaps(queries.Scope(), sort="newest").page.object_list
    assert all(newest in (p.a, p.b) for p in by_newest[:8])
    page = coordinator_client.get(url, {"sort": "newest", "since": "2026-06-01"}).text
    assert "8 pairs, newest first." in page and "Helt ny" in page
    assert "Only pairs with an initiative registered since 1 June 2026." in page
    # A bad day is ignored: every pair is listed.
    assert "36 pairs" in coordinator_client.get(url, {"since": "2026-13-45"}).text


def test_the_list_takes_the_same_queries_whatever_the_number_of_pairs(
    coordinator_client, place, theme
):
    _, centre, _ = place
    youth = factories.TargetGroupFactory()
    url = en("coordinator:dashboard:overlaps")

    def grow(n):
        for _ in range(n):
            initiative = make(factories.OrganizationFactory(), [centre], [theme], [youth])
            factories.ScheduleSlotFactory(initiative=initiative)

    grow(3)
    query_count(coordinator_client, url)  # in "snapshot" mode, a first snapshot to replace
    few = query_count(coordinator_client, url)
    grow(5)
    assert query_count(coordinator_client, url) == few


def test_csv_has_every_pair(coordinator_client, place, theme):
    _, centre, _ = place
    for n in range(3):
        make(factories.OrganizationFactory(), [centre], [theme], title=f"=Insats {n}")
    response = coordinator_client.get(en("coordinator:dashboard:export", table="overlaps"))
    text = b"".join(response.streaming_content).decode()
    lines = text.strip().splitlines()
    assert len(lines) == 1 + 3
    assert "'=Insats 0" in text  # formulas are neutralised


def test_a_district_wide_initiative_does_not_chain_everything_into_one_cluster(place, theme):
    district, centre, _ = place
    north = factories.AreaFactory(name="Vårby gård norra", parent=district)
    youth = factories.TargetGroupFactory()
    whole = make(factories.OrganizationFactory(), [district], [theme], [youth], title="Hela")
    here = [make(factories.OrganizationFactory(), [centre], [theme], [youth]) for _ in range(3)]
    make(factories.OrganizationFactory(), [north], [theme], [youth], title="I norr")

    result = queries.overlaps(queries.Scope())
    assert sum(whole in (p.a, p.b) for p in result.page.object_list) == 4

    # The district-wide one overlaps all four (nested areas), but the only cluster is the
    # three in the same area with the same theme.
    assert [{i.pk for i in c.initiatives} for c in result.clusters] == [{i.pk for i in here}]


def test_times_past_midnight_coincide_and_are_said_so(place, theme):
    _, centre, _ = place
    a = make(factories.OrganizationFactory(), [centre], [theme])
    b = make(factories.OrganizationFactory(), [centre], [theme])
    factories.ScheduleSlotFactory(
        initiative=a, weekday=5, starts_at=dt.time(21), ends_at=dt.time(1)
    )
    factories.ScheduleSlotFactory(
        initiative=b, weekday=5, starts_at=dt.time(22), ends_at=dt.time(2)
    )
    pair = pairs()[key(a, b)]
    assert pair.coincide and pair.strength == MEDIUM
    with translation.override("sv"):
        assert pair.reason == "Båda arbetar med nattvandring i Vårby gård centrum, fredagar 22–01"
