"""Importing observations from CSV: the sample file, a good file previewed (nothing saved),
confirmed (every row saved, once), and every kind of bad file and row — each refused with
the row and the reason, nothing saved, never a 500. Who may import."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from partnership.observations import csv_import
from partnership.observations.models import Observation, ObservationImport
from stakeholders.models import Membership
from tests import factories
from tests.helpers import login_as

pytestmark = pytest.mark.django_db

BASE = "/handelser/importera/"
HEADER = "datum;vecka;tid;område;kategori;antal;anteckning"


@pytest.fixture
def reporter(member, organization):
    Membership.objects.filter(user=member, organization=organization).update(is_reporter=True)
    return member


@pytest.fixture
def places(db):
    factories.AreaFactory(name="Vårby gård centrum", slug="varby-gard-centrum")
    factories.observation_category("nedskrapning")
    factories.observation_category("klotter")


def _upload(client, content: bytes, name="handelser.csv", **data):
    return client.post(
        BASE, {"file": SimpleUploadedFile(name, content, content_type="text/csv"), **data}
    )


def _nothing_saved():
    assert not Observation.objects.exists()
    assert not ObservationImport.objects.exists()


def _yesterday() -> str:
    return (timezone.localdate() - dt.timedelta(days=1)).isoformat()


def _valid() -> str:
    return "\n".join(
        [
            HEADER,
            f"{_yesterday()};;21:30;Vårby gård centrum;Nedskrapning;3;Sopsäckar vid stationen",
            f"{_yesterday()};;22:00–02:00;varby-gard-centrum;klotter;1;",
            ";2026-W40;;Vårby gård centrum;Graffiti;7;",  # a weekly statistic, English name
        ]
    )


def test_good_file_preview_then_confirm_once(client, reporter, organization, places):
    client.force_login(reporter)
    response = _upload(client, _valid().encode("utf-8-sig"))
    assert response.status_code == 302
    batch = ObservationImport.objects.get()
    assert not Observation.objects.exists()  # nothing saved before the confirmation
    assert batch.organization == organization and batch.confirmed_at is None

    preview = client.get(response["Location"])
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "3 rader, inga fel" in html
    assert "Sopsäckar vid stationen" in html
    assert not Observation.objects.exists()

    confirmed = client.post(f"{BASE}{batch.pk}/bekrafta/")
    assert confirmed.status_code == 302
    observations = {o.count: o for o in Observation.objects.all()}
    assert set(observations) == {3, 1, 7}
    moment, window, weekly = observations[3], observations[1], observations[7]
    assert moment.time_from == dt.time(21, 30) and moment.time_to is None
    assert moment.note == "Sopsäckar vid stationen"
    assert (window.time_from, window.time_to) == (dt.time(22, 0), dt.time(2, 0))
    assert weekly.observed_on == dt.date(2026, 9, 28)  # the Monday of week 40
    assert weekly.time_from is None
    for observation in observations.values():
        assert observation.source == Observation.Source.IMPORTED
        assert observation.organization == organization
        assert observation.reported_by == reporter
        assert observation.import_batch == batch
    batch.refresh_from_db()
    assert batch.confirmed_at is not None and batch.rows == []

    again = client.post(f"{BASE}{batch.pk}/bekrafta/")
    assert again.status_code == 302
    assert Observation.objects.count() == 3  # a second confirmation saves nothing twice
    assert client.get(f"{BASE}{batch.pk}/").status_code == 302  # the preview is gone


def test_english_headers_commas_and_midnight(client, reporter, places):
    client.force_login(reporter)
    content = (
        "date,time,area,category,count,note,lat,lon\n"
        f"{_yesterday()},21:00-24:00,varby-gard-centrum,Littering,2,,59.2655,17.8801\n"
    )
    assert _upload(client, content.encode()).status_code == 302
    client.post(f"{BASE}{ObservationImport.objects.get().pk}/bekrafta/")
    observation = Observation.objects.get()
    assert (observation.time_from, observation.time_to) == (dt.time(21, 0), dt.time(0, 0))
    assert (observation.latitude, observation.longitude) == (59.2655, 17.8801)


def _big(rows: int) -> bytes:
    line = f"{_yesterday()};;21:00;varby-gard-centrum;nedskrapning;1;\n"
    return (HEADER + "\n" + line * rows).encode()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x00\x01\x02\x03binary\xff\xfe", "inte en textfil"),
        (HEADER.encode("utf-16"), "inte en textfil"),
        (
            (HEADER + "\n2026-01-05;;;Vårby gård centrum;Nedskräpning;1;Skräp på gården").encode(
                "latin-1"
            ),
            "UTF-8",
        ),
        (b"", "är tom"),
        (b"   \n", "Filen är tom"),
        (HEADER.encode(), "rubrikrad men inga händelser"),
        (b"PK\x03\x04" + b"x" * 100, "Excel"),
        (b"a" * (csv_import.MAX_BYTES + 1), "större än 5 MB"),
        (_big(csv_import.MAX_ROWS + 1), "högst 20 000 kan importeras"),
        (b"datum;tid;omr\xc3\xa5de;kategori\n2026-01-05;;centrum;klotter", "antal"),
        (b"tid;omr\xc3\xa5de;kategori;antal\n;centrum;klotter;1", "datum"),
        ("datum;område;kategori;antal;Antal\n".encode(), "mer än en gång"),
        (b'datum;omr\xc3\xa5de;kategori;antal\n"2026-01-05;x;y;1\n', "är inget datum"),
    ],
    ids=[
        "binary",
        "utf-16",
        "latin-1",
        "empty",
        "blank",
        "only-headers",
        "xlsx",
        "too-large",
        "too-many-rows",
        "missing-count-column",
        "missing-date-column",
        "duplicated-header",
        "unclosed-quote",
    ],
)
def test_bad_files_are_refused_and_nothing_saved(client, reporter, places, content, message):
    client.force_login(reporter)
    response = _upload(client, content)
    assert response.status_code == 400
    assert message in response.content.decode()
    _nothing_saved()


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("{d};;21:00;varby-gard-centrum;nedskrapning;0;", "heltal från 1"),
        ("{d};;21:00;varby-gard-centrum;nedskrapning;-2;", "heltal från 1"),
        ("{d};;21:00;varby-gard-centrum;nedskrapning;1.5;", "heltal från 1"),
        ("{d};;21:00;varby-gard-centrum;nedskrapning;många;", "heltal från 1"),
        ("{d};;21:00;varby-gard-centrum;nedskrapning;;", "heltal från 1"),
        ("{d};;21:00;varby-gard-centrum;nedskrapning;100001;", "heltal från 1"),
        ("{future};;21:00;varby-gard-centrum;nedskrapning;1;", "framtiden"),
        (";{future_week};;varby-gard-centrum;nedskrapning;1;", "inte börjat"),
        (";2026-W54;;varby-gard-centrum;nedskrapning;1;", "ingen vecka"),
        (";{week};21:00;varby-gard-centrum;nedskrapning;1;", "veckostatistik har inget"),
        ("{d};{week};;varby-gard-centrum;nedskrapning;1;", "inte båda"),
        (";;;varby-gard-centrum;nedskrapning;1;", "Ange datum"),
        ("2026-02-30;;;varby-gard-centrum;nedskrapning;1;", "inget datum"),
        ("{d};;25:00;varby-gard-centrum;nedskrapning;1;", "inget klockslag"),
        ("{d};;21:00–;varby-gard-centrum;nedskrapning;1;", "inget klockslag"),
        ("{d};;21:00–21:00;varby-gard-centrum;nedskrapning;1;", "samma klockslag"),
        ("{d};;21:00;Atlantis;nedskrapning;1;", "Okänt område"),
        ("{d};;21:00;;nedskrapning;1;", "Området är tomt"),
        ("{d};;21:00;varby-gard-centrum;spöken;1;", "Okänd kategori"),
        ("{d};;21:00;varby-gard-centrum;;1;", "Kategorin är tom"),
        ("{d};;21:00;varby-gard-centrum;nedskrapning;1;Ring 070-123 45 67", "telefonnummer"),
        ("{d};;21:00;varby-gard-centrum;nedskrapning;1;Gäller 19811218-9876", "personnummer"),
        ("{d};;21:00;varby-gard-centrum;nedskrapning;1;Mejla a.b@example.org", "e-postadress"),
        ("{d};;21:00;varby-gard-centrum;nedskrapning;1;Bilen ABC 123 stod där", "registrering"),
        ("{d};;21:00;varby-gard-centrum;nedskrapning;1;En kille som heter Kalle", "person"),
        ("{d};;21:00;varby-gard-centrum;nedskrapning;1;" + "x" * 501, "500 tecken"),
        ("{d};;21:00;varby-gard-centrum;nedskrapning;1;;extra", "fler värden"),
    ],
)
def test_bad_rows_are_refused_with_row_and_reason(client, reporter, places, row, message):
    client.force_login(reporter)
    today = timezone.localdate()
    next_week = (today + dt.timedelta(weeks=1)).isocalendar()
    last_week = (today - dt.timedelta(weeks=1)).isocalendar()
    row = row.format(
        d=_yesterday(),
        future=(today + dt.timedelta(days=1)).isoformat(),
        future_week=f"{next_week.year}-W{next_week.week:02d}",
        week=f"{last_week.year}-W{last_week.week:02d}",
    )
    good = f"{_yesterday()};;21:00;varby-gard-centrum;nedskrapning;1;"
    response = _upload(client, f"{HEADER}\n{good}\n{row}\n".encode())
    assert response.status_code == 400
    html = response.content.decode()
    assert message.lower() in html.lower()
    assert "1 av 2 rader har fel" in html
    assert '<th scope="row">3</th>' in html  # the row: the header is row 1
    _nothing_saved()


def test_a_retired_category_is_refused(client, reporter, places):
    category = factories.observation_category("klotter")
    category.retired_at = timezone.now()
    category.save()
    client.force_login(reporter)
    row = f"{_yesterday()};;21:00;varby-gard-centrum;klotter;1;"
    response = _upload(client, f"{HEADER}\n{row}\n".encode())
    assert response.status_code == 400
    assert "används inte längre" in response.content.decode()
    _nothing_saved()


def test_ten_thousand_rows_in_one_insert(client, reporter, places, django_assert_max_num_queries):
    client.force_login(reporter)
    assert _upload(client, _big(10_000)).status_code == 302
    batch = ObservationImport.objects.get()
    assert len(batch.rows) == 10_000
    assert client.get(f"{BASE}{batch.pk}/").status_code == 200  # shows the first rows only
    with django_assert_max_num_queries(25):  # 5 INSERTs of 2,000, not 10,000
        client.post(f"{BASE}{batch.pk}/bekrafta/")
    assert Observation.objects.count() == 10_000


def test_sample_file_is_accepted_as_it_is(client, reporter, places):
    client.force_login(reporter)
    sample = client.get(f"{BASE}mall.csv")
    assert sample.status_code == 200
    assert sample["Content-Disposition"].startswith("attachment")
    body = sample.content
    assert body.startswith("\ufeff".encode())
    assert body.decode("utf-8-sig").splitlines()[0] == HEADER
    assert _upload(client, body).status_code == 302
    english = client.get("/en/observations/import/template.csv").content.decode("utf-8-sig")
    assert english.splitlines()[0] == "date;week;time;area;category;count;note"


def test_the_upload_page_links_the_sample_and_lists_columns(client, reporter, places):
    client.force_login(reporter)
    html = client.get(BASE).content.decode()
    assert 'href="/handelser/importera/mall.csv" download' in html
    for column in ("datum", "vecka", "tid", "område", "kategori", "antal", "anteckning"):
        assert f"<code>{column}</code>" in html
    assert "Högst 20 000 rader." in html
    english = client.get("/en/observations/import/").content.decode()
    assert "At most 20 000 rows." in english


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("resident", 404),
        ("coordinator_without_mfa", 404),
        ("member", 403),  # a partner who does not report
        ("outsider", 403),
        ("coordinator", 200),
    ],
)
def test_who_may_import(client, request, organization, places, role, status):
    login_as(client, request, role)
    assert client.get(BASE).status_code == status
    assert client.get(f"{BASE}mall.csv").status_code == status
    if status != 200:
        assert _upload(client, _valid().encode()).status_code == status
        _nothing_saved()


def test_a_coordinator_imports_for_any_approved_organisation(
    coordinator_client, organization, places
):
    good = f"{_yesterday()};;21:00;varby-gard-centrum;nedskrapning;1;"
    response = _upload(
        coordinator_client, f"{HEADER}\n{good}\n".encode(), organization=organization.pk
    )
    assert response.status_code == 302
    assert ObservationImport.objects.get().organization == organization


def test_a_reporter_imports_only_for_their_organisation(
    client, reporter, other_organization, places
):
    client.force_login(reporter)
    response = _upload(client, _valid().encode(), organization=other_organization.pk)
    assert response.status_code == 400
    assert "Välj en av dina egna godkända organisationer" in response.content.decode()
    _nothing_saved()


def test_only_the_uploader_sees_and_confirms(client, reporter, organization, places):
    client.force_login(reporter)
    _upload(client, _valid().encode())
    batch = ObservationImport.objects.get()
    other = factories.UserFactory(email="other.reporter@example.org")
    factories.MembershipFactory(user=other, organization=organization, is_reporter=True)
    client.force_login(other)
    assert client.get(f"{BASE}{batch.pk}/").status_code == 404
    assert client.post(f"{BASE}{batch.pk}/bekrafta/").status_code == 404
    assert not Observation.objects.exists()


def test_a_reporter_no_longer_reporting_cannot_confirm(client, reporter, organization, places):
    client.force_login(reporter)
    _upload(client, _valid().encode())
    batch = ObservationImport.objects.get()
    Membership.objects.filter(user=reporter).update(is_reporter=False)
    assert client.post(f"{BASE}{batch.pk}/bekrafta/").status_code == 403
    assert not Observation.objects.exists()


def test_parse_never_raises_on_random_bytes():
    import random

    rng = random.Random(15)
    for _ in range(50):
        data = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 400)))
        parsed = csv_import.parse(io.BytesIO(data))
        assert not parsed.is_valid
