"""Reading a safety walk's or survey's findings from a CSV file, one finding per row.

The file is checked whole before anything is saved: :func:`parse_findings` returns every row
with its cleaned values or its errors, plus errors about the file itself (not text, not
UTF-8, an Excel workbook, missing columns, too many rows). The import page shows that as a
preview; only a file without a single error can be confirmed (``services.walk_upload`` keeps
its rows as a draft, ``services.walk_confirm`` turns them into problems).

The template (:func:`template_csv`) has one header row in the user's language; both the
Swedish and the English column names are accepted, in any order, separated by semicolons
(what Swedish Excel writes) or commas. Unknown columns are ignored.
"""

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partnership.models import Area, Theme, Visibility, Weekday

MAX_BYTES = 1_000_000
MAX_ROWS = 500


@dataclass(frozen=True)
class Column:
    key: str
    sv: str
    en: str
    required: bool
    help: str


COLUMNS = [
    Column(
        "title",
        "rubrik",
        "title",
        True,
        gettext_lazy("What the problem is, at most 200 characters."),
    ),
    Column(
        "description",
        "beskrivning",
        "description",
        True,
        gettext_lazy("What was seen or said, and where exactly."),
    ),
    Column(
        "area",
        "område",
        "area",
        True,
        gettext_lazy("The name of one of the partnership's areas (listed below)."),
    ),
    Column(
        "themes",
        "teman",
        "themes",
        True,
        gettext_lazy("One or more themes (listed below), separated by commas."),
    ),
    Column(
        "observed_on",
        "datum",
        "date",
        False,
        gettext_lazy("When it was observed, YYYY-MM-DD. Empty: the date of the walk."),
    ),
    Column(
        "weekdays",
        "veckodagar",
        "weekdays",
        False,
        gettext_lazy("The days it happens, e.g. “fri, sat” or “5, 6”. Empty: any day."),
    ),
    Column("time_from", "tid från", "time from", False, gettext_lazy("From what time, HH:MM.")),
    Column(
        "time_to",
        "tid till",
        "time to",
        False,
        gettext_lazy("To what time, HH:MM; may be past midnight (22:00–02:00)."),
    ),
    Column(
        "severity",
        "allvarlighet",
        "severity",
        False,
        gettext_lazy("1 (minor) to 5 (severe). Empty: 3."),
    ),
    Column("latitude", "latitud", "latitude", False, gettext_lazy("Optional, e.g. 59.2655.")),
    Column("longitude", "longitud", "longitude", False, gettext_lazy("Optional, e.g. 17.8801.")),
    Column(
        "visibility",
        "synlighet",
        "visibility",
        False,
        gettext_lazy("“public” or “partners”. Empty: as chosen for the whole walk."),
    ),
]
_HEADERS = {name: c.key for c in COLUMNS for name in (c.sv, c.en, c.key)}

_WEEKDAY_WORDS = {
    **{str(d.value): d.value for d in Weekday},
    **{
        word: number
        for number, words in {
            1: ("mån", "måndag", "måndagar", "mon", "monday", "mondays"),
            2: ("tis", "tisdag", "tisdagar", "tue", "tuesday", "tuesdays"),
            3: ("ons", "onsdag", "onsdagar", "wed", "wednesday", "wednesdays"),
            4: ("tor", "tors", "torsdag", "torsdagar", "thu", "thursday", "thursdays"),
            5: ("fre", "fredag", "fredagar", "fri", "friday", "fridays"),
            6: ("lör", "lördag", "lördagar", "sat", "saturday", "saturdays"),
            7: ("sön", "söndag", "söndagar", "sun", "sunday", "sundays"),
        }.items()
        for word in words
    },
}
_VISIBILITY_WORDS = {
    "public": Visibility.PUBLIC,
    "offentlig": Visibility.PUBLIC,
    "publik": Visibility.PUBLIC,
    "partners": Visibility.PARTNERS,
    "partner": Visibility.PARTNERS,
    "partners only": Visibility.PARTNERS,
    "endast partner": Visibility.PARTNERS,
}


