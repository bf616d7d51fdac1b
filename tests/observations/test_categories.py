"""The coordinator maintains the categories reporters choose from (issue 15): add, rename in
Swedish and English, reorder, map to themes, retire one in use (never delete it), delete one
nobody used. Coordinators with the second factor only."""

import pytest
from django.urls import reverse

from partnership.observations.models import Observation, ObservationCategory
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/handelser/kategorier/"


def names() -> list[str]:
    return list(
        ObservationCategory.objects.order_by("position", "name_sv").values_list("slug", flat=True)
    )


def test_the_url():
    assert reverse("observations:categories") == URL


def test_the_list_shows_the_seeded_categories_in_order(coordinator_client):
    page = coordinator_client.get(URL)
    assert page.status_code == 200
    text = page.text
    assert text.index("Nedskräpning") < text.index("Klotter") < text.index("Övrigt")
    assert "Young people in groups" in text


@pytest.mark.parametrize("who", ["member", "org_admin", "outsider"])
def test_partners_may_not(request, client, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(URL).status_code == 403
    before = names()
    assert client.post(URL, {"name_sv": "Ny", "name_en": "New"}).status_code == 403
    klotter = reverse("observations:category_retire", args=["klotter"])
    assert client.post(klotter).status_code == 403
    assert names() == before
    assert ObservationCategory.objects.get(slug="klotter").retired_at is None


def test_a_coordinator_without_the_second_factor_is_sent_to_get_it(client, coordinator_without_mfa):
    client.force_login(coordinator_without_mfa)
    response = client.get(URL)
    assert response.status_code == 302
    assert "2fa" in response["Location"] or "tvafaktor" in response["Location"]


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_add_a_category_with_themes(coordinator_client):
    theme = factories.ThemeFactory(name_sv="Belysning")
    response = coordinator_client.post(
        URL, {"name_sv": "Eldning", "name_en": "Fires lit", "themes": [theme.pk]}
    )
    assert response.status_code == 302
    category = ObservationCategory.objects.get(name_sv="Eldning")
    assert (category.slug, category.name_en) == ("eldning", "Fires lit")
    assert list(category.themes.all()) == [theme]
    assert names()[-1] == "eldning"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name_sv": "", "name_en": "x"}, "name_sv"),
        ({"name_sv": "Klotter", "name_en": "Again"}, "name_sv"),
        ({"name_sv": "x" * 500, "name_en": ""}, "name_sv"),
        ({"name_sv": "Ok", "themes": ["999999"]}, "themes"),
    ],
)
def test_bad_input_is_refused_with_its_reason(coordinator_client, data, field):
    before = ObservationCategory.objects.count()
    response = coordinator_client.post(URL, data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert "data-error-summary" in response.text
    assert ObservationCategory.objects.count() == before


def test_rename_keeps_the_slug_and_the_observations(coordinator_client):
    observation = factories.ObservationFactory(category=factories.observation_category("klotter"))
    url = reverse("observations:category_edit", args=["klotter"])
    assert coordinator_client.get(url).status_code == 200
    response = coordinator_client.post(
        url, {"name_sv": "Klotter och tags", "name_en": "Graffiti and tags"}
    )
    assert response.status_code == 302
    observation.refresh_from_db()
    assert observation.category.slug == "klotter"
    assert observation.category.name_sv == "Klotter och tags"
    assert coordinator_client.post(url, {"name_sv": ""}).status_code == 400


def test_reorder(coordinator_client):
    first, second = names()[:2]
    coordinator_client.post(
        reverse("observations:category_move", args=[second]), {"direction": "up"}
    )
    assert names()[:2] == [second, first]
    coordinator_client.post(
        reverse("observations:category_move", args=[second]), {"direction": "down"}
    )
    assert names()[:2] == [first, second]
    # At the top already: nothing moves; a bad direction neither.
    coordinator_client.post(
        reverse("observations:category_move", args=[first]), {"direction": "up"}
    )
    coordinator_client.post(reverse("observations:category_move", args=[first]), {"direction": "x"})
    assert names()[:2] == [first, second]


def test_a_category_in_use_is_retired_not_deleted(coordinator_client):
    observation = factories.ObservationFactory(category=factories.observation_category("klotter"))
    delete = reverse("observations:category_delete", args=["klotter"])
    response = coordinator_client.post(delete, follow=True)
    assert "avveckla den i stället" in response.text
    assert ObservationCategory.objects.filter(slug="klotter").exists()
    coordinator_client.post(reverse("observations:category_retire", args=["klotter"]))
    category = ObservationCategory.objects.get(slug="klotter")
    assert category.retired_at is not None
    assert Observation.objects.get(pk=observation.pk).category == category
    assert "(avvecklad)" in coordinator_client.get(URL).text
    coordinator_client.post(reverse("observations:category_restore", args=["klotter"]))
    assert ObservationCategory.objects.get(slug="klotter").retired_at is None


def test_a_category_nobody_used_is_deleted(coordinator_client):
    coordinator_client.post(reverse("observations:category_delete", args=["trafik"]))
    assert not ObservationCategory.objects.filter(slug="trafik").exists()


def test_an_unknown_category_is_404(coordinator_client):
    assert (
        coordinator_client.get(reverse("observations:category_edit", args=["nej"])).status_code
        == 404
    )
    assert (
        coordinator_client.post(reverse("observations:category_retire", args=["nej"])).status_code
        == 404
    )


def test_the_log_form_offers_the_categories_in_the_active_language(client, organization):
    user = factories.UserFactory()
    factories.MembershipFactory(user=user, organization=organization, is_reporter=True)
    client.force_login(user)
    assert "Ungdomar i grupp" in client.get("/handelser/ny/").text
    assert "Young people in groups" in client.get("/en/observations/new/").text
