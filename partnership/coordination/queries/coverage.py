# ruff: noqa: S608 -- the SQL is assembled from constant fragments; every value is a parameter.
"""Coverage: live initiatives and open problems counted per area (with its sub-areas) and
theme, in one statement."""

from dataclasses import dataclass

from partnership.coordination.queries.common import (
    LIVE_CONDITION,
    OPEN_PROBLEM_CONDITION,
    UP,
    Scope,
    execute,
    scope_params,
)
from partnership.models import Area, Theme


@dataclass
class CoverageCell:
    theme: Theme | None
    initiatives: int
    problems: int

    @property
    def gap(self) -> bool:
        return self.problems > 0 and self.initiatives == 0


@dataclass
class CoverageRow:
    area: Area
    cells: list
    total: CoverageCell


_COVERAGE = f"""
    WITH RECURSIVE {UP},
    initiative_cells AS (
        SELECT DISTINCT up.ancestor_id AS row_id, t.theme_id, i.id
        FROM initiatives_initiative i
        JOIN initiatives_initiative_areas ia ON ia.initiative_id = i.id
        JOIN up ON up.area_id = ia.area_id AND up.ancestor_id = ANY(%(rows)s::bigint[])
        JOIN initiatives_initiative_themes t ON t.initiative_id = i.id
        WHERE {LIVE_CONDITION}
    ),
    problem_cells AS (
        SELECT DISTINCT up.ancestor_id AS row_id, t.theme_id, p.id
        FROM partnership_problem p
        JOIN up ON up.area_id = p.area_id AND up.ancestor_id = ANY(%(rows)s::bigint[])
        JOIN partnership_problem_themes t ON t.problem_id = p.id
        WHERE {OPEN_PROBLEM_CONDITION}
    ),
    cells AS (
        SELECT row_id, theme_id, id AS initiative_id, NULL::bigint AS problem_id
        FROM initiative_cells
        UNION ALL
        SELECT row_id, theme_id, NULL, id FROM problem_cells
    )
    SELECT row_id, theme_id, count(DISTINCT initiative_id), count(DISTINCT problem_id)
    FROM cells
    WHERE %(theme)s::bigint IS NULL OR theme_id = %(theme)s::bigint
    GROUP BY GROUPING SETS ((row_id, theme_id), (row_id), (theme_id), ())"""


@dataclass
class Coverage:
    rows: list
    themes: list
    theme_totals: list
    total: CoverageCell

    @property
    def by_theme(self) -> list[tuple[Theme, list[CoverageCell], CoverageCell]]:
        """The matrix transposed, for print: a row per theme with each area's cell and the
        theme's total (as many rows as themes, as few columns as areas)."""
        return [
            (theme, [row.cells[i] for row in self.rows], self.theme_totals[i])
            for i, theme in enumerate(self.themes)
        ]


def coverage_rows_for(area: Area | None) -> list[Area]:
    """The rows of the matrix: the chosen area's sub-areas and the area itself (each counting
    its whole subtree), or the top-level areas. A single top-level area (a municipality with
    one partnership area, Huddinge > Vårby gård) is opened down to where the tree branches,
    so the first view already shows the neighbourhoods."""
    if area is None:
        top = list(Area.objects.filter(parent__isnull=True).order_by("name")[:2])
        if len(top) != 1:
            return list(Area.objects.filter(parent__isnull=True).order_by("name"))
        area = top[0]
        for _depth in range(5):  # a chain of single children, never deeper than this
            children = list(Area.objects.filter(parent=area).order_by("name")[:2])
            if len(children) != 1:
                break
            area = children[0]
    return [area, *Area.objects.filter(parent=area).order_by("name")]


def coverage(scope: Scope) -> Coverage:
    """Live initiatives and open problems per area (with sub-areas) and theme."""
    areas = coverage_rows_for(scope.area)
    themes = [scope.theme] if scope.theme else list(Theme.objects.all())
    params = {**scope_params(scope), "rows": [a.pk for a in areas]}
    counts = {(r, t): (i, p) for r, t, i, p in execute(_COVERAGE, params)}

    def cell(row_id, theme):
        i, p = counts.get((row_id, theme.pk if theme else None), (0, 0))
        return CoverageCell(theme, i, p)

    rows = [CoverageRow(a, [cell(a.pk, t) for t in themes], cell(a.pk, None)) for a in areas]
    return Coverage(rows, themes, [cell(None, t) for t in themes], cell(None, None))
