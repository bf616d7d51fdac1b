"""Onboarding: organisations and initiatives from the partnership's spreadsheet (CSV or XLSX,
Swedish or English headers). Every row's errors are shown and nothing is saved; a clean
preview, once confirmed, creates exactly its rows, with no account and no email."""

import csv
import datetime as dt
import html
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from initiatives.models import Initiative, ScheduleSlot
from partnership.coordination.imports import directory
from partnership.coordination.models import ImportDraft
from stakeholders.models import Organization, User
from tests import factories
from tests.helpers import login_as

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent.parent / "data" / "imports"


def en(name, **kwargs):
    with translation.override("en"):
        return reverse(name, kwargs=kwargs or None)


@pytest.fixture
def vocabulary(db):
    """What the sample files name: an area, a theme and a target group."""
    return {
        "area": factories.AreaFactory(name="Vårby gård"),
        "theme": factories.ThemeFactory(name_sv="Trygghet", name_en="Safety", slug="trygghet"),
        "group": factories.TargetGroupFactory(name_sv="Unga", name_en="Young people", slug="unga"),
    }


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def upload(client, *, organizations=None, initiatives=None, status="approved"):
    data = {"status": status}
    if organizations is not None:
        data["organizations"] = SimpleUploadedFile(organizations[0], organizations[1])
    if initiatives is not None:
        data["initiatives"] = SimpleUploadedFile(initiatives[0], initiatives[1])
    return client.post(en("coordinator:imports:directory"), data)


def csv_file(rows, name="file.csv", delimiter=";") -> tuple[str, bytes]:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return name, out.getvalue().encode()


def xlsx_file(rows, name="file.xlsx") -> tuple[str, bytes]:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return name, buffer.getvalue()


def confirm(client):
    """Press the preview's button (the task runs at once in tests); the preview page then
    says how it went."""
    draft = ImportDraft.objects.get()
    # The task is queued once the request's transaction commits (and runs at once in tests).
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            en("coordinator:imports:directory_confirm", public_id=draft.public_id)
        )
    assert response.url == en("coordinator:imports:directory_preview", public_id=draft.public_id)
    return client.get(response.url)


ORG_HEADER = ["namn", "typ", "områden", "teman"]
INI_HEADER = [
    "title",
    "summary",
    "lead organisation",
    "themes",
    "areas",
    "starts on",
    "weekly times",
]


# --- A clean import --------------------------------------------------------------------------


def test_the_sample_files_are_previewed_then_created_exactly(
    coordinator_client, vocabulary, mailoutbox
):
    users = User.objects.count()
    response = upload(
        coordinator_client,
        organizations=("organisationer.csv", (DATA / "organisations_sv.csv").read_bytes()),
        initiatives=("initiatives.csv", (DATA / "initiatives_en.csv").read_bytes()),
    )
    assert response.status_code == 302, page_text(response)
    assert not Organization.objects.filter(name__startswith="Vårby Idrott").exists()
    preview = page_text(coordinator_client.get(response.url))
    assert "2 organisations and 2 initiatives are ready to import" in preview
    assert "Vårby Idrottsförening" in preview and "Night walk" in preview
    assert "Association" in preview  # the kind as a word

    done = page_text(confirm(coordinator_client))
    assert "2 organisations and 2 initiatives have been imported." in done
    assert "Import them" not in done
    club = Organization.objects.get(name="Vårby Idrottsförening")
    assert club.status == "approved" and club.approved_at is not None
    assert club.kind == "association" and club.website == "https://example.org"
    assert list(club.areas.all()) == [vocabulary["area"]]
    assert list(club.themes.all()) == [vocabulary["theme"]]
    housing = Organization.objects.get(name="Bostadsbolaget Vårby")
    assert housing.kind == "property_owner"
    walk = Initiative.objects.get(title="Night walk")
    assert walk.lead_organization == club and list(walk.partner_organizations.all()) == [housing]
    assert walk.status == "active" and walk.visibility == "public"
    assert list(walk.target_groups.all()) == [vocabulary["group"]]
    assert sorted((s.weekday, s.starts_at, s.ends_at) for s in walk.slots.all()) == [
        (5, dt.time(21), dt.time(1)),
        (6, dt.time(21), dt.time(1)),
    ]
    homework = Initiative.objects.get(title="Homework help")
    assert homework.ends_on == dt.date(2026, 6, 30) and homework.visibility == "partners"
    assert Organization.objects.count() == 2 and Initiative.objects.count() == 2
    assert ScheduleSlot.objects.count() == 3
    # No account, no email; the history says who imported them.
    assert User.objects.count() == users and mailoutbox == []
    assert walk.created_by.is_coordinator
    assert Organization.pgh_event_model.objects.filter(pgh_obj_id=club.pk).exists()
    # Pressing again imports nothing twice.
    draft = ImportDraft.objects.get()
    with TestCase.captureOnCommitCallbacks(execute=True):
        coordinator_client.post(
            en("coordinator:imports:directory_confirm", public_id=draft.public_id)
        )
    assert Organization.objects.count() == 2 and Initiative.objects.count() == 2