@dataclass
class Finding:
    """One row of the file: its line number, what it said, and either cleaned values
    (JSON-ready: ids, ISO dates and times) or the errors found."""

    line: int
    raw: dict
    cleaned: dict | None = None
    errors: list[str] = field(default_factory=list)


@dataclass
class ParsedFile:
    findings: list[Finding] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return (
            not self.file_errors
            and bool(self.findings)
            and all(not f.errors for f in self.findings)
        )

    @property
    def error_count(self) -> int:
        return len(self.file_errors) + sum(1 for f in self.findings if f.errors)

    def rows(self) -> list[dict]:
        return [f.cleaned for f in self.findings]


def _decode(data: bytes) -> tuple[str | None, str | None]:
    """The text, or None and why it is not a CSV text file."""
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        return None, _(
            "This is an Excel workbook, not a CSV file. In Excel choose “Save as” and the "
            "format “CSV UTF-8”, then upload that file."
        )
    if b"\x00" in data[:8192]:
        return None, _("This is not a text file. Upload the findings as a CSV file.")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        return None, _(
            "The file is not in the UTF-8 encoding (letters such as å, ä and ö would be "
            "garbled). In Excel choose “Save as” and the format “CSV UTF-8”; in other "
            "programs choose the encoding UTF-8."
        )


def _dialect(text: str) -> str:
    first = text.split("\n", 1)[0]
    return max([";", ",", "\t"], key=first.count)


def _read_table(text: str) -> tuple[list[list[str]], str | None]:
    """The rows of the file, or the rows read so far and why the next one cannot be read.

    The csv module's own error text is English and technical ("field larger than field
    limit (131072)"), so the user gets ours, naming the row (the header is row 1)."""
    table: list[list[str]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_dialect(text))
    try:
        for row in reader:
            table.append(row)
    except csv.Error as error:
        line = len(table) + 1
        if "field limit" in str(error):
            return table, _(
                "Row %(line)s cannot be read: it has a cell longer than %(limit)s characters. "
                "Check that every quotation mark in the row is closed, and shorten the text."
            ) % {"line": line, "limit": number_format(csv.field_size_limit(), force_grouping=True)}
        return table, _(
            "Row %(line)s cannot be read as CSV. Check its quotation marks and separators, "
            "or start again from the template."
        ) % {"line": line}
    return table, None


def read_csv_upload(uploaded, *, max_bytes: int) -> tuple[list[list[str]] | None, str | None]:
    """The rows of an uploaded CSV file (the first is the header), or None and why not, in
    words for the person who uploaded it: larger than ``max_bytes`` (read no further than one
    byte past it), an Excel workbook, not text, not UTF-8, empty, or a row that cannot be
    read. Every CSV import reads its file through this (safety walks, observations)."""
    data = uploaded.read(max_bytes + 1)
    if len(data) > max_bytes:
        return None, _("The file is larger than %(size)s MB. Split it into several files.") % {
            "size": max_bytes // 1_000_000
        }
    text, problem = _decode(data)
    if problem:
        return None, problem
    if not text.strip():
        return None, _("The file is empty.")
    table, problem = _read_table(text)
    if problem:
        return None, problem
    return table, None


def parse_findings(uploaded) -> ParsedFile:
    """Read and check an uploaded file (any file-like object with ``read``); never raises
    for bad input."""
    result = ParsedFile()
    table, problem = read_csv_upload(uploaded, max_bytes=MAX_BYTES)
    if problem:
        result.file_errors.append(problem)
        return result
    header = [_HEADERS.get(" ".join(h.lower().replace("_", " ").split())) for h in table[0]]
    missing = [c for c in COLUMNS if c.required and c.key not in header]
    if missing:
        result.file_errors.append(
            _("Columns missing from the first row: %(columns)s. Start from the template.")
            % {"columns": ", ".join(f"“{c.sv}” / “{c.en}”" for c in missing)}
        )
        return result
    body = [(n, row) for n, row in enumerate(table[1:], start=2) if any(v.strip() for v in row)]
    if not body:
        result.file_errors.append(_("The file has a header row but no findings."))
        return result
    if len(body) > MAX_ROWS:
        result.file_errors.append(
            _("The file has %(count)s findings; at most %(max)s can be imported at a time.")
            % {"count": len(body), "max": MAX_ROWS}
        )
        return result
    lookup = _Lookup()
    for line, row in body:
        raw = dict.fromkeys(_HEADERS.values(), "")
        for key, value in zip(header, row, strict=False):
            if key:
                raw[key] = value.strip()
        finding = Finding(line=line, raw=raw)
        if len(row) > len(header):
            finding.errors.append(_("More values than columns: check for a stray separator."))
        _clean(finding, lookup)
        result.findings.append(finding)
    return result


