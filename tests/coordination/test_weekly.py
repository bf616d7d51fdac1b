"""The weekly lägesbild: its content on planted data (observations against the 4-week
average, new problems, cancelled sessions, time gaps), the page for any week and who may
read it, the Monday email (opt-in only, the reader's language, once a week, computed once)
and the weekly meeting's agenda item."""

import datetime as dt
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from initiatives.models import SessionMark
from partnership.coordination import weekly, weekly_tasks
from partnership.meetings import services as meeting_services
from partnership.observations.models import WeeklySummarySubscription, WeeklySummaryWeek
from partnership.task_worker import DAILY_TASKS
from tests import factories
from tests.helpers import query_count

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
WEEK = weekly.week_before(TODAY)
h = dt.time


def sv(name):
    with translation.override("sv"):
        return reverse(name)


def en(name):
    with translation.override("en"):
        return reverse(name)


@pytest.fixture
def area():
    return factories.AreaFactory(name="Vårby gård centrum", slug="centrum")


@pytest.fixture
def theme():
    return factories.ThemeFactory(name_sv="Nattvandring", name_en="Night walks")


# The categories as migration 0002 names them (a database flushed by a browser test gets
# plainly named ones back from the factory).
NAMES = {
    "ungdomar-i-grupp": ("Ungdomar i grupp", "Young people in groups"),
    "nedskrapning": ("Nedskräpning", "Littering"),
    "klotter": ("Klotter", "Graffiti"),
    "trafik": ("Trafik", "Traffic"),
}


def category(slug):
    found = factories.observation_category(slug)
    found.name_sv, found.name_en = NAMES[slug]
    found.save()
    return found


def observe(organization, area, slug, day, count):
    return factories.ObservationFactory(
        organization=organization,
        area=area,
        category=category(slug),
        observed_on=day,
        count=count,
    )


def cancel(initiative, day, outcome=SessionMark.Outcome.CANCELLED):
    return SessionMark.objects.create(
        initiative=initiative,
        on_date=day,
        starts_at=h(19),
        ends_at=h(21),
        outcome=outcome,
        via="page",
    )


@pytest.fixture
def planted(organization, area, theme):
    """One week against the four before it, and what lies outside them."""
    other = factories.AreaFactory(name="Masmo", slug="masmo")
    monday = WEEK.monday
    before = [monday - dt.timedelta(weeks=n) for n in (1, 2, 3, 4)]
    # Young people in groups: 6 this week, 2 + 2 before (average 1): up.
    observe(organization, area, "ungdomar-i-grupp", monday + dt.timedelta(days=4), 6)
    observe(organization, area, "ungdomar-i-grupp", before[0], 2)
    observe(organization, area, "ungdomar-i-grupp", before[3], 2)
    # Littering: 1 this week, 8 before (average 2): down.
    observe(organization, other, "nedskrapning", monday, 1)
    observe(organization, other, "nedskrapning", before[1], 8)
    # Graffiti: 2 this week, 8 before (average 2): as usual.
    observe(organization, area, "klotter", WEEK.sunday, 2)
    observe(organization, area, "klotter", before[2] + dt.timedelta(days=6), 8)
    # Outside: five weeks before, and the week after.
    observe(organization, area, "klotter", monday - dt.timedelta(weeks=5), 50)
    observe(organization, area, "klotter", WEEK.next.monday, 50)

    new = factories.ProblemFactory(title="Grupper vid torget", area=area, severity=4)
    old = factories.ProblemFactory(title="Gammalt problem", area=area)
    since, _until = WEEK.since_until()
    type(new).objects.filter(pk=new.pk).update(created_at=since + dt.timedelta(days=2))
    type(old).objects.filter(pk=old.pk).update(created_at=since - dt.timedelta(days=1))

    walk = factories.InitiativeFactory(
        title="Kvällsvandring", lead_organization=organization, areas=[area], themes=[theme]
    )
    cancel(walk, monday + dt.timedelta(days=2))
    cancel(walk, monday + dt.timedelta(days=3), outcome=SessionMark.Outcome.HELD)
    cancel(walk, monday - dt.timedelta(days=1))  # the week before
    archived = factories.InitiativeFactory(title="Arkiverad", lead_organization=organization)
    type(archived).objects.filter(pk=archived.pk).update(archived_at=timezone.now())
    cancel(archived, monday + dt.timedelta(days=1))

    # A time gap: Friday nights 22–02, the walk only Fridays 19–21.
    night = factories.ProblemFactory(
        title="Nattligt oljud",
        area=area,
        themes=[theme],
        weekdays=[5],
        time_from=h(22),
        time_to=h(2),
    )
    factories.ScheduleSlotFactory(initiative=walk, weekday=5, starts_at=h(19), ends_at=h(21))
    walk.problems.add(night)
    return {"walk": walk, "new": new, "night": night}


