"""What residents and partners see of the reports: residents counts only (never a point, a
text or a date), partners the reports with rounded points and texts not hidden, a coordinator
hides texts and makes a problem of a cluster, which then shows on "Ni sa, vi gjorde"; old
reports are deleted; who may do what; fixed query counts."""

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from partnership.problems.from_reports import prefill, time_span
from partnership.problems.models import Problem
from partnership.residents import services
from partnership.residents.models import ResidentReport
from tests import factories
from tests.helpers import login_as, query_count

pytestmark = pytest.mark.django_db

SECRET_TEXT = "Trappan vid port sju luktar illa"
HIDDEN_TEXT = "Förolämpande text som döljs"


def report(area, **fields):
    values = {
        "kind": "unsafe",
        "area": area,
        "reasons": ["badly_lit"],
        "times_of_day": ["evening"],
        "weekdays": [5],
        "latitude": 59.264712,
        "longitude": 17.884321,
    }
    values.update(fields)
    return services.report_create(**values)


@pytest.fixture
def reports(places):
    centrum, norra = places["centrum"], places["norra"]
    made = [
        report(centrum, text=SECRET_TEXT),
        report(centrum, reasons=["badly_lit", "drugs"], times_of_day=["night"], weekdays=[6]),
        report(centrum, kind="safe", reasons=["other"], times_of_day=[], weekdays=[]),
        report(norra, reasons=["traffic"], latitude=59.269, longitude=17.887, text=HIDDEN_TEXT),
    ]
    services.report_hide_text(report=made[3], hidden=True)
    return made


# --- Residents: counts only ---------------------------------------------------------------------


def test_the_public_counts_never_show_a_point_a_text_or_a_date(client, places, reports):
    pages = [
        client.get("/en/tell-us/what-residents-say/"),
        client.get("/en/tell-us/what-residents-say/varby-gard-centrum/"),
        client.get("/sag-till/vad-boende-sager/varby-gard/"),
    ]
    for response in pages:
        assert response.status_code == 200
        page = response.content.decode()
        for secret in (SECRET_TEXT, HIDDEN_TEXT, "59.26", "17.88", "59,26", "17,88"):
            assert secret not in page
        assert str(reports[0].public_id) not in page
        assert timezone.localdate().isoformat() not in page


def test_the_public_counts_add_up_by_reason_and_time_with_sub_areas(client, places, reports):
    response = client.get("/en/tell-us/what-residents-say/varby-gard-centrum/")
    counts = response.context["counts"]
    assert (counts.unsafe, counts.safe) == (2, 1)
    rows = {row["label"]: (row["unsafe"], row["safe"]) for row in counts.reason_rows}
    assert rows["Badly lit"] == (2, 0)
    assert rows["Drug dealing or use"] == (1, 0)
    assert rows["Other"] == (0, 1)
    times = {row["label"]: (row["unsafe"], row["safe"]) for row in counts.time_rows}
    assert times["Evening (17–22)"] == (1, 0) and times["Night (22–06)"] == (1, 0)
    assert times["Any time"] == (0, 1)
    whole = client.get("/en/tell-us/what-residents-say/varby-gard/").context["counts"]
    assert (whole.unsafe, whole.safe) == (3, 1)  # the north's report rolls up
    page = client.get("/en/tell-us/what-residents-say/").content.decode()
    assert "/en/tell-us/what-residents-say/varby-gard-centrum/" in page


def test_an_unknown_area_is_a_404(client, places):
    assert client.get("/en/tell-us/what-residents-say/nowhere/").status_code == 404


def test_the_public_counts_take_a_fixed_number_of_queries(client, places, reports):
    url = "/en/tell-us/what-residents-say/varby-gard/"
    before = query_count(client, url)
    for _ in range(20):
        report(places["centrum"], reasons=["traffic", "litter"], times_of_day=["morning"])
    assert query_count(client, url) == before <= 6


# --- Partners -----------------------------------------------------------------------------------


def test_partners_read_reports_with_rounded_points_and_texts_not_hidden(
    client, member, places, reports
):
    client.force_login(member)
    page = client.get("/en/tell-us/reports/").content.decode()
    assert SECRET_TEXT in page
    assert HIDDEN_TEXT not in page and "Hidden by a coordinator" in page
    assert "59.2645, 17.8839" in page  # the 50 m grid, not 59.2647, 17.8843
    assert "59.2647" not in page
    assert "Make a problem" not in page  # only coordinators
    data = json.loads(client.get("/en/tell-us/reports/map.geojson").content)
    points = {tuple(f["geometry"]["coordinates"]) for f in data["features"]}
    assert (17.8839, 59.2645) in points
    texts = {f["properties"]["text"] for f in data["features"]}
    assert SECRET_TEXT in texts and HIDDEN_TEXT not in texts