class _Lookup:
    """Areas and themes by name or slug (case-insensitive), loaded once per file."""

    def __init__(self):
        self.areas = {}
        for area in Area.objects.only("pk", "name", "slug"):
            self.areas[area.slug.lower()] = area
            self.areas.setdefault(area.name.lower(), area)
        self.themes = {}
        for theme in Theme.objects.only("pk", "slug", "name_sv", "name_en"):
            for name in (theme.slug, theme.name_sv, theme.name_en):
                if name:
                    self.themes.setdefault(name.lower(), theme)


def _clean(finding: Finding, lookup: _Lookup) -> None:
    raw, errors = finding.raw, finding.errors
    cleaned: dict = {}
    title = raw["title"]
    if not title:
        errors.append(_("The title is empty."))
    elif len(title) > 200:
        errors.append(_("The title is longer than 200 characters."))
    cleaned["title"] = title
    description = raw["description"]
    if not description:
        errors.append(_("The description is empty."))
    elif len(description) > 5000:
        errors.append(_("The description is longer than 5,000 characters."))
    cleaned["description"] = description

    area = lookup.areas.get(raw["area"].lower()) if raw["area"] else None
    if not raw["area"]:
        errors.append(_("The area is empty."))
    elif area is None:
        errors.append(_("Unknown area “%(value)s”.") % {"value": raw["area"]})
    cleaned["area"] = area.pk if area else None
    cleaned["area_name"] = area.name if area else ""

    theme_ids, theme_names = [], []
    words = [w.strip() for w in raw["themes"].replace("|", ",").split(",") if w.strip()]
    if not words:
        errors.append(_("Give at least one theme."))
    for word in words:
        theme = lookup.themes.get(word.lower())
        if theme is None:
            errors.append(_("Unknown theme “%(value)s”.") % {"value": word})
        elif theme.pk not in theme_ids:
            theme_ids.append(theme.pk)
            theme_names.append(theme.name_sv)
    cleaned["themes"] = theme_ids
    cleaned["theme_names"] = theme_names

    cleaned["observed_on"] = None
    if raw["observed_on"]:
        try:
            observed = dt.date.fromisoformat(raw["observed_on"])
        except ValueError:
            errors.append(
                _("“%(value)s” is not a date; write it as YYYY-MM-DD, e.g. 2026-09-14.")
                % {"value": raw["observed_on"]}
            )
        else:
            if observed > timezone.localdate():
                errors.append(_("The date is in the future."))
            cleaned["observed_on"] = observed.isoformat()

    days = []
    for word in raw["weekdays"].replace(";", ",").replace(" ", ",").split(","):
        word = word.strip().lower().rstrip(".")
        if not word:
            continue
        if word not in _WEEKDAY_WORDS:
            errors.append(_("Unknown weekday “%(value)s”.") % {"value": word})
        elif _WEEKDAY_WORDS[word] not in days:
            days.append(_WEEKDAY_WORDS[word])
    cleaned["weekdays"] = sorted(days)

    times = {}
    for key in ("time_from", "time_to"):
        times[key] = None
        if raw[key]:
            try:
                times[key] = dt.time.fromisoformat(raw[key].replace(".", ":"))
            except ValueError:
                errors.append(
                    _("“%(value)s” is not a time of day; write it as HH:MM, e.g. 22:00.")
                    % {"value": raw[key]}
                )
    if bool(raw["time_from"]) != bool(raw["time_to"]):
        errors.append(_("Give both the time from and the time to, or neither."))
    elif times["time_from"] and times["time_from"] == times["time_to"]:
        errors.append(_("The times from and to are the same."))
    cleaned["time_from"] = times["time_from"].strftime("%H:%M") if times["time_from"] else None
    cleaned["time_to"] = times["time_to"].strftime("%H:%M") if times["time_to"] else None

    cleaned["severity"] = 3
    if raw["severity"]:
        try:
            cleaned["severity"] = int(raw["severity"])
        except ValueError:
            cleaned["severity"] = 0
        if not 1 <= cleaned["severity"] <= 5:
            errors.append(
                _("Severity must be a whole number from 1 to 5, not “%(value)s”.")
                % {"value": raw["severity"]}
            )

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
            cleaned["latitude"], cleaned["longitude"] = latitude, longitude

    cleaned["visibility"] = ""
    if raw["visibility"]:
        visibility = _VISIBILITY_WORDS.get(raw["visibility"].lower())
        if visibility is None:
            errors.append(
                _("Visibility must be “public” or “partners”, not “%(value)s”.")
                % {"value": raw["visibility"]}
            )
        cleaned["visibility"] = visibility or ""
    if not errors:
        cleaned["line"] = finding.line
        finding.cleaned = cleaned


