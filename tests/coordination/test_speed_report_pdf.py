"""The partnership report's PDF at scale (issue 12): its per-area tables print the busiest
areas and add the others up in one row (the page lists every area), so a partnership of
hundreds of areas gets a report of a few pages, in a fixed number of queries."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from partnership.coordination import report_views
from tests import factories
from tests.helpers import query_count

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PERIOD = {"starts_on": (TODAY - dt.timedelta(days=30)).isoformat(), "ends_on": TODAY.isoformat()}


def url(name):
    with translation.override("en"):
        return reverse(f"coordinator:dashboard:{name}")


def pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def plant(count: int, first: int = 0):
    """Areas "Område 1", "Område 2", … with that many observations (and problems)."""
    for n in range(first + 1, first + count + 1):
        area = factories.AreaFactory(name=f"Område {n}")
        factories.ObservationFactory(
            area=area, observed_on=TODAY - dt.timedelta(days=1), count=10 * n
        )
        for _ in range(n):
            factories.ProblemFactory(area=area)


def test_the_pdf_prints_the_busiest_areas_and_adds_up_the_others(coordinator_client, monkeypatch):
    monkeypatch.setattr(report_views, "REPORT_PDF_AREAS", 2)
    plant(4)  # observations 10, 20, 30, 40; problems 1, 2, 3, 4
    text = pdf_text(coordinator_client.get(url("report_pdf"), PERIOD))
    assert "Område 4 40 40" in text and "Område 3 30 30" in text  # area, category, total
    assert "Område 2 20 20" not in text and "Område 1 10 10" not in text
    assert "Område 4: 4 problems" in text and "Område 2: 2 problems" not in text
    assert "2 other areas 30 30" in text  # 10 + 20 observations: the category and the total
    assert "All areas 100 100" in text
    assert "2 other areas: 3 problems" in text
    assert "The 2 areas with the most observations" in text
    page = coordinator_client.get(url("report"), PERIOD).text
    for n in range(1, 5):
        assert f"Område {n}" in page  # the page lists every area


def test_the_pdf_takes_as_many_queries_with_more_areas(coordinator_client, monkeypatch):
    monkeypatch.setattr(report_views, "REPORT_PDF_AREAS", 3)
    plant(2)
    coordinator_client.get(url("report_pdf"), PERIOD)
    few = query_count(coordinator_client, url("report_pdf"), PERIOD)
    plant(12, first=2)
    many, response = query_count(coordinator_client, url("report_pdf"), PERIOD, with_response=True)
    assert "11 other areas" in pdf_text(response)
    assert many == few
