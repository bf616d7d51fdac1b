"""Template helpers for the public pages: the map's settings and an initiative's times
in words ("fredagar 20–23, från 1 mars")."""

import datetime as dt
from itertools import groupby

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

register = template.Library()

WEEKDAYS_PLURAL = {
    1: gettext_lazy("Mondays"),
    2: gettext_lazy("Tuesdays"),
    3: gettext_lazy("Wednesdays"),
    4: gettext_lazy("Thursdays"),
    5: gettext_lazy("Fridays"),
    6: gettext_lazy("Saturdays"),
    7: gettext_lazy("Sundays"),
}


@register.simple_tag
def map_config() -> dict:
    """The map's data- attributes: where it opens, its tiles (none when MAP_TILE_URL is
    empty: markers and areas still show) and where its data comes from."""
    south, west, north, east = settings.MAP_BOUNDS
    return {
        "center": ",".join(str(v) for v in settings.MAP_CENTER),
        "zoom": settings.MAP_ZOOM,
        "bounds": f"{south},{west},{north},{east}",
        "tile_url": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "data_url": reverse("initiatives:map_data"),
        "areas_url": reverse("api:areas_geojson"),
    }


# Fields of the list's filter form that are no filter: the order, and "include ended",
# which has its own control next to the list.
NOT_COUNTED_AS_FILTERS = ("sort", "include_ended")


@register.filter
def active_filter_count(form) -> int:
    """How many filters narrow the list (the n of "Filter (n)"): fields with a value in
    the URL other than empty or their default; sorting is not a filter."""
    count = 0
    for name, field in form.fields.items():
        if name in NOT_COUNTED_AS_FILTERS:
            continue
        default = form.get_initial_for_field(field, name)
        values = [v for v in form.data.getlist(form.add_prefix(name)) if v.strip()]
        if any(default is None or value != str(default) for value in values):
            count += 1
    return count


@register.simple_tag
def initiative_place(initiative) -> dict:
    """The detail page's small map: the initiative's point (if any) and its areas'
    boundaries (areas prefetched), for ``json_script``."""
    return {
        "point": [initiative.latitude, initiative.longitude] if initiative.has_point else None,
        "title": initiative.title,
        "areas": [
            {
                "type": "Feature",
                "geometry": area.boundary
                or (
                    {"type": "Point", "coordinates": [area.longitude, area.latitude]}
                    if area.has_point
                    else None
                ),
                "properties": {"name": area.name},
            }
            for area in initiative.areas.all()
            if area.boundary or area.has_point
        ],
    }


def _clock(value: dt.time, *, next_day: bool = False) -> str:
    """'20', '20.30'; an end the next day with two digits ('21–01'), midnight as '24'."""
    hour = f"{value.hour:02d}" if next_day else str(value.hour)
    if value.minute == 0:
        return hour
    # Translators: a time of day with minutes; Swedish writes 20.30.
    return _("%(hour)s:%(minute)02d") % {"hour": hour, "minute": value.minute}


def _slot_clock(starts_at: dt.time, ends_at: dt.time) -> str:
    """'20–23', '21–01' (past midnight), '21–24' (until midnight)."""
    if ends_at == dt.time(0):
        return f"{_clock(starts_at)}–24"
    return f"{_clock(starts_at)}–{_clock(ends_at, next_day=ends_at < starts_at)}"


def _day(value: dt.date, *, year: bool = False) -> str:
    """'1 March', with the year when it is not this year (or ``year`` asks for it)."""
    year = year or value.year != timezone.localdate().year
    return dateformat.format(value, "j F Y" if year else "j F")


@register.filter
def schedule_in_words(initiative) -> str:
    """'Fridays 20–23, from 1 March'; 'Mondays and Wednesdays 18–20, Fridays 21–01,
    1 March–30 June' (a slot past midnight is named by the day it starts). Uses the
    prefetched slots."""
    parts = []
    slots = sorted(initiative.slots.all(), key=lambda s: (s.starts_at, s.ends_at, s.weekday))
    for (starts_at, ends_at), same_time in groupby(slots, key=lambda s: (s.starts_at, s.ends_at)):
        days = [
            str(WEEKDAYS_PLURAL[slot.weekday])
            for slot in sorted(same_time, key=lambda s: s.weekday)
        ]
        parts.append(f"{get_text_list(days, _('and'))} {_slot_clock(starts_at, ends_at)}")
    if initiative.ends_on:
        if initiative.ends_on == initiative.starts_on:
            parts.append(_day(initiative.starts_on))
        else:
            # Over a new year, both ends say which year.
            year = initiative.starts_on.year != initiative.ends_on.year
            start, end = _day(initiative.starts_on, year=year), _day(initiative.ends_on, year=year)
            parts.append(f"{start}–{end}")
    else:
        parts.append(_("from %(date)s") % {"date": _day(initiative.starts_on)})
    text = ", ".join(parts)
    return text[:1].upper() + text[1:]
