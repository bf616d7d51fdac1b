"""The directory as a spreadsheet (CSV) for partners."""

import csv
from collections.abc import Callable, Iterable

from django.utils.translation import gettext as _

from stakeholders.models import Organization

# A spreadsheet runs a cell that starts with one of these as a formula ("CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value) -> str:
    """The cell as text, with a leading apostrophe when a spreadsheet would read a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def directory_csv_write(
    out, organizations: Iterable[Organization], *, url_for: Callable[[Organization], str]
) -> None:
    """Write a UTF-8 CSV with a byte-order mark (so that Excel shows å, ä and ö) to ``out``.
    ``organizations`` come from the directory selector (areas and themes prefetched,
    ``live_initiative_count`` annotated)."""
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(
        [
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
    )
    for org in organizations:
        writer.writerow(
            csv_safe(value)
            for value in (
                org.name,
                org.get_kind_display(),
                ", ".join(str(area) for area in org.areas.all()),
                ", ".join(str(theme) for theme in org.themes.all()),
                org.website,
                org.public_email,
                org.public_phone,
                org.live_initiative_count,
                url_for(org),
            )
        )
