"""Publishing the lägesbild's aggregates to residents (issue 15): only a coordinator with the
second factor chooses, previews, publishes, withdraws and publishes again; the published
numbers are the report's at that moment and never change afterwards; categories kept
internal never reach the public page; counts of 1–2 say "fewer than 3"; a withdrawn or draft
publication is a 404; personal data in the text is refused next to the field and in the
summary; Swedish and English pages; the sitemap; query counts."""

import datetime as dt
import re
import uuid
import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from partnership.coordination.models import PublishedSituation
from partnership.coordination.queries import Scope
from partnership.coordination.queries.report import observation_matrix
from tests import factories
from tests.helpers import login_with_second_factor, query_count

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
STARTS = TODAY - dt.timedelta(days=27)


def url(name, *args, lang="sv"):
    with translation.override(lang):
        return reverse(name, args=args)


def new_url(lang="sv"):
    return url("coordinator:dashboard:publication_new", lang=lang)


def action_url(situation, action):
    return url("coordinator:dashboard:publication_action", situation.public_id, action)


def public_url(situation, lang="sv"):
    return url("situation_report", situation.public_id, lang=lang)


@pytest.fixture
def visitor():
    """A resident: no session (the ``client`` fixture is the coordinator's here)."""
    return Client()


@pytest.fixture
def world(organization):
    district = factories.AreaFactory(name="Vårby gård")
    yard = factories.AreaFactory(name="Gården", parent=district)
    square = factories.AreaFactory(name="Torget", parent=district)
    other = factories.AreaFactory(name="Masmo")
    litter = factories.observation_category("nedskrapning")
    graffiti = factories.observation_category("klotter")
    violence = factories.observation_category("hot-vald")
    violence.name_sv, violence.name_en = "Hot och våld", "Threats and violence"
    violence.save()

    def observe(area, category, days_ago, count, time_from=dt.time(21)):
        return factories.ObservationFactory(
            organization=organization,
            area=area,
            category=category,
            observed_on=TODAY - dt.timedelta(days=days_ago),
            time_from=time_from,
            count=count,
        )

    observe(yard, litter, 3, 5)
    observe(square, litter, 4, 2)
    observe(square, graffiti, 5, 2, time_from=None)  # "fewer than 3"
    observe(other, litter, 6, 4, time_from=dt.time(8))
    observe(yard, violence, 2, 7)  # kept internal below
    observe(yard, litter, 40, 6)  # the period before
    observe(yard, litter, 200, 90)  # long before: in neither period
    return {
        "district": district,
        "yard": yard,
        "square": square,
        "other": other,
        "litter": litter,
        "graffiti": graffiti,
        "violence": violence,
        "observe": observe,
    }


def choice(world, **changes):
    data = {
        "starts_on": STARTS.isoformat(),
        "ends_on": TODAY.isoformat(),
        "categories": [world["litter"].pk, world["graffiti"].pk],
        "areas": [world["district"].pk, world["other"].pk],
        "by_weekday": "on",
        "by_part": "on",
        "text": "Mer nedskräpning vid Gården efter helgerna.",
    }
    return {**data, **changes}


def publish(client, world, **changes) -> PublishedSituation:
    response = client.post(new_url(), choice(world, **changes))
    assert response.status_code == 302, response.content
    situation = PublishedSituation.objects.latest("created_at")
    assert client.post(action_url(situation, "publish")).status_code == 302
    situation.refresh_from_db()
    assert situation.is_public
    return situation


def text_of(response) -> str:
    main = response.text.split('id="main"', 1)[1].split("</main>", 1)[0]
    main = re.sub(r"<svg.*?</svg>", " ", main, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


# --- Who may publish ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "refusal"),
    [
        ("resident", "login"),
        ("member", 403),
        ("outsider", 403),
        ("coordinator_without_mfa", "second factor"),
    ],
)
def test_only_a_coordinator_with_the_second_factor_chooses_and_publishes(
    client, request, world, role, refusal, coordinator_client
):
    coordinator_client.post(new_url(), choice(world))
    draft = PublishedSituation.objects.get()
    other = client.__class__()
    if role != "resident":
        other.force_login(request.getfixturevalue(role))
    for response in (
        other.get(new_url()),
        other.post(new_url(), choice(world)),
        other.get(url("coordinator:dashboard:publication", draft.public_id)),
        other.post(action_url(draft, "publish")),
        other.get(url("coordinator:dashboard:publications")),
    ):
        if refusal == 403:
            assert response.status_code == 403
        else:
            assert response.status_code == 302
            expected = "/accounts/login/" if refusal == "login" else "/accounts/2fa/"
            assert expected in response["Location"]
    assert PublishedSituation.objects.get().published_at is None
    assert other.get(public_url(draft)).status_code == 404


