"""The public list of initiatives as a spreadsheet (CSV), streamed row by row so that a
download of 100,000 initiatives never sits in memory."""

import csv
from collections.abc import Callable, Iterable, Iterator

from django.utils.translation import gettext as _

from initiatives.models import Initiative
from stakeholders.exports import csv_safe

# Rows fetched (with their prefetches) per round trip while streaming.
CHUNK_SIZE = 1000


class _Echo:
    """A file-like object whose write returns the line, for csv.writer in a generator."""

    def write(self, value: str) -> str:
        return value


def initiatives_csv_rows(
    initiatives: Iterable[Initiative], *, url_for: Callable[[Initiative], str]
) -> Iterator[str]:
    """CSV lines (UTF-8 with a byte-order mark first, so that Excel shows å, ä and ö) for
    ``initiatives`` from ``selectors.public_initiatives`` (links and slots prefetched)."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(
        [
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
    )
    for initiative in initiatives:
        yield writer.writerow(
            # Text may start like a formula; numbers (a negative longitude) stay numbers.
            csv_safe(value) if isinstance(value, str) else ("" if value is None else value)
            for value in (
                initiative.title,
                initiative.summary,
                initiative.lead_organization.name,
                ", ".join(org.name for org in initiative.partner_organizations.all()),
                initiative.get_status_display(),
                initiative.starts_on.isoformat(),
                initiative.ends_on.isoformat() if initiative.ends_on else "",
                ", ".join(str(slot) for slot in initiative.slots.all()),
                ", ".join(str(area) for area in initiative.areas.all()),
                initiative.address,
                ", ".join(str(theme) for theme in initiative.themes.all()),
                ", ".join(str(group) for group in initiative.target_groups.all()),
                initiative.latitude,
                initiative.longitude,
                initiative.updated_at.date().isoformat(),
                url_for(initiative),
            )
        )
