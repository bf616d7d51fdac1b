"""Browser journeys share one way to scan a page: axe-core's WCAG 2.1 A/AA rules, no
Content Security Policy violations in the console, and a real page (status 200) underneath."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.factories import PASSWORD

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.fixture(scope="session")
def axe():
    return Axe()


@pytest.fixture
def csp_violations(page):
    """Console messages about the Content Security Policy, collected while the test runs."""
    seen: list[str] = []
    page.on(
        "console",
        lambda msg: seen.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    return seen


def assert_accessible(page, axe) -> None:
    results = axe.run(page, options=WCAG_21_AA)
    assert results.violations_count == 0, results.generate_report()


@pytest.fixture
def scan(page, axe, csp_violations):
    """``scan(url, status=200)``: open the page and assert it is accessible and CSP-clean."""

    def scan_page(url: str, status: int = 200) -> None:
        response = page.goto(url)
        assert response.status == status, f"{url} answered {response.status}"
        assert_accessible(page, axe)
        assert csp_violations == []

    return scan_page


@pytest.fixture
def log_in(page, live_server):
    """``log_in(user)``: through the login form, as a person would."""

    def log_in_as(user) -> None:
        page.goto(live_server.url + "/en/accounts/login/")
        page.fill("input[name=login]", user.email)
        page.fill("input[name=password]", PASSWORD)
        page.press("input[name=password]", "Enter")
        page.wait_for_url("**/en/**")

    return log_in_as