def test_weeks_are_read_and_counted_back_from_any_day():
    assert weekly.week_before(dt.date(2026, 11, 30)) == weekly.Week(2026, 48)  # a Monday
    assert weekly.week_before(dt.date(2026, 12, 2)) == weekly.Week(2026, 48)  # Wednesday
    assert weekly.week_before(dt.date(2026, 12, 6)) == weekly.Week(2026, 48)  # Sunday
    assert weekly.week_before(dt.date(2027, 1, 4)) == weekly.Week(2026, 53)
    assert weekly.parse_week("2026-W47") == weekly.Week(2026, 47)
    assert weekly.parse_week("2026W47") == weekly.Week(2026, 47)
    assert weekly.parse_week("2026-47") == weekly.Week(2026, 47)
    for bad in ("", "2025-W53", "2026-W00", "9999-W01", "vecka 47", "2026-W47x"):
        assert weekly.parse_week(bad) is None
    assert weekly.Week(2026, 47).monday == dt.date(2026, 11, 16)
    assert weekly.Week(2026, 47).sunday == dt.date(2026, 11, 22)


def test_the_summary_counts_the_week_against_the_four_before(planted):
    summary = weekly.weekly_summary(WEEK)
    rows = {row.category.slug: row for row in summary.by_category}
    assert {slug: (r.this_week, r.average, r.direction) for slug, r in rows.items()} == {
        "ungdomar-i-grupp": (6, 1.0, "up"),
        "nedskrapning": (1, 2.0, "down"),
        "klotter": (2, 2.0, "same"),
    }
    assert [str(rows[s].trend) for s in ("ungdomar-i-grupp", "nedskrapning", "klotter")] == [
        "upp",
        "ned",
        "som vanligt",
    ]
    assert (summary.total.this_week, summary.total.average) == (9, 5.0)  # 20 / 4
    by_area = [(r.area.name, r.category.slug, r.this_week) for r in summary.by_area]
    assert by_area == [
        ("Vårby gård centrum", "ungdomar-i-grupp", 6),
        ("Vårby gård centrum", "klotter", 2),
        ("Masmo", "nedskrapning", 1),
    ]
    assert [p.title for p in summary.new_problems] == ["Grupper vid torget"]
    assert summary.new_problems_total == 1
    assert [(m.initiative.title, m.on_date) for m in summary.cancelled] == [
        ("Kvällsvandring", WEEK.monday + dt.timedelta(days=2))
    ]
    assert summary.cancelled_total == 1
    assert [g.problem.title for g in summary.time_gaps] == ["Nattligt oljud"]
    assert summary.time_gaps_total == 1
    assert summary.time_gaps[0].spans[0][1:] == (h(22), None)
    assert "Nattligt oljud" in [g.problem.title for g in summary.delivered_gaps]
    # Observed at 21:00 where the walk runs 19–21 only (coordination's observation hours).
    observed = {row.area.name: row for row in summary.observed_hours}
    assert observed["Vårby gård centrum"].uncovered == 8  # 6 on Friday and 2 on Sunday
    assert summary.observed_hours_total == 2  # and Masmo, where nobody ever is


