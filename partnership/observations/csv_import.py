"""Reading observations from a CSV file, one observation (or one weekly statistic) per row.

The same checks and messages as the safety-walk import (``partnership.problems.csv_import``):
the file is read whole and checked before anything is saved — not text, not UTF-8, an Excel
workbook, too large, no rows, missing columns, too many rows — and every row is cleaned or
gets its errors. Only a file without a single error is kept (``ObservationImport.rows``) for
the uploader to confirm; confirming inserts its rows in one ``bulk_create``.

Columns (Swedish or English headers, any order, semicolons or commas; unknown columns are
ignored, a column named twice is refused):

- ``datum`` / ``date``: the day it was observed, YYYY-MM-DD — or ``vecka`` / ``week``, an
  ISO week such as 2026-W47, for a weekly statistic (the police's local statistics per area
  and week): stored on that week's Monday without a time;
- ``tid`` / ``time``: optional, HH:MM (a moment) or HH:MM–HH:MM (a window, may cross
  midnight: 22:00–02:00; 24:00 is midnight);
- ``område`` / ``area``: an area's name or slug;
- ``kategori`` / ``category``: a category's Swedish or English name or slug;
- ``antal`` / ``count``: a whole number from 1;
- ``anteckning`` / ``note``: optional, at most 500 characters, without personal data;
- ``lat`` / ``lon``: optional, a point inside the partnership's map.
"""

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partnership import personal_data
from partnership.models import Area
from partnership.problems import csv_import as walk_import

from .models import ObservationCategory

MAX_BYTES = 5_000_000
MAX_ROWS = 20_000
MAX_COUNT = 100_000
NOTE_LENGTH = 500
PREVIEW_ROWS = 100  # rows shown of a clean file
ERROR_ROWS = 500  # rows with errors shown of a failing file


@dataclass(frozen=True)
class Column:
    key: str
    names: tuple[str, ...]  # the first is the Swedish header, the second the English one
    required: bool
    help: str

    @property
    def sv(self) -> str:
        return self.names[0]

    @property
    def en(self) -> str:
        return self.names[1]


COLUMNS = [
    Column(
        "date",
        ("datum", "date"),
        False,
        gettext_lazy("The day it was observed, YYYY-MM-DD. Give a date or a week."),
    ),
    Column(
        "week",
        ("vecka", "week"),
        False,
        gettext_lazy(
            "Instead of a date, for a weekly statistic: an ISO week such as 2026-W47. "
            "Stored on its Monday, without a time."
        ),
    ),
    Column(
        "time",
        ("tid", "time"),
        False,
        gettext_lazy(
            "Optional: HH:MM, or a window HH:MM–HH:MM that may cross midnight (22:00–02:00)."
        ),
    ),
    Column(
        "area",
        ("område", "area", "omrade"),
        True,
        gettext_lazy("The name of one of the partnership's areas (listed below)."),
    ),
    Column(
        "category",
        ("kategori", "category"),
        True,
        gettext_lazy("A category (listed below), in Swedish or English."),
    ),
    Column("count", ("antal", "count"), True, gettext_lazy("How many: a whole number from 1.")),
    Column(
        "note",
        ("anteckning", "note"),
        False,
        gettext_lazy("Optional, at most 500 characters. No names, numbers or plates of people."),
    ),
    Column(
        "latitude",
        ("lat", "latitude", "latitud"),
        False,
        gettext_lazy("Optional, e.g. 59.2655."),
    ),
    Column(
        "longitude",
        ("lon", "longitude", "longitud"),
        False,
        gettext_lazy("Optional, e.g. 17.8801."),
    ),
]
_HEADERS = {name: c.key for c in COLUMNS for name in (*c.names, c.key)}
_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})$")
_WEEK = re.compile(r"^(\d{4})-?[Ww](\d{1,2})$")


@dataclass
class Row:
    """One row of the file: its line number, what it said, and either cleaned values
    (JSON-ready) or the errors found."""

    line: int
    raw: dict
    cleaned: dict | None = None
    errors: list[str] = field(default_factory=list)


@dataclass
class ParsedFile:
    rows: list[Row] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.file_errors and bool(self.rows) and all(not r.errors for r in self.rows)

    @property
    def failing(self) -> list[Row]:
        return [r for r in self.rows if r.errors]

    def cleaned_rows(self) -> list[dict]:
        return [r.cleaned for r in self.rows]


def _header_key(text: str) -> str:
    return " ".join(text.lower().replace("_", " ").split())


