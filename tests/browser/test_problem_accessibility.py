"""Accessibility and CSP scans of the problem pages: the public "you said, we did" page, and
for a partner the list, a problem page with its action forms, the record form with similar
problems, the import page with a preview full of errors, a walk's preview and its page."""

import pytest

from partnership.problems import services
from partnership.problems.models import Problem
from tests import factories
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _no_tiles(settings):
    settings.MAP_TILE_URL = ""  # offline: markers still work without tiles


@pytest.fixture
def problems(organization, other_organization, outsider):
    area = factories.AreaFactory(name="Vårby gård centrum", slug="varby-gard-centrum")
    theme = factories.ThemeFactory(name_sv="Belysning", name_en="Lighting", slug="belysning")
    found = []
    for index, visibility in enumerate(["public", "partners", "public"]):
        problem = services.problem_record(
            data={
                "title": f"Mörk gångtunnel {index}",
                "description": "Lamporna är trasiga.",
                "area": area,
                "themes": [theme],
                "source": Problem.Source.SAFETY_WALK,
                "visibility": visibility,
            },
            organization=other_organization,
            actor=outsider,
        )
        found.append(problem)
    services.problem_take_responsibility(
        problem=found[0],
        organization=other_organization,
        actor=outsider,
        role="lead",
        commitment="Byter armaturer.",
    )
    services.problem_change_status(
        problem=found[2], actor=outsider, status=Problem.Status.RESOLVED, outcome="Nya lampor."
    )
    return found


def test_public_problem_pages_have_no_wcag_violations(live_server, scan, problems):
    scan(live_server.url + "/ni-sa-vi-gjorde/")
    scan(live_server.url + f"/en/problems/{problems[0].public_id}/")


def test_partner_problem_pages_have_no_wcag_violations(
    page, live_server, scan, log_in, problems, member, tmp_path, axe
):
    log_in(member)
    base = live_server.url + "/en/problems/"
    scan(base + "?status=open&severity=abc")
    scan(base + f"{problems[0].public_id}/")
    scan(base + f"{problems[0].public_id}/history/")
    scan(base + "weekly-summary/")
    scan(base + "walks/")
    # The record form, then the similar problems it offers before saving.
    scan(base + "new/")
    # The point: a click on the map fills in both coordinates (typed ones work without it).
    page.click("#point-picker", position={"x": 120, "y": 100})
    assert page.input_value("#id_latitude").startswith("59.")
    assert page.input_value("#id_longitude").startswith("17.")
    page.fill("#id_title", "Mörk gångtunnel")
    page.fill("#id_description", "Trasiga lampor.")
    page.select_option("#id_area", label="Vårby gård centrum")
    page.check("input[name=themes]")
    page.select_option("#id_source", "partner_observation")
    page.click("main form[action$='/new/'] button[type=submit]")
    page.wait_for_selector("#similar-heading")
    assert_accessible(page, axe)
    # The import page with a file full of errors, then a valid file's preview.
    scan(base + "walks/import/")
    bad = tmp_path / "vandring.csv"
    bad.write_text("rubrik;beskrivning;område;teman\nA;;Atlantis;Rymd\n", encoding="utf-8")
    page.fill("#id_title", "Vandring")
    page.set_input_files("#id_file", str(bad))
    page.click("form[enctype] button[type=submit]")
    page.wait_for_selector("#preview-heading")
    assert_accessible(page, axe)
    good = tmp_path / "ok.csv"
    good.write_text(
        "rubrik;beskrivning;område;teman\nA;B;Vårby gård centrum;Belysning\n", encoding="utf-8"
    )
    page.fill("#id_title", "Vandring")
    page.set_input_files("#id_file", str(good))
    page.click("form[enctype] button[type=submit]")
    page.wait_for_url("**/preview/")
    assert_accessible(page, axe)
    page.click("form button[type=submit]:has-text('Import the findings')")
    page.wait_for_url("**/walks/*/")
    assert_accessible(page, axe)