def test_the_page_shows_the_week_in_words(client, member, planted):
    client.force_login(member)
    response = client.get(sv("lagesbild:week"))
    assert response.status_code == 200
    text = response.content.decode()
    assert f"Lägesbild, vecka {WEEK.number} {WEEK.year}" in text
    assert "9 denna vecka; snittet för de fyra veckorna före är 5: upp." in text
    assert "Grupper vid torget" in text and "Kvällsvandring" in text
    assert "Nattligt oljud" in text
    assert "Gammalt problem" not in text and "Arkiverad" not in text
    assert f'?week={WEEK.previous.key}"' in text
    assert f'?week={WEEK.next.key}"' in text  # this week has begun
    with translation.override("en"):
        english = client.get(en("lagesbild:week")).content.decode()
    assert "9 this week; the average of the four weeks before is 5: up." in english


def test_any_week_can_be_read_and_a_bad_week_is_an_error(client, member, planted):
    client.force_login(member)
    earlier = WEEK.previous
    response = client.get(en("lagesbild:week"), {"week": earlier.key})
    assert response.context["week"] == earlier
    assert response.context["summary"].total.this_week == 2  # the 2 of week − 1
    for bad, words in [
        ("week 47", "year and week number"),
        ("2025-W53", "year and week number"),
        ("9999-W01", "1900–2100"),
        (weekly.Week.of(TODAY + dt.timedelta(days=7)).key, "not begun"),
    ]:
        response = client.get(en("lagesbild:week"), {"week": bad})
        assert response.status_code == 200
        assert words in " ".join(response.context["form"].errors["week"])
        assert response.context["week"] == WEEK
    current = weekly.Week.of(TODAY)
    response = client.get(en("lagesbild:week"), {"week": current.key})
    assert response.context["next"] is None


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 404),
        ("member", 200),
        ("outsider", 200),
        ("suspended", 404),
        ("coordinator_without_mfa", 404),
        ("coordinator", 200),
    ],
)
def test_partners_read_the_lagesbild_and_nobody_else(
    client, request, role, status, member, outsider, coordinator_without_mfa
):
    if role == "coordinator":
        client = request.getfixturevalue("coordinator_client")
    elif role == "suspended":
        user = factories.UserFactory()
        factories.MembershipFactory(
            user=user, organization=factories.OrganizationFactory(status="suspended")
        )
        client.force_login(user)
    elif role != "anonymous":
        client.force_login(
            {"member": member, "outsider": outsider}.get(role) or coordinator_without_mfa
        )
    page = client.get(sv("lagesbild:week"))
    assert page.status_code == status
    assert client.get(sv("lagesbild:email")).status_code == status
    # Only a coordinator is led on to the dashboard's gaps and observed hours.
    observed = sv("coordinator:dashboard:gaps") + "?view=observed"
    assert (observed in page.text) == (role == "coordinator")


def test_the_page_does_not_grow_with_the_data(client, member, organization, area, planted):
    client.force_login(member)
    few = query_count(client, sv("lagesbild:week"))
    for n in range(25):
        observe(organization, factories.AreaFactory(), "trafik", WEEK.monday, n + 1)
        problem = factories.ProblemFactory(area=area)
        since, _until = WEEK.since_until()
        type(problem).objects.filter(pk=problem.pk).update(created_at=since)
        cancel(factories.InitiativeFactory(lead_organization=organization), WEEK.monday)
    assert query_count(client, sv("lagesbild:week")) == few


def test_opt_in_and_out_beside_the_problem_digest(client, member):
    client.force_login(member)
    assert sv("lagesbild:email") in client.get(reverse("my_pages")).content.decode()
    response = client.post(en("lagesbild:email"), {"subscribe": "on"})
    assert response.status_code == 302
    assert WeeklySummarySubscription.objects.filter(user=member).exists()
    client.post(en("lagesbild:email"), {})
    assert not WeeklySummarySubscription.objects.filter(user=member).exists()


