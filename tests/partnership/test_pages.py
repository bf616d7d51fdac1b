"""The partnership's own pages (home, accessibility statement, privacy), the base layout
every page shares, the language switcher and the error pages, for each of the cast."""

import re
from html import unescape

import pytest
from django.conf import settings as django_settings
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.urls import path
from django.utils import translation

from partnership import urls as project_urls
from partnership import views
from tests import factories
from tests.helpers import login_as

pytestmark = pytest.mark.django_db

CAST = ["resident", "member", "org_admin", "outsider", "coordinator"]


def visible_text(html: str) -> str:
    """What a reader sees: tags dropped, whitespace collapsed, entities decoded."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def main_nav(html: str) -> str:
    return re.search(r'<nav class="site-nav".*?</nav>', html, re.S).group(0)


# --- Pages in both languages ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "lang", "heading"),
    [
        ("/", "sv", "Den här veckan i området"),
        ("/en/", "en", "This week in the neighbourhood"),
        ("/tillganglighet/", "sv", "Tillgänglighetsredogörelse"),
        ("/en/accessibility/", "en", "Accessibility statement"),
        ("/personuppgifter/", "sv", "Personuppgifter och kakor"),
        ("/en/privacy/", "en", "Privacy and cookies"),
    ],
)
def test_pages_render_in_swedish_and_english(resident, url, lang, heading):
    response = resident.get(url)
    assert response.status_code == 200
    html = response.text
    assert f'<html lang="{lang}">' in html
    assert re.search(rf"<h1[^>]*>\s*{re.escape(heading)}\s*</h1>", html)
    assert django_settings.PORTAL_NAME in visible_text(html)


def test_home_explains_the_partnership_in_plain_swedish(resident):
    text = visible_text(resident.get("/").text)
    assert "vem som gör vad, var och när" in text
    assert "trygghetskartläggning" in text
    assert "var och en gör sin del" in text


def test_home_shows_the_partnership_in_numbers(resident, organization, other_organization):
    factories.InitiativeFactory(lead_organization=organization)
    factories.InitiativeFactory(lead_organization=organization, status="completed")
    factories.InitiativeFactory(lead_organization=other_organization, visibility="partners")
    factories.ProblemFactory(recorded_by_organization=organization, visibility="public")
    factories.ProblemFactory(recorded_by_organization=organization)  # partners only

    text = visible_text(resident.get("/").text)

    assert "2 organisationer i partnerskapet" in text
    assert "2 publicerade insatser" in text
    assert "1 insats pågår eller är planerad" in text
    assert "1 gemensamt identifierat problem" in text


def test_accessibility_statement_follows_diggs_structure(resident):
    html = resident.get("/tillganglighet/").text
    text = visible_text(html)
    for heading in [
        "Hur tillgänglig är webbplatsen?",
        "Vad kan du göra om du inte kan använda delar av webbplatsen?",
        "Rapportera brister i webbplatsens tillgänglighet",
        "Tillsyn",
        "Teknisk information om webbplatsens tillgänglighet",
        "Innehåll som inte är tillgängligt",
        "Hur vi testat webbplatsen",
    ]:
        assert re.search(rf"<h[234]>{re.escape(heading)}</h[234]>", html), heading
    assert "WCAG) 2.1" in text
    assert "lagen (2018:1937) om tillgänglighet till digital offentlig service" in text
    assert 'href="https://www.digg.se/tdosanmalan"' in html
    assert f'href="mailto:{django_settings.PORTAL_CONTACT_EMAIL}"' in html
    assert "24 november 2026" in text


def test_privacy_page_names_the_controller_rights_and_every_cookie(resident):
    html = resident.get("/personuppgifter/").text
    text = visible_text(html)
    assert "personuppgiftsansvarig" in text
    assert "Integritetsskyddsmyndigheten (IMY)" in text
    assert "samtycke" in text
    for cookie in ["sessionid", "csrftoken", "django_language", "messages"]:
        assert f"<code>{cookie}</code>" in html
    assert f'href="mailto:{django_settings.PORTAL_CONTACT_EMAIL}"' in html


# --- Navigation by role ------------------------------------------------------------------


@pytest.mark.parametrize("who", CAST)
def test_navigation_depends_on_the_role(client, request, who):
    nav = main_nav(login_as(client, request, who).get("/").text)
    text = visible_text(nav)

    assert 'href="/" aria-current="page">Hem<' in nav
    assert ("Logga in" in text) == (who == "resident")
    assert ("Logga ut" in text) == (who != "resident")
    assert ("Mina sidor" in text) == (who != "resident")
    assert 'href="/insatser/"' in nav and 'href="/vem-gor-vad/"' in nav
    assert 'href="/admin/"' not in nav, "the admin link is for staff only"


def test_staff_see_the_admin_link(client, coordinator):
    coordinator.is_staff = True
    coordinator.save()
    client.force_login(coordinator)
    assert 'href="/admin/"' in main_nav(client.get("/").text)


def test_logout_is_a_post_form_with_csrf(client, member):
    client.force_login(member)
    nav = main_nav(client.get("/").text)
    form = re.search(
        r'<form class="logout-form" method="post" action="([^"]+)">(.*?)</form>', nav, re.S
    )
    assert form.group(1) == "/accounts/logout/"
    assert 'name="csrfmiddlewaretoken"' in form.group(2)


def test_a_partner_is_offered_my_pages_and_a_resident_the_login(client, member):
    main = re.search(r"<main.*</main>", client.get("/").text, re.S).group(0)
    assert 'href="/accounts/login/"' in main
    assert 'href="/tillganglighet/"' in main

    client.force_login(member)
    main = re.search(r"<main.*</main>", client.get("/").text, re.S).group(0)
    assert ">Mina sidor</a>" in main
    assert 'href="/accounts/login/"' not in main


def test_every_link_on_the_home_page_leads_somewhere(resident):
    html = resident.get("/").text
    links = set(re.findall(r'(?:href|src)="(/[^"]*)"', html))
    assert links, "expected internal links"
    for link in links:
        if link.startswith(django_settings.STATIC_URL) or link.startswith("/static/"):
            assert finders.find(link.split("/static/", 1)[1]), link
        else:
            assert resident.get(link).status_code == 200, link


# --- Language switcher ------------------------------------------------------------------------


def test_the_language_switcher_links_to_this_page_in_the_other_language(resident):
    """Plain links, no form: no CSRF token on every page (the page cache keeps them)."""
    html = resident.get("/tillganglighet/").text
    nav = re.search(r'<nav class="language-switcher"[^>]*>(.*?)</nav>', html, re.S).group(1)
    assert "<form" not in html.split('id="main"')[0], "no form in the header of a visitor"
    assert "csrfmiddlewaretoken" not in html
    assert 'Språk <span lang="en">(Language)</span>:' in nav
    assert '<span lang="sv" aria-current="true">Svenska</span>' in nav
    assert 'href="/en/accessibility/" hreflang="en" lang="en">English</a>' in nav
    english = resident.get("/en/initiatives/?q=natt").text
    nav = re.search(r'<nav class="language-switcher"[^>]*>(.*?)</nav>', english, re.S).group(1)
    assert 'href="/insatser/?q=natt" hreflang="sv" lang="sv">Svenska</a>' in nav
    assert '<span lang="en" aria-current="true">English</span>' in nav


def test_the_language_switcher_on_an_unknown_address_leads_to_the_other_home_page(resident):
    html = resident.get("/det-har-finns-inte/").text
    assert 'href="/en/" hreflang="en" lang="en">English</a>' in html


@pytest.mark.parametrize(
    ("language", "next_url", "expected"),
    [
        ("en", "/", "/en/"),
        ("en", "/tillganglighet/", "/en/accessibility/"),
        ("sv", "/en/privacy/", "/personuppgifter/"),
    ],
)
def test_switching_language_redirects_to_the_same_page_in_that_language(
    resident, language, next_url, expected
):
    response = resident.post("/i18n/setlang/", {"language": language, "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == expected
    assert resident.get(expected).text.count(f'<html lang="{language}">') == 1


# --- Error pages ----------------------------------------------------------------------------------


def test_unknown_url_gets_the_styled_404_page(resident):
    response = resident.get("/det-har-finns-inte/")
    assert response.status_code == 404
    html = response.text
    assert "<h1>Sidan hittades inte</h1>" in html
    assert '<a class="skip-link" href="#main">' in html
    assert "/static/css/portal.css" in html
    assert 'href="/accounts/login/?next=/det-har-finns-inte/"' in html


def test_unknown_english_url_gets_the_404_page_in_english(resident):
    response = resident.get("/en/does-not-exist/")
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.text


def _forbidden(request):
    raise PermissionDenied


urlpatterns = [*project_urls.urlpatterns, path("forbidden/", _forbidden)]
handler403 = project_urls.handler403


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("who", ["resident", "outsider"])
def test_permission_denied_renders_the_403_page(client, request, who):
    response = login_as(client, request, who).get("/forbidden/")
    assert response.status_code == 403
    html = response.text
    assert "<h1>Du har inte behörighet att göra det här</h1>" in html
    assert '<main id="main"' in html


def test_a_refused_form_explains_what_to_do(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"login": "a@example.org", "password": "x"})
    assert response.status_code == 403
    assert "<h1>Formuläret kunde inte skickas</h1>" in response.text


def test_a_bad_request_gets_the_400_page(resident):
    response = resident.get("/", headers={"host": "evil.example"})
    assert response.status_code == 400
    assert "<h1>Förfrågan kunde inte hanteras</h1>" in response.text


def test_500_page_stands_alone(db):
    with translation.override("sv"):
        response = views.server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="sv">' in html
    assert "<h1>Något gick fel</h1>" in html
    assert 'href="/static/css/portal.css"' in html


# --- Health check, account pages, security headers --------------------------------------------


def test_healthz_reports_ok(resident):
    response = resident.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_login_page_uses_the_portal_layout(resident):
    html = resident.get("/accounts/login/").text
    assert '<html lang="sv">' in html
    assert '<a class="skip-link" href="#main">Hoppa till innehållet</a>' in html
    assert '<main id="main"' in html
    assert "<h1>Logga in</h1>" in html
    # Labels above fields, marked required as every form's (partials/form_field.html), and
    # allauth's own Swedish catalogue.
    required = '<span class="required-marker">(obligatoriskt)</span>'
    assert f'<label for="id_login">E-post {required}</label>' in html
    assert f'<label for="id_password">Lösenord {required}</label>' in html
    assert "Glömt lösenordet?" in html
    # Signup is closed: no invitation to sign up.
    assert "/accounts/signup/" not in html


def test_login_errors_are_shown_next_to_the_form(resident, member):
    response = resident.post(
        "/accounts/login/", {"login": "member@example.org", "password": "wrong password"}
    )
    assert response.status_code == 400  # like every form sent back with errors
    html = response.text
    assert 'class="errorlist' in html
    assert 'value="member@example.org"' in html


def test_signup_closed_page_explains_invitations(resident):
    text = visible_text(resident.get("/accounts/signup/").text)
    assert "Konton endast via inbjudan" in text
    assert "bjuder in" in text


def test_account_pages_have_their_own_menu(client, member):
    client.force_login(member)
    html = client.get("/accounts/email/").text
    nav = re.search(r'<nav class="account-nav".*?</nav>', html, re.S).group(0)
    assert 'href="/accounts/email/" aria-current="page">E-postadresser<' in nav
    assert "Byt lösenord" in nav
    assert "Tvåfaktorsautentisering" in nav


@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/tillganglighet/", "/nope/"])
def test_no_inline_scripts_or_styles(resident, url):
    html = resident.get(url).text
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "<style" not in html
    assert not re.search(r"\sstyle=", html)


def test_content_security_policy_header_is_sent(resident):
    csp = resident.get("/")["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "unsafe-inline" not in csp


def test_favicon_ico_leads_to_the_logo(resident):
    response = resident.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("img/logo.svg")
