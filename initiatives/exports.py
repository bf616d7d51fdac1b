"""The list of initiatives as CSV, streamed row by row so that a download of 100,000
initiatives never sits in memory, and as an Excel spreadsheet (``partnership.spreadsheets``)
from the same rows."""

import datetime as dt
from collections.abc import Callable, Iterable, Iterator

from django.utils import timezone
from django.utils.translation import gettext as _

from initiatives.models import Initiative
from stakeholders.exports import CsvWriter, csv_safe

# Rows fetched (with their prefetches) per round trip while streaming.
CHUNK_SIZE = 1000


class _Echo:
    """A file-like object whose write returns the line, for the CSV writer in a generator."""

    def write(self, value: str) -> str:
        return value


def initiative_table(
    initiatives: Iterable[Initiative], *, url_for: Callable[[Initiative], str]
) -> Iterator[list]:
    """The header, then one row of plain values per initiative (from
    ``selectors.initiative_exports``: links and slots prefetched): what the CSV and the
    spreadsheet (``partnership.spreadsheets``) both write."""
    yield [
        _("Title"),
        _("Summary"),
        _("Run by"),
        _("Together with"),
        _("Status"),
        _("Starts on"),
        _("Ends on"),
        _("When"),
        _("Areas"),
        _("Address or place"),
        _("Themes"),
        _("Target groups"),
        _("Latitude"),
        _("Longitude"),
        _("Last updated"),
        _("Page"),
    ]
    for initiative in initiatives:
        yield [
            initiative.title,
            initiative.summary,
            initiative.lead_organization.name,
            ", ".join(org.name for org in initiative.partner_organizations.all()),
            initiative.get_status_display(),
            initiative.starts_on,
            initiative.ends_on,
            ", ".join(str(slot) for slot in initiative.slots.all()),
            ", ".join(str(area) for area in initiative.areas.all()),
            initiative.address,
            ", ".join(str(theme) for theme in initiative.themes.all()),
            ", ".join(str(group) for group in initiative.target_groups.all()),
            initiative.latitude,
            initiative.longitude,
            timezone.localtime(initiative.updated_at).date(),
            url_for(initiative),
        ]


def _csv_cell(value):
    # Text may start like a formula; numbers (a negative longitude) stay numbers.
    if isinstance(value, str):
        return csv_safe(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else value


def initiatives_csv_rows(
    initiatives: Iterable[Initiative], *, url_for: Callable[[Initiative], str]
) -> Iterator[str]:
    """CSV lines (UTF-8 with a byte-order mark first, so that Excel shows å, ä and ö) of
    :func:`initiative_table`."""
    writer = CsvWriter(_Echo())
    for number, row in enumerate(initiative_table(initiatives, url_for=url_for)):
        line = writer.writerow([_csv_cell(value) for value in row])
        yield ("\ufeff" + line) if number == 0 else line
