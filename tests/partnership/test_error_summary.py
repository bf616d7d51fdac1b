"""Every form of the portal shows its errors the GOV.UK way (issue 13): an error summary at
the top (``role="alert"``, focused on load) with a link to each field in error, the error next
to the field, the title prefixed "Error: " / "Fel: ", and 400.

Nobody lists the forms here. The test walks the portal as each role of the cast would — every
page it can reach by links from a few starting points (and the pages only an email links to)
— collects every form on every page, and sends each form that asks something empty. A new
form is covered as soon as a page links to it; a URL pattern the walk never reaches fails the
test until it is reached or listed below with the reason it needs no walk. On the way it
checks that every form class of the portal starts with ``PortalFormMixin`` and that no page
shows Django's own empty choice ("- Select an option -", English on Swedish pages).
"""

import datetime as dt
import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.forms import BaseForm, BaseFormSet
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404
from django.utils import timezone, translation

from initiatives.models import JoinRequest
from partnership.coordination import services as coordination_services
from partnership.forms import PortalFormMixin
from partnership.meetings import services as meeting_services
from partnership.residents.models import ResidentReport
from stakeholders import services as stakeholder_services
from tests import factories
from tests.coordination.publication_pages import plant_publications

pytestmark = pytest.mark.django_db

# Files and machine endpoints: no page, no form.
NOT_HTML = (".csv", ".ics", ".pdf", ".json", ".geojson", ".xml", ".txt", ".ico", ".atom")

# URL patterns the walk does not need to reach, and why. Everything else must be reached as
# a page or be the action of a form found on one.
NOT_WALKED = {
    "admin": "Django's admin: its own forms and conventions, for staff only",
    "api": "the read API answers JSON",
    "healthz": "a machine endpoint",
    "<unnamed favicon.ico>": "the icon",
    "<unnamed ^api/>": "the read API answers JSON",
    "robots_txt": "text for crawlers",
    "sitemap": "XML for crawlers",
    "django.contrib.sitemaps.views.sitemap": "XML for crawlers",
    "initiatives:similar": "an HTML fragment the register form fetches as the user types",
    "initiatives:organization_picker": "JSON the register form's picker fetches as one types",
    "initiatives:problem_picker": "JSON the register form's picker fetches as one types",
    "initiatives:map_data": "GeoJSON for the map",
    "public_problems_area_feed": "an Atom feed, linked from the page once an area is chosen",
    "open311": "Open311 GeoReport v2 answers JSON",
    "hsds": "Open Referral HSDS answers JSON",
    "account_signup": "no open sign-up: it shows 'accounts by invitation only'",
    "account_inactive": "allauth's page for a deactivated account: no form",
    "account_email_verification_sent": "allauth's 'check your email' page: no form",
    "account_confirm_email": "the link in a verification email: a button, no field",
    "account_confirm_login_code": "login by code is off (ACCOUNT_LOGIN_BY_CODE_ENABLED)",
    "account_reset_password_from_key_done": "a confirmation page: no form",
    "account_reset_password_done": "a confirmation page: no form",
    "account_set_password": "every account has a password (the invitation sets it)",
    "mfa_download_recovery_codes": "a text file",
    "mfa_view_recovery_codes": "lists the recovery codes: no form",
    "stakeholders:application_verify": "the link in an application email: a button only",
    "stakeholders:apply_done": "a confirmation page: no form",
    "problems:walk_detail": "needs a confirmed walk; its page has no form",
    "problems:walk_preview": "needs an uploaded walk; its only form is a confirm button",
    "problems:walk_confirm": "the preview's confirm button, no field",
    "coordinator:imports:area_preview": "needs an uploaded file; its only form is a confirm button",
    "coordinator:imports:area_confirm": "the preview's confirm button, no field",
    "coordinator:imports:directory_preview": "needs uploaded files; its only form is a button",
    "coordinator:imports:directory_confirm": "the preview's confirm button, no field",
    "meetings:decision_done": "a 'mark as done' button on a recorded decision, no field",
    "residents:thanks": "the page after a resident's report: no form",
    "public_problem": "a public problem's own page, no form (tests/problems/test_public_pages.py)",
    "residents:map_data": "GeoJSON for the partners' map of residents' reports",
    "residents:open311_key_revoke": "needs an issued key; its only form is a confirm button",
    "residents:show": "a button on a hidden text in the partners' list of reports, no field",
    "observations:import_preview": "needs an uploaded file; its only form is a confirm button "
    "(tests/observations/test_import.py)",
    "observations:import_confirm": "the preview's confirm button, no field",
    "initiatives:session_link": "only a signed link in the weekly delivery email leads there; "
    "tests/initiatives/test_delivery.py sends its form, tampered, expired and reused",
    "set_language": "the header's language choice is links now (no form); the view answers "
    "old forms and bookmarks (tests/partnership/test_pages.py)",
}