def test_organisations_may_start_pending(coordinator_client, vocabulary):
    upload(
        coordinator_client,
        organizations=csv_file([ORG_HEADER, ["Nya föreningen", "Förening", "", ""]]),
        status="pending",
    )
    confirm(coordinator_client)
    new = Organization.objects.get(name="Nya föreningen")
    assert new.status == "pending" and new.approved_at is None


def test_initiatives_may_link_to_an_approved_organisation_already_there(
    coordinator_client, vocabulary
):
    factories.OrganizationFactory(name="Polisen")
    response = upload(
        coordinator_client,
        initiatives=csv_file(
            [
                INI_HEADER,
                [
                    "Trygg helg",
                    "Polisen syns.",
                    "polisen",
                    "Safety",
                    "Vårby gård",
                    "2026-03-01",
                    "",
                ],
            ]
        ),
    )
    assert response.status_code == 302
    confirm(coordinator_client)
    assert Initiative.objects.get().lead_organization.name == "Polisen"


def test_an_xlsx_workbook_with_swedish_headers_is_read(coordinator_client, vocabulary):
    rows = [ORG_HEADER, ["Skolan", "Skola", "Vårby gård", "Trygghet, safety"]]
    response = upload(coordinator_client, organizations=xlsx_file(rows))
    assert response.status_code == 302
    confirm(coordinator_client)
    assert Organization.objects.get(name="Skolan").kind == "school"


def test_the_templates_in_both_languages_come_back_clean(coordinator_client, vocabulary):
    for language in ("sv", "en"):
        with translation.override(language):
            organizations = coordinator_client.get(
                reverse("coordinator:imports:template_xlsx", kwargs={"sheet": "organizations"})
            )
            initiatives = coordinator_client.get(
                reverse("coordinator:imports:template_csv", kwargs={"sheet": "initiatives"})
            )
        assert organizations["Content-Type"].startswith("application/vnd.openxmlformats")
        header = next(
            load_workbook(io.BytesIO(organizations.content)).active.iter_rows(values_only=True)
        )
        assert header[0] == ("namn" if language == "sv" else "name")
        assert initiatives.content.decode("utf-8-sig").startswith(
            "titel;" if language == "sv" else "title;"
        )
        response = upload(
            coordinator_client,
            organizations=("o.xlsx", organizations.content),
            initiatives=("i.csv", initiatives.content),
        )
        assert response.status_code == 302, page_text(response)
        ImportDraft.objects.all().delete()


def test_an_unknown_template_is_404(coordinator_client):
    assert (
        coordinator_client.get(en("coordinator:imports:template_csv", sheet="people")).status_code
        == 404
    )


# --- Every row's errors, nothing saved -------------------------------------------------------


def test_every_rows_errors_are_shown_and_nothing_is_saved(coordinator_client, vocabulary):
    factories.OrganizationFactory(name="Väntande", status="pending")
    organizations = csv_file(
        [
            ORG_HEADER,
            ["Klubben", "Förening", "Vårby gård", "Trygghet"],
            ["Klubben", "Förening", "", ""],
            ["Utan typ", "Rymdstation", "Mars", ""],
        ]
    )
    initiatives = csv_file(
        [
            [*INI_HEADER, "ends on"],
            ["OK", "Fine.", "Klubben", "Safety", "Vårby gård", "2026-01-01", "fre 21-01", ""],
            ["Bad", "", "Okänd", "Fiske", "", "2026-13-01", "fredag kväll", ""],
            [
                "Back",
                "Ends first.",
                "Väntande",
                "Safety",
                "Vårby gård",
                "2026-05-01",
                "mån 10-10",
                "2026-04-01",
            ],
        ]
    )
    response = upload(coordinator_client, organizations=organizations, initiatives=initiatives)
    assert response.status_code == 400
    text = page_text(response)
    assert "4 of 6 rows have errors and nothing was saved" in text
    assert "The name “Klubben” is also on row 2." in text
    assert "Kind: Select a valid choice." in text and "Unknown area “Mars”." in text
    assert "Summary: This field is required." in text
    assert "Unknown organisation “Okänd”" in text and "Unknown theme “Fiske”." in text
    assert "Give at least one area." in text and "Starts on: Enter a valid date." in text
    assert "“fredag kväll” is not a weekly time" in text
    assert "The organisation “Väntande” is not approved." in text
    assert "The end date cannot be before the start date." in text
    assert "The end time must differ from the start time." in text
    assert 'class="error-summary"' in text
    assert Organization.objects.count() == 1 and not Initiative.objects.exists()
    assert not ImportDraft.objects.exists()