def parse(uploaded) -> ParsedFile:
    """Read and check an uploaded file (anything with ``read``); never raises for bad input."""
    result = ParsedFile()
    table, problem = walk_import.read_csv_upload(uploaded, max_bytes=MAX_BYTES)
    if problem:
        result.file_errors.append(problem)
        return result
    header = [_HEADERS.get(_header_key(h)) for h in table[0]]
    twice = sorted(
        {table[0][i].strip() for i, key in enumerate(header) if key and header.count(key) > 1}
    )
    if twice:
        result.file_errors.append(
            _("A column is named more than once in the first row: %(columns)s.")
            % {"columns": ", ".join(f"“{name}”" for name in twice)}
        )
        return result
    missing = [c for c in COLUMNS if c.required and c.key not in header]
    if "date" not in header and "week" not in header:
        missing.insert(0, COLUMNS[0])
    if missing:
        result.file_errors.append(
            _("Columns missing from the first row: %(columns)s. Start from the template.")
            % {"columns": ", ".join(f"“{c.sv}” / “{c.en}”" for c in missing)}
        )
        return result
    body = [(n, row) for n, row in enumerate(table[1:], start=2) if any(v.strip() for v in row)]
    if not body:
        result.file_errors.append(_("The file has a header row but no observations."))
        return result
    if len(body) > MAX_ROWS:
        result.file_errors.append(
            _("The file has %(count)s observations; at most %(max)s can be imported at a time.")
            % {
                "count": f"{len(body):,}".replace(",", " "),
                "max": f"{MAX_ROWS:,}".replace(",", " "),
            }
        )
        return result
    lookup = _Lookup()
    today = timezone.localdate()
    keys = [c.key for c in COLUMNS]
    for line, values in body:
        raw = dict.fromkeys(keys, "")
        for key, value in zip(header, values, strict=False):
            if key:
                raw[key] = value.strip()
        row = Row(line=line, raw=raw)
        if len(values) > len(header):
            row.errors.append(_("More values than columns: check for a stray separator."))
        _clean(row, lookup, today)
        result.rows.append(row)
    return result


class _Lookup:
    """Areas and categories by name or slug (case-insensitive), loaded once per file."""

    def __init__(self):
        self.areas = {}
        for area in Area.objects.only("pk", "name", "slug"):
            self.areas[area.slug.lower()] = area
            self.areas.setdefault(area.name.lower(), area)
        self.categories = {}
        for category in ObservationCategory.objects.only(
            "pk", "slug", "name_sv", "name_en", "retired_at"
        ):
            for name in (category.slug, category.name_sv, category.name_en):
                if name:
                    self.categories.setdefault(name.lower(), category)


def _time(text: str) -> dt.time | None:
    match = _TIME.match(text.strip())
    if not match:
        return None
    hour, minute = int(match[1]), int(match[2])
    if (hour, minute) == (24, 0):
        return dt.time(0, 0)
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)


