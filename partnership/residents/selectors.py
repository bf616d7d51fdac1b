"""Every read of residents' reports a page needs.

Residents see **counts only** (:func:`aggregates`): per area (its sub-areas included), by
reason and by time of day, unsafe and safe apart — never a point, a text or a single report's
date. Partners read the reports themselves (:func:`report_list`), their points snapped to
about 50 m (``ResidentReport.rounded_point``).
"""

from dataclasses import dataclass, field

from django.db import connection
from django.utils.translation import gettext_lazy

from partnership.models import Area
from partnership.residents.models import Open311Key, Reason, ResidentReport, TimeOfDay

# Counted per area (and kind) by reason, by part of the day, and in all: one query each over
# the table, grouped in PostgreSQL; the area tree is rolled up in Python (a partnership has
# tens of areas).
_BY_REASON_SQL = """
    SELECT r.area_id, r.kind, reason, count(*)
    FROM residents_residentreport r, unnest(r.reasons) AS reason
    GROUP BY 1, 2, 3
"""
_BY_TIME_SQL = """
    SELECT r.area_id, r.kind, coalesce(part, 'any'), count(*)
    FROM residents_residentreport r
    LEFT JOIN LATERAL unnest(r.times_of_day) AS part ON true
    GROUP BY 1, 2, 3
"""
_TOTAL_SQL = """
    SELECT r.area_id, r.kind, count(*) FROM residents_residentreport r GROUP BY 1, 2
"""


@dataclass
class Counts:
    """The counts for one area (its sub-areas included): ``total[kind]``,
    ``reasons[kind][reason]``, ``times[kind][part or 'any']``."""

    total: dict = field(default_factory=dict)
    reasons: dict = field(default_factory=dict)
    times: dict = field(default_factory=dict)

    def add(self, table: str, kind: str, key: str | None, count: int) -> None:
        if table == "total":
            self.total[kind] = self.total.get(kind, 0) + count
            return
        counts = getattr(self, table).setdefault(kind, {})
        counts[key] = counts.get(key, 0) + count

    def rows(self, table: str, choices) -> list[dict]:
        """One row per choice (and 'any time' for times): label, unsafe and safe counts."""
        keys = [(value, label) for value, label in choices]
        if table == "times":
            keys.append(("any", TIME_ANY_LABEL))
        counts = getattr(self, table)
        return [
            {
                "label": label,
                "unsafe": counts.get(ResidentReport.Kind.UNSAFE, {}).get(value, 0),
                "safe": counts.get(ResidentReport.Kind.SAFE, {}).get(value, 0),
            }
            for value, label in keys
        ]

    @property
    def unsafe(self) -> int:
        return self.total.get(ResidentReport.Kind.UNSAFE, 0)

    @property
    def safe(self) -> int:
        return self.total.get(ResidentReport.Kind.SAFE, 0)

    @property
    def reason_rows(self) -> list[dict]:
        return self.rows("reasons", Reason.choices)

    @property
    def time_rows(self) -> list[dict]:
        return self.rows("times", TimeOfDay.choices)


# The row of reports that named no part of the day.
TIME_ANY_LABEL = gettext_lazy("Any time")


def aggregates() -> tuple[list[Area], dict[int | None, Counts]]:
    """Every area, and the counts of each with its sub-areas rolled in (key ``None``: all
    reports). Three queries, whatever the number of reports."""
    areas = list(Area.objects.only("id", "name", "slug", "parent_id").order_by("name"))
    parents = {area.pk: area.parent_id for area in areas}
    counts: dict[int | None, Counts] = {None: Counts(), **{area.pk: Counts() for area in areas}}
    with connection.cursor() as cursor:
        for table, sql in (("reasons", _BY_REASON_SQL), ("times", _BY_TIME_SQL)):
            cursor.execute(sql)
            for area_id, kind, key, count in cursor.fetchall():
                for target in _self_and_ancestors(area_id, parents):
                    counts[target].add(table, kind, key, count)
        cursor.execute(_TOTAL_SQL)
        for area_id, kind, count in cursor.fetchall():
            for target in _self_and_ancestors(area_id, parents):
                counts[target].add("total", kind, None, count)
    return areas, counts


def _self_and_ancestors(area_id, parents) -> list[int | None]:
    found, seen = [None], set()
    while area_id is not None and area_id not in seen:
        seen.add(area_id)
        found.append(area_id)
        area_id = parents.get(area_id)
    return found


def problem_model():
    """The problems app's model, read through the relation it declares (``Problem.
    resident_reports``): this app sits below it and never imports it."""
    return ResidentReport._meta.get_field("problems").related_model


def problems_from_reports(area: Area | None):
    """The public problems made from residents' reports in the area (all, for None): what
    became of what residents said, newest change first."""
    problems = problem_model().objects.public()
    reports = ResidentReport.objects.all() if area is None else ResidentReport.objects.in_area(area)
    return (
        problems.filter(pk__in=reports.values("problems"))
        .select_related("area")
        .order_by("-updated_at")[:10]
    )


def report_list():
    """The partners' list: every report, newest first, with its area and the problems made
    of it (two queries per page)."""
    return ResidentReport.objects.select_related("area").prefetch_related("problems")


def reports_by_ids(public_ids) -> list[ResidentReport]:
    return list(
        ResidentReport.objects.filter(public_id__in=public_ids)
        .select_related("area")
        .order_by("-created_on", "-id")
    )


def open311_keys() -> list[Open311Key]:
    """Every key issued, newest first, with who issued it."""
    return list(Open311Key.objects.select_related("created_by").order_by("-created_at"))