def test_a_name_already_in_the_partnership_is_refused(coordinator_client, vocabulary):
    factories.OrganizationFactory(name="Polisen")
    response = upload(
        coordinator_client, organizations=csv_file([ORG_HEADER, ["POLISEN", "Polis", "", ""]])
    )
    assert response.status_code == 400
    assert "An organisation named “Polisen” is already in the partnership." in page_text(response)


# --- Bad files -------------------------------------------------------------------------------


def test_a_file_in_another_encoding_is_refused(coordinator_client, vocabulary):
    content = "namn;typ\nFöreningen Vårby;Förening\n".encode("cp1252")
    response = upload(coordinator_client, organizations=("o.csv", content))
    assert response.status_code == 400
    assert "The file is not in the UTF-8 encoding" in page_text(response)
    assert 'href="#id_organizations"' in page_text(response)


def test_an_empty_file_is_refused(coordinator_client):
    response = upload(coordinator_client, organizations=("o.csv", b""))
    assert response.status_code == 400
    assert "The submitted file is empty." in page_text(
        response
    ) or "The file is empty." in page_text(response)


def test_a_header_without_rows_is_refused(coordinator_client):
    response = upload(coordinator_client, organizations=csv_file([ORG_HEADER]))
    assert response.status_code == 400
    assert "The file has a header row but no rows." in page_text(response)


def test_wrong_columns_are_refused(coordinator_client):
    response = upload(coordinator_client, initiatives=csv_file([["namn", "typ"], ["A", "B"]]))
    assert response.status_code == 400
    text = page_text(response)
    assert "Columns missing from the first row:" in text and "“titel” / “title”" in text
    assert 'href="#id_initiatives"' in text


def test_an_xlsx_with_formulas_is_refused(coordinator_client, vocabulary):
    rows = [
        ORG_HEADER,
        ["Klubben", "Förening", "Vårby gård", "Trygghet"],
        ['=A2&"2"', "Förening", "", ""],
    ]
    response = upload(coordinator_client, organizations=xlsx_file(rows))
    assert response.status_code == 400
    assert "Cell A3 holds a formula." in page_text(response)
    assert not Organization.objects.exists()