def test_withdrawing_and_publishing_again_need_the_coordinator(client, member, world):
    coordinator = factories.UserFactory(is_coordinator=True)
    situation = publish(login_with_second_factor(client, coordinator), world)
    client.logout()
    client.force_login(member)
    assert client.post(action_url(situation, "withdraw")).status_code == 403
    situation.refresh_from_db()
    assert situation.is_public


# --- The numbers: the report's, frozen ------------------------------------------------------------


def test_published_numbers_are_the_reports_and_do_not_change_afterwards(
    coordinator_client, visitor, world
):
    situation = publish(coordinator_client, world, areas=[world["yard"].pk, world["square"].pk])
    matrix = observation_matrix(Scope(starts_on=STARTS, ends_on=TODAY))
    report = dict(zip(matrix.categories, matrix.totals, strict=True))
    by_name = {c["sv"]: c["count"] for c in situation.data["categories"]}
    assert by_name == {"Nedskräpning": report["Nedskräpning"], "Klotter": report["Klotter"]}
    assert by_name == {"Nedskräpning": 11, "Klotter": 2}
    assert situation.data["total"] == 13
    assert situation.data["previous_total"] == 6  # 40 days ago, in the 28 days before
    report_rows = {name: total for name, _counts, total in matrix.rows}
    rows = {row["name"]: row["total"] for row in situation.data["areas"]}
    assert rows["Gården"] == report_rows["Gården"] - 7  # without the internal category
    assert rows["Torget"] == report_rows["Torget"] == 4
    frozen = situation.data

    world["observe"](world["yard"], world["litter"], 1, 20)  # logged after publishing
    situation.refresh_from_db()
    assert situation.data == frozen
    page = text_of(visitor.get(public_url(situation)))
    assert "Nedskräpning 11 6 +5" in page
    assert " 31 " not in page


def test_numbers_that_changed_since_the_preview_are_shown_again_before_publishing(
    coordinator_client, visitor, world
):
    coordinator_client.post(new_url(), choice(world))
    draft = PublishedSituation.objects.get()
    world["observe"](world["square"], world["litter"], 1, 10)
    response = coordinator_client.post(action_url(draft, "publish"), follow=True)
    assert "Siffrorna har ändrats sedan din förhandsvisning" in response.text
    draft.refresh_from_db()
    assert draft.published_at is None
    assert draft.data["total"] == 23
    assert visitor.get(public_url(draft)).status_code == 404
    coordinator_client.post(action_url(draft, "publish"))
    draft.refresh_from_db()
    assert draft.is_public
    assert "Nedskräpning 21" in text_of(visitor.get(public_url(draft)))


def test_the_preview_shows_exactly_the_public_page(coordinator_client, visitor, world):
    coordinator_client.post(new_url(), choice(world))
    draft = PublishedSituation.objects.get()
    preview = text_of(
        coordinator_client.get(url("coordinator:dashboard:publication", draft.public_id))
    )
    coordinator_client.post(action_url(draft, "publish"))
    public = text_of(visitor.get(public_url(draft)))
    section = "Händelser efter kategori"
    shared = public.split(section, 1)[1].split("Om siffrorna", 1)[0]
    assert shared in preview


# --- What residents see -------------------------------------------------------------------------


def test_a_category_kept_internal_never_appears_on_the_public_pages(
    coordinator_client, visitor, world
):
    situation = publish(coordinator_client, world)
    for lang in ("sv", "en"):
        for page in (
            visitor.get(public_url(situation, lang)),
            visitor.get(url("situation_reports", lang=lang)),
        ):
            assert page.status_code == 200
            assert "Hot och våld" not in page.text
            assert "Threats and violence" not in page.text
    page = text_of(visitor.get(public_url(situation)))
    # Gården's 7 threats are in no number: Vårby gård has 11 littering + 2 graffiti.
    assert "Vårby gård 7 färre än 3 9" in page
    assert "Alla publicerade kategorier 13 6 +7" in page


