"""The register and edit form's searchable pickers are wired (the browser journey in
tests/browser/test_register_keyboard.py uses them): both long list boxes name their JSON
search endpoint, the form carries the pickers' translated texts, and only the form's pages
load static/js/combobox.js — a page without a map or a form keeps loading no script."""

import pytest

from tests import factories

pytestmark = pytest.mark.django_db

SCRIPT = "js/combobox.js"


def test_the_register_form_makes_both_long_lists_pickers(client, member):
    client.force_login(member)
    html = client.get("/en/initiatives/new/").text
    assert 'data-combobox="/en/initiatives/new/organisations.json" data-combobox-min="1"' in html
    assert 'data-combobox="/en/initiatives/new/problems.json" data-combobox-min="3"' in html
    assert 'data-combobox-remove="Remove {name}"' in html
    assert SCRIPT in html
    # Without the script the list boxes are the control: they are still there.
    assert '<select name="partner_organizations" size="5"' in html
    assert '<select name="problems" size="5"' in html


def test_the_swedish_form_gives_the_pickers_swedish_texts(client, member):
    client.force_login(member)
    html = client.get("/insatser/ny/").text
    assert 'data-combobox="/insatser/ny/organisationer.json"' in html
    assert 'data-combobox-remove="Ta bort {name}"' in html
    assert 'data-combobox-none="Inga träffar."' in html


def test_the_edit_form_has_the_pickers_too(client, member, organization):
    initiative = factories.InitiativeFactory(lead_organization=organization)
    client.force_login(member)
    html = client.get(f"/en/initiatives/{initiative.slug}/edit/").text
    assert html.count("data-combobox=") == 2
    assert SCRIPT in html


@pytest.mark.parametrize(
    "path", ["/en/", "/en/my-pages/", "/en/my-pages/profile/", "/en/problems/"]
)
def test_other_pages_do_not_load_the_picker(client, member, path):
    client.force_login(member)
    html = client.get(path).text
    assert SCRIPT not in html


@pytest.mark.parametrize("path", ["/en/my-pages/", "/en/my-pages/profile/"])
def test_mina_sidor_and_the_profile_load_no_script(client, member, path):
    client.force_login(member)
    assert "<script" not in client.get(path).text
