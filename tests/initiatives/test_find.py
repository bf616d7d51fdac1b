"""Finding initiatives: the filters, Swedish full-text search and sorting on the list page."""

import datetime as dt
import html as html_lib
import re

import pytest
from django.utils import timezone

from initiatives.filters import search_query
from initiatives.models import Initiative
from tests import factories
from tests.helpers import login_with_second_factor, query_count

pytestmark = pytest.mark.django_db

LIST = "/insatser/"
LIST_EN = "/en/initiatives/"
TODAY = dt.date(2026, 6, 15)


def titles(response) -> list[str]:
    """The titles of the initiative cards shown, in order."""
    assert response.status_code == 200
    found = re.findall(r'<h2 class="card-title"><a href="[^"]*">(.*?)</a>', response.text)
    return [html_lib.unescape(title) for title in found]


def errors_next_to(response, field: str) -> str:
    """What the form shows between the field's label and its input (help text, errors)."""
    block = re.search(rf'<label[^>]*for="id_{field}".*?name="{field}"', response.text, re.DOTALL)
    assert block, f"no form field {field}"
    return block.group(0)


# --- Full-text search ---------------------------------------------------------------------------


def test_search_finds_other_forms_of_swedish_words(resident):
    factories.InitiativeFactory(title="Nattvandring i centrum")
    factories.InitiativeFactory(title="Läxhjälp i biblioteket")
    assert titles(resident.get(LIST, {"q": "nattvandringar"})) == ["Nattvandring i centrum"]
    assert titles(resident.get(LIST, {"q": "Nattvandringen"})) == ["Nattvandring i centrum"]


def test_search_reads_summary_and_description_too(resident):
    factories.InitiativeFactory(title="Kvällsvandring", summary="Vuxna går i par på kvällarna.")
    factories.InitiativeFactory(title="Trygga gårdar", description="Vi sätter upp ny belysning.")
    factories.InitiativeFactory(title="Läxhjälp")
    assert titles(resident.get(LIST, {"q": "kväll"})) == ["Kvällsvandring"]
    assert titles(resident.get(LIST, {"q": "belysningen"})) == ["Trygga gårdar"]


def test_search_is_swedish_whatever_the_interface_language(resident):
    """The English interface searches the same Swedish texts the same way: Swedish
    stopwords ("i", "och") are ignored, and the English stemmer is never used."""
    factories.InitiativeFactory(title="Nattvandring i centrum")
    factories.InitiativeFactory(title="Läxhjälp och fotboll")
    assert titles(resident.get(LIST_EN, {"q": "nattvandringar i centrum"})) == [
        "Nattvandring i centrum"
    ]
    assert titles(resident.get(LIST_EN, {"q": "läxhjälp och fotboll"})) == ["Läxhjälp och fotboll"]


def test_search_syntax_phrases_or_and_exclusion(resident):
    factories.InitiativeFactory(title="Nattvandring i centrum")
    factories.InitiativeFactory(title="Nattvandring vid torget")
    factories.InitiativeFactory(title="Städdag vid torget")
    assert titles(resident.get(LIST, {"q": "nattvandring -torget"})) == ["Nattvandring i centrum"]
    assert titles(resident.get(LIST, {"q": '"städdag vid torget"'})) == ["Städdag vid torget"]
    assert sorted(titles(resident.get(LIST, {"q": "centrum or städdag"}))) == [
        "Nattvandring i centrum",
        "Städdag vid torget",
    ]


def test_search_ranks_title_matches_first(resident):
    factories.InitiativeFactory(
        title="Trygga gårdar", description="Belysning, nattvandring och städning."
    )
    factories.InitiativeFactory(title="Nattvandring på helger")
    factories.InitiativeFactory(title="Vuxna på stan", summary="En nattvandring för föräldrar.")
    assert titles(resident.get(LIST, {"q": "nattvandring"})) == [
        "Nattvandring på helger",
        "Vuxna på stan",
        "Trygga gårdar",
    ]


