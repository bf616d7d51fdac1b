"""The directory as CSV and as a spreadsheet (``partnership.spreadsheets``) for partners."""

import re
from collections.abc import Callable, Iterable, Iterator

from django.utils.translation import gettext as _

from stakeholders.models import Organization

# A spreadsheet runs a cell that starts with one of these as a formula ("CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# ... except a phone number or a plain number ("+46 8 735 37 70", "-12.5"): digits, spaces,
# brackets, dots, slashes and dashes call nothing, so they are left as they are.
_NUMBER_LIKE = re.compile(r"[+-][\d ()./-]*\d[\d ()./-]*")
# Characters some reading of a CSV splits a cell at: Excel in Swedish reads ";", others tab
# or "|". A cell holding one is always quoted, so that no reading makes a new cell of what
# follows (which could start with "=").
CSV_SEPARATORS = (",", ";", "\t", "|", '"', "\r", "\n")


def csv_safe(value) -> str:
    """The cell as text, with a leading apostrophe when a spreadsheet would read a formula
    (but not a phone number: ``+46 8 735 37 70`` stays as it is)."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS) and not _NUMBER_LIKE.fullmatch(text):
        return f"'{text}"
    return text


class CsvWriter:
    """``csv.writer``'s ``writerow`` (comma-separated, CRLF, "" doubles a quote), quoting
    every cell that holds a separator any reading might use (``CSV_SEPARATORS``), not only
    the comma. ``writerow`` returns what ``out.write`` returns (a line, for streaming)."""

    def __init__(self, out):
        self.out = out

    def writerow(self, row):
        return self.out.write(",".join(map(self._field, row)) + "\r\n")

    @staticmethod
    def _field(value) -> str:
        text = "" if value is None else str(value)
        if any(separator in text for separator in CSV_SEPARATORS):
            return '"' + text.replace('"', '""') + '"'
        return text


def directory_table(
    organizations: Iterable[Organization], *, url_for: Callable[[Organization], str]
) -> Iterator[list]:
    """The header, then one row of plain values per organisation (from the directory
    selector: areas and themes prefetched, ``live_initiative_count`` set by
    ``selectors.with_live_initiative_counts``): what the
    CSV and the spreadsheet (``partnership.spreadsheets``) both write."""
    yield [
        _("Organisation"),
        _("Kind"),
        _("Areas"),
        _("Themes"),
        _("Website"),
        _("Public email"),
        _("Public phone"),
        _("Live initiatives"),
        _("Directory page"),
    ]
    for org in organizations:
        yield [
            org.name,
            org.get_kind_display(),
            ", ".join(str(area) for area in org.areas.all()),
            ", ".join(str(theme) for theme in org.themes.all()),
            org.website,
            org.public_email,
            org.public_phone,
            org.live_initiative_count,
            url_for(org),
        ]


def directory_csv_write(
    out, organizations: Iterable[Organization], *, url_for: Callable[[Organization], str]
) -> None:
    """Write :func:`directory_table` as UTF-8 CSV with a byte-order mark (so that Excel
    shows å, ä and ö) to ``out``."""
    out.write("\ufeff")
    writer = CsvWriter(out)
    for number, row in enumerate(directory_table(organizations, url_for=url_for)):
        writer.writerow(row if number == 0 else [csv_safe(value) for value in row])
