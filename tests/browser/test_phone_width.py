"""Phone first, every page (issue 14): at 360 × 740 no page of the portal scrolls sideways,
tables scroll inside their own labelled, focusable region, and the header stays small with its
links behind a menu button that works without JavaScript.

Nobody lists the pages here. The walk of the error-summary test (tests/partnership/
test_error_summary.py) finds every page each role of the cast reaches by links; the browser
then opens each URL pattern once per role, in Swedish (the longer words) and in English. A URL
pattern that no walk reaches fails the test unless NOT_VISITED says why it needs no visit.
"""

import time
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.db import transaction
from django.urls import translate_url
from django.utils import translation

from tests.browser.conftest import assert_accessible
from tests.partnership.test_error_summary import (
    NOT_HTML,
    all_url_names,
    clients,
    portal,  # noqa: F401 (a fixture, used below)
    url_name,
    walk,
)

pytestmark = pytest.mark.django_db(transaction=True)

FILES = (*NOT_HTML, ".xlsx")
PHONE = {"width": 360, "height": 740}
HEADER_MAX_HEIGHT = 120

# URL patterns the walk does not reach that still answer HTML, and why no visit is needed.
# (The walk's own NOT_WALKED list is for files, machine endpoints and pages it cannot reach.)
NOT_VISITED = {
    "admin": "Django's admin, for staff only, with its own stylesheet",
    "api": "the read API answers JSON",
    "<unnamed ^api/>": "the read API answers JSON",
    "open311": "the Open311 API answers JSON",
    "hsds": "Open Referral HSDS answers JSON",
    "healthz": "a machine endpoint",
    "<unnamed favicon.ico>": "the icon",
    "robots_txt": "text for crawlers",
    "sitemap": "XML for crawlers",
    "django.contrib.sitemaps.views.sitemap": "XML for crawlers",
    "initiatives:map_data": "GeoJSON for the map",
    "initiatives:similar": "an HTML fragment the register form fetches as the user types",
    "initiatives:organization_picker": "JSON for the register form's picker",
    "initiatives:problem_picker": "JSON for the register form's picker",
    "public_problems_area_feed": "an Atom feed",
    "my_data": "the account's data as a JSON file",
    "mfa_download_recovery_codes": "a text file",
    "account_confirm_email": "the link in a verification email: needs a key",
    "account_confirm_login_code": "login by code is off: the URL answers 404",
    "account_set_password": "every account has a password: it redirects",
    "stakeholders:application_verify": "the link in an application email: needs a token",
    "meetings:decision_done": "a button on a recorded decision: no page of its own",
    "problems:walk_preview": "needs an uploaded file (the import page is visited)",
    "problems:walk_confirm": "the preview's confirm button: no page of its own",
    "problems:walk_detail": "needs an uploaded and confirmed walk (the list is visited)",
    "coordinator:imports:area_preview": "needs an uploaded file: tests/browser/"
    "test_import_pages.py opens it at 360 px",
    "coordinator:imports:directory_preview": "needs uploaded files: tests/browser/"
    "test_import_pages.py opens it at 360 px",
    "coordinator:imports:area_confirm": "the preview's confirm button: no page of its own",
    "coordinator:imports:directory_confirm": "the preview's confirm button: no page of its own",
    "initiatives:session_link": "a signed link in the weekly email: tests/browser/"
    "test_delivery_link.py opens it at 360 px",
    "residents:map_data": "GeoJSON for the partners' map of residents' reports",
    "residents:hide": "a button in the partners' list of reports: no page of its own",
    "residents:show": "a button in the partners' list of reports: no page of its own",
    "residents:open311_key_revoke": "needs an issued key: tests/browser/"
    "test_resident_reports.py opens it at 360 px",
    "problems:from_reports": "opened with chosen reports: tests/browser/"
    "test_resident_reports.py opens it at 360 px",
    "observations:import_preview": "needs an uploaded file: tests/browser/"
    "test_observation_patterns.py opens it at 360 px",
    "observations:import_confirm": "the preview's confirm button: no page of its own",
    "public_problem": "the walk's partnership has no public problem: tests/browser/"
    "test_public_pages_accessibility.py opens one at 360 px",
    "set_language": "redirects only (old language forms and bookmarks); the header's "
    "language links are on every page",
}

# Pages no link leads to, opened by their address: what a broken link or a missing right
# shows, and the pages allauth and the application form send a person to after a step.
DIRECT = {
    "resident": [
        "/sidan-finns-inte/",
        "/en/page-that-does-not-exist/",
        "/en/accounts/confirm-email/",
        "/en/accounts/inactive/",
        "/en/accounts/password/reset/done/",
        "/en/accounts/password/reset/key/done/",
        "/en/who-does-what/apply/sent/",
        "/en/tell-us/thanks/",
        "/en/accounts/signup/",
    ],
    "outsider": ["/samordning/", "/en/coordinator/"],
    "coordinator": [
        "/en/accounts/2fa/recovery-codes/",
        "/en/accounts/2fa/recovery-codes/generate/",
        "/en/accounts/2fa/totp/deactivate/",
        # "Make this a problem", as a heatmap cell opens it (weekly).
        "/en/observations/to-problem/?weekday=5&hour=21&hour=22",
    ],
}

MEASURE = """() => {
  const root = document.documentElement;
  const limit = root.clientWidth;
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.right > limit + 0.5 && box.width > 0 && !el.closest('[role=region][tabindex="0"]')) {
      wide.push(el.tagName.toLowerCase() + (el.className ? '.' + el.className : '')
        + ' ' + Math.round(box.right) + 'px');
    }
  }
  const tables = [...document.querySelectorAll('main table')].filter(table => {
    const region = table.closest('[role=region][tabindex="0"]');
    const label = region && (region.getAttribute('aria-labelledby')
      || region.getAttribute('aria-label'));
    return !label;
  }).map(table => table.querySelector('caption')?.textContent.trim() || table.id || 'a table');
  return {scrollWidth: root.scrollWidth, clientWidth: limit, wide: wide.slice(0, 5),
          lang: root.lang, tables};
}"""