def preview_rows(findings) -> list[dict]:
    """Rows for the preview table: a parsed file's findings as written (with their errors),
    or a draft walk's cleaned rows."""
    rows = []
    for finding in findings:
        if isinstance(finding, Finding):
            raw = finding.raw
            when = " ".join(
                v
                for v in (
                    raw["weekdays"],
                    "–".join(filter(None, (raw["time_from"], raw["time_to"]))),
                )
                if v
            )
            rows.append(
                {
                    "line": finding.line,
                    "title": raw["title"],
                    "area": raw["area"],
                    "themes": raw["themes"],
                    "date": raw["observed_on"],
                    "when": when,
                    "severity": raw["severity"],
                    "errors": finding.errors,
                }
            )
        else:
            days = ", ".join(str(Weekday(d).label) for d in finding.get("weekdays") or [])
            times = "–".join(filter(None, (finding.get("time_from"), finding.get("time_to"))))
            rows.append(
                {
                    "line": finding.get("line", ""),
                    "title": finding["title"],
                    "area": finding["area_name"],
                    "themes": ", ".join(finding["theme_names"]),
                    "date": finding.get("observed_on") or "",
                    "when": " ".join(v for v in (days, times) if v),
                    "severity": finding["severity"],
                    "errors": [],
                }
            )
    return rows


def template_csv(*, language: str) -> str:
    """The template: the header row in ``language`` and two example findings, semicolon-
    separated (Swedish Excel's list separator) with a byte order mark so Excel reads UTF-8."""
    english = language.startswith("en")
    area = Area.objects.order_by("parent_id", "name").first()
    themes = list(Theme.objects.order_by("position", "name_sv")[:2])
    area_name = area.name if area else ""
    theme_names = ", ".join(t.name_en if english else t.name_sv for t in themes)
    today = timezone.localdate()
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([c.en if english else c.sv for c in COLUMNS])
    if english:
        examples = [
            [
                "Dark footpath behind the school",
                "Three lamps are broken; people avoid the path.",
                area_name,
                theme_names,
                today.isoformat(),
                "",
                "",
                "",
                "4",
                "",
                "",
                "partners",
            ],
            [
                "Broken door lock at number 12",
                "The entrance door does not lock.",
                area_name,
                theme_names,
                "",
                "fri, sat",
                "22:00",
                "02:00",
                "3",
                "",
                "",
                "",
            ],
        ]
    else:
        examples = [
            [
                "Mörk gångväg bakom skolan",
                "Tre lampor är trasiga; många undviker gångvägen.",
                area_name,
                theme_names,
                today.isoformat(),
                "",
                "",
                "",
                "4",
                "",
                "",
                "partners",
            ],
            [
                "Trasigt portlås på nummer 12",
                "Porten går inte att låsa.",
                area_name,
                theme_names,
                "",
                "fre, lör",
                "22:00",
                "02:00",
                "3",
                "",
                "",
                "",
            ],
        ]
    writer.writerows(examples)
    return "\ufeff" + out.getvalue()
