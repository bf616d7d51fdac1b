""" "Ni sa, vi gjorde" filters without JavaScript (issue 14: no script on pages without a map):
the address names only the filters set (a redirect leaves the empty ones out) and the page
comes back at its result count, focused, so a screen reader says how many matched."""

import pytest

from partnership.problems.models import Problem
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("javascript", [False, True])
def test_filtering_lands_on_the_count_with_a_clean_address(browser, live_server, javascript):
    factories.ProblemFactory(
        title="Lampor bytta", visibility="public", status=Problem.Status.RESOLVED, outcome="Klart."
    )
    factories.ProblemFactory(title="Mörk gångväg", visibility="public")
    context = browser.new_context(
        java_script_enabled=javascript, viewport={"width": 360, "height": 740}
    )
    page = context.new_page()
    page.goto(live_server.url + "/en/you-said-we-did/")
    assert page.locator("script[src]").count() == 0
    page.select_option("select[name=status]", "resolved")
    with page.expect_navigation():
        page.locator("form.filters button[type=submit]").click()
    assert page.url == live_server.url + "/en/you-said-we-did/?status=resolved#result-count"
    assert page.evaluate("document.activeElement.id") == "result-count"
    assert page.locator("#result-count").inner_text() == "1 problem"
    box = page.locator("#result-count").bounding_box()
    assert 0 < box["y"] < 740, "the count is in view, its outline too"
    assert page.get_by_role("link", name="Lampor bytta").is_visible()
    assert page.get_by_role("link", name="Mörk gångväg").count() == 0
    context.close()