def test_search_never_shows_what_the_user_may_not_see(resident, organization):
    factories.InitiativeFactory(title="Nattvandring öppen", lead_organization=organization)
    factories.InitiativeFactory(
        title="Nattvandring intern", lead_organization=organization, visibility="partners"
    )
    factories.InitiativeFactory(
        title="Nattvandring arkiverad", lead_organization=organization, archived_at=timezone.now()
    )
    assert titles(resident.get(LIST, {"q": "nattvandring"})) == ["Nattvandring öppen"]


# --- Vocabulary, area, organisation, status, visibility -----------------------------------------


def test_filter_by_theme_and_target_group(resident):
    walks = factories.ThemeFactory(name_en="Night walks")
    youth = factories.TargetGroupFactory(name_en="Young people")
    both = factories.InitiativeFactory(title="Nattvandring för unga", themes=[walks])
    both.target_groups.add(youth)
    factories.InitiativeFactory(title="Nattvandring för alla", themes=[walks])
    factories.InitiativeFactory(title="Städdag").target_groups.add(youth)

    assert titles(resident.get(LIST, {"theme": walks.pk})) == [
        "Nattvandring för alla",
        "Nattvandring för unga",
    ]
    assert titles(resident.get(LIST, {"target_group": youth.pk})) == [
        "Nattvandring för unga",
        "Städdag",
    ]
    assert titles(resident.get(LIST, {"theme": walks.pk, "target_group": youth.pk})) == [
        "Nattvandring för unga"
    ]


def test_filter_by_area_includes_its_sub_areas(resident):
    varby = factories.AreaFactory(name="Vårby gård")
    centrum = factories.AreaFactory(name="Vårby gård centrum", parent=varby)
    torget = factories.AreaFactory(name="Vårby torg", parent=centrum)
    elsewhere = factories.AreaFactory(name="Flemingsberg")
    factories.InitiativeFactory(title="Hela Vårby", areas=[varby])
    factories.InitiativeFactory(title="I centrum", areas=[centrum])
    factories.InitiativeFactory(title="På torget", areas=[torget])
    factories.InitiativeFactory(title="Annanstans", areas=[elsewhere])
    # Both in the area and in a sub-area: shown once.
    factories.InitiativeFactory(title="Överallt i Vårby", areas=[varby, torget])

    assert sorted(titles(resident.get(LIST, {"area": varby.pk}))) == [
        "Hela Vårby",
        "I centrum",
        "På torget",
        "Överallt i Vårby",
    ]
    assert sorted(titles(resident.get(LIST, {"area": centrum.pk}))) == [
        "I centrum",
        "På torget",
        "Överallt i Vårby",
    ]
    assert sorted(titles(resident.get(LIST, {"area": torget.pk}))) == [
        "På torget",
        "Överallt i Vårby",
    ]


def test_filter_by_organisation_leading_or_taking_part(resident, organization, other_organization):
    factories.InitiativeFactory(title="Leder själv", lead_organization=organization)
    factories.InitiativeFactory(
        title="Är partner", lead_organization=other_organization
    ).partner_organizations.add(organization)
    factories.InitiativeFactory(title="Inte med", lead_organization=other_organization)
    assert sorted(titles(resident.get(LIST, {"organization": organization.slug}))) == [
        "Leder själv",
        "Är partner",
    ]


def test_filter_by_status(resident):
    factories.InitiativeFactory(title="Pågår", status="active")
    factories.InitiativeFactory(title="Planeras", status="planned")
    factories.InitiativeFactory(title="Klar", status="completed")
    assert titles(resident.get(LIST, {"status": "planned"})) == ["Planeras"]
    assert titles(resident.get(LIST, {"status": "completed"})) == ["Klar"]


def test_partners_filter_by_visibility(client, member, organization):
    factories.InitiativeFactory(title="Öppen", lead_organization=organization)
    factories.InitiativeFactory(
        title="Intern", lead_organization=organization, visibility="partners"
    )
    client.force_login(member)
    assert titles(client.get(LIST, {"visibility": "partners"})) == ["Intern"]
    assert titles(client.get(LIST, {"visibility": "public"})) == ["Öppen"]
    assert sorted(titles(client.get(LIST))) == ["Intern", "Öppen"]


