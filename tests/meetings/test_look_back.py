"""How far "since the last meeting" looks back: the previous meeting's start, at most 91
days (a year for a yearly follow-up); a first meeting over its kind's period. The meeting
page says so to the coordinator."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from partnership.meetings import selectors
from partnership.meetings.models import Meeting
from tests.meetings.conftest import TODAY, at

pytestmark = pytest.mark.django_db


def test_a_first_meeting_looks_back_over_its_kinds_period():
    for kind, days in (("operative", 7), ("prioritisation", 91), ("follow_up", 365)):
        meeting = Meeting(kind=kind, starts_at=at(TODAY, 9))
        assert selectors.looks_back_to(meeting) == meeting.starts_at - dt.timedelta(days=days)


def test_after_a_long_pause_the_agenda_looks_back_at_most_91_days(make_meeting, organization):
    make_meeting([organization], day=TODAY - dt.timedelta(days=200))
    weekly = Meeting(kind="operative", starts_at=at(TODAY, 9))
    assert selectors.looks_back_to(weekly) == weekly.starts_at - dt.timedelta(days=91)
    yearly = Meeting(kind="follow_up", starts_at=at(TODAY, 9))
    assert selectors.looks_back_to(yearly) == at(TODAY - dt.timedelta(days=200), 9)
    recent = make_meeting([organization], day=TODAY - dt.timedelta(days=10))
    assert selectors.looks_back_to(weekly) == recent.starts_at


def test_the_meeting_page_says_how_far_back_it_looks(
    coordinator_client, make_meeting, organization
):
    meeting = make_meeting([organization])
    with translation.override("en"):
        page = coordinator_client.get(reverse("meetings:detail", args=[meeting.public_id])).text
    assert "at most 91 days back" in page
