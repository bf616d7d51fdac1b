"""Every dashboard table as CSV (UTF-8 with a byte-order mark, for Excel), streamed: all rows,
not just the page shown."""

from collections.abc import Iterator

from django.utils import timezone
from django.utils.translation import gettext as _

from partnership.coordination import queries
from partnership.coordination.queries.attention import delivery_attention
from partnership.coordination.queries.gaps import delivered_gaps, observation_pages
from partnership.coordination.queries.overlaps import STRENGTH_LABELS
from partnership.models import Weekday
from stakeholders.exports import CsvWriter, csv_safe


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, (list, tuple)):
        return csv_safe(", ".join(str(v) for v in value))
    return csv_safe(value) if isinstance(value, str) else value


def _spans(spans) -> str:
    return ", ".join(
        f"{Weekday(day).label} {start:%H:%M}–{end:%H:%M}"
        if end
        else f"{Weekday(day).label} {start:%H:%M}–24:00"
        for day, start, end in spans
    )


def _overlaps(scope, decided):
    yield [
        _("Initiative"),
        _("Organisation"),
        _("Other initiative"),
        _("Other organisation"),
        _("Same area"),
        _("Nested areas"),
        _("Shared themes"),
        _("Shared target groups"),
        _("Distance (m)"),
        _("Schedules coincide"),
        _("Strength"),
        _("Decided"),
        _("Decision"),
        _("Note"),
    ]
    for row in queries.overlap_rows(scope, decided=decided):
        a, a_title, a_org, b, b_title, b_org, same, by_area, themes, groups = row[:10]
        distance, coincide, strength, is_decided, decision, note = row[10:]
        yield [
            a_title,
            a_org,
            b_title,
            b_org,
            same,
            by_area and not same,
            themes,
            groups,
            distance,
            coincide,
            str(STRENGTH_LABELS.get(strength, strength)),
            is_decided,
            decision or "",
            note or "",
        ]


def _gaps(scope, time):
    header = [
        _("Problem"),
        _("Area"),
        _("Themes"),
        _("Severity"),
        _("Endorsing organisations"),
        _("Observed on"),
        _("Recorded"),
        _("When"),
        _("Responsible"),
    ]
    yield [*header, _("Not covered")] if time else header
    for gap in queries.gap_rows(scope, time=time):
        p = gap.problem
        row = [
            p.title,
            p.area.name,
            [t.name for t in p.themes.all()],
            p.severity,
            gap.endorsements,
            p.observed_on.isoformat() if p.observed_on else "",
            p.created_at.date().isoformat(),
            p.when_display,
            [f"{r.organization.name} ({r.get_role_display()})" for r in p.responsibilities.all()],
        ]
        yield [*row, _spans(gap.uncovered)] if time else row


# Every row of a table the page shows a page of (places, problems), not a page of them.
ALL_ROWS = 10**6


def _delivered(scope):
    """The gaps page's delivered view: problems whose hours the sessions held in the last
    weeks did not all cover, with the hours a week delivered then and in the weeks before."""
    yield [
        _("Problem"),
        _("Area"),
        _("When it happens"),
        _("Its hours a week"),
        _("Covered by held sessions, hours a week"),
        _("The weeks before"),
        _("Sessions held"),
        _("Sessions held the weeks before"),
        _("Not covered by a held session"),
    ]
    for gap in delivered_gaps(scope, per_page=ALL_ROWS).object_list:
        p = gap.problem
        yield [
            p.title,
            p.area.name,
            p.when_display,
            gap.problem_hours,
            gap.recent_hours,
            gap.previous_hours,
            gap.recent_sessions,
            gap.previous_sessions,
            _spans(gap.uncovered),
        ]


def _observation_hours(scope, view: str):
    """The gaps page's observed hours with nobody there (``view``: "planned", no initiative
    runs; "delivered", no session held): each place with its spans."""
    yield [
        _("Place"),
        _("Observations at these hours"),
        _("All observations with a time"),
        _("Observed hours with nobody there"),
    ]
    page = observation_pages(scope, views=(view,), per_page=ALL_ROWS)[view]
    for row in page.object_list:
        spans = [
            f"{Weekday(s.weekday).label} {s.starts:%H:%M}–"
            f"{f'{s.ends:%H:%M}' if s.ends else '24:00'} ({s.observations})"
            for s in row.spans
        ]
        yield [row.area.name, row.uncovered, row.observed, ", ".join(spans)]


def _coverage(scope):
    data = queries.coverage(scope)
    yield [_("Area"), _("Theme"), _("Live initiatives"), _("Open problems"), _("Gap")]
    for row in data.rows:
        for cell in row.cells:
            yield [row.area.name, cell.theme.name, cell.initiatives, cell.problems, cell.gap]