# Forms that ask nothing a person could leave empty or get wrong, and why they need no summary
# (by the URL name they post to, and the names of the fields they show).
NOT_A_QUESTION = {
    ("set_language", ("language",)): "the language switcher: its list always holds one",
    ("stakeholders:member_role", ("role",)): "a role list per member row, always holding one",
    ("problems:digest", ("subscribe",)): "one checkbox: ticked and unticked are both answers",
    ("lagesbild:email", ("subscribe",)): "one checkbox: ticked and unticked are both answers",
    ("initiatives:delivery_partners", ("partners_mark_sessions",)): "one checkbox: both answer",
    ("account_email", ("email",)): "allauth's list of addresses: pick one, press an action",
}

# Forms that are valid when sent empty: what a person could get wrong instead.
TOO_LONG = "x" * 5001
BAD_INPUT = {
    "initiatives:join": {"message": TOO_LONG},
    "initiatives:join_request_decide": {"decision": "maybe"},
    "meetings:minutes": {"attendance": TOO_LONG},
    "my_profile": {"language": "xx"},
    "problems:endorse": {"note": TOO_LONG},
    "stakeholders:profile": {"public_email": "not-an-email"},
}


class Page(HTMLParser):
    """What a test needs from a page: title, links, forms with their fields, the error
    summary, the ids of form controls and the controls marked invalid."""

    CONTROLS = {"input", "select", "textarea", "button"}

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.links: list[str] = []
        self.forms: list[dict] = []
        self.ids: dict[str, dict] = {}
        self.invalid: list[dict] = []
        self.summary: dict | None = None
        self.summary_links: list[str] = []
        self._in_title = False
        self._in_summary = 0
        self._form = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "title":
            self._in_title = True
        if self._in_summary:
            self._in_summary += tag not in {"br", "img", "input"}
            if tag == "a":
                self.summary_links.append(attrs.get("href", ""))
        elif "data-error-summary" in attrs:
            self.summary = attrs
            self._in_summary = 1
        if tag == "a" and "href" in attrs:
            self.links.append(attrs["href"])
        if tag == "form":
            self._form = {
                "method": attrs.get("method", "get").lower(),
                "action": attrs.get("action", ""),
                "fields": [],
            }
            self.forms.append(self._form)
        if tag in self.CONTROLS:
            control = {"tag": tag, **attrs}
            if "id" in attrs:
                self.ids[attrs["id"]] = control
            if attrs.get("aria-invalid") == "true":
                self.invalid.append(control)
            if self._form is not None:
                self._form["fields"].append(control)

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        if tag == "form":
            self._form = None
        if self._in_summary:
            self._in_summary -= 1

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def is_visible(field: dict) -> bool:
    """A field a person fills in (not hidden, not a button)."""
    if field["tag"] == "button":
        return False
    return field.get("type", "text") not in {"hidden", "submit", "button", "reset", "image"}


def empty_submission(form: dict) -> dict:
    """What a browser sends when a person presses the form's first button without touching
    a field: the hidden values, the first named button, every visible field empty."""
    data: dict[str, str] = {}
    button_done = False
    for field in form["fields"]:
        name = field.get("name")
        if not name:
            continue
        if field["tag"] == "button" or field.get("type") == "submit":
            if not button_done and field.get("type", "submit") == "submit":
                data[name] = field.get("value", "")
                button_done = True
        elif field.get("type") == "hidden":
            data[name] = field.get("value", "")
        elif field.get("type") not in {"checkbox", "radio", "file"}:
            data.setdefault(name, "")
    return data


def url_name(path: str) -> str | None:
    try:
        with translation.override("en"):
            return resolve(urlsplit(path).path).view_name
    except Resolver404:
        return None