def test_residents_never_see_partners_only_initiatives_even_when_asking(resident, organization):
    factories.InitiativeFactory(title="Öppen", lead_organization=organization)
    factories.InitiativeFactory(
        title="Intern", lead_organization=organization, visibility="partners"
    )
    response = resident.get(LIST, {"visibility": "partners"})
    assert "Intern" not in titles(response)
    assert 'name="visibility"' not in response.text  # no such filter offered to residents
    assert titles(resident.get(LIST, {"visibility": "partners", "q": "intern"})) == []


# --- Period and "mine" ---------------------------------------------------------------------------


def test_running_on_a_date(resident):
    factories.InitiativeFactory(title="Pågår tills vidare", starts_on=dt.date(2026, 1, 1))
    factories.InitiativeFactory(
        title="Hela våren", starts_on=dt.date(2026, 3, 1), ends_on=dt.date(2026, 6, 15)
    )
    factories.InitiativeFactory(
        title="Slutade i maj", starts_on=dt.date(2026, 3, 1), ends_on=dt.date(2026, 5, 31)
    )
    factories.InitiativeFactory(title="Börjar i höst", starts_on=dt.date(2026, 9, 1))

    shown = titles(resident.get(LIST, {"running_on": "2026-06-15"}))
    assert sorted(shown) == ["Hela våren", "Pågår tills vidare"]  # the end date is included
    assert sorted(titles(resident.get(LIST, {"running_on": "2026-10-01"}))) == [
        "Börjar i höst",
        "Pågår tills vidare",
    ]
    assert titles(resident.get(LIST, {"running_on": "2025-12-31"})) == []


def test_mine_shows_my_organisations_initiatives(client, member, organization, other_organization):
    factories.InitiativeFactory(title="Vi leder", lead_organization=organization)
    factories.InitiativeFactory(
        title="Vi är med", lead_organization=other_organization
    ).partner_organizations.add(organization)
    factories.InitiativeFactory(title="Andras", lead_organization=other_organization)
    client.force_login(member)

    response = client.get(LIST_EN, {"mine": "on"})
    assert sorted(titles(response)) == ["Vi leder", "Vi är med"]
    assert "Only my organisations" in response.text
    assert len(titles(client.get(LIST))) == 3


def test_mine_is_empty_for_a_coordinator_without_organisation(client, coordinator):
    factories.InitiativeFactory(title="Någons insats")
    login_with_second_factor(client, coordinator)
    assert titles(client.get(LIST, {"mine": "on"})) == []


def test_residents_have_no_mine_filter(resident):
    factories.InitiativeFactory(title="Någons insats")
    response = resident.get(LIST, {"mine": "on"})
    assert 'name="mine"' not in response.text
    assert titles(response) == ["Någons insats"]


# --- Sorting -------------------------------------------------------------------------------------


def test_sort_orders(resident):
    old = factories.InitiativeFactory(title="Bravo", starts_on=dt.date(2025, 1, 1))
    factories.InitiativeFactory(title="Charlie", starts_on=dt.date(2026, 1, 1))
    factories.InitiativeFactory(title="Alfa", starts_on=dt.date(2024, 1, 1))
    old.summary = "Uppdaterad nyss."
    old.save()

    assert titles(resident.get(LIST, {"sort": "title"})) == ["Alfa", "Bravo", "Charlie"]
    assert titles(resident.get(LIST, {"sort": "newest"})) == ["Charlie", "Bravo", "Alfa"]
    assert titles(resident.get(LIST, {"sort": "updated"}))[0] == "Bravo"
    # "Best match" without a search: newest period first, as before.
    assert titles(resident.get(LIST, {"sort": "relevance"})) == ["Charlie", "Bravo", "Alfa"]


