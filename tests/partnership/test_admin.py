"""The Django admin (for superusers): every model is there, searchable and filterable."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests import factories
from tests.helpers import login_with_second_factor

pytestmark = pytest.mark.django_db

DOMAIN_APPS = {"partnership", "stakeholders", "initiatives", "problems"}


@pytest.fixture
def superuser_client(client):
    """A superuser in a session that passed the second factor: what the admin needs."""
    return login_with_second_factor(client, factories.UserFactory(is_staff=True, is_superuser=True))


def domain_admins():
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in DOMAIN_APPS and not model._meta.proxy
    ]


def test_every_domain_model_is_registered():
    registered = {model.__name__ for model, _ in domain_admins()}
    assert {
        "Area",
        "Theme",
        "TargetGroup",
        "Problem",
        "User",
        "Organization",
        "Membership",
        "Invitation",
        "Initiative",
        "InitiativeUpdate",
    } <= registered


@pytest.mark.parametrize("model", [m for m, _ in domain_admins()], ids=lambda m: m.__name__)
def test_changelist_search_and_add_pages_open(superuser_client, model):
    opts = model._meta
    factories.InitiativeFactory(title="Nattvandring i centrum")
    model_admin = admin.site._registry[model]
    assert model_admin.search_fields, f"{model.__name__} has no search"
    if model.__name__ not in {"Theme", "TargetGroup"}:  # a dozen rows each: search is enough
        assert model_admin.list_filter, f"{model.__name__} has no list filters"

    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    response = superuser_client.get(changelist, {"q": "natt"})
    assert response.status_code == 200
    assert response.context["cl"].query == "natt"
    add = superuser_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    assert add.status_code == 200


def test_admin_finds_an_initiative_by_title(superuser_client):
    factories.InitiativeFactory(title="Nattvandring i centrum")
    factories.InitiativeFactory(title="Läxhjälp")
    response = superuser_client.get(
        reverse("admin:initiatives_initiative_changelist"), {"q": "natt"}
    )
    titles = [i.title for i in response.context["cl"].result_list]
    assert titles == ["Nattvandring i centrum"]


def test_residents_and_partners_are_kept_out_of_the_admin(client, member):
    client.force_login(member)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