def all_url_names() -> set[str]:
    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace or namespace
                if pattern.namespace and namespace:
                    inner = f"{namespace}:{pattern.namespace}"
                yield from walk(pattern.url_patterns, inner)
            else:
                name = pattern.name or f"<unnamed {pattern.pattern}>"
                yield f"{namespace}:{name}" if namespace else name

    return set(walk(get_resolver().url_patterns))


def walked_away(name: str) -> bool:
    return any(name == key or name.startswith(f"{key}:") for key in NOT_WALKED)


def en(name: str, **kwargs) -> str:
    with translation.override("en"):
        return reverse(name, kwargs=kwargs)


@pytest.fixture
def portal(organization, other_organization, member, org_admin, outsider, coordinator_with_mfa):
    """A small partnership in which every form has a page: two overlapping initiatives of two
    organisations, one with a request to join waiting; a problem they address; an archived
    initiative and problem; an open invitation; an application waiting for a coordinator; a
    partnership meeting with an agenda."""
    area, theme = factories.AreaFactory(), factories.ThemeFactory()
    ours = factories.InitiativeFactory(lead_organization=organization, areas=[area], themes=[theme])
    factories.ScheduleSlotFactory(initiative=ours)  # weekly sessions: the delivery log's forms
    factories.InitiativeFactory(lead_organization=other_organization, areas=[area], themes=[theme])
    factories.InitiativeFactory(  # a third: the three make a cluster of pairs
        lead_organization=factories.OrganizationFactory(), areas=[area], themes=[theme]
    )
    JoinRequest.objects.create(
        initiative=ours, organization=other_organization, requested_by=outsider
    )
    problem = factories.ProblemFactory(recorded_by_organization=organization, area=area)
    problem.initiatives.add(ours)
    ResidentReport.objects.create(  # a resident's report, for the partners' list
        kind="unsafe",
        area=area,
        reasons=["badly_lit"],
        text="Mörkt",
        created_on=timezone.localdate(),
    )
    now = timezone.now()
    archived_initiative = factories.InitiativeFactory(lead_organization=organization, areas=[area])
    archived_initiative.set_archived(True, actor=org_admin)
    archived_problem = factories.ProblemFactory(recorded_by_organization=organization, area=area)
    archived_problem.set_archived(True, actor=org_admin)
    factories.OrganizationFactory(status="pending", name="Föreningen Ansöker")
    invitation = stakeholder_services.invitation_create(
        organization=organization,
        email="inbjuden@example.org",
        role="member",
        invited_by=org_admin,
        language="en",
    )
    coordination_services.overlaps_refresh()
    meeting_services.meeting_create(
        data={
            "kind": "operative",
            "starts_at": now,
            "ends_at": now + dt.timedelta(hours=1),
            "place": "Vårby gårds bibliotek",
            "link": "",
            "invited_organizations": [organization],
        },
        actor=coordinator_with_mfa,
    )
    # Observations (obslog): the admin reports for the organisation and logged one just now
    # (so its correction and deletion are offered); a retired category can be brought back,
    # an unused one deleted (made again: a live-server test before may have flushed them).
    org_admin.memberships.update(is_reporter=True)
    factories.ObservationFactory(organization=organization, area=area, reported_by=org_admin)
    factories.observation_category("trafik")
    retired = factories.observation_category("ovrigt")
    retired.retired_at = now
    retired.save()
    # A published situation picture and a draft (publish): their pages and buttons.
    plant_publications(coordinator_with_mfa, area=area)
    return {
        "invitation": invitation,
        # Archived, they leave every list: their editors come back by their address.
        "archived": [
            en("initiatives:detail", slug=archived_initiative.slug),
            en("problems:detail", public_id=archived_problem.public_id),
        ],
    }


def clients(request, portal, coordinator_client):
    """(role, client, starting pages): each role starts from the home page, and from the pages
    only an email leads to."""
    anonymous = Client()
    member = request.getfixturevalue("member")
    reset = en(
        "account_reset_password_from_key",
        uidb36=user_pk_to_url_str(member),
        key=default_token_generator.make_token(member),
    )
    invitation = en("stakeholders:invitation_accept", token=portal["invitation"].token)
    yield "resident", anonymous, ["/en/", reset, invitation, en("account_reset_password")]
    for role in ("org_admin", "outsider"):
        logged_in = Client()
        # Through the login form: a fresh login lets the two-factor set-up show its form.
        user = request.getfixturevalue(role)
        logged_in.post(en("account_login"), {"login": user.email, "password": factories.PASSWORD})
        starts = ["/en/", en("my_pages"), en("mfa_activate_totp")]
        yield role, logged_in, starts + (portal["archived"] if role == "org_admin" else [])
    coordinator = request.getfixturevalue("coordinator_with_mfa")
    yield (
        "coordinator",
        coordinator_client,
        [
            "/en/",
            en("coordinator:dashboard:overview"),
            en("mfa_reauthenticate"),
        ],
    )
    # Half-way through a login: the password given, the code from the app asked for.
    logging_in = Client()
    logging_in.post(
        en("account_login"), {"login": coordinator.email, "password": factories.PASSWORD}
    )
    yield "coordinator logging in", logging_in, [en("mfa_authenticate")]