def test_sort_applies_to_search_results(resident):
    factories.InitiativeFactory(title="Nattvandring B", starts_on=dt.date(2025, 1, 1))
    factories.InitiativeFactory(title="Nattvandring A", starts_on=dt.date(2024, 1, 1))
    assert titles(resident.get(LIST, {"q": "nattvandring", "sort": "title"})) == [
        "Nattvandring A",
        "Nattvandring B",
    ]


# --- Bad input, URLs, form ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"theme": "999999"}, "theme", "Select a valid choice"),
        ({"theme": "abc"}, "theme", "Select a valid choice"),
        ({"target_group": "999999"}, "target_group", "Select a valid choice"),
        ({"area": "abc"}, "area", "Select a valid choice"),
        ({"organization": "-1"}, "organization", "No organisation in the partnership matches"),
        ({"status": "sleeping"}, "status", "Select a valid choice"),
        ({"running_on": "abc"}, "running_on", "Enter a valid date"),
        ({"running_on": "2026-02-30"}, "running_on", "Enter a valid date"),
        ({"q": "nattvandring " * 50}, "q", "at most 200 characters"),
        ({"sort": "price"}, "sort", "Select a valid choice"),
    ],
)
def test_bad_values_are_errors_next_to_the_field_and_other_filters_still_apply(
    resident, params, field, message
):
    factories.InitiativeFactory(title="Pågår", status="active")
    factories.InitiativeFactory(title="Planeras", status="planned")
    other = {"status": "planned"} if field != "status" else {"sort": "title"}
    response = resident.get(LIST_EN, {**params, **other})
    assert response.status_code == 200
    assert message in errors_next_to(response, field)
    if field != "status":
        assert titles(response) == ["Planeras"]


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ('"', False),
        ("&|!:*()", False),
        ("nattvandring & | !", True),
        ("nattvandring:*", True),
        ("'; drop table x; --", False),
        ("ö" * 200, False),
        ("och", False),  # only a stopword: matches nothing rather than everything
        ("-", False),
    ],
)
def test_any_search_text_is_safe(resident, q, found):
    factories.InitiativeFactory(title="Nattvandring")
    response = resident.get(LIST, {"q": q})
    assert titles(response) == (["Nattvandring"] if found else [])


def test_filters_are_kept_in_the_form_and_in_the_pagination_links(resident):
    theme = factories.ThemeFactory()
    for index in range(30):
        factories.InitiativeFactory(title=f"Nattvandring {index:02d}", themes=[theme])
    factories.InitiativeFactory(title="Nattvandring utan tema")
    response = resident.get(LIST_EN, {"q": "nattvandring", "theme": theme.pk, "sort": "title"})
    page = response.text
    assert 'value="nattvandring"' in page
    assert f'<option value="{theme.pk}" selected>' in page
    assert "30 initiatives" in page
    assert len(titles(response)) == 25
    next_link = re.search(r'<a href="([^"]*)" rel="next"', page).group(1)
    next_link = html_lib.unescape(next_link)
    assert "q=nattvandring" in next_link and f"theme={theme.pk}" in next_link
    second = resident.get(LIST_EN + next_link)
    assert titles(second) == [f"Nattvandring {index:02d}" for index in range(25, 30)]


def test_every_filter_has_a_label_and_the_form_is_get(client, member):
    client.force_login(member)
    page = client.get(LIST_EN).text
    form = re.search(r'<form class="filters-disclosure" method="get".*?</form>', page, re.DOTALL)
    form = form.group(0)
    for field in [
        "q",
        "theme",
        "target_group",
        "area",
        "organization",
        "status",
        "visibility",
        "running_on",
        "mine",
        "sort",
    ]:
        assert f'name="{field}"' in form
        assert f'<label for="id_{field}"' in form


def test_no_match_says_so_with_a_way_back(resident):
    factories.InitiativeFactory(title="Nattvandring")
    page = resident.get(LIST_EN, {"q": "läxhjälp"}).text
    assert "No initiatives match the filters." in page
    assert "Clear filters" in page