def test_an_old_excel_file_is_refused(coordinator_client):
    response = upload(
        coordinator_client, organizations=("o.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    )
    assert response.status_code == 400
    assert "old Excel workbook (.xls)" in page_text(response)


def test_a_file_over_the_size_cap_is_refused(coordinator_client):
    content = b"namn;typ\n" + b"A;B\n" * (directory.MAX_BYTES // 4)
    response = upload(coordinator_client, organizations=("o.csv", content))
    assert response.status_code == 400
    assert "The file is larger than 5 MB" in page_text(response)


def test_more_rows_than_the_cap_are_refused(coordinator_client, monkeypatch):
    monkeypatch.setattr(directory, "MAX_ROWS", 3)
    rows = [ORG_HEADER] + [[f"Org {n}", "Förening", "", ""] for n in range(4)]
    response = upload(coordinator_client, organizations=csv_file(rows))
    assert response.status_code == 400
    assert "The file has more than 3 rows; import at most 3 at a time." in page_text(response)
    # An .xlsx is read no further than the limit: a small file may unpack to a huge sheet.
    response = upload(coordinator_client, organizations=xlsx_file(rows * 50))
    assert response.status_code == 400
    assert "The file has more than 3 rows" in page_text(response)


def test_the_upload_form_sent_empty_shows_the_error_summary(coordinator_client):
    response = coordinator_client.post(en("coordinator:imports:directory"), {})
    assert response.status_code == 400
    text = page_text(response)
    assert 'class="error-summary"' in text
    assert 'href="#id_organizations"' in text and 'href="#id_status_0"' in text


# --- 10,000 rows -----------------------------------------------------------------------------


def spreadsheet(count: int) -> tuple[tuple[str, bytes], tuple[str, bytes]]:
    """100 organisations and ``count`` initiatives led by them, every row valid."""
    organizations = [ORG_HEADER] + [
        [f"Förening {n}", "Förening", "Vårby gård", "Trygghet"] for n in range(100)
    ]
    initiatives = [INI_HEADER] + [
        [
            f"Insats {n}",
            "Något vi gör.",
            f"Förening {n % 100}",
            "Trygghet",
            "Vårby gård",
            "2026-01-01",
            "fre 21:00–01:00",
        ]
        for n in range(count)
    ]
    return csv_file(organizations), csv_file(initiatives)


def test_checking_a_file_takes_as_many_queries_for_10_rows_as_for_10_000(vocabulary):
    """The speed contract: a file is checked in a fixed number of queries (the names are
    looked up once), so its time grows only with the Python work per row."""
    counts = []
    for count in (10, 10_000):
        organizations, initiatives = spreadsheet(count)
        with CaptureQueriesContext(connection) as queries:
            parsed = directory.parse_directory(
                organizations=organizations[1], initiatives=initiatives[1], status="approved"
            )
        assert parsed.is_valid and len(parsed.initiatives) == count
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 6, counts


def test_ten_thousand_rows_preview_and_import(coordinator_client, vocabulary):
    """10,000 rows go through the pages; the time is a benchmark's business (README), the
    query count is pinned above."""
    organizations, initiatives = spreadsheet(10_000)
    response = upload(coordinator_client, organizations=organizations, initiatives=initiatives)
    assert response.status_code == 302, page_text(response)[:2000]
    assert coordinator_client.get(response.url).status_code == 200
    assert "have been imported" in page_text(confirm(coordinator_client))
    assert Organization.objects.count() == 100
    assert Initiative.objects.count() == 10_000 and ScheduleSlot.objects.count() == 10_000
    assert len(set(Initiative.objects.values_list("slug", flat=True))) == 10_000


def test_ten_thousand_rows_with_an_error_each_are_all_listed(coordinator_client, vocabulary):
    initiatives = [INI_HEADER] + [
        [f"Insats {n}", "Något.", "Okänd", "Trygghet", "Vårby gård", "2026-01-01", ""]
        for n in range(10_000)
    ]
    response = upload(coordinator_client, initiatives=csv_file(initiatives))
    assert response.status_code == 400
    assert len(response.context["error_rows"]) == 10_000
    assert "10000 of 10000 rows have errors" in page_text(response)


# --- Who may ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", ["resident", "member", "org_admin", "outsider", "coordinator_without_mfa"]
)
def test_only_a_coordinator_with_the_second_factor_may_import(client, request, role, vocabulary):
    login_as(client, request, role)
    pages = [
        client.get(en("coordinator:imports:index")),
        client.get(en("coordinator:imports:directory")),
        client.get(en("coordinator:imports:template_csv", sheet="organizations")),
        upload(client, organizations=csv_file([ORG_HEADER, ["X", "Förening", "", ""]])),
    ]
    for response in pages:
        assert response.status_code in (302, 403)
        if response.status_code == 302:
            assert response.url.startswith((en("account_login"), en("mfa_activate_totp")))
    assert not ImportDraft.objects.exists()
    assert not Organization.objects.filter(name="X").exists()


def test_the_confirmation_reads_the_files_again(coordinator_client, vocabulary):
    upload(
        coordinator_client, organizations=csv_file([ORG_HEADER, ["Klubben", "Förening", "", ""]])
    )
    factories.OrganizationFactory(name="Klubben")  # registered meanwhile
    page = page_text(confirm(coordinator_client))
    assert "Nothing was imported: 1 row has an error now" in page
    assert Organization.objects.count() == 1


def test_the_organisations_page_leads_to_the_imports(coordinator_client):
    organizations = page_text(coordinator_client.get(en("coordinator:organizations")))
    assert f'href="{en("coordinator:imports:index")}"' in organizations
    index = page_text(coordinator_client.get(en("coordinator:imports:index")))
    assert en("coordinator:imports:areas") in index and en("coordinator:imports:directory") in index