def test_small_numbers_say_fewer_than_3_and_the_rule_is_on_the_page(
    coordinator_client, visitor, world
):
    situation = publish(coordinator_client, world)
    page = text_of(visitor.get(public_url(situation)))
    assert "Klotter färre än 3 0 –" in page  # 2 graffiti: no exact count, no difference
    assert "Masmo 4 0 4" in page  # 0 and 3+ as they are
    assert "Ett antal på 1 eller 2 visas som ”färre än 3”" in page
    assert "Ingen tid angiven färre än 3" in page  # the graffiti without a time
    english = text_of(visitor.get(public_url(situation, "en")))
    assert "fewer than 3" in english
    assert "A count of 1 or 2 is shown as “fewer than 3”" in english
    assert "Graffiti fewer than 3" in english


def test_the_english_page(coordinator_client, visitor, world):
    situation = publish(coordinator_client, world)
    response = visitor.get(public_url(situation, "en"))
    assert response.status_code == 200
    assert public_url(situation, "en").startswith("/en/situation-reports/")
    page = text_of(response)
    assert "Situation picture" in page
    assert "Observations by category" in page
    assert "Compared with the period of the same length before" in page
    assert "Mer nedskräpning vid Gården efter helgerna." in page
    assert "Monday" in page and "Evening (17–22)" in page
    listing = visitor.get(url("situation_reports", lang="en"))
    assert public_url(situation, "en") in listing.text
    assert url("situation_reports") == "/lagesbilder/"


def test_withdrawn_is_gone_from_the_public_pages_and_can_come_back(
    coordinator_client, visitor, world
):
    situation = publish(coordinator_client, world)
    coordinator_client.post(action_url(situation, "withdraw"))
    situation.refresh_from_db()
    assert situation.withdrawn_at is not None
    assert visitor.get(public_url(situation)).status_code == 404
    assert public_url(situation) not in visitor.get(url("situation_reports")).text
    frozen = situation.data
    world["observe"](world["yard"], world["litter"], 1, 20)
    coordinator_client.post(action_url(situation, "republish"))
    situation.refresh_from_db()
    assert situation.is_public and situation.data == frozen
    assert visitor.get(public_url(situation)).status_code == 200
    assert public_url(situation) in visitor.get(url("situation_reports")).text
    history = coordinator_client.get(url("coordinator:dashboard:publication", situation.public_id))
    assert history.text.count("history-changes") >= 3  # published, withdrawn, published again
    assert situation.events.count() >= 4  # created, published, withdrawn, published again


def test_a_published_one_is_never_changed_or_discarded(coordinator_client, world):
    situation = publish(coordinator_client, world)
    edit = url("coordinator:dashboard:publication_edit", situation.public_id)
    assert coordinator_client.get(edit).status_code == 404
    response = coordinator_client.post(action_url(situation, "discard"), follow=True)
    assert "dras tillbaka, den raderas inte" in response.text
    assert PublishedSituation.objects.filter(pk=situation.pk).exists()


def test_a_draft_is_changed_and_discarded(coordinator_client, world):
    coordinator_client.post(new_url(), choice(world))
    draft = PublishedSituation.objects.get()
    edit = url("coordinator:dashboard:publication_edit", draft.public_id)
    assert "Mer nedskräpning" in coordinator_client.get(edit).text
    coordinator_client.post(edit, choice(world, categories=[world["graffiti"].pk]))
    draft.refresh_from_db()
    assert [c["sv"] for c in draft.data["categories"]] == ["Klotter"]
    coordinator_client.post(action_url(draft, "discard"))
    assert not PublishedSituation.objects.exists()


# --- Bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["Ring 070-123 45 67 om klotter", "Skriv till kalle@example.org", "Bilen ABC 123 stod där"],
)
def test_personal_data_in_the_text_is_refused_next_to_the_field_and_in_the_summary(
    coordinator_client, world, text
):
    response = coordinator_client.post(new_url(), choice(world, text=text))
    assert response.status_code == 400
    summary = response.text.split("data-error-summary", 1)[1].split("</div>", 1)[0]
    assert 'href="#id_text"' in summary
    field = response.text.split('id="id_text"', 1)[0].rsplit('class="field', 1)[1]
    assert "error" in field
    assert text in response.text  # the input is kept
    assert not PublishedSituation.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"categories": []}, "categories"),
        ({"ends_on": (TODAY + dt.timedelta(days=1)).isoformat()}, "ends_on"),
        ({"starts_on": TODAY.isoformat(), "ends_on": STARTS.isoformat()}, "ends_on"),
        ({"starts_on": "31/02/2026"}, "starts_on"),
        ({"areas": ["999999"]}, "areas"),
        ({"text": "x" * 1001}, "text"),
    ],
)
def test_bad_choices_are_refused_with_the_error_next_to_the_field(
    coordinator_client, world, changes, field
):
    response = coordinator_client.post(new_url(), choice(world, **changes))
    assert response.status_code == 400
    assert f'href="#id_{field}' in response.text.split("data-error-summary", 1)[1][:3000]
    assert not PublishedSituation.objects.exists()


