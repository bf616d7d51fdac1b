"""Issue 19 in a browser: submitting a list's filter form gives a URL naming only the filters set
(static/js/filter_form.js leaves the empty fields out); an organisation page's groups."""

from urllib.parse import parse_qsl, urlsplit

import pytest

from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def _params(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query, keep_blank_values=True)


def test_directory_filter_url_has_no_empty_parameters(page, live_server, csp_violations):
    factories.OrganizationFactory(name="Vårbyskolan", kind="school")
    factories.OrganizationFactory(name="Föreningen Andra", kind="association")
    page.goto(live_server.url + "/en/who-does-what/")
    page.select_option("select[name=kind]", "school")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/who-does-what/?*")
    assert _params(page.url) == [("kind", "school")]
    assert page.get_by_role("link", name="Vårbyskolan").is_visible()
    assert page.get_by_role("link", name="Föreningen Andra").count() == 0
    # Back on the form, every field is usable again and the next submission is clean too.
    page.fill("input[name=q]", "Vårby")
    page.select_option("select[name=kind]", "")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/who-does-what/?q=*")
    assert _params(page.url) == [("q", "Vårby")]
    assert page.locator("form.filters [disabled]").count() == 0
    assert csp_violations == []


def test_initiative_filter_url_keeps_only_what_was_chosen(page, live_server, organization):
    theme = factories.ThemeFactory(name_sv="Belysning", name_en="Lighting")
    factories.InitiativeFactory(lead_organization=organization, themes=[theme])
    page.goto(live_server.url + "/en/initiatives/")
    page.click("summary.filter-details__summary")  # the filters wait behind "Filter (0)"
    page.select_option("select[name=theme]", str(theme.pk))
    page.click("form[data-filter-form] button[type=submit]")
    page.wait_for_url("**/initiatives/?*")
    # The sort order is not empty (its default is "Best match"), so it stays.
    assert _params(page.url) == [("theme", str(theme.pk)), ("sort", "relevance")]
    page.click("summary.filter-details__summary")  # "Filter (1)"
    assert page.get_by_role("link", name="Clear filters").is_visible()


def test_organisation_page_with_grouped_initiatives_is_accessible(
    page, live_server, scan, organization
):
    """The organisation page's groups (issue 19), the ended ones collapsed and then opened."""
    import datetime as dt

    today = dt.date.today()
    for title, status, starts, ends in [
        ("Nattvandring", "active", today - dt.timedelta(days=9), None),
        ("Sommarfotboll", "planned", today + dt.timedelta(days=30), None),
        ("Grannsamverkan", "paused", today - dt.timedelta(days=9), None),
        ("Städdag", "completed", today - dt.timedelta(days=90), today - dt.timedelta(days=80)),
    ]:
        factories.InitiativeFactory(
            lead_organization=organization,
            title=title,
            status=status,
            starts_on=starts,
            ends_on=ends,
        )
    scan(f"{live_server.url}/en/who-does-what/{organization.slug}/")
    ended = page.get_by_role("link", name="Städdag")
    assert not ended.is_visible(), "the ended ones are collapsed"
    page.get_by_text("Show the ended initiative").click()
    assert ended.is_visible()
