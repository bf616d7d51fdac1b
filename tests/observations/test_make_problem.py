"""“Make this a problem”: the problem form prefilled from a pattern (a heatmap cell's
parameters) or a selection of observations, which it links when the problem is recorded;
only partners, and no parameter breaks it."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from partnership.observations import problem_views
from partnership.observations.models import Observation
from partnership.problems.models import Problem
from tests import factories
from tests.helpers import query_count

pytestmark = pytest.mark.django_db

h = dt.time
# A Friday and a Saturday in the past.
FRIDAY = dt.date(2026, 11, 20)
SATURDAY = dt.date(2026, 11, 21)


def url(**params) -> str:
    from urllib.parse import urlencode

    base = reverse("observations:make_problem")
    return f"{base}?{urlencode(params, doseq=True)}" if params else base


@pytest.fixture
def places():
    parent = factories.AreaFactory(name="Vårby gård", slug="varby-gard")
    centre = factories.AreaFactory(name="Vårby gård centrum", slug="centrum", parent=parent)
    square = factories.AreaFactory(name="Torget", slug="torget", parent=centre)
    elsewhere = factories.AreaFactory(name="Masmo", slug="masmo")
    return {"parent": parent, "centre": centre, "square": square, "elsewhere": elsewhere}


@pytest.fixture
def groups():
    category = factories.observation_category("ungdomar-i-grupp")
    # Named as migration 0002 names it (a flushed database gets a plain one back).
    category.name_sv, category.name_en = "Ungdomar i grupp", "Young people in groups"
    category.save()
    theme = factories.ThemeFactory(name_sv="Fritid", name_en="Leisure", slug="fritid")
    category.themes.set([theme])
    return category


@pytest.fixture
def planted(places, groups, organization):
    """Friday evenings at the centre (two of them in a sub-area), and what does not match."""

    def obs(**kwargs):
        values = {
            "organization": organization,
            "area": places["centre"],
            "category": groups,
            "observed_on": FRIDAY,
            "time_from": h(21, 30),
        }
        values.update(kwargs)
        return factories.ObservationFactory(**values)

    return {
        "moment": obs(count=4),
        "window": obs(area=places["square"], time_from=h(22), time_to=h(0), count=2),
        "night": obs(area=places["square"], time_from=h(20), time_to=h(2)),
        "saturday": obs(observed_on=SATURDAY),
        "morning": obs(time_from=h(10)),
        "untimed": obs(time_from=None),
        "littering": obs(category=factories.observation_category("nedskrapning")),
        "elsewhere": obs(area=places["elsewhere"]),
    }


def test_hours_become_the_smallest_span_round_the_clock():
    assert problem_views.hour_span([21, 22, 23]) == (21, 24)
    assert problem_views.hour_span([22, 23, 0, 1]) == (22, 2)
    assert problem_views.hour_span([20, 23]) == (20, 24)
    assert problem_views.hour_span([9]) == (9, 10)
    assert problem_views.hour_span([]) is None
    assert problem_views.hour_span(range(24)) is None


def test_an_observation_counts_in_every_hour_it_covers():
    def o(start, end=None):
        return Observation(time_from=start, time_to=end)

    assert problem_views.observation_hours(o(h(21), h(0))) == {21, 22, 23}
    assert problem_views.observation_hours(o(h(22), h(2))) == {22, 23, 0, 1}
    assert problem_views.observation_hours(o(h(21, 30))) == {21}
    assert problem_views.observation_hours(o(h(21, 30), h(22, 15))) == {21, 22}
    assert problem_views.observation_hours(o(None)) is None


def test_a_heatmap_cell_prefills_the_form_and_checks_its_observations(
    client, member, planted, places, groups
):
    client.force_login(member)
    response = client.get(
        url(area="centrum", category="ungdomar-i-grupp", weekday=5, hour=[21, 22, 23])
    )
    assert response.status_code == 200
    initial = response.context["form"].initial
    assert initial["area"] == places["centre"].pk
    assert initial["weekdays"] == [5]
    assert (initial["time_from"], initial["time_to"]) == (h(21), h(0))
    assert initial["themes"] == list(groups.themes.values_list("pk", flat=True))
    assert initial["source"] == Problem.Source.PARTNER_OBSERVATION
    assert initial["title"] == "Ungdomar i grupp i Vårby gård centrum, fredagar 21–24"
    # With the sub-area's, the window 22–24 and the night 20–02 cover the hours too.
    listed = {o.pk for o in response.context["found"].listed}
    expected = {planted[k].pk for k in ("moment", "window", "night")}
    assert listed == expected
    assert initial["description"].startswith("3 händelser loggade av partner från 2026-11-20")
    assert "ungdomar i grupp 7" in initial["description"]  # counted: 4 + 2 + 1
    html = response.content.decode()
    for pk in expected:
        public_id = Observation.objects.get(pk=pk).public_id
        assert f'value="{public_id}" checked' in html
    assert f'value="{planted["saturday"].public_id}"' not in html


def test_an_hour_past_midnight_finds_the_night_window(client, member, planted):
    client.force_login(member)
    response = client.get(url(area="centrum", hour=1))
    assert {o.pk for o in response.context["found"].listed} == {planted["night"].pk}
    response = client.get(url(area="centrum", hour=3))
    assert response.context["found"].listed == []


def test_a_selection_prefills_from_what_its_observations_share(client, member, planted, places):
    client.force_login(member)
    chosen = [planted["moment"], planted["window"]]
    response = client.get(url(observation=[str(o.public_id) for o in chosen]))
    assert response.status_code == 200
    initial = response.context["form"].initial
    assert initial["area"] == places["centre"].pk  # the nearest area both are in
    assert initial["weekdays"] == [5]
    assert (initial["time_from"], initial["time_to"]) == (h(21), h(0))
    assert initial["title"] == "Ungdomar i grupp i Vårby gård centrum, fredagar 21–24"
    assert {o.pk for o in response.context["found"].listed} == {o.pk for o in chosen}


def _problem_data(organization, area, theme):
    return {
        "organization": organization.pk,
        "title": "Ungdomar i grupp vid torget",
        "description": "Fredagskvällar.",
        "area": area.pk,
        "themes": [theme.pk],
        "source": "partner_observation",
        "weekdays": ["5"],
        "time_from": "21:00",
        "time_to": "00:00",
        "severity": "3",
        "visibility": "partners",
    }


def test_recording_links_the_checked_observations_and_the_problem_lists_them(
    client, member, organization, planted, places, groups
):
    client.force_login(member)
    chosen = [planted["moment"], planted["window"], planted["night"]]
    address = url(observation=[str(o.public_id) for o in chosen])
    data = _problem_data(organization, places["centre"], groups.themes.get())
    data["observation"] = [str(planted["moment"].public_id), str(planted["night"].public_id)]
    response = client.post(address, data)
    problem = Problem.objects.get(title="Ungdomar i grupp vid torget")
    assert response.status_code == 302
    assert response["Location"] == reverse("problems:detail", args=[problem.public_id])
    assert set(problem.observations.all()) == {planted["moment"], planted["night"]}
    assert Observation.objects.get(pk=planted["window"].pk).problem is None
    page = client.get(response["Location"]).content.decode()
    assert "Händelser som problemet gjordes av (2)" in page
    # Linked observations are not offered again.
    again = client.get(address)
    assert {o.pk for o in again.context["found"].listed} == {planted["window"].pk}
    assert again.context["found"].linked == 2


def test_a_bad_form_keeps_the_choices(client, member, organization, planted, places, groups):
    client.force_login(member)
    address = url(observation=[str(planted["moment"].public_id), str(planted["night"].public_id)])
    data = _problem_data(organization, places["centre"], groups.themes.get())
    data["title"] = ""
    data["observation"] = [str(planted["night"].public_id)]
    response = client.post(address, data)
    assert response.status_code == 400
    assert "title" in response.context["form"].errors
    html = response.content.decode()
    assert f'value="{planted["night"].public_id}" checked' in html
    assert f'value="{planted["moment"].public_id}">' in html  # listed, not checked
    assert not Problem.objects.exists()
    assert not Observation.objects.filter(problem__isnull=False).exists()


@pytest.mark.parametrize(
    "params",
    [
        {"area": "finns-inte"},
        {"category": ["finns-inte", "<script>"]},
        {"hour": ["99", "-1", "x"], "weekday": ["0", "8", "fredag"]},
        {"from": "2026-02-31", "to": "igår"},
        {"from": "2026-11-30", "to": "2026-11-01"},
        {"observation": ["inte-ett-id", "00000000-0000-0000-0000-000000000000"]},
        {"area": "a" * 5000, "hour": "9" * 400},
    ],
)
def test_bad_parameters_are_left_out_with_a_sentence(client, member, planted, params):
    client.force_login(member)
    response = client.get(url(**params))
    assert response.status_code == 200
    assert response.context["found"].listed == []
    assert response.context["chosen"].ignored
    assert "utelämnades" in response.content.decode()


def test_the_sentences_are_in_english_too(client, member, planted):
    client.force_login(member)
    with translation.override("en"):
        response = client.get(url(area="nowhere", hour=99))
    text = response.content.decode()
    assert "There is no area “nowhere”; it was left out." in text
    assert "“99” is not an hour (0–23) and was left out." in text


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 404), ("member", 200), ("outsider", 200), ("suspended", 404)],
)
def test_only_partners_make_problems_of_observations(
    client, role, status, member, outsider, planted
):
    if role == "member":
        client.force_login(member)
    elif role == "outsider":
        client.force_login(outsider)
    elif role == "suspended":
        suspended = factories.OrganizationFactory(status="suspended")
        user = factories.UserFactory()
        factories.MembershipFactory(user=user, organization=suspended)
        client.force_login(user)
    address = url(area="centrum")
    assert client.get(address).status_code == status
    posted = client.post(address, {"title": "x", "observation": [str(planted["moment"].public_id)]})
    assert posted.status_code in ({200: 400}.get(status, status),)
    assert not Problem.objects.exists()


def test_a_coordinator_records_for_any_organisation(
    coordinator_client, organization, planted, places, groups
):
    address = url(observation=str(planted["moment"].public_id))
    assert coordinator_client.get(address).status_code == 200
    data = _problem_data(organization, places["centre"], groups.themes.get())
    data["observation"] = [str(planted["moment"].public_id)]
    assert coordinator_client.post(address, data).status_code == 302
    assert Observation.objects.get(pk=planted["moment"].pk).problem.recorded_by_organization == (
        organization
    )


def test_the_page_does_not_grow_with_the_observations(client, member, organization, places, groups):
    client.force_login(member)

    def plant(n):
        for _ in range(n):
            factories.ObservationFactory(
                organization=organization,
                area=places["square"],
                category=groups,
                observed_on=FRIDAY,
            )

    address = url(area="varby-gard", category="ungdomar-i-grupp")
    plant(2)
    few = query_count(client, address)
    plant(30)
    assert query_count(client, address) == few
