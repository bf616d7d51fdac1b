"""The weekly problem digest: opt in, exactly the expected problems for a member's
organisation, one email per week (the command is idempotent), through django.tasks."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from partnership.permissions import mark_second_factor
from partnership.problems import services
from partnership.problems.models import Problem, ProblemDigestSubscription, ProblemDigestWeek
from partnership.problems.selectors import digest_problems
from partnership.problems.tasks import digest_window, problem_digests_enqueue
from tests import factories
from tests.helpers import login_as

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 6, 15)  # ISO week 25; the digest covers week 24 (8–14 June)
IN_WEEK = timezone.make_aware(dt.datetime(2026, 6, 10, 12))
BEFORE = timezone.make_aware(dt.datetime(2026, 6, 1, 12))


@pytest.fixture
def world(organization, other_organization):
    area = factories.AreaFactory(name="Vårby gård")
    sub_area = factories.AreaFactory(name="Vårby gård centrum", parent=area)
    elsewhere = factories.AreaFactory(name="Flemingsberg")
    lighting = factories.ThemeFactory(name_sv="Belysning")
    drugs = factories.ThemeFactory(name_sv="Droger")
    organization.areas.set([area])
    organization.themes.set([lighting])

    def problem(title, *, area, theme, created=IN_WEEK, **kwargs):
        p = factories.ProblemFactory(
            title=title, area=area, recorded_by_organization=other_organization, **kwargs
        )
        p.themes.set([theme])
        Problem.objects.filter(pk=p.pk).update(created_at=created, updated_at=created)
        return p

    return {
        "expected": problem("Mörk gångväg", area=sub_area, theme=lighting),
        "wrong_theme": problem("Langning", area=sub_area, theme=drugs),
        "wrong_area": problem("Mörk park", area=elsewhere, theme=lighting),
        "too_old": problem("Gammal lampa", area=area, theme=lighting, created=BEFORE),
        "responsible_old": problem("Trasigt lås", area=elsewhere, theme=drugs, created=BEFORE),
        "responsible_quiet": problem("Klotter", area=elsewhere, theme=drugs, created=BEFORE),
    }


def _responsible(problem, organization, when):
    services.problem_take_responsibility(
        problem=problem,
        organization=organization,
        # A coordinator acting in a session that passed the second factor.
        actor=mark_second_factor(factories.UserFactory(is_coordinator=True), True),
        role="lead",
        commitment="Vi tar det.",
    )
    Problem.objects.filter(pk=problem.pk).update(updated_at=when)
    problem.responsibilities.update(created_at=when)


def test_digest_has_exactly_the_expected_problems(member, organization, world):
    _responsible(world["responsible_old"], organization, IN_WEEK)
    _responsible(world["responsible_quiet"], organization, BEFORE)
    since, until = digest_window(MONDAY)
    found = digest_problems(user=member, since=since, until=until)
    assert [p.title for p in found["new"]] == ["Mörk gångväg"]
    assert [p.title for p in found["changed"]] == ["Trasigt lås"]


def test_one_email_a_week(
    client, member, outsider, organization, world, mailoutbox, django_capture_on_commit_callbacks
):
    _responsible(world["responsible_old"], organization, IN_WEEK)
    services.problem_digest_subscribe(user=member, subscribe=True)
    services.problem_digest_subscribe(user=outsider, subscribe=True)  # nothing for them
    with django_capture_on_commit_callbacks(execute=True):
        assert problem_digests_enqueue(today=MONDAY) == 2
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == [member.email]
    assert "Mörk gångväg" in email.body and "Trasigt lås" in email.body
    assert "Langning" not in email.body and "Mörk park" not in email.body
    assert "/problem/" in email.body
    weeks = ProblemDigestWeek.objects.order_by("user_id")
    assert [(w.iso_week, w.problem_count) for w in weeks] == [(24, 2), (24, 0)]
    # Again the same week (any day of it), through the command: nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_problem_digests", "--date", "2026-06-17")
    assert len(mailoutbox) == 1
    assert ProblemDigestWeek.objects.count() == 2


def test_unsubscribed_and_inactive_users_get_nothing(
    member, world, mailoutbox, django_capture_on_commit_callbacks
):
    services.problem_digest_subscribe(user=member, subscribe=True)
    member.is_active = False
    member.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert problem_digests_enqueue(today=MONDAY) == 0
    assert mailoutbox == []


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("resident", 302),
        ("member", 200),
        ("org_admin", 200),
        ("outsider", 200),
        ("coordinator", 200),
    ],
)
def test_digest_page_for_each_role(client, request, role, status):
    login_as(client, request, role)
    assert client.get("/en/problems/weekly-summary/").status_code == status


def test_opt_in_and_out(client, member, coordinator):
    client.force_login(member)
    response = client.post("/en/problems/weekly-summary/", {"subscribe": "on"})
    assert response.status_code == 302
    assert ProblemDigestSubscription.objects.filter(user=member).exists()
    client.post("/en/problems/weekly-summary/", {})
    assert not ProblemDigestSubscription.objects.filter(user=member).exists()
    # A coordinator without an organisation has no organisation's areas to follow.
    client.force_login(coordinator)
    response = client.post("/en/problems/weekly-summary/", {"subscribe": "on"})
    assert response.status_code == 400
    assert not ProblemDigestSubscription.objects.exists()


def test_my_pages_link_to_the_problem_pages(client, member):
    client.force_login(member)
    text = client.get("/en/my-pages/").text
    assert "/en/problems/weekly-summary/" in text
