"""Reads for the observation pages: the list (and its CSV), the reporters of an
organisation, the categories with their use, and "when" in words."""

import datetime as dt
from collections.abc import Callable, Iterable, Iterator

from django.db.models import Count, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import formats
from django.utils.translation import gettext as _

from partnership.observations.models import Observation, ObservationCategory
from stakeholders.exports import CsvWriter, csv_safe
from stakeholders.models import Membership, Organization

# The ids of an area and of every area below it, for the row of ``partnership_area`` in hand.
_WITHIN_SQL = """
    ARRAY(WITH RECURSIVE tree(id) AS (
        SELECT partnership_area.id
        UNION ALL
        SELECT child.id FROM partnership_area child JOIN tree ON child.parent_id = tree.id
    ) SELECT id FROM tree)
"""


def area_within() -> RawSQL:
    """An annotation for areas: ``within``, the ids of the area and every area below it,
    fetched with the area. Observations are then filtered by the ids as a literal list: with
    a subquery the planner guesses half the areas, and for a small area it walks the whole
    table by date (a cold area's page of the list: 5.6 s at 1,000,000 observations)."""
    return RawSQL(_WITHIN_SQL, ())  # noqa: S611 (constant)


def observation_list() -> QuerySet[Observation]:
    """Every observation, newest first, with what a row of the list shows (one query per
    page, whatever the number of rows)."""
    return Observation.objects.select_related("area", "category", "organization").order_by(
        "-observed_on", "-time_from", "-pk"
    )


def _clock(value: dt.time) -> str:
    return value.strftime("%H:%M")


def when_in_words(observation: Observation, *, today: dt.date) -> str:
    """ "I dag 21:00–01:00", "I går kl. 14:30", "fre 27 nov, någon gång under dagen": the day
    in words near today, then the moment, the window or "some time that day"."""
    day = observation.observed_on
    if day == today:
        day_text = _("Today")
    elif day == today - dt.timedelta(days=1):
        day_text = _("Yesterday")
    elif today - day < dt.timedelta(days=7):
        day_text = formats.date_format(day, "l j F").capitalize()
    elif day.year == today.year:
        day_text = formats.date_format(day, "D j M").capitalize()
    else:
        day_text = formats.date_format(day, "j M Y")
    start, end = observation.time_from, observation.time_to
    if start is None:
        return _("%(day)s, some time during the day") % {"day": day_text}
    if end is None:
        return _("%(day)s at %(time)s") % {"day": day_text, "time": _clock(start)}
    if end < start:
        return _("%(day)s %(start)s–%(end)s (past midnight)") % {
            "day": day_text,
            "start": _clock(start),
            "end": _clock(end),
        }
    return _("%(day)s %(start)s–%(end)s") % {
        "day": day_text,
        "start": _clock(start),
        "end": _clock(end),
    }


def organization_reporters(*, organization: Organization) -> QuerySet[Membership]:
    """The organisation's members for the reporters page: reporters first, then by name."""
    return (
        Membership.objects.filter(organization=organization)
        .select_related("user")
        .order_by("-is_reporter", "user__first_name", "user__last_name", "user__email")
    )


def categories_with_use() -> QuerySet[ObservationCategory]:
    """Every category in list order, retired ones too, with how many observations use it
    and its themes."""
    return (
        ObservationCategory.objects.annotate(used=Count("observations"))
        .prefetch_related("themes")
        .order_by("position", "name_sv")
    )


# --- CSV ---------------------------------------------------------------------------------------

CHUNK_SIZE = 2000


def observation_table(observations: Iterable[Observation]) -> Iterator[list]:
    """The header, then one row of plain values per observation."""
    yield [
        _("Date"),
        _("Time (from)"),
        _("Until"),
        _("Area"),
        _("Category"),
        _("Count"),
        _("Note"),
        _("Organisation"),
        _("Source"),
        _("Latitude"),
        _("Longitude"),
        _("Id"),
    ]
    for observation in observations:
        yield [
            observation.observed_on.isoformat(),
            _clock(observation.time_from) if observation.time_from else "",
            _clock(observation.time_to) if observation.time_to else "",
            observation.area.name,
            observation.category.name,
            observation.count,
            observation.note,
            observation.organization.name,
            observation.get_source_display(),
            observation.latitude,
            observation.longitude,
            str(observation.public_id),
        ]


class _Echo:
    def write(self, value: str) -> str:
        return value


def observation_csv_rows(observations: Iterable[Observation]) -> Iterator[str]:
    """CSV lines (UTF-8 with a byte-order mark first, for Excel), text guarded against
    being read as a formula."""
    writer = CsvWriter(_Echo())
    cell: Callable = lambda value: csv_safe(value) if isinstance(value, str) else value  # noqa: E731
    for number, row in enumerate(observation_table(observations)):
        line = writer.writerow([cell(value) for value in row])
        yield ("\ufeff" + line) if number == 0 else line