def test_a_member_no_longer_partner_may_still_opt_out(client, member, organization):
    weekly.subscribe(user=member, subscribe=True)
    organization.status = "suspended"
    organization.save()
    client.force_login(member)
    assert client.get(en("lagesbild:email")).status_code == 200
    assert client.post(en("lagesbild:email"), {"subscribe": "on"}).status_code == 400
    client.post(en("lagesbild:email"), {})
    assert not WeeklySummarySubscription.objects.exists()


def test_the_monday_email_goes_once_to_those_who_opted_in(
    member,
    outsider,
    org_admin,
    planted,
    mailoutbox,
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    outsider.language = "en"
    outsider.save()
    weekly.subscribe(user=member, subscribe=True)
    weekly.subscribe(user=outsider, subscribe=True)
    suspended = factories.UserFactory(email="avstangd@example.org")
    factories.MembershipFactory(
        user=suspended, organization=factories.OrganizationFactory(status="suspended")
    )
    WeeklySummarySubscription.objects.create(user=suspended)  # left since opting in
    computed = []
    real = weekly_tasks.weekly_summary
    monkeypatch.setattr(
        weekly_tasks, "weekly_summary", lambda week: computed.append(week) or real(week)
    )
    monday = WEEK.next.monday
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_weekly_summaries", "--date", monday.isoformat())
    assert computed == [WEEK]  # once for everyone
    by_recipient = {email.to[0]: email for email in mailoutbox}
    assert set(by_recipient) == {member.email, outsider.email}  # org_admin did not opt in
    swedish, english = by_recipient[member.email], by_recipient[outsider.email]
    assert swedish.subject == f"Lägesbild vecka {WEEK.number} {WEEK.year}: 9 händelser"
    assert english.subject == f"Lägesbild week {WEEK.number} {WEEK.year}: 9 observations"
    assert "Ungdomar i grupp: 6 (snitt 1) – upp" in swedish.body
    assert "Young people in groups: 6 (average 1) – up" in english.body
    assert "Nya problem: 1" in swedish.body and "Grupper vid torget" in swedish.body
    assert "Inställda tillfällen: 1" in swedish.body and "Kvällsvandring" in swedish.body
    assert "Tidsluckor: 1 enligt planen" in swedish.body
    assert f"/lagesbild/?week={WEEK.key}" in swedish.body
    assert f"/en/situation/?week={WEEK.key}" in english.body
    assert "/en/situation/email/" in english.body
    sent = WeeklySummaryWeek.objects.filter(sent_at__isnull=False)
    assert set(sent.values_list("user_id", flat=True)) == {member.pk, outsider.pk}
    # Again in the same week, any day of it: nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_weekly_summaries", "--date", (monday + dt.timedelta(days=3)).isoformat())
    assert len(mailoutbox) == 2
    assert len(computed) == 1
    assert WeeklySummaryWeek.objects.count() == 2


def test_the_command_sends_last_week_whatever_the_day(
    member, mailoutbox, django_capture_on_commit_callbacks, capsys
):
    weekly.subscribe(user=member, subscribe=True)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_weekly_summaries", "--date", "2026-12-02")  # a Wednesday
    assert "week 2026-W48 (2026-11-23 – 2026-11-29)" in capsys.readouterr().out
    week = WeeklySummaryWeek.objects.get(user=member)
    assert (week.iso_year, week.iso_week) == (2026, 48)
    assert len(mailoutbox) == 1
    with pytest.raises(Exception, match="--date"):
        call_command("send_weekly_summaries", "--date", "måndag")


def test_a_crashed_send_is_finished_by_the_next_run(
    member, outsider, mailoutbox, django_capture_on_commit_callbacks
):
    weekly.subscribe(user=member, subscribe=True)
    weekly.subscribe(user=outsider, subscribe=True)
    # A worker died after recording the week and sending to the first user only.
    WeeklySummaryWeek.objects.create(
        user=member, iso_year=WEEK.year, iso_week=WEEK.number, sent_at=timezone.now()
    )
    WeeklySummaryWeek.objects.create(user=outsider, iso_year=WEEK.year, iso_week=WEEK.number)
    with django_capture_on_commit_callbacks(execute=True):
        assert weekly_tasks.weekly_summaries_enqueue(today=WEEK.next.monday) == 0
    assert [email.to for email in mailoutbox] == [[outsider.email]]


def test_the_weekly_meeting_gets_the_lagesbild_on_its_agenda(
    coordinator_with_mfa, organization, planted
):
    def meeting(kind):
        starts = timezone.make_aware(dt.datetime.combine(WEEK.next.monday, h(9)))
        return meeting_services.meeting_create(
            data={
                "kind": kind,
                "starts_at": starts,
                "ends_at": starts + dt.timedelta(hours=1),
                "place": "Biblioteket",
                "link": "",
                "invited_organizations": [organization],
            },
            actor=coordinator_with_mfa,
        )

    operative = meeting("operative")
    item = operative.items.get(title=f"Lägesbild vecka {WEEK.number}")
    assert item.detail.startswith(
        "Händelser: 9 (snitt för fyra veckor 5, upp) · nya problem: 1 · "
        "inställda tillfällen: 1 · tidsluckor: 1"
    )
    assert item.detail.endswith(f"/lagesbild/?week={WEEK.key}")
    positions = [i.position for i in operative.items.order_by("position")]
    assert positions == list(range(1, len(positions) + 1))
    quarterly = meeting("prioritisation")
    assert not quarterly.items.filter(title__startswith="Lägesbild").exists()


def test_a_quiet_week_adds_no_agenda_item(coordinator_with_mfa, organization):
    starts = timezone.make_aware(dt.datetime.combine(WEEK.next.monday, h(9)))
    meeting = meeting_services.meeting_create(
        data={
            "kind": "operative",
            "starts_at": starts,
            "ends_at": starts + dt.timedelta(hours=1),
            "place": "Biblioteket",
            "link": "",
            "invited_organizations": [organization],
        },
        actor=coordinator_with_mfa,
    )
    assert not meeting.items.exists()


def test_the_headline_takes_as_many_queries_with_more_data(organization, area, planted):
    def count():
        with CaptureQueriesContext(connection) as captured:
            weekly.headline(WEEK)
        return len(captured)

    few = count()
    for n in range(20):
        observe(organization, factories.AreaFactory(), "trafik", WEEK.monday, n + 1)
        cancel(factories.InitiativeFactory(lead_organization=organization), WEEK.monday)
    assert count() == few


def test_the_worker_sends_the_monday_email_by_itself(member):
    """The Monday email is a daily task of the worker (no cron): on a Monday it records last
    week for the subscriber, on another day nothing."""
    path = weekly_tasks.weekly_summaries_monday.module_path
    assert DAILY_TASKS[path] == (weekly_tasks.weekly_summaries_monday, dt.time(6, 0))
    WeeklySummarySubscription.objects.create(user=member)
    tuesday, monday = dt.date(2026, 11, 24), dt.date(2026, 11, 30)
    with mock.patch.object(weekly_tasks.timezone, "localdate", return_value=tuesday):
        assert weekly_tasks.weekly_summaries_monday.call() == 0
    assert not WeeklySummaryWeek.objects.filter(user=member).exists()
    with mock.patch.object(weekly_tasks.timezone, "localdate", return_value=monday):
        assert weekly_tasks.weekly_summaries_monday.call() == 1
    recorded = WeeklySummaryWeek.objects.get(user=member)
    assert (recorded.iso_year, recorded.iso_week) == (2026, 48)
