"""A weekly slot may pass midnight: Fridays 21:00–01:00 is one slot (an end at or before the
start is the next day; start and end may not be the same time, so a slot lasts less than
24 hours). End to end: the form saves one slot, the calendar has one event ending on
Saturday at 01:00, the public text says "fredagar 21–01", the hours after midnight count on
the next weekday in the coordinator's time gaps and in coinciding times of overlaps, and
"happening now" finds the walk at half past midnight."""

import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from icalendar import Calendar

from initiatives import services
from initiatives.models import Initiative, ScheduleSlot
from initiatives.templatetags.initiative_public import schedule_in_words
from partnership.coordination import queries
from tests import factories

pytestmark = pytest.mark.django_db

NEW = "/en/initiatives/new/"
STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
TODAY = dt.date.today()
h = dt.time


@pytest.fixture
def vocab(db):
    return {"theme": factories.ThemeFactory(), "area": factories.AreaFactory(name="Vårby gård")}


def _payload(organization, vocab, *slots, **overrides):
    data = {
        "title": "Nattvandring fredagar",
        "summary": "Vuxna går i området fredagsnätter.",
        "lead_organization": str(organization.pk),
        "starts_on": (TODAY - dt.timedelta(days=60)).isoformat(),
        "ends_on": "",
        "areas": [str(vocab["area"].pk)],
        "themes": [str(vocab["theme"].pk)],
        "status": "active",
        "visibility": "public",
        "slots-TOTAL_FORMS": str(len(slots)),
        "slots-INITIAL_FORMS": "0",
        "slots-MIN_NUM_FORMS": "0",
        "slots-MAX_NUM_FORMS": "1000",
    }
    for number, (weekday, starts, ends) in enumerate(slots):
        data[f"slots-{number}-weekday"] = str(weekday)
        data[f"slots-{number}-starts_at"] = starts
        data[f"slots-{number}-ends_at"] = ends
    data.update(overrides)
    return data


def _events(client, initiative) -> list:
    response = client.get(f"/insatser/{initiative.slug}/calendar.ics")
    assert response.status_code == 200
    return list(Calendar.from_ical(response.content).walk("VEVENT"))


def test_a_night_walk_past_midnight_from_form_to_calendar_to_time_gaps(
    client, member, organization, vocab
):
    night = factories.ProblemFactory(
        title="Oro på torget nattetid",
        area=vocab["area"],
        themes=[vocab["theme"]],
        weekdays=[5],
        time_from=h(22),
        time_to=h(2),
    )
    client.force_login(member)
    response = client.post(
        NEW,
        _payload(organization, vocab, (5, "21:00", "01:00"), problems=[str(night.pk)]),
    )
    assert response.status_code == 302, response.context["form"].errors

    # One slot, as typed.
    initiative = Initiative.objects.get()
    [slot] = initiative.slots.all()
    assert (slot.weekday, slot.starts_at, slot.ends_at) == (5, h(21), h(1))
    assert slot.passes_midnight

    # One weekly event, ending on Saturday at 01:00.
    [event] = _events(client, initiative)
    start, end = event.decoded("dtstart"), event.decoded("dtend")
    assert start.isoweekday() == 5 and (start.hour, start.minute) == (21, 0)
    assert end - start == dt.timedelta(hours=4)
    assert end.date() == start.date() + dt.timedelta(days=1) and end.hour == 1
    assert event["rrule"]["BYDAY"] == ["FR"]

    # The public page in words, in both languages.
    assert "Fridays 21–01" in client.get(f"/en/initiatives/{initiative.slug}/").text
    assert "Fredagar 21–01" in client.get(f"/insatser/{initiative.slug}/").text

    # Friday 22:00–02:00 is covered until Saturday 01:00: only Saturday 01–02 is left.
    [row] = queries.time_gaps(queries.Scope()).object_list
    assert row.problem == night
    assert row.uncovered == [(6, h(1), h(2))]


def test_the_same_start_and_end_is_refused_next_to_the_field(client, member, organization, vocab):
    client.force_login(member)
    response = client.post(NEW, _payload(organization, vocab, (5, "21:00", "21:00")))
    assert response.status_code == 400
    [error] = response.context["formset"].forms[0].errors["ends_at"]
    assert error.startswith("The end time must differ from the start time.")
    assert Initiative.objects.count() == 0
    with pytest.raises(ValidationError):
        services.initiative_create(
            data={"lead_organization": organization, "partner_organizations": []},
            slots=[{"weekday": 5, "starts_at": h(21), "ends_at": h(21)}],
            actor=member,
        )


def test_the_period_bounds_the_starts_so_its_last_night_is_kept(client, organization):
    initiative = factories.InitiativeFactory(
        lead_organization=organization,
        starts_on=dt.date(2026, 3, 6),  # a Friday
        ends_on=dt.date(2026, 3, 27),  # a Friday: its night ends on 28 March
    )
    factories.ScheduleSlotFactory(initiative=initiative, weekday=5, starts_at=h(21), ends_at=h(1))
    [event] = _events(client, initiative)
    [until] = event["rrule"]["UNTIL"]
    last_start = dt.datetime(2026, 3, 27, 21, tzinfo=STOCKHOLM)
    assert until >= last_start
    assert event.decoded("dtend") == dt.datetime(2026, 3, 7, 1, tzinfo=STOCKHOLM)