def _initiatives(queryset, with_news=False):
    header = [_("Initiative"), _("Organisation"), _("Status"), _("Starts on"), _("Ends on")]
    yield [*header, _("Latest news")] if with_news else header
    for i in queryset.iterator(chunk_size=2000):
        row = [
            i.title,
            i.lead_organization.name,
            i.get_status_display(),
            i.starts_on.isoformat(),
            i.ends_on.isoformat() if i.ends_on else "",
        ]
        yield [*row, i.last_news.isoformat()] if with_news else row


def _sessions(scope, kind: str):
    """Every row of one delivery-log list of the attention page (one statement for both)."""
    count, day = {
        "unconfirmed": (_("Unconfirmed sessions"), _("Oldest unconfirmed")),
        "cancelled": (_("Cancelled of the last 4"), _("Latest cancelled")),
    }[kind]
    yield [_("Initiative"), _("Organisation"), count, day]
    for i in delivery_attention(scope, per_page=10**9)[kind].object_list:
        yield [i.title, i.lead_organization.name, i.session_count, i.session_day.isoformat()]


def _organizations(queryset):
    yield [_("Organisation"), _("Kind"), _("Contact email")]
    for o in queryset.iterator(chunk_size=2000):
        yield [o.name, o.get_kind_display(), o.contact_email]


def _unowned(scope):
    """Open problems nobody has taken responsibility for, most severe first."""
    yield [_("Problem"), _("Area"), _("Severity"), _("Status"), _("Observed on"), _("Recorded")]
    for p in queries.unowned_problems(scope).iterator(chunk_size=2000):
        yield [
            p.title,
            p.area.name,
            p.severity,
            p.get_status_display(),
            p.observed_on.isoformat() if p.observed_on else "",
            p.created_at.date().isoformat(),
        ]


def _overdue(scope):
    """Responsibilities on open problems past their date, the longest overdue first: the
    list a secretariat sends round before a meeting."""
    yield [
        _("Problem"),
        _("Area"),
        _("Organisation"),
        _("Role"),
        _("What they do"),
        _("By when"),
        _("Days overdue"),
    ]
    today = timezone.localdate()
    for r in queries.overdue_responsibilities(scope).iterator(chunk_size=2000):
        yield [
            r.problem.title,
            r.problem.area.name,
            r.organization.name,
            r.get_role_display(),
            r.commitment,
            r.due_on.isoformat(),
            (today - r.due_on).days,
        ]


def _problems(scope):
    yield [
        _("Problem"),
        _("Area"),
        _("Severity"),
        _("Status"),
        _("Responsible"),
        _("What they do"),
        _("By when"),
    ]
    for p in queries.open_problems_with_responsibility(scope).iterator(chunk_size=2000):
        duties = list(p.responsibilities.all())
        yield [
            p.title,
            p.area.name,
            p.severity,
            p.get_status_display(),
            [f"{r.organization.name} ({r.get_role_display()})" for r in duties],
            [r.commitment for r in duties],
            [r.due_on.isoformat() for r in duties if r.due_on],
        ]


TABLES = {
    "report-problems": _problems,
    "overlaps": lambda scope: _overlaps(scope, False),
    "decided": lambda scope: _overlaps(scope, True),
    "gaps": lambda scope: _gaps(scope, False),
    "time-gaps": lambda scope: _gaps(scope, True),
    "coverage": _coverage,
    "observed-hours": lambda scope: _observation_hours(scope, "planned"),
    "observed-hours-delivered": lambda scope: _observation_hours(scope, "delivered"),
    "delivered-gaps": _delivered,
    "unowned": _unowned,
    "overdue": _overdue,
    "stale": lambda scope: _initiatives(queries.stale_initiatives(scope), with_news=True),
    "idle-organisations": lambda scope: _organizations(queries.idle_organizations(scope)),
    "unlinked": lambda scope: _initiatives(queries.unlinked_initiatives(scope)),
    "unconfirmed": lambda scope: _sessions(scope, "unconfirmed"),
    "often-cancelled": lambda scope: _sessions(scope, "cancelled"),
    "report-started": lambda scope: _initiatives(queries.started_initiatives(scope)),
    "report-ended": lambda scope: _initiatives(queries.ended_initiatives(scope)),
    "report-coverage": _coverage,
    "report-decided": lambda scope: _overlaps(scope, True),
    "report-gaps": lambda scope: _gaps(scope, False),
}


def rows(table: str, scope) -> Iterator[str]:
    writer = CsvWriter(_Echo())
    first = True
    for row in TABLES[table](scope):
        line = writer.writerow([_cell(value) for value in row])
        yield ("\ufeff" + line) if first else line
        first = False
