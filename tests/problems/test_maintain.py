"""Correcting, archiving and restoring a problem: who may (a matrix over the cast), what is
saved and kept in history, a stale save refused with the input kept, and an archived problem
gone from every page but its editors' — nothing deleted."""

import pytest

from partnership.problems import permissions
from partnership.problems.models import Problem
from tests import factories
from tests.helpers import login_as

pytestmark = pytest.mark.django_db

BASE = "/en/problems/"
CAST = ["resident", "outsider", "member", "org_admin", "coordinator"]


@pytest.fixture
def theme(db):
    return factories.ThemeFactory(name_sv="Belysning", name_en="Lighting")


@pytest.fixture
def problem(organization, theme):
    return factories.ProblemFactory(
        title="Mörk gångtunnel",
        recorded_by_organization=organization,
        themes=[theme],
        visibility="public",
    )


def _payload(problem, **overrides):
    problem.refresh_from_db()
    data = {
        "title": problem.title,
        "description": problem.description,
        "themes": [str(t.pk) for t in problem.themes.all()],
        "severity": str(problem.severity),
        "area": str(problem.area_id),
        "latitude": "",
        "longitude": "",
        "source": problem.source,
        "observed_on": "",
        "weekdays": [],
        "time_from": "",
        "time_to": "",
        "visibility": problem.visibility,
        "version": str(problem.version),
        **overrides,
    }
    return {key: value for key, value in data.items() if value is not None}


@pytest.mark.parametrize("role", CAST)
def test_who_may_edit_archive_and_restore(client, request, problem, role):
    user = request.getfixturevalue(role) if role != "resident" else None
    login_as(client, request, role)  # a coordinator in a session with the second factor
    editor = role in {"member", "org_admin", "coordinator"}
    if user is not None:
        assert permissions.can_edit_problem(user, problem) is editor

    response = client.post(f"{BASE}{problem.public_id}/edit/", _payload(problem, title="Ny"))
    archive = client.post(f"{BASE}{problem.public_id}/archive/")

    problem.refresh_from_db()
    if editor:
        assert problem.title == "Ny" and problem.archived_at is not None
    else:
        assert problem.title == "Mörk gångtunnel" and problem.archived_at is None
        if role == "resident":
            assert response.status_code == 302 and "/login/" in response.url
        else:
            assert response.status_code == 403 and archive.status_code == 403


def test_an_edit_is_saved_with_its_themes_and_kept_in_history(client, member, problem):
    other_theme = factories.ThemeFactory(name_en="Litter")
    client.force_login(member)
    page = client.get(f"{BASE}{problem.public_id}/edit/").text
    assert 'value="Mörk gångtunnel"' in page and 'name="organization"' not in page

    response = client.post(
        f"{BASE}{problem.public_id}/edit/",
        _payload(
            problem,
            title="Mörk gångtunnel vid skolan",
            severity="5",
            themes=[str(other_theme.pk)],
            weekdays=["5", "6"],
            time_from="22:00",
            time_to="02:00",
        ),
    )

    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.title == "Mörk gångtunnel vid skolan"
    assert (problem.severity, problem.weekdays) == (5, [5, 6])
    assert list(problem.themes.all()) == [other_theme]
    assert problem.version == 2
    event = Problem.pgh_event_model.objects.filter(pgh_obj=problem).order_by("-pgh_id").first()
    assert event.title == "Mörk gångtunnel vid skolan"
    assert event.pgh_context.metadata["user"] == member.pk
    assert "Your changes have been saved." in client.get(response.url).text


def test_a_stale_edit_is_refused_with_the_input_kept(client, member, org_admin, problem):
    stale = _payload(problem, title="Min ändring")
    client.force_login(org_admin)
    client.post(f"{BASE}{problem.public_id}/edit/", _payload(problem, severity="4"))
    client.force_login(member)

    response = client.post(f"{BASE}{problem.public_id}/edit/", stale)

    assert response.status_code == 409
    assert "Someone changed this problem while you were editing it" in response.text
    assert 'value="Min ändring"' in response.text
    problem.refresh_from_db()
    assert (problem.title, problem.severity) == ("Mörk gångtunnel", 4)


def test_bad_input_is_shown_next_to_the_field_and_kept(client, member, problem):
    client.force_login(member)

    response = client.post(
        f"{BASE}{problem.public_id}/edit/",
        _payload(problem, title="", latitude="10", longitude="17,88", description="Kvar"),
    )

    assert response.status_code == 400
    assert "This point is outside the partnership" in response.text
    assert "This field is required." in response.text
    assert "\nKvar</textarea>" in response.text
    problem.refresh_from_db()
    assert problem.title == "Mörk gångtunnel"


def test_an_archived_problem_is_gone_except_for_its_editors_and_comes_back(
    client, member, outsider, problem
):
    url = f"{BASE}{problem.public_id}/"
    client.force_login(member)
    client.post(f"{url}archive/")

    # Nobody else finds it: not on the public page, not in the list, not at its address.
    assert "Mörk gångtunnel" not in client.get("/en/you-said-we-did/").text
    assert "Mörk gångtunnel" not in client.get(BASE).text
    page = client.get(url).text
    assert "This problem is archived." in page and "Restore the problem" in page
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 404
    assert Problem.objects.filter(pk=problem.pk).exists()  # nothing deleted

    client.force_login(member)
    response = client.post(f"{url}restore/")

    assert "The problem has been restored." in client.get(response.url).text
    problem.refresh_from_db()
    assert problem.archived_at is None
    assert "Mörk gångtunnel" in client.get("/en/you-said-we-did/").text


def test_archive_and_restore_are_post_only_and_idempotent(client, member, problem):
    client.force_login(member)
    url = f"{BASE}{problem.public_id}/"
    assert client.get(f"{url}archive/").status_code == 200  # "are you sure?", nothing done
    problem.refresh_from_db()
    assert problem.archived_at is None
    client.post(f"{url}archive/")
    again = client.post(f"{url}archive/")
    assert "The problem was already archived." in client.get(again.url).text


def test_after_a_conflict_saving_again_saves(client, member, org_admin, problem):
    """Issue 18: the kept form carries the current version, so saving again saves."""
    stale = _payload(problem, title="Min ändring")
    client.force_login(org_admin)
    client.post(f"{BASE}{problem.public_id}/edit/", _payload(problem, severity="4"))
    client.force_login(member)

    conflict = client.post(f"{BASE}{problem.public_id}/edit/", stale)

    assert conflict.status_code == 409
    assert 'name="version" value="2"' in conflict.text
    kept = dict(conflict.context["form"].data.lists())  # what the page sends when saved again
    again = client.post(f"{BASE}{problem.public_id}/edit/", kept)
    assert again.status_code == 302
    problem.refresh_from_db()
    assert (problem.title, problem.version) == ("Min ändring", 3)


def test_a_far_date_is_an_error_next_to_the_field(client, member, problem):
    client.force_login(member)
    response = client.post(
        f"{BASE}{problem.public_id}/edit/", _payload(problem, observed_on="9999-12-31")
    )
    assert response.status_code == 400
    assert response.context["form"].errors["observed_on"] == ["Enter a date from 1900 to 2100."]
