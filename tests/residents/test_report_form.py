"""The public form "Säg till om en plats": what a resident sends is saved as they meant it,
every refusal is clear and saves nothing (never a 500), and the public counts never show a
point, a text or a date."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation

from partnership.residents.models import ResidentReport
from tests.helpers import query_count

pytestmark = pytest.mark.django_db

URL = "/en/tell-us/"


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def sent(places, **changes):
    latitude, longitude = places["in_centrum"]
    data = {
        "kind": "unsafe",
        "latitude": latitude,
        "longitude": longitude,
        "reasons": ["badly_lit", "drugs"],
        "times_of_day": ["evening", "night"],
        "weekdays": ["5", "6"],
        "text": "Mörkt vid trappan mot tunnelbanan efter 22.",
        "homepage": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def errors(response) -> str:
    return response.content.decode()


def test_the_page_says_it_is_not_for_emergencies_in_both_languages(client, places):
    english = client.get(URL).content.decode()
    assert "Not for emergencies or crime reports" in english
    for words in ('href="tel:112"', "114 14", "polisen.se"):
        assert words in english
    with translation.override("sv"):
        swedish_url = reverse("residents:report")
    assert swedish_url == "/sag-till/"
    swedish = client.get(swedish_url).content.decode()
    assert "Säg till om en plats" in swedish
    assert "Inte för nödsituationer eller polisanmälningar" in swedish


def test_a_report_on_the_map_is_saved_in_the_smallest_area_without_who_sent_it(client, places):
    response = client.post(URL, sent(places), REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 302
    assert response["Location"] == "/en/tell-us/thanks/?area=varby-gard-centrum"
    report = ResidentReport.objects.get()
    assert report.area == places["centrum"]
    assert report.reasons == ["badly_lit", "drugs"]
    assert report.times_of_day == ["evening", "night"]
    assert report.weekdays == [5, 6]
    assert report.kind == "unsafe"
    assert report.created_on == timezone.localdate()
    # Stored to four decimals (about 10 m), shown to partners on a 50 m grid.
    assert (report.latitude, report.longitude) == (59.2647, 17.8843)
    assert report.rounded_point == (59.2645, 17.8839)
    # Nothing about the sender: no field holds an address, a user or a time of day.
    names = {f.name for f in ResidentReport._meta.get_fields()}
    assert not names & {"ip", "ip_address", "user", "created_at", "session", "cookie"}
    assert "203.0.113.9" not in str(ResidentReport.objects.values().get())
    # The thanks page leads to the area's counts.
    thanks = client.get(response["Location"]).content.decode()
    assert "/en/tell-us/what-residents-say/varby-gard-centrum/" in thanks


def test_a_report_without_javascript_names_an_area(client, places):
    data = sent(places, latitude="", longitude="", area=str(places["norra"].pk))
    assert client.post(URL, data).status_code == 302
    report = ResidentReport.objects.get()
    assert report.area == places["norra"] and not report.has_point


def test_a_safe_place_with_no_time_or_day_means_any(client, places):
    data = sent(places, kind="safe", reasons=["other"], times_of_day=None, weekdays=None, text="")
    assert client.post(URL, data).status_code == 302
    report = ResidentReport.objects.get()
    assert (report.kind, report.times_of_day, report.weekdays) == ("safe", [], [])
    assert report.times_display == "Any time" and report.weekdays_display == "Any day"


def refused(client, data, status=400, **extra):
    response = client.post(URL, data, **extra)
    assert response.status_code == status
    assert ResidentReport.objects.count() == 0
    page = response.content.decode()
    assert "data-error-summary" in page  # the GOV.UK summary at the top
    return page


def test_a_point_outside_the_partnerships_areas_is_refused(client, places):
    latitude, longitude = places["outside_areas"]
    page = refused(client, sent(places, latitude=latitude, longitude=longitude))
    assert "outside the partnership&#x27;s areas" in page
    # The input is kept.
    assert 'value="59.2100"' in page and "Mörkt vid trappan" in page


def test_a_point_outside_the_map_is_refused(client, places):
    page = refused(client, sent(places, latitude="48.85", longitude="2.35"))
    assert "outside the partnership&#x27;s area" in page


@pytest.mark.parametrize(
    ("latitude", "longitude"), [("abc", "17.88"), ("59.26", ""), ("nan", "inf"), ("1e400", "1")]
)
def test_broken_coordinates_are_refused(client, places, latitude, longitude):
    refused(client, sent(places, latitude=latitude, longitude=longitude))


def test_neither_point_nor_area_is_refused(client, places):
    page = refused(client, sent(places, latitude="", longitude=""))
    assert "Mark the place on the map, or choose an area." in page


def test_a_ten_thousand_character_text_is_refused(client, places):
    page = refused(client, sent(places, text="x" * 10_000))
    assert "Write at most 500 characters (you wrote 10000)." in page


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("Han bor där, 121212-1212", "personal identity number"),
        ("Ring mig 070-123 45 67", "phone number"),
        ("Mejla kalle@example.se", "e-mail address"),
        ("Bilen ABC 123 står där varje natt", "licence plate"),
    ],
)
def test_personal_data_in_the_text_is_refused_saying_why(client, places, text, why):
    page = refused(client, sent(places, text=text))
    assert f"looks like a {why}" in page or f"looks like an {why}" in page
    assert text.split()[-1] in page  # the input is kept to correct it


@pytest.mark.parametrize(
    "changes",
    [
        {"reasons": ["badly_lit", "aliens"]},
        {"reasons": None},
        {"times_of_day": ["midnight"]},
        {"weekdays": ["8"]},
        {"kind": "scary"},
        {"area": "999999", "latitude": "", "longitude": ""},
    ],
)
def test_unknown_choices_are_refused(client, places, changes):
    refused(client, sent(places, **changes))


def test_a_filled_honeypot_gets_the_thanks_and_nothing_is_saved(client, places):
    response = client.post(URL, sent(places, homepage="https://spam.example"))
    assert response.status_code == 302
    assert response["Location"].startswith("/en/tell-us/thanks/")
    assert ResidentReport.objects.count() == 0
    assert client.get(response["Location"]).status_code == 200


def test_many_reports_from_one_client_are_refused_with_429_and_the_input_kept(
    client, places, settings
):
    settings.RESIDENT_REPORT_LIMIT = 5
    for _ in range(5):
        assert client.post(URL, sent(places), REMOTE_ADDR="198.51.100.7").status_code == 302
    for _ in range(45):  # 50 a minute
        response = client.post(URL, sent(places), REMOTE_ADDR="198.51.100.7")
        assert response.status_code == 429
    page = response.content.decode()
    assert "You have sent many reports in a short time" in page
    assert "Mörkt vid trappan" in page
    assert ResidentReport.objects.count() == 5
    # Another client is not stopped.
    assert client.post(URL, sent(places), REMOTE_ADDR="198.51.100.8").status_code == 302


def test_garbage_never_gives_a_server_error(client, places):
    for data in (
        {},
        {"kind": ["unsafe", "safe"], "reasons": "x" * 5000},
        {"latitude": "\x00", "longitude": "59", "area": "abc"},
        {"weekdays": ["-1", "x"], "times_of_day": [""] * 50},
    ):
        assert client.post(URL, data).status_code == 400
    assert client.post(URL, "not a form", content_type="text/plain").status_code == 400
    assert ResidentReport.objects.count() == 0


def test_the_form_page_takes_a_fixed_number_of_queries(client, places):
    assert query_count(client, URL) <= 3