def test_a_sunday_night_ends_on_monday_everywhere(client, organization, vocab):
    initiative = factories.InitiativeFactory(
        lead_organization=organization, areas=[vocab["area"]], themes=[vocab["theme"]]
    )
    slot = factories.ScheduleSlotFactory(
        initiative=initiative, weekday=7, starts_at=h(23), ends_at=h(1, 30)
    )
    assert slot.week_minutes == [(6 * 1440 + 23 * 60, 7 * 1440), (0, 90)]
    [event] = _events(client, initiative)
    assert event.decoded("dtend").isoweekday() == 1
    problem = factories.ProblemFactory(
        area=vocab["area"], themes=[vocab["theme"]], weekdays=[1], time_from=h(0), time_to=h(2)
    )
    initiative.problems.add(problem)
    [row] = queries.time_gaps(queries.Scope()).object_list
    assert row.uncovered == [(1, h(1, 30), h(2))]


@pytest.mark.parametrize(
    ("starts", "ends", "english", "swedish"),
    [
        (h(21), h(1), "Fridays 21–01", "Fredagar 21–01"),
        (h(21), h(0), "Fridays 21–24", "Fredagar 21–24"),
        (h(21, 30), h(0, 30), "Fridays 21:30–00:30", "Fredagar 21.30–00.30"),
        (h(20), h(23), "Fridays 20–23", "Fredagar 20–23"),
    ],
)
def test_the_when_text_names_the_night_by_the_day_it_starts(starts, ends, english, swedish):
    initiative = factories.InitiativeFactory(starts_on=dt.date(TODAY.year, 3, 1))
    factories.ScheduleSlotFactory(initiative=initiative, weekday=5, starts_at=starts, ends_at=ends)
    initiative = Initiative.objects.prefetch_related("slots").get()
    with translation.override("en"):
        assert schedule_in_words(initiative).startswith(f"{english}, from 1 March")
    with translation.override("sv"):
        assert schedule_in_words(initiative).startswith(swedish)


def test_times_coincide_past_midnight_on_the_next_weekday(vocab):
    def walk(*slots):
        initiative = factories.InitiativeFactory(
            lead_organization=factories.OrganizationFactory(),
            areas=[vocab["area"]],
            themes=[vocab["theme"]],
        )
        for weekday, starts, ends in slots:
            factories.ScheduleSlotFactory(
                initiative=initiative, weekday=weekday, starts_at=starts, ends_at=ends
            )
        return initiative

    friday_night = walk((5, h(21), h(1)))
    saturday_small_hours = walk((6, h(0, 30), h(3)))
    saturday_evening = walk((6, h(18), h(21)))
    other_friday_night = walk((5, h(22), h(2)))

    pair = queries.overlap_pair(friday_night.pk, saturday_small_hours.pk)
    assert pair.coincide
    assert pair.coinciding_times == [(6, 30, 60)]
    assert not queries.overlap_pair(friday_night.pk, saturday_evening.pk).coincide
    pair = queries.overlap_pair(friday_night.pk, other_friday_night.pk)
    assert pair.coinciding_times == [(5, 22 * 60, 25 * 60)]
    with translation.override("en"):
        assert pair.reason.endswith("Fridays 22–01")


@pytest.mark.parametrize(
    ("now", "found"),
    [
        (dt.datetime(2026, 6, 19, 23, 0), True),  # Friday night
        (dt.datetime(2026, 6, 20, 0, 30), True),  # Saturday, half past midnight
        (dt.datetime(2026, 6, 20, 1, 0), False),  # over
        (dt.datetime(2026, 6, 19, 0, 30), False),  # Friday's small hours: Thursday has none
    ],
)
def test_happening_now_includes_the_hours_after_midnight(resident, monkeypatch, now, found):
    # The clock, not localtime itself: the list's default ("current") asks for today's date.
    monkeypatch.setattr("django.utils.timezone.now", lambda: now.replace(tzinfo=STOCKHOLM))
    initiative = factories.InitiativeFactory(title="Nattvandring", starts_on=dt.date(2026, 6, 1))
    factories.ScheduleSlotFactory(initiative=initiative, weekday=5, starts_at=h(21), ends_at=h(1))
    response = resident.get("/en/initiatives/", {"when": "now"})
    assert response.status_code == 200
    assert ("Nattvandring" in response.text) is found


def test_a_slot_lasts_less_than_a_day():
    assert ScheduleSlot(weekday=5, starts_at=h(21), ends_at=h(20, 59)).day_minutes == (
        21 * 60,
        24 * 60 + 20 * 60 + 59,
    )
    assert ScheduleSlot(weekday=1, starts_at=h(8), ends_at=h(23, 59)).week_minutes == [
        (8 * 60, 1440)
    ]
