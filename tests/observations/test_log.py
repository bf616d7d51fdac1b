"""Logging an observation (issue 15): only reporters log, for their own organisations; the
note refuses personal data, each kind with its reason; bad input is an error next to its
field with the rest kept and nothing saved, never a 500; a reporter corrects or deletes their
own observation within a day."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from partnership.observations.models import Observation
from stakeholders.models import Membership
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/handelser/ny/"


@pytest.fixture
def area(db):
    return factories.AreaFactory(name="Vårby gård centrum", slug="varby-gard-centrum")


@pytest.fixture
def reporter(organization):
    user = factories.UserFactory(email="bovard@example.org", first_name="Bo")
    factories.MembershipFactory(user=user, organization=organization, is_reporter=True)
    return user


@pytest.fixture
def reporter_client(client, reporter):
    client.force_login(reporter)
    return client


def valid(place, **changes) -> dict:
    data = {
        "category": factories.observation_category("ungdomar-i-grupp").pk,
        "observed_on": timezone.localdate().isoformat(),
        "time_from": "",
        "time_to": "",
        "area": place.pk,
        "latitude": "",
        "longitude": "",
        "count": "8",
        "note": "",
    }
    data.update(changes)
    return data


def test_the_url_is_swedish_and_english():
    assert reverse("observations:log") == URL
    assert reverse("observations:log").startswith("/handelser/")


def test_a_reporter_logs_an_observation_and_is_offered_another(reporter_client, reporter, area):
    form = reporter_client.get(URL)
    assert form.status_code == 200
    assert form.context["form"]["observed_on"].value() == timezone.localdate()
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    data = valid(
        area,
        observed_on=yesterday,
        time_from="21:00",
        time_to="01:00",
        note="Stökigt vid bänkarna.",
    )
    response = reporter_client.post(URL, data)
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?area=varby-gard-centrum&date={yesterday}"
    saved = Observation.objects.get()
    assert (saved.reported_by, saved.organization.slug) == (reporter, "stiftelsen-testbostader")
    assert (saved.count, saved.time_from, saved.time_to) == (8, dt.time(21), dt.time(1))
    assert saved.note == "Stökigt vid bänkarna."
    again = reporter_client.get(response["Location"])
    assert "Sparat. Logga en till?" in again.text
    # The place and the date are kept for the next one.
    assert again.context["form"]["area"].value() == area.pk
    assert again.context["form"]["observed_on"].value() == dt.date.fromisoformat(yesterday)
    assert "Du har loggat nyligen" in again.text


def test_some_time_that_day_and_a_moment(reporter_client, area):
    reporter_client.post(URL, valid(area))
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    reporter_client.post(URL, valid(area, observed_on=yesterday, time_from="00:05"))
    times = set(Observation.objects.values_list("time_from", "time_to"))
    assert times == {(dt.time(0, 5), None), (None, None)}


def test_a_point_is_kept_when_given(reporter_client, area):
    response = reporter_client.post(URL, valid(area, latitude="59,2647", longitude="17.8843"))
    assert response.status_code == 302
    saved = Observation.objects.get()
    assert (saved.latitude, saved.longitude) == (59.2647, 17.8843)


def test_a_member_who_is_no_reporter_is_told_to_ask_the_admin(client, member, area):
    client.force_login(member)
    page = client.get(URL)
    assert page.status_code == 403
    assert "Bara rapportörer loggar händelser" in page.text
    assert client.post(URL, valid(area)).status_code == 403
    assert not Observation.objects.exists()


@pytest.mark.parametrize("who", ["resident", "coordinator_without_mfa"])
def test_no_partner_never_sees_the_form(request, client, who, area):
    user = request.getfixturevalue(who)
    if who != "resident":
        client.force_login(user)
    response = client.get(URL)
    assert response.status_code in (302, 404)
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("account_login"))
    assert not Observation.objects.exists()


def test_a_reporter_of_a_suspended_organisation_does_not_log(client, area):
    suspended = factories.OrganizationFactory(status="suspended")
    user = factories.UserFactory()
    factories.MembershipFactory(user=user, organization=suspended, is_reporter=True)
    client.force_login(user)
    assert client.post(URL, valid(area)).status_code == 404
    assert not Observation.objects.exists()


def test_a_reporter_of_two_picks_one_and_only_theirs(client, organization, area):
    other = factories.OrganizationFactory(name="Huge Bostäder")
    third = factories.OrganizationFactory(name="Någon annan")
    user = factories.UserFactory()
    factories.MembershipFactory(user=user, organization=organization, is_reporter=True)
    factories.MembershipFactory(user=user, organization=other, is_reporter=True)
    factories.MembershipFactory(user=user, organization=third, is_reporter=False)
    client.force_login(user)
    missing = client.post(URL, valid(area))
    assert missing.status_code == 400
    assert "Loggad för" in missing.text
    foreign = client.post(URL, valid(area, organization=third.pk))
    assert foreign.status_code == 400
    assert "Välj en av organisationerna du rapporterar för." in foreign.text
    assert not Observation.objects.exists()
    response = client.post(URL, valid(area, organization=other.pk))
    assert response.status_code == 302
    assert "organization=huge-bostader" in response["Location"]
    assert Observation.objects.get().organization == other


# --- No persons in the note ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("note", "reason"),
    [
        ("Han hade 19121212-1212 på lappen", "personnummer"),
        ("Ring 070-123 45 67 om det händer igen", "telefonnummer"),
        ("Skriv till kalle@example.com", "e-postadress"),
        ("Bilen ABC 123 stod på gångvägen", "registreringsnummer"),
        ("Kalle Andersson (15) klottrade på väggen", "namnge en person"),
        ("Killen som heter Ahmed stod vid porten", "namnge en person"),
        ("Tjejen Sara Ek sprang från platsen", "namnge en person"),
    ],
)
def test_personal_data_in_the_note_is_refused_with_its_reason(reporter_client, area, note, reason):
    response = reporter_client.post(URL, valid(area, note=note, count="12"))
    assert response.status_code == 400
    summary = response.text.split("data-error-summary", 1)[1].split("</div>", 1)[0]
    assert reason in summary
    assert reason in response.context["form"].errors["note"][0]
    assert not Observation.objects.exists()
    # The rest is kept, the note too (to correct it).
    form = response.context["form"]
    assert form["count"].value() == "12"
    assert form["note"].value() == note


def test_a_note_about_the_place_passes(reporter_client, area):
    note = "Sex ungdomar vid Ica Nära, glas på marken vid Vårby allé. Polisen kom 21:30."
    assert reporter_client.post(URL, valid(area, note=note)).status_code == 302
    assert Observation.objects.get().note == note


# --- Bad input ----------------------------------------------------------------------------------


def tomorrow() -> str:
    return (timezone.localdate() + dt.timedelta(days=1)).isoformat()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"count": "0"}, "count", "Ange 1 eller fler."),
        ({"count": "-1"}, "count", "Ange 1 eller fler."),
        ({"count": "abc"}, "count", "heltal"),
        ({"count": ""}, "count", "Ange hur många"),
        ({"count": "99999999999999999999"}, "count", "högst"),
        ({"observed_on": tomorrow()}, "observed_on", "framtiden"),
        ({"observed_on": "2026-13-45"}, "observed_on", ""),
        ({"observed_on": ""}, "observed_on", "Ange datumet"),
        ({"category": "999999"}, "category", "Välj en kategori i listan."),
        ({"category": ""}, "category", "Välj vad du såg."),
        ({"area": "999999"}, "area", "Välj ett område i listan."),
        ({"area": "abc"}, "area", "Välj ett område i listan."),
        ({"time_to": "02:00"}, "time_from", "när det började"),
        ({"time_from": "25:99"}, "time_from", ""),
        ({"time_from": "21:00", "time_to": "21:00"}, "time_to", "slutar när"),
        ({"note": "x" * 10_000}, "note", "högst 500 tecken"),
        ({"latitude": "10", "longitude": "17.88"}, "latitude", ""),
        ({"latitude": "59.26"}, "longitude", ""),
    ],
)
def test_bad_input_is_an_error_next_to_its_field_and_nothing_is_saved(
    reporter_client, area, changes, field, message
):
    response = reporter_client.post(URL, valid(area, **changes))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert "Fel: " in response.text.split("</title>")[0]
    assert not Observation.objects.exists()


def test_a_retired_category_is_not_offered(reporter_client, area):
    category = factories.observation_category("klotter")
    category.retired_at = timezone.now()
    category.save()
    page = reporter_client.get(URL)
    assert category not in page.context["form"].fields["category"].queryset
    response = reporter_client.post(URL, valid(area, category=category.pk))
    assert response.status_code == 400


def test_a_time_not_yet_come_today_is_refused(reporter_client, area, monkeypatch):
    morning = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(8)))
    monkeypatch.setattr(timezone, "localtime", lambda *args: morning)
    response = reporter_client.post(URL, valid(area, time_from="22:00"))
    assert response.status_code == 400
    assert "inte kommit" in response.context["form"].errors["time_from"][0]


# --- Correcting and deleting one's own ------------------------------------------------------


@pytest.fixture
def logged(reporter_client, area):
    reporter_client.post(URL, valid(area))
    return Observation.objects.get()


def test_the_reporter_corrects_their_own_within_a_day(reporter_client, logged, area):
    url = reverse("observations:edit", args=[logged.public_id])
    assert reporter_client.get(url).status_code == 200
    response = reporter_client.post(url, valid(area, count="3", note="Tre, inte åtta."))
    assert response.status_code == 302
    logged.refresh_from_db()
    assert (logged.count, logged.note) == (3, "Tre, inte åtta.")
    bad = reporter_client.post(url, valid(area, count="0"))
    assert bad.status_code == 400
    logged.refresh_from_db()
    assert logged.count == 3


def test_after_a_day_or_by_someone_else_it_is_refused(client, reporter_client, logged, area):
    url = reverse("observations:edit", args=[logged.public_id])
    other = factories.UserFactory()
    factories.MembershipFactory(
        user=other, organization=logged.organization, is_reporter=True, role=Membership.Role.ADMIN
    )
    client.force_login(other)
    assert client.post(url, valid(area, count="5")).status_code == 403
    Observation.objects.filter(pk=logged.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=25)
    )
    assert reporter_client.post(url, valid(area, count="5")).status_code == 403
    delete = reverse("observations:delete", args=[logged.public_id])
    assert reporter_client.post(delete).status_code == 403
    logged.refresh_from_db()
    assert logged.count == 8


def test_the_reporter_deletes_a_mistake(reporter_client, logged):
    url = reverse("observations:delete", args=[logged.public_id])
    confirm = reporter_client.get(url)
    assert confirm.status_code == 200
    assert "Ta bort händelsen?" in confirm.text
    assert reporter_client.post(url).status_code == 302
    assert not Observation.objects.exists()


def test_an_unknown_observation_is_404(reporter_client):
    url = reverse("observations:edit", args=["00000000-0000-0000-0000-000000000000"])
    assert reporter_client.get(url).status_code == 404


def test_a_mistyped_time_is_sent_back_as_text_and_kept(reporter_client, area):
    response = reporter_client.post(URL, valid(area, time_from="25:99"))
    assert response.status_code == 400
    assert 'type="text" name="time_from" value="25:99"' in response.text