def test_chosen_areas_must_lie_in_the_chosen_area(coordinator_client, world):
    response = coordinator_client.post(
        new_url(), choice(world, area=world["district"].pk, areas=[world["other"].pk])
    )
    assert response.status_code == 400
    assert "Välj områden inom Vårby gård" in response.text


def test_an_unknown_action_or_publication_is_404(coordinator_client, world):
    coordinator_client.post(new_url(), choice(world))
    draft = PublishedSituation.objects.get()
    assert coordinator_client.post(action_url(draft, "explode")).status_code == 404
    missing = url("coordinator:dashboard:publication", "00000000-0000-4000-8000-000000000000")
    assert coordinator_client.get(missing).status_code == 404


# --- Where residents find it -------------------------------------------------------------------


def test_the_report_links_to_publishing_and_residents_find_the_list(
    coordinator_client, visitor, world
):
    report = coordinator_client.get(
        url("coordinator:dashboard:report"), {"starts_on": STARTS.isoformat()}
    )
    assert f"{new_url()}?starts_on={STARTS.isoformat()}" in report.text
    form = coordinator_client.get(f"{new_url()}?starts_on={STARTS.isoformat()}")
    assert form.context["form"].initial["starts_on"] == STARTS
    assert form.context["form"].initial["ends_on"] == TODAY
    situation = publish(coordinator_client, world)
    for page in ("/", url("public_problems")):
        assert 'href="/lagesbilder/"' in visitor.get(page).text
    listing = visitor.get(url("situation_reports"))
    assert public_url(situation) in listing.text
    assert "<script" not in listing.text
    assert "<script" not in visitor.get(public_url(situation)).text


def test_the_sitemap_lists_the_public_ones_only(coordinator_client, visitor, world, settings):
    settings.PAGE_CACHE_ENABLED = False
    shown = publish(coordinator_client, world)
    withdrawn = publish(coordinator_client, world)
    coordinator_client.post(action_url(withdrawn, "withdraw"))
    coordinator_client.post(new_url(), choice(world))
    draft = PublishedSituation.objects.latest("created_at")
    index = visitor.get("/sitemap.xml").text
    assert "sitemap-situation.xml" in index
    body = visitor.get("/sitemap-situation.xml").content
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    listed = [
        u.find("s:loc", namespace).text for u in ET.fromstring(body).findall("s:url", namespace)
    ]
    assert f"http://testserver{public_url(shown)}" in listed
    assert f"http://testserver{public_url(shown, 'en')}" in listed
    assert "http://testserver/lagesbilder/" in listed
    text = "\n".join(listed)
    assert str(withdrawn.public_id) not in text
    assert str(draft.public_id) not in text


# --- Query counts -------------------------------------------------------------------------------


def test_the_public_pages_take_the_same_queries_with_2_and_30_publications(
    coordinator_client, visitor, world, settings
):
    settings.PAGE_CACHE_ENABLED = False
    situations = [publish(coordinator_client, world) for _ in range(2)]
    few = query_count(visitor, url("situation_reports"))
    one = query_count(visitor, public_url(situations[0]))
    template = PublishedSituation.objects.get(pk=situations[0].pk)
    for _ in range(28):
        template.pk, template.public_id = None, uuid.uuid4()
        template.save()
    assert query_count(visitor, url("situation_reports")) == few
    assert query_count(visitor, public_url(situations[1])) == one
    assert few <= 2
    assert one <= 1


def test_publishing_takes_a_fixed_number_of_queries(
    coordinator_client, world, django_assert_max_num_queries
):
    with django_assert_max_num_queries(40):
        coordinator_client.post(new_url(), choice(world))
    draft = PublishedSituation.objects.get()
    few = query_count(coordinator_client, url("coordinator:dashboard:publication", draft.public_id))
    for n in range(20):
        world["observe"](world["yard"], world["graffiti"], n % 20, 1)
    coordinator_client.post(
        url("coordinator:dashboard:publication_edit", draft.public_id), choice(world)
    )
    assert (
        query_count(coordinator_client, url("coordinator:dashboard:publication", draft.public_id))
        == few
    )
