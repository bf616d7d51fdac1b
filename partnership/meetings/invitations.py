"""Invitations to a meeting: an email to every member of the invited organisations with the
meeting as an iCalendar invitation (RFC 5545 / 5546, ``METHOD:REQUEST``): one VEVENT whose
UID is built from ``SITE_URL``'s host, so that a changed meeting (a higher SEQUENCE) updates
the event already in the invitee's calendar instead of adding a second one."""

from email.utils import parseaddr
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress

from partnership.emails import email_send
from partnership.meetings import selectors
from partnership.meetings.models import Meeting
from stakeholders.models import Organization, User

CONTENT_TYPE = "text/calendar; method=REQUEST; charset=utf-8"


def site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def meeting_uid(meeting: Meeting) -> str:
    return f"meeting-{meeting.public_id}@{site_host()}"


def meeting_url(meeting: Meeting) -> str:
    return settings.SITE_URL + reverse("meetings:detail", args=[meeting.public_id])


def meeting_ics(meeting: Meeting, *, attendee: str | None = None) -> bytes:
    """The invitation to ``meeting`` (its items prefetched) in the portal's time zone, with
    its VTIMEZONE; in the active language. ``attendee`` is the invitee's email."""
    zone = ZoneInfo(settings.TIME_ZONE)
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.PORTAL_NAME}//{site_host()}//")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "REQUEST")
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.starts_at.astimezone(zone))
    event.add("dtend", meeting.ends_at.astimezone(zone))
    event.add("summary", f"{meeting.get_kind_display()} – {settings.PORTAL_NAME}")
    url = meeting_url(meeting)
    agenda = "\n".join(f"{item.position}. {item.title}" for item in meeting.items.all())
    description = f"{_('Agenda')}:\n{agenda}\n\n{url}" if agenda else url
    if meeting.link:
        description = f"{meeting.link}\n\n{description}"
    event.add("description", description)
    event.add("location", meeting.place or meeting.link)
    event.add("url", url)
    event.add("status", "CONFIRMED")
    organizer = vCalAddress(f"mailto:{parseaddr(settings.DEFAULT_FROM_EMAIL)[1]}")
    organizer.params["cn"] = settings.PORTAL_NAME
    event.add("organizer", organizer)
    if attendee:
        invitee = vCalAddress(f"mailto:{attendee}")
        invitee.params.update(
            {"role": "REQ-PARTICIPANT", "partstat": "NEEDS-ACTION", "rsvp": "FALSE"}
        )
        event.add("attendee", invitee)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def invitees(meeting: Meeting) -> list[User]:
    """Active members of the invited organisations that are approved, each once."""
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organization__in=meeting.invited_organizations.all(),
            memberships__organization__status=Organization.Status.APPROVED,
        )
        .distinct()
        .order_by("email")
    )


def meeting_invite(meeting_id: int, *, updated: bool) -> int:
    """Email every invitee (in their language) the meeting with its agenda and the calendar
    invitation; returns how many were emailed."""
    meeting = selectors.meeting_detail_queryset().get(pk=meeting_id)
    items = list(meeting.items.all())
    people = invitees(meeting)
    for user in people:
        with translation.override(user.language):
            invitation = meeting_ics(meeting, attendee=user.email)
        email_send(
            to=user.email,
            template="meeting_invitation",
            language=user.language,
            context={
                "meeting": meeting,
                "updated": updated,
                "url": meeting_url(meeting),
                "items": items,
            },
            attachments=[("invitation.ics", invitation, CONTENT_TYPE)],
        )
    return len(people)