def test_the_search_vector_follows_edits():
    initiative = factories.InitiativeFactory(title="Städdag")
    initiative.title = "Nattvandring"
    initiative.save()
    assert list(
        Initiative.objects.filter(search_vector=search_query("nattvandringar")).values_list(
            "title", flat=True
        )
    ) == ["Nattvandring"]
    assert not Initiative.objects.filter(search_vector=search_query("städdag")).exists()


# --- Queries -------------------------------------------------------------------------------------


def _filtered_list_queries(client, n, organization):
    parent = factories.AreaFactory()
    area = factories.AreaFactory(parent=parent)
    theme = factories.ThemeFactory()
    target_group = factories.TargetGroupFactory()
    for index in range(n):
        initiative = factories.InitiativeFactory(
            title=f"Nattvandring {n}-{index}",
            lead_organization=organization,
            areas=[area],
            themes=[theme],
            starts_on=dt.date(2026, 1, 1),
        )
        initiative.target_groups.add(target_group)
        factories.ScheduleSlotFactory(initiative=initiative)
    params = {
        "q": "nattvandringar",
        "theme": theme.pk,
        "target_group": target_group.pk,
        "area": parent.pk,
        "organization": organization.slug,
        "status": "active",
        "visibility": "public",
        "running_on": "2026-06-15",
        "mine": "on",
        "sort": "relevance",
    }
    count, response = query_count(client, LIST, params, with_response=True)
    assert len(titles(response)) == min(n, 25)
    return count


def test_filtered_list_query_count_does_not_grow_with_rows(client, member, organization):
    client.force_login(member)
    few = _filtered_list_queries(client, 2, organization)
    many = _filtered_list_queries(client, 30, organization)
    assert few == many


def test_counting_stops_at_the_cap(resident, monkeypatch):
    """A broad search on a big database does not count every match (see bench_search)."""
    from partnership.pagination import CappedCountPaginator

    monkeypatch.setattr(CappedCountPaginator, "cap", 30)
    for index in range(40):
        factories.InitiativeFactory(title=f"Nattvandring {index:02d}")
    page = resident.get(LIST_EN, {"q": "nattvandring", "sort": "title"}).text
    assert "More than 30 initiatives." in page
    assert "Page 1 of 2" in page
    last = resident.get(LIST_EN, {"q": "nattvandring", "sort": "title", "page": "9"})
    assert titles(last) == [f"Nattvandring {index:02d}" for index in range(25, 30)]
    exact = resident.get(LIST_EN, {"q": "nattvandring 05"}).text
    assert "1 initiative" in exact


def test_the_organisation_filter_is_a_text_search_matched_on_the_server(client):
    """Issue 16: the organisation filter ships no list of every organisation (3,333 options
    made the page 249 KB); what is typed is matched on the server, without JavaScript."""
    chosen = factories.OrganizationFactory(name="Förening <b>&</b> Co")
    other = factories.OrganizationFactory(name="Annan förening")
    factories.InitiativeFactory(title="Den valdas", lead_organization=chosen)
    factories.InitiativeFactory(title="Den andras", lead_organization=other)

    html = client.get("/en/initiatives/", {"organization": chosen.slug}).text
    assert f'name="organization" value="{chosen.slug}"' in html
    assert other.slug not in html
    assert titles(client.get("/en/initiatives/", {"organization": chosen.slug})) == ["Den valdas"]
    # Part of a name, in any case: every organisation whose name holds it.
    assert sorted(titles(client.get("/en/initiatives/", {"organization": "FÖRENING"}))) == [
        "Den andras",
        "Den valdas",
    ]
    assert titles(client.get("/en/initiatives/", {"organization": "annan"})) == ["Den andras"]
    typed = client.get("/en/initiatives/", {"organization": "<b>&"}).text
    assert 'name="organization" value="&lt;b&gt;&amp;"' in typed
    assert titles(client.get("/en/initiatives/", {"organization": "<b>&"})) == ["Den valdas"]
