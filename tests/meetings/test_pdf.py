"""The PDFs (partnership/pdf.py, WeasyPrint): the minutes and the partnership report are A4,
name the partnership and the meeting date or period, number their pages ("Sida X av Y") and
lose nothing: the text extracted with pypdf holds every agenda item and every theme."""

import datetime as dt
import io

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from partnership.meetings import services
from partnership.models import Theme
from tests import factories
from tests.meetings.conftest import TODAY

pytestmark = pytest.mark.django_db

A4 = (595, 842)  # points, rounded


def sv(name, *args):
    with translation.override("sv"):
        return reverse(name, args=args or None)


def _pdf(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    sizes = [tuple(round(float(v)) for v in page.mediabox[2:]) for page in reader.pages]
    return reader, text, sizes


def test_the_minutes_hold_every_item_and_decision(
    coordinator_client, organization, dashboard, make_meeting
):
    meeting = make_meeting([organization], day=TODAY - dt.timedelta(days=2))
    actor = meeting.created_by
    for n in range(25):  # enough for several pages
        services.agenda_item_add(
            meeting=meeting, title=f"Övrig punkt {n}: åtgärder vid torget", detail="", actor=actor
        )
    item = meeting.items.get(position=1)
    services.minutes_save(
        meeting=meeting,
        attendance="Polisen, Huge Bostäder",
        minutes={item.pk: "Gruppen gick igenom läget."},
        actor=actor,
    )
    services.decision_record(
        item=item,
        kind="task",
        data={
            "text": "Ordna ett möte med skolan",
            "organization": organization,
            "due_on": TODAY + dt.timedelta(days=9),
        },
        actor=actor,
    )
    reader, text, sizes = _pdf(coordinator_client.get(sv("meetings:pdf", meeting.public_id)))
    assert len(reader.pages) > 1
    assert set(sizes) == {A4}
    assert settings.PORTAL_NAME in text
    assert (TODAY - dt.timedelta(days=2)).isoformat() in text
    assert f"Sida 1 av {len(reader.pages)}" in text
    assert f"Sida {len(reader.pages)} av {len(reader.pages)}" in text
    for agenda_item in meeting.items.all():
        assert " ".join(agenda_item.title.split()) in text, agenda_item.title
    assert "Gruppen gick igenom läget." in text
    assert "Ordna ett möte med skolan" in text
    assert "Polisen, Huge Bostäder" in text


def test_an_invited_partner_downloads_the_minutes_in_english(
    client, member, organization, make_meeting
):
    meeting = make_meeting([organization])
    services.agenda_item_add(
        meeting=meeting, title="Belysning", detail="", actor=meeting.created_by
    )
    client.force_login(member)
    with translation.override("en"):
        url = reverse("meetings:pdf", args=[meeting.public_id])
    reader, text, _sizes = _pdf(client.get(url))
    assert "Page 1 of 1" in text
    assert "Belysning" in text


def test_the_report_loses_no_theme(coordinator_client, organization):
    district = factories.AreaFactory(name="Vårby gård")
    areas = [factories.AreaFactory(name=f"Kvarter {n}", parent=district) for n in range(7)]
    themes = [
        factories.ThemeFactory(name_sv=f"Tematisk verksamhet nummer {n}", name_en=f"Theme {n}")
        for n in range(16)
    ]
    for n, theme in enumerate(themes):
        factories.InitiativeFactory(
            lead_organization=organization, areas=[areas[n % 7]], themes=[theme]
        )
    with translation.override("sv"):
        url = reverse("coordinator:dashboard:report_pdf")
    reader, text, sizes = _pdf(coordinator_client.get(url))
    assert Theme.objects.count() == 16
    for theme in Theme.objects.all():
        assert theme.name_sv in text, theme.name_sv
    for area in areas:
        assert area.name in text
    year = TODAY.year
    assert settings.PORTAL_NAME in text
    assert f"{year}-01-01 – {year}-12-31" in text
    assert f"Sida 1 av {len(reader.pages)}" in text
    # Portrait A4, with the coverage on a landscape page.
    assert A4 in sizes and tuple(reversed(A4)) in sizes


def test_a_pdf_fetches_nothing_from_outside(coordinator_client, organization, make_meeting):
    meeting = make_meeting([organization])
    services.agenda_item_add(
        meeting=meeting,
        title='<img src="http://127.0.0.1:9/x.png"> <link rel=stylesheet href="file:///etc/passwd">',
        detail="",
        actor=meeting.created_by,
    )
    _reader, text, _sizes = _pdf(coordinator_client.get(sv("meetings:pdf", meeting.public_id)))
    assert '<img src="http://127.0.0.1:9/x.png">' in text  # shown as text, never fetched


def test_a_report_pdf_with_a_bad_period_says_so(coordinator_client):
    response = coordinator_client.get(
        sv("coordinator:dashboard:report_pdf"),
        {"starts_on": "2026-12-31", "ends_on": "2026-01-01"},
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
