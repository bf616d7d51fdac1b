"""The lists' filter forms (issue 19): "Clear filters" only when a filter is set, a script
that leaves empty fields out of the URL the form produces — on the pages without a map, which
load no JavaScript (issue 14), a redirect — and pagination links without empty parameters."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from tests import factories
from tests.helpers import login_as

pytestmark = pytest.mark.django_db

# (list, who may see it, a filter set on it)
LISTS = [
    ("/en/initiatives/", "resident", {"q": "natt"}),
    ("/en/initiatives/", "member", {"mine": "on"}),
    ("/en/initiatives/", "resident", {"sort": "title"}),
    ("/en/problems/", "member", {"status": "open"}),
    ("/en/problems/", "member", {"nobody": "on"}),
    ("/en/you-said-we-did/", "resident", {"status": "resolved"}),
    ("/en/who-does-what/", "resident", {"kind": "association"}),
    ("/en/who-does-what/matrix/themes/", "resident", {"q": "Stiftelsen"}),
]
# What each form sends when submitted without JavaScript and nothing chosen.
EMPTY_SUBMISSIONS = {
    "/en/initiatives/": (
        "q=&theme=&target_group=&area=&organization=&status=&when=&running_on=&sort=relevance"
    ),
    "/en/problems/": "q=&area=&theme=&status=&source=&severity=&responsible=",
    "/en/you-said-we-did/": "area=&theme=&status=",
    "/en/who-does-what/": "q=&kind=&area=&theme=",
    "/en/who-does-what/matrix/themes/": "q=&kind=&area=&theme=",
}


def _filter_form(html) -> str:
    # (the initiatives' filters sit in a disclosure: class "filters-disclosure")
    return re.search(r'<form class="filters[^"]*".*?</form>', html, re.DOTALL).group(0)


@pytest.mark.parametrize(("url", "who", "params"), LISTS)
def test_clear_filters_shows_only_when_a_filter_is_set(client, request, url, who, params):
    login_as(client, request, who)
    unfiltered = client.get(url).text
    assert "Clear filters" not in _filter_form(unfiltered)
    assert "Clear filters" not in client.get(url, {"page": "1"}).text, "a page is no filter"
    submitted_empty = client.get(f"{url}?{EMPTY_SUBMISSIONS[url]}", follow=True).text
    assert "Clear filters" not in submitted_empty
    filtered = client.get(url, params).text
    assert f'<a href="{url}">Clear filters</a>' in _filter_form(filtered)


# Pages with a map (or only for partners) leave empty fields out with a script; the public
# pages without a map load no JavaScript (issue 14) and redirect instead.
SCRIPTED = ["/en/initiatives/", "/en/problems/"]


@pytest.mark.parametrize("url", SCRIPTED)
def test_filter_forms_load_the_script_that_leaves_empty_fields_out(client, member, url):
    client.force_login(member)
    html = client.get(url).text
    assert re.search(r'<form class="filters[^"]*" method="get" data-filter-form ', html)
    assert '<script src="/static/js/filter_form.js" defer></script>' in html


@pytest.mark.parametrize("url", sorted(set(EMPTY_SUBMISSIONS) - set(SCRIPTED)))
def test_pages_without_javascript_redirect_to_an_address_without_empty_fields(resident, url):
    html = resident.get(url).text
    assert re.search(r'<form class="filters[^"]*" method="get"', html)
    assert "<script" not in html
    everything_empty = resident.get(f"{url}?{EMPTY_SUBMISSIONS[url]}")
    assert everything_empty.status_code == 302 and everything_empty["Location"] == url
    one_set = resident.get(f"{url}?{EMPTY_SUBMISSIONS[url]}".replace("theme=", "theme=7", 1))
    assert one_set.status_code == 302 and one_set["Location"] == f"{url}?theme=7"
    clean = resident.get(url, {"theme": "7", "page": "2"})
    assert clean.status_code == 200, "an address with nothing empty is served as it is"


def test_the_filter_form_script_disables_empty_fields_on_submit():
    script = (Path(settings.BASE_DIR) / "static" / "js" / "filter_form.js").read_text()
    assert '"use strict"' in script
    assert 'querySelectorAll("form[data-filter-form]")' in script
    assert "field.disabled = true" in script


def test_pagination_links_leave_out_empty_parameters(resident):
    from stakeholders import views

    for n in range(views.PAGE_SIZE + 3):
        factories.OrganizationFactory(name=f"Förening {n:02}", kind="association")
    html = resident.get("/en/who-does-what/?q=&kind=association&area=&theme=", follow=True).text
    assert 'href="?kind=association&amp;page=2" rel="next"' in html
    second = resident.get(
        "/en/who-does-what/?q=&kind=association&area=&theme=&page=2", follow=True
    ).text
    assert 'href="?kind=association&amp;page=1" rel="prev"' in second


def test_pagination_keeps_every_value_of_a_repeated_parameter(client, member):
    client.force_login(member)
    for n in range(26):
        factories.InitiativeFactory(title=f"Insats {n:02}")
    html = client.get("/en/initiatives/?q=&sort=title&status=&status=active").text
    assert 'href="?sort=title&amp;status=active&amp;page=2" rel="next"' in html
