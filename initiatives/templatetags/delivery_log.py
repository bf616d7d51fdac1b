"""The delivery log on an initiative's page (``initiatives/delivery.py``): the coming
sessions with cancellations and moves for everyone, the record (held x of y in the last
weeks) for partners, and a link to mark sessions for those who may. One query (the marks)
besides the slots the page has prefetched."""

import datetime as dt

from django import template
from django.utils import timezone

from initiatives import delivery, permissions
from initiatives.models import Initiative
from partnership.permissions import is_partner

register = template.Library()


@register.inclusion_tag("initiatives/delivery/_on_page.html", takes_context=True)
def delivery_on_page(context, initiative: Initiative) -> dict:
    user = context["request"].user
    slots = list(initiative.slots.all())
    if not slots or initiative.archived_at is not None:
        return {"initiative": initiative, "show": False}
    today = timezone.localdate()
    first = today - dt.timedelta(weeks=delivery.RECORD_WEEKS) + dt.timedelta(days=1)
    last = today + dt.timedelta(weeks=4)
    marks = list(initiative.session_marks.filter(on_date__range=(first, last)))
    upcoming = []
    if initiative.status in Initiative.LIVE_STATUSES:
        now = timezone.now()
        sessions = delivery.sessions_between(initiative, today, last, slots=slots, marks=marks)
        upcoming = [s for s in sessions if s.ends > now and s.scheduled][:6]
    record = None
    if is_partner(user):
        record = delivery.delivery_record_from(
            delivery.sessions_between(initiative, first, today, slots=slots, marks=marks)
        )
    return {
        "initiative": initiative,
        "show": True,
        "upcoming": upcoming,
        "record": record,
        "may_mark": permissions.can_mark_sessions(user, initiative),
    }