def walk(client, starts: list[str], limit_per_name: int = 3):
    """Every page reachable from ``starts`` by links, within the English site: yields
    (path, response, parsed page)."""
    queue, seen, per_name = deque(starts), set(), {}
    while queue:
        path = queue.popleft()
        if path in seen or path.endswith(NOT_HTML) or not path.startswith("/en/"):
            continue
        seen.add(path)
        name = url_name(path)
        if name is None or walked_away(name) or name == "account_logout":
            continue
        per_name[name] = per_name.get(name, 0) + 1
        if per_name[name] > limit_per_name:
            continue
        response = client.get(path, follow=True)
        if "text/html" not in response.get("Content-Type", ""):
            continue
        page = Page(response.text)
        yield response.request["PATH_INFO"], response, page
        for href in page.links:
            target = urlsplit(urljoin(path, href))
            if not target.netloc:
                queue.append(target.path + (f"?{target.query}" if target.query else ""))


def forms_in_context(response) -> list:
    found = []
    for context in response.context or []:
        for value in context.flatten().values():
            kind = type(value)
            if issubclass(kind, BaseFormSet):
                found += list(value.forms)
            elif issubclass(kind, BaseForm):
                found.append(value)
    return found


def test_every_form_shows_an_error_summary_linking_each_field_in_error(
    request, portal, coordinator_client
):
    reached: set[str] = set()
    questions: dict[tuple, tuple] = {}  # (URL name, fields) -> (role, client, action, form)
    form_classes: set[type] = set()
    untranslated_blank: set[str] = set()  # Django's empty choice, in English or as dashes
    for role, client, starts in clients(request, portal, coordinator_client):
        for path, response, page in walk(client, starts):
            reached.add(url_name(path))
            reached |= {url_name(urljoin(path, href)) for href in page.links}
            form_classes |= {type(form) for form in forms_in_context(response)}
            if "Select an option" in response.text or ">---------<" in response.text:
                untranslated_blank.add(path)
            for form in page.forms:
                action = urljoin(path, form["action"] or path)
                name = url_name(action)
                reached.add(name)
                asks = tuple(
                    sorted({f["name"] for f in form["fields"] if is_visible(f) and f.get("name")})
                )
                if form["method"] == "post" and asks and (name, asks) not in NOT_A_QUESTION:
                    questions.setdefault((name, asks), (role, client, action, form))

    unreached = sorted(name for name in all_url_names() - reached if not walked_away(name) and name)
    assert not unreached, (
        "URL patterns the walk never reached: link them from a page, give the walk a "
        f"starting point, or say in NOT_WALKED why they need none: {unreached}"
    )
    assert not untranslated_blank, f"Django's own empty choice on {sorted(untranslated_blank)}"
    portal_classes = {
        kind
        for kind in form_classes
        if not kind.__module__.startswith(("allauth.", "django_filters.", "django."))
    }
    without_mixin = sorted(
        k.__qualname__ for k in portal_classes if not issubclass(k, PortalFormMixin)
    )
    assert not without_mixin, f"form classes without PortalFormMixin: {without_mixin}"

    failures = []
    for (name, _asks), (role, client, action, form) in sorted(questions.items()):
        data = {**empty_submission(form), **BAD_INPUT.get(name, {})}
        response = client.post(action, data)
        problem = summary_problem(response)
        if problem:
            failures.append(f"{name} (as {role}, {action}): {problem}")
    assert not failures, "\n".join(failures)
    # The forms found when this test was written (more as forms are added): a walk that
    # finds fewer has lost its way.
    assert len(questions) >= 39, sorted(questions)