def _clean(row: Row, lookup: _Lookup, today: dt.date) -> None:  # noqa: C901, PLR0912, PLR0915
    raw, errors = row.raw, row.errors
    cleaned: dict = {"line": row.line}

    observed = None
    if raw["date"] and raw["week"]:
        errors.append(_("Give a date or a week, not both."))
    elif raw["week"]:
        match = _WEEK.match(raw["week"])
        try:
            observed = dt.date.fromisocalendar(int(match[1]), int(match[2]), 1) if match else None
        except ValueError:
            observed = None
        if observed is None:
            errors.append(
                _("“%(value)s” is not a week; write it as YYYY-Www, e.g. 2026-W47.")
                % {"value": raw["week"]}
            )
        elif observed > today:
            errors.append(_("The week has not begun yet."))
        if raw["time"]:
            errors.append(_("A weekly statistic has no time: leave the time empty."))
    elif raw["date"]:
        try:
            observed = dt.date.fromisoformat(raw["date"])
        except ValueError:
            errors.append(
                _("“%(value)s” is not a date; write it as YYYY-MM-DD, e.g. 2026-09-14.")
                % {"value": raw["date"]}
            )
        else:
            if observed > today:
                errors.append(_("The date is in the future."))
    else:
        errors.append(_("Give the date (or, for a weekly statistic, the week)."))
    cleaned["observed_on"] = observed.isoformat() if observed else None
    cleaned["week"] = bool(raw["week"])

    time_from = time_to = None
    if raw["time"] and not raw["week"]:
        parts = re.split(r"\s*[–—-]\s*", raw["time"].strip())
        times = [_time(p) for p in parts]
        if len(parts) > 2 or any(t is None for t in times):
            errors.append(
                _("“%(value)s” is not a time; write HH:MM or HH:MM–HH:MM, e.g. 22:00–02:00.")
                % {"value": raw["time"]}
            )
        else:
            time_from = times[0]
            time_to = times[1] if len(times) == 2 else None
            if time_to is not None and time_to == time_from:
                errors.append(_("The window starts and ends at the same time."))
    cleaned["time_from"] = time_from.strftime("%H:%M") if time_from else None
    cleaned["time_to"] = time_to.strftime("%H:%M") if time_to else None

    area = lookup.areas.get(raw["area"].lower()) if raw["area"] else None
    if not raw["area"]:
        errors.append(_("The area is empty."))
    elif area is None:
        errors.append(_("Unknown area “%(value)s”.") % {"value": raw["area"]})
    cleaned["area"] = area.pk if area else None
    cleaned["area_name"] = area.name if area else ""

    category = lookup.categories.get(raw["category"].lower()) if raw["category"] else None
    if not raw["category"]:
        errors.append(_("The category is empty."))
    elif category is None:
        errors.append(_("Unknown category “%(value)s”.") % {"value": raw["category"]})
    elif category.retired_at is not None:
        errors.append(_("The category “%(value)s” is retired.") % {"value": raw["category"]})
    cleaned["category"] = category.pk if category else None
    cleaned["category_name"] = category.name_sv if category else ""

    count = None
    if re.fullmatch(r"\d+", raw["count"]):
        count = int(raw["count"])
    if count is None or not 1 <= count <= MAX_COUNT:
        errors.append(
            _("The count must be a whole number from 1 to %(max)s, not “%(value)s”.")
            % {"max": f"{MAX_COUNT:,}".replace(",", " "), "value": raw["count"]}
        )
    cleaned["count"] = count

    note = raw["note"]
    if len(note) > NOTE_LENGTH:
        errors.append(_("The note is longer than 500 characters."))
    errors.extend(personal_data.find_personal_data(note))
    try:
        personal_data.validate_no_named_person(note)
    except ValidationError as error:
        errors.extend(error.messages)
    cleaned["note"] = note

    cleaned["latitude"] = cleaned["longitude"] = None
    if raw["latitude"] or raw["longitude"]:
        south, west, north, east = settings.MAP_BOUNDS
        try:
            latitude = float(raw["latitude"].replace(",", "."))
            longitude = float(raw["longitude"].replace(",", "."))
        except ValueError:
            errors.append(_("Give both latitude and longitude as decimal numbers, or neither."))
        else:
            if not (south <= latitude <= north and west <= longitude <= east):
                errors.append(_("The point is outside the partnership's area."))
            else:
                cleaned["latitude"], cleaned["longitude"] = latitude, longitude
    if not errors:
        row.cleaned = cleaned


def summary(rows: list[dict]) -> dict:
    """What a clean file holds, for the preview: rows, the sum of counts, the first and last
    date, and the counts per category."""
    per_category: dict[str, int] = {}
    for row in rows:
        per_category[row["category_name"]] = (
            per_category.get(row["category_name"], 0) + row["count"]
        )
    dates = [row["observed_on"] for row in rows]
    return {
        "rows": len(rows),
        "count": sum(row["count"] for row in rows),
        "first": dt.date.fromisoformat(min(dates)) if dates else None,
        "last": dt.date.fromisoformat(max(dates)) if dates else None,
        "per_category": sorted(per_category.items(), key=lambda item: -item[1]),
        "weekly": sum(1 for row in rows if row.get("week")),
    }


def template_csv(*, language: str) -> str:
    """The sample file: the header row in ``language`` and three example rows (a moment, a
    window past midnight and a weekly statistic), semicolon-separated with a byte order mark
    so that Excel reads UTF-8."""
    english = language.startswith("en")
    area = Area.objects.order_by("parent_id", "name").first()
    categories = list(
        ObservationCategory.objects.filter(retired_at__isnull=True).order_by("position")[:3]
    )
    area_name = area.name if area else ""
    names = [c.name_en if english else c.name_sv for c in categories] or [""]
    while len(names) < 3:
        names.append(names[0])
    today = timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    last_week = today - dt.timedelta(weeks=1)
    iso = last_week.isocalendar()
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        ["datum", "vecka", "tid", "område", "kategori", "antal", "anteckning"]
        if not english
        else ["date", "week", "time", "area", "category", "count", "note"]
    )
    writer.writerow(
        [
            yesterday.isoformat(),
            "",
            "21:30",
            area_name,
            names[0],
            "3",
            "Bags of rubbish by the recycling station"
            if english
            else "Sopsäckar vid återvinningsstationen",
        ]
    )
    writer.writerow(
        [
            yesterday.isoformat(),
            "",
            "22:00–02:00",
            area_name,
            names[1],
            "1",
            "",
        ]
    )
    writer.writerow(["", f"{iso.year}-W{iso.week:02d}", "", area_name, names[2], "7", ""])
    return "\ufeff" + out.getvalue()
