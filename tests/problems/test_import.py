"""Importing a safety walk or survey from CSV: the template, a valid file end to end, and
every kind of bad file — each gets a clear message per row or per file, nothing is saved,
never a 500."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from partnership.problems import csv_import as problem_import
from partnership.problems.models import Problem, SafetyWalk
from tests import factories
from tests.helpers import login_as

pytestmark = pytest.mark.django_db

BASE = "/en/problems/walks/"
HEADER = "rubrik;beskrivning;område;teman;datum;veckodagar;tid från;tid till;allvarlighet"


@pytest.fixture
def vocabulary(db):
    area = factories.AreaFactory(name="Vårby gård centrum", slug="varby-gard-centrum")
    factories.ThemeFactory(name_sv="Belysning", name_en="Lighting", slug="belysning")
    factories.ThemeFactory(name_sv="Nedskräpning", name_en="Littering", slug="nedskrapning")
    return area


def _upload(client, content: bytes, name="vandring.csv", **data):
    payload = {
        "title": "Trygghetsvandring hösten",
        "source": "safety_walk",
        "held_on": (timezone.localdate() - dt.timedelta(days=3)).isoformat(),
        "visibility": "partners",
        "file": SimpleUploadedFile(name, content, content_type="text/csv"),
        **data,
    }
    return client.post(f"{BASE}import/", payload)


def _nothing_saved():
    assert not Problem.objects.exists()
    assert not SafetyWalk.objects.exists()


VALID = (
    HEADER
    + "\nMörk gångväg;Tre lampor är trasiga.;Vårby gård centrum;Belysning;;fre, lör;22:00;02:00;4"
    + "\nFullt i papperskorgar;Efter helgen.;varby-gard-centrum;nedskräpning, Lighting;"
    + "2026-01-10;;;;"
)


def test_valid_file_preview_then_confirm(client, member, organization, vocabulary):
    client.force_login(member)
    response = _upload(client, VALID.encode("utf-8-sig"))
    assert response.status_code == 302
    walk = SafetyWalk.objects.get()
    assert walk.confirmed_at is None and not Problem.objects.exists()  # a draft only
    preview = client.get(response.url)
    assert preview.status_code == 200
    assert "Mörk gångväg" in preview.text and "Fullt i papperskorgar" in preview.text
    # Someone else cannot see or confirm the draft.
    other = factories.UserFactory()
    factories.MembershipFactory(user=other, organization=organization)
    client.force_login(other)
    assert client.get(response.url).status_code == 404
    assert client.post(f"{BASE}{walk.public_id}/confirm/").status_code == 404
    client.force_login(member)
    response = client.post(f"{BASE}{walk.public_id}/confirm/")
    assert response.status_code == 302
    problems = Problem.objects.order_by("title")
    assert [p.title for p in problems] == ["Fullt i papperskorgar", "Mörk gångväg"]
    first, second = problems
    assert all(p.source == "safety_walk" and p.walk == walk for p in problems)
    assert first.observed_on == dt.date(2026, 1, 10)
    assert second.observed_on == walk.held_on  # no date in the row: the walk's
    assert second.weekdays == [5, 6] and second.severity == 4
    assert second.time_from == dt.time(22) and second.time_to == dt.time(2)
    assert sorted(first.themes.values_list("slug", flat=True)) == ["belysning", "nedskrapning"]
    assert all(p.recorded_by_organization == organization for p in problems)
    assert all(p.visibility == "partners" for p in problems)
    # Confirming twice does nothing more.
    client.post(f"{BASE}{walk.public_id}/confirm/")
    assert Problem.objects.count() == 2
    page = client.get(f"{BASE}{walk.public_id}/")
    assert page.status_code == 200 and "Mörk gångväg" in page.text
    assert "Trygghetsvandring hösten" in client.get(BASE).text


def test_comma_separated_english_headers_are_accepted(client, member, vocabulary):
    client.force_login(member)
    content = (
        "title,description,area,themes,date\n"
        '"Dark path","Lamps broken.","Vårby gård centrum","Lighting, Littering",2026-02-01\n'
    )
    assert _upload(client, content.encode()).status_code == 302


def _errors(client, content: bytes, name="vandring.csv"):
    response = _upload(client, content, name=name)
    assert response.status_code == 400
    _nothing_saved()
    return response.text


def test_wrong_encoding(client, member, vocabulary):
    client.force_login(member)
    text = _errors(client, VALID.encode("cp1252"))
    assert "not in the UTF-8 encoding" in text


def test_missing_columns(client, member, vocabulary):
    client.force_login(member)
    text = _errors(client, "rubrik;område\nMörk gångväg;Vårby gård centrum\n".encode())
    assert "Columns missing" in text and "beskrivning" in text and "teman" in text


def test_bad_rows_each_get_their_message(client, member, vocabulary):
    client.force_login(member)
    content = (
        HEADER
        + "\nOK-rad;Beskrivning;Vårby gård centrum;Belysning;;;;;"
        + "\nFel datum;Beskrivning;Vårby gård centrum;Belysning;14/9/2026;;;;"
        + "\nFel område;Beskrivning;Atlantis;Belysning;;;;;"
        + "\nFel tema;Beskrivning;Vårby gård centrum;Rymdskepp;;;;;"
        + "\nFel allt;;;;2999-01-01;blurgsdag;25:00;;9"
    )
    text = _errors(client, content.encode())
    assert "is not a date" in text
    assert "Unknown area “Atlantis”" in text
    assert "Unknown theme “Rymdskepp”" in text
    assert "The description is empty" in text and "The date is in the future" in text
    assert "Unknown weekday" in text and "not a time of day" in text
    assert "from 1 to 5" in text
    assert "4 of 5 rows have errors" in text
    assert "OK-rad" in text  # every row is shown


def test_too_many_rows(client, member, vocabulary):
    client.force_login(member)
    rows = "\n".join(f"Rad {i};B;Vårby gård centrum;Belysning" for i in range(10_000))
    text = _errors(client, f"rubrik;beskrivning;område;teman\n{rows}\n".encode())
    assert "10000 findings" in text or "10,000 findings" in text


def test_binary_and_excel_files(client, member, vocabulary):
    client.force_login(member)
    assert "not a text file" in _errors(client, bytes(range(256)) * 10, name="bild.png")
    assert "Excel workbook" in _errors(client, b"PK\x03\x04" + b"\x00" * 100, name="v.xlsx")


def test_empty_and_header_only_and_too_large(client, member, vocabulary):
    client.force_login(member)
    assert "required" in _upload(client, b"").text.lower() or "empty" in _upload(client, b"").text
    _nothing_saved()
    assert "no findings" in _errors(client, (HEADER + "\n;;;\n").encode())
    big = HEADER.encode() + b"\n" + b"x" * (problem_import.MAX_BYTES + 10)
    assert "larger than" in _errors(client, big)


def test_walk_form_errors_keep_the_input(client, member, vocabulary):
    client.force_login(member)
    response = _upload(client, VALID.encode(), title="", held_on="2099-01-01")
    assert response.status_code == 400
    assert "This field is required" in response.text and "future" in response.text
    _nothing_saved()


def test_template_download_is_importable(client, member, vocabulary):
    client.force_login(member)
    response = client.get(f"{BASE}template.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert _upload(client, response.content).status_code == 302
    assert (
        client.get("/problem/vandringar/mall.csv")
        .content.decode("utf-8-sig")
        .startswith("rubrik;beskrivning")
    )


@pytest.mark.parametrize(
    ("role", "status"),
    [("resident", 302), ("member", 200), ("outsider", 200), ("coordinator", 200)],
)
def test_import_page_for_each_role(client, request, vocabulary, role, status):
    login_as(client, request, role)
    assert client.get(f"{BASE}import/").status_code == status
    assert client.get(BASE).status_code == status


def test_parse_never_raises_on_garbage():
    from io import BytesIO

    for data in [b"\xff\xfe\x00", b'"unterminated\n', b"a;b\n" * 3, "å;ä;ö\n1;2;3".encode()]:
        parsed = problem_import.parse_findings(BytesIO(data))
        assert not parsed.is_valid


def test_unreadable_row_gets_our_message_not_pythons(client, member, vocabulary, monkeypatch):
    """A cell beyond the csv module's field limit (an unclosed quotation mark swallowing the
    rest of the file, or pasted text), and any other error of the csv module: the page names
    the row in the user's language, without Python's English error text."""
    client.force_login(member)
    huge = "x" * 200_000
    content = f'{HEADER}\nOK-rad;Beskrivning;Vårby gård centrum;Belysning\n"Lång;{huge}\n'
    with translation.override("sv"):
        swedish_import = reverse("problems:walk_import")
    response = client.post(
        swedish_import,
        {
            "title": "Trygghetsvandring hösten",
            "source": "safety_walk",
            "held_on": (timezone.localdate() - dt.timedelta(days=3)).isoformat(),
            "visibility": "partners",
            "file": SimpleUploadedFile("vandring.csv", content.encode(), content_type="text/csv"),
        },
    )
    _nothing_saved()
    assert "Rad 3 går inte att läsa: en cell är längre än 131" in response.text
    assert "field larger than field limit" not in response.text
    assert "Filen kan inte läsas som CSV" not in response.text

    # Python 3.13's reader raises nothing else on any input; older ones did ("line contains
    # NUL"), and a later one may again.
    def reader_failing_on_row_2(*args, **kwargs):
        yield ["rubrik", "beskrivning", "område", "teman"]
        raise problem_import.csv.Error("line contains NUL")

    monkeypatch.setattr(problem_import.csv, "reader", reader_failing_on_row_2)
    text = _upload(client, VALID.encode()).text
    _nothing_saved()
    assert "Row 2 cannot be read as CSV. Check its quotation marks" in text
    assert "NUL" not in text