def summary_problem(response) -> str:
    """What is wrong with a response to a submission with errors, or ''."""
    if response.status_code != 400:
        return f"answered {response.status_code}, not 400"
    page = Page(response.text)
    if not page.title.strip().startswith("Error: "):
        return f"title {page.title.strip()!r} does not start with 'Error: '"
    summary = page.summary
    if summary is None:
        return "no error summary"
    if (
        summary.get("role") != "alert"
        or summary.get("tabindex") != "-1"
        or "autofocus" not in summary
    ):
        return f"the summary is not an alert focused on load: {summary}"
    targets = {}
    for href in page.summary_links:
        target = page.ids.get(href.removeprefix("#"))
        if not href.startswith("#") or target is None:
            return f"summary link {href!r} leads to no field"
        targets[target.get("name")] = target
    unlinked = {c.get("name") for c in page.invalid} - set(targets)
    if unlinked:
        return f"fields in error without a link in the summary: {sorted(unlinked)}"
    if not page.invalid and not page.summary_links and "<li>" not in response.text:
        return "the summary lists nothing"
    return ""


# --- In Swedish, required fields, the empty choice -------------------------------------------


def test_a_swedish_page_says_fel_and_links_each_field_to_its_input(client, member):
    client.force_login(member)
    with translation.override("sv"):
        response = client.post(reverse("problems:create"), {"title": ""})
    assert response.status_code == 400
    page = Page(response.text)
    assert page.title.strip().startswith("Fel: ")
    assert "Det finns ett problem" in response.text
    assert "#id_title" in page.summary_links
    assert page.ids["id_title"].get("aria-invalid") == "true"
    assert '<a href="#id_title">Rubrik: Detta fält måste fyllas i.</a>' in response.text


def test_required_fields_say_so_in_their_label_and_optional_ones_do_not(client, member):
    client.force_login(member)
    html = client.get(en("initiatives:create")).text
    assert 'Title <span class="required-marker">(required)</span></label>' in html
    assert 'for="id_contact_phone">Contact phone</label>' in html
    # No browser bubble before the portal's own summary: the mixin drops "required".
    assert Page(html).ids["id_title"].get("required") is None
    # allauth's forms are rendered by the same field template.
    client.logout()
    login = client.get(en("account_login")).text
    assert '<span class="required-marker">(required)</span>' in login
    with translation.override("sv"):
        assert "(obligatoriskt)</span>" in client.get(reverse("account_login")).text


def test_a_page_without_errors_has_no_summary_and_no_error_title(client, member):
    client.force_login(member)
    response = client.get(en("initiatives:create"))
    assert "data-error-summary" not in response.text
    assert not Page(response.text).title.strip().startswith("Error")


def test_the_empty_choice_of_a_list_is_in_the_pages_language(client, org_admin):
    """Django 6.1's "- Select an option -" has no Swedish: the portal says its own."""
    client.force_login(org_admin)
    with translation.override("sv"):
        swedish = client.get(reverse("stakeholders:apply")).text
    english = client.get(en("stakeholders:apply")).text
    assert re.search(r'<option value=""[^>]*>Välj ett alternativ</option>', swedish)
    assert re.search(r'<option value=""[^>]*>Choose an option</option>', english)
    assert "Select an option" not in swedish + english


def test_a_row_of_a_formset_links_to_its_own_fields(client, member):
    """The register form's weekly times are a formset: an error in the second row links to
    that row's input, not to the first row's."""
    client.force_login(member)
    forms = Page(client.get(en("initiatives:create")).text).forms
    form = next(f for f in forms if any(c.get("name") == "title" for c in f["fields"]))
    data = {**empty_submission(form), "slots-1-weekday": "5", "slots-1-ends_at": "23:00"}
    response = client.post(en("initiatives:create"), data)
    assert response.status_code == 400
    page = Page(response.text)
    assert "#id_slots-1-starts_at" in page.summary_links
    assert page.ids["id_slots-1-starts_at"]["name"] == "slots-1-starts_at"


def test_a_filter_form_with_a_bad_value_shows_the_summary_too(client):
    """Filter forms are sent by GET: the list still shows (200), the summary says what was
    wrong and links to the filter."""
    response = client.get(en("initiatives:list"), {"status": "bogus"})
    page = Page(response.text)
    assert page.title.strip().startswith("Error: ")
    assert page.summary_links == ["#id_status"]
    assert page.ids["id_status"]["name"] == "status"