def test_the_partners_list_filters_by_area_reason_kind_and_period(client, member, places, reports):
    client.force_login(member)

    def listed(**params):
        response = client.get("/en/tell-us/reports/", params)
        return {r.public_id for r in response.context["page"].object_list}

    ids = [r.public_id for r in reports]
    assert listed(area=places["norra"].pk) == {ids[3]}
    assert listed(area=places["varby"].pk) == set(ids)
    assert listed(reason="drugs") == {ids[1]}
    assert listed(kind="safe") == {ids[2]}
    today = timezone.localdate()
    assert listed(sent_from=(today + dt.timedelta(days=1)).isoformat()) == set()
    assert listed(sent_until=today.isoformat()) == set(ids)
    geo = json.loads(client.get("/en/tell-us/reports/map.geojson", {"reason": "traffic"}).content)
    assert len(geo["features"]) == 1


def test_a_bad_filter_gets_the_error_summary_not_a_500(client, member, places, reports):
    client.force_login(member)
    response = client.get(
        "/en/tell-us/reports/", {"sent_from": "2026-05-01", "sent_until": "2026-01-01"}
    )
    assert response.status_code == 400
    assert "The end is before the start." in response.content.decode()
    for params in ({"reason": "aliens"}, {"area": "x"}, {"sent_from": "9999-99-99"}):
        assert client.get("/en/tell-us/reports/", params).status_code == 400
        assert client.get("/en/tell-us/reports/map.geojson", params).status_code == 400


def test_the_partners_list_takes_a_fixed_number_of_queries(client, member, places, reports):
    client.force_login(member)
    before = query_count(client, "/en/tell-us/reports/")
    problem = factories.ProblemFactory(area=places["centrum"])
    for _ in range(15):
        problem.resident_reports.add(report(places["centrum"], text="Skräp"))
    assert query_count(client, "/en/tell-us/reports/") == before
    assert query_count(client, "/en/tell-us/reports/map.geojson") <= before


# --- Coordinators ---------------------------------------------------------------------------------


def test_a_coordinator_hides_and_shows_a_text(coordinator_client, places, reports):
    target = reports[0]
    page = coordinator_client.get("/en/tell-us/reports/").content.decode()
    assert HIDDEN_TEXT in page  # coordinators still read a hidden text, marked
    response = coordinator_client.post(
        f"/en/tell-us/reports/{target.public_id}/hide/",
        {"next": "/en/tell-us/reports/?kind=unsafe"},
    )
    assert response["Location"] == "/en/tell-us/reports/?kind=unsafe"
    target.refresh_from_db()
    assert target.text_hidden_at is not None and target.shown_text == ""
    coordinator_client.post(f"/en/tell-us/reports/{target.public_id}/show/")
    target.refresh_from_db()
    assert target.text_hidden_at is None
    # An outside "next" is not followed.
    response = coordinator_client.post(
        f"/en/tell-us/reports/{target.public_id}/hide/", {"next": "https://evil.example/"}
    )
    assert response["Location"] == "/en/tell-us/reports/"


def test_time_spans_from_parts_of_the_day():
    assert time_span({"evening", "night"}) == (dt.time(17), dt.time(6))
    assert time_span({"night", "morning"}) == (dt.time(22), dt.time(10))
    assert time_span({"daytime"}) == (dt.time(10), dt.time(17))
    assert time_span({"morning", "evening"}) is None  # a gap between them
    assert time_span(set()) is None
    assert time_span({"morning", "daytime", "evening", "night"}) is None


def test_the_problem_form_is_prefilled_from_the_reports(places, reports, settings):
    settings.RESIDENT_REASON_THEMES = {"badly_lit": ["belysning"], "drugs": ["droger"]}
    lighting = factories.ThemeFactory(slug="belysning")
    drugs = factories.ThemeFactory(slug="droger")
    initial = prefill([reports[0], reports[1], reports[3]])
    assert initial["area"] == places["varby"].pk  # the common area of centrum and norra
    assert initial["source"] == Problem.Source.RESIDENT_REPORT
    assert set(initial["themes"]) == {lighting.pk, drugs.pk}
    assert initial["weekdays"] == [5, 6]
    assert (initial["time_from"], initial["time_to"]) == (dt.time(17), dt.time(6))
    assert initial["visibility"] == "public"
    assert "3 synpunkter från boende" in initial["description"]  # Swedish by default
    assert SECRET_TEXT not in initial["description"]  # residents' texts are never copied
    only_centrum = prefill(reports[:2])
    assert only_centrum["area"] == places["centrum"].pk