@pytest.fixture
def committed_portal(request):
    """The error-summary test's small partnership, built in one transaction (archiving locks
    its row, and a live-server test runs outside the test's transaction)."""
    with transaction.atomic():
        return request.getfixturevalue("portal")


def browser_cookies(client, live_server) -> list[dict]:
    return [
        {"name": name, "value": morsel.value, "url": live_server.url}
        for name, morsel in client.cookies.items()
        if name == settings.SESSION_COOKIE_NAME
    ]


def test_no_page_scrolls_sideways_at_360_px(
    request, browser, live_server, committed_portal, coordinator_client
):
    started = time.monotonic()
    problems, reached, visits = [], set(), 0
    elsewhere: dict[str, str] = {}  # URL names that are no page of their own, and why
    for role, client, starts in clients(request, committed_portal, coordinator_client):
        paths, names = [], set()
        for path, response, found in walk(client, starts):
            name = url_name(path)
            query = response.request.get("QUERY_STRING")
            if name not in names and response.status_code == 200:
                names.add(name)
                paths.append(f"{path}?{query}" if query else path)
            for href in found.links:
                if urlsplit(href).path.endswith(FILES):
                    elsewhere[url_name(urljoin(path, href))] = "a file, not a page"
            for form in found.forms:
                if form["method"] == "post":
                    action = url_name(urljoin(path, form["action"] or path))
                    elsewhere[action] = "an action: it answers with a redirect or its form's page"
        for path in DIRECT.get(role, []):
            names.add(url_name(path))
            paths.append(path)
        reached |= names
        context = browser.new_context(viewport=PHONE)
        context.add_cookies(browser_cookies(client, live_server))
        page = context.new_page()
        for english in paths:
            with translation.override("en"):
                swedish = translate_url(english, "sv")
            for path in dict.fromkeys([swedish, english]):
                page.goto(live_server.url + path)
                visits += 1
                found = page.evaluate(MEASURE)
                if found["scrollWidth"] > found["clientWidth"]:
                    problems.append(
                        f"{path} (as {role}) is {found['scrollWidth']} px wide: {found['wide']}"
                    )
                if found["tables"]:
                    problems.append(
                        f"{path} (as {role}): tables outside a labelled, focusable region: "
                        f"{found['tables']}"
                    )
                if found["lang"] not in {"sv", "en"}:
                    problems.append(f"{path} (as {role}): <html lang={found['lang']!r}>")
        context.close()
    seconds = time.monotonic() - started
    print(
        f"\n360 px sweep: {visits} page visits, {len(reached)} URL patterns as pages "
        f"({len(set(elsewhere) - reached)} more are actions or files) in {seconds:.0f} s"
    )

    unreached = sorted(
        name
        for name in all_url_names() - reached - set(NOT_VISITED) - set(elsewhere)
        if not any(name.startswith(f"{key}:") for key in NOT_VISITED)
    )
    assert not problems, "\n".join(problems)
    assert not unreached, (
        f"URL patterns no page visit reached (say why in NOT_VISITED): {unreached}"
    )
    assert visits >= 100, "the walk found fewer pages than when this test was written"


# --- The header -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/en/", "/tillganglighet/"])
def test_the_header_is_at_most_120_px_tall_at_360_px(page, live_server, path):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + path)
    height = page.locator(".site-header").bounding_box()["height"]
    assert height <= HEADER_MAX_HEIGHT, f"{path}: the header is {height} px tall"
    # The links and the language choice wait behind the menu button.
    assert not page.locator(".site-nav a").first.is_visible()
    assert not page.locator("#language-switcher").is_visible()
    assert page.locator("summary.site-menu__button").is_visible()


def test_the_menu_opens_and_closes_by_keyboard_and_holds_links_and_language(
    page, live_server, axe, coordinator_with_mfa
):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/en/")
    button = page.locator("summary.site-menu__button")
    assert button.inner_text() == "Menu"
    for _ in range(5):  # skip link, site name, then the menu button
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.className") == "site-menu__button":
            break
    assert page.evaluate("document.activeElement.className") == "site-menu__button"

    page.keyboard.press("Enter")

    assert page.locator(".site-menu").get_attribute("open") is not None
    links = page.locator(".site-nav a")
    assert [links.nth(i).inner_text() for i in range(links.count())] == [
        "Home",
        "Initiatives",
        "Who does what",
        "You said, we did",
        "Log in",
    ]
    assert links.first.is_visible() and page.locator("#language-switcher").is_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Home"
    # Open, the menu pushes the page down: still nothing sideways, and still accessible.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page, axe)

    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Space")

    assert page.locator(".site-menu").get_attribute("open") is None
    assert not links.first.is_visible()


def test_the_menu_works_without_javascript(browser, live_server):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.locator("summary.site-menu__button").click()
    assert page.get_by_role("link", name="Insatser", exact=True).is_visible()
    assert page.locator("#language-switcher").is_visible()
    context.close()


def test_on_a_wide_screen_the_links_show_in_one_row_without_a_menu_button(page, live_server):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(live_server.url + "/en/")
    assert not page.locator("summary.site-menu__button").is_visible()
    links = page.locator(".site-nav a")
    tops = {round(links.nth(i).bounding_box()["y"]) for i in range(links.count())}
    assert len(tops) == 1, "one row of links"
    assert page.locator("#language-switcher").is_visible()
    # Tab reaches the links straight after the site's name.
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Home"