def test_a_coordinator_turns_a_cluster_into_a_problem_shown_on_you_said_we_did(
    client, coordinator_client, organization, places, reports
):
    chosen = reports[:2]
    query = "&".join(f"report={r.public_id}" for r in chosen)
    page = coordinator_client.get(f"/en/problems/new/from-reports/?{query}")
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["source"] == "resident_report"
    assert form.initial["area"] == places["centrum"].pk
    data = {
        "organization": organization.pk,
        "title": "Mörkt vid tunnelbanan",
        "description": "Två boende säger att det är mörkt.",
        "area": places["centrum"].pk,
        "themes": [factories.ThemeFactory().pk],
        "source": "resident_report",
        "severity": "3",
        "visibility": "public",
        "report": [str(r.public_id) for r in chosen],
    }
    response = coordinator_client.post("/en/problems/new/from-reports/", data)
    assert response.status_code == 302
    problem = Problem.objects.get(title="Mörkt vid tunnelbanan")
    assert set(problem.resident_reports.all()) == set(chosen)
    assert problem.source == "resident_report"
    # The partners' list links the report to its problem.
    listing = coordinator_client.get("/en/tell-us/reports/").content.decode()
    assert reverse("problems:detail", args=[problem.public_id]) in listing
    # Resolved, its outcome shows to residents with the area's counts.
    Problem.objects.filter(pk=problem.pk).update(
        status="resolved", outcome="Kommunen har satt upp ny belysning."
    )
    public = client.get("/en/tell-us/what-residents-say/varby-gard-centrum/").content.decode()
    assert "Mörkt vid tunnelbanan" in public and "Kommunen har satt upp ny belysning." in public
    elsewhere = client.get("/en/tell-us/what-residents-say/varby-gard-norra/").content.decode()
    assert "Mörkt vid tunnelbanan" not in elsewhere


def test_every_report_in_an_area_can_become_a_problem(coordinator_client, places, reports):
    page = coordinator_client.get("/en/problems/new/from-reports/?area=varby-gard-centrum")
    assert page.status_code == 200
    assert len(page.context["reports"]) == 3


def test_a_problem_from_no_report_goes_back_to_the_list(coordinator_client, places):
    response = coordinator_client.get("/en/problems/new/from-reports/?report=nonsense")
    assert response["Location"] == "/en/tell-us/reports/"


def test_a_bad_problem_form_keeps_the_reports_and_shows_the_summary(
    coordinator_client, places, reports
):
    response = coordinator_client.post(
        "/en/problems/new/from-reports/", {"report": [str(reports[0].public_id)]}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "data-error-summary" in page
    assert str(reports[0].public_id) in page
    assert Problem.objects.count() == 0


# --- Who may do what ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "read", "moderate"),
    [
        ("resident", False, False),
        ("outsider", True, False),  # a member of another approved organisation: a partner
        ("member", True, False),
        ("coordinator_without_mfa", False, False),
        ("coordinator", True, True),
    ],
)
def test_permission_matrix(client, request, places, reports, role, read, moderate):
    login_as(client, request, role)
    target = reports[0]
    listing = client.get("/en/tell-us/reports/")
    geo = client.get("/en/tell-us/reports/map.geojson")
    if read:
        assert listing.status_code == 200 and geo.status_code == 200
    else:
        assert listing.status_code in (302, 403) and geo.status_code in (302, 403)
        assert SECRET_TEXT not in listing.content.decode() + geo.content.decode()
    for url in (
        f"/en/tell-us/reports/{target.public_id}/hide/",
        "/en/tell-us/open311-keys/",
    ):
        response = client.post(url, {"name": "FixaMinGata"})
        assert (response.status_code in (200, 302)) == moderate or response.status_code in (
            302,
            403,
        )
    target.refresh_from_db()
    assert (target.text_hidden_at is not None) == moderate
    from_reports = client.get(f"/en/problems/new/from-reports/?report={target.public_id}")
    assert (from_reports.status_code == 200) == moderate
    # Anyone sends a report and reads the counts.
    assert client.get("/en/tell-us/").status_code == 200
    assert client.get("/en/tell-us/what-residents-say/").status_code == 200


# --- Retention ------------------------------------------------------------------------------------


def test_reports_older_than_the_retention_period_are_deleted(places, settings, capsys):
    settings.RESIDENT_REPORT_RETENTION_DAYS = 365
    today = timezone.localdate()
    kept = report(places["centrum"])
    edge = report(places["centrum"])
    old = report(places["centrum"])
    ResidentReport.objects.filter(pk=edge.pk).update(created_on=today - dt.timedelta(days=365))
    ResidentReport.objects.filter(pk=old.pk).update(created_on=today - dt.timedelta(days=366))
    problem = factories.ProblemFactory(area=places["centrum"])
    problem.resident_reports.add(old, kept)
    call_command("delete_old_resident_reports")
    assert "Deleted 1 resident report(s) older than 365 days." in capsys.readouterr().out
    assert set(ResidentReport.objects.all()) == {kept, edge}
    # The problem made of it stays, without the deleted report.
    assert list(problem.resident_reports.all()) == [kept]


def test_the_privacy_page_says_how_long_reports_are_kept(client, settings):
    settings.RESIDENT_REPORT_RETENTION_DAYS = 200
    page = client.get("/en/privacy/").content.decode()
    assert "Reports are deleted automatically after 200 days" in page
    assert 'id="resident-reports"' in page
