"""The coordinator dashboard's reads: overlaps, gaps, time gaps, coverage, attention, report.

Every measure is computed by PostgreSQL in one statement (joins on indexed columns, range,
multirange and array expressions), never by looping over pairs in Python; each page then
fetches the few rows it shows with their related objects in a fixed number of queries.
The definitions below are also explained on each page ("Why is this listed?").

**Live** (for a window, by default from today on, open-ended): planned or active, not
archived, and the period (``Initiative.period``; an open end is ongoing) intersects the window.

**Overlap**: two live initiatives whose lead organisations differ, whose periods intersect,
that share a **theme** (the same kind of work) and that are in the same area *or* whose
points lie within :data:`NEAR_METRES` of each other — the theme and the place hold together.
In **nested** areas (one's area contains one of the other's) they also need a shared target
group or coinciding weekly times: a district-wide night walk and one in a yard of the
district are the same work at two levels, and compete only when they meet the same people
or at the same hours (otherwise every district-wide initiative would pair with every local
one under it: 1.8 million pairs among 100,000 initiatives, 820,000 with this rule). A shared
target group or coinciding weekly times never make a pair on their own (football for girls
and homework help share young people, not work). Candidate pairs are found by equality
joins: on (area, theme) with one side's areas expanded to their ancestors (a recursive CTE
over the area tree), and on (grid cell, theme) for points, the grid being cells of at least
300 m so that close points are in the same or a neighbouring cell, then checked with an
equirectangular distance (exact enough below 1 km); one grouping by pair follows. Schedules
coincide when the weekly slots, as ``int4multirange`` of minutes of the week, intersect
(same weekday, intersecting hours).

**Strength** (shown as low / medium / high): a shared theme in the same place is *low*; a
shared target group *or* coinciding weekly times make it *medium*; both make it *high* (so a
pair in nested areas is at least medium).
Within a strength the newest pair (the later registration of the two) comes first. A pair is
**new since** a day when the newer of its two initiatives was registered on or after it.

**Decisions** on a pair: complementary, organisations contacted, merged, or *not an
overlap*; any of them moves the pair off the open list until either initiative's period,
areas or themes change. A **cluster** is two or more open pairs on a page sharing a theme in
the same area; it can be decided in one step.

**Gap**: an open problem (open or being addressed, not archived) that no live initiative is
linked to, ranked by severity, then the number of endorsing organisations, then age (oldest
observation first). **Time gap**: an open problem linked to live initiatives which all have
weekly times, whose own weekdays and hours (no weekdays = every day; no hours = all day; a
span like 22:00–02:00 is split at midnight) are not all covered by those slots. An initiative
without weekly times (lighting, cameras) is not tied to the hour and covers every hour.

The states are the models' (``Initiative.LIVE_STATUSES``, ``Problem.OPEN_STATUSES``), given
to the SQL as parameters (``common.scope_params``); ``tests/coordination/test_states.py``
checks that each SQL definition selects what its ORM counterpart selects.
"""

# Each measure in its module (``common`` holds what they share). The functions ``overlaps``,
# ``gaps``, ``coverage`` and ``report`` are named like their modules and take their place
# as the package's attributes: ``queries.overlaps(scope)`` is the function. Import a module's
# other names by its full path (``from partnership.coordination.queries.overlaps import …``).
from partnership.coordination.queries.attention import (
    ATTENTION_PAGE_SIZE,
    STALE_DAYS,
    attention_page,
    idle_organizations,
    overdue_responsibilities,
    stale_initiatives,
    unlinked_initiatives,
    unowned_problems,
)
from partnership.coordination.queries.common import PAGE_SIZE, Scope, live_initiatives
from partnership.coordination.queries.coverage import (
    Coverage,
    CoverageCell,
    CoverageRow,
    coverage,
    coverage_rows_for,
)
from partnership.coordination.queries.gaps import GapRow, gap_rows, gaps, time_gaps, week_spans
from partnership.coordination.queries.overlaps import (
    NEAR_METRES,
    OVERLAP_PAGE_SIZE,
    SNAPSHOT_FILL,
    SORTS,
    OverlapCluster,
    OverlapPair,
    OverlapResult,
    overlap_counts,
    overlap_pair,
    overlap_rows,
    overlapping_among,
    overlaps,
    pair_fingerprint,
)
from partnership.coordination.queries.report import (
    REPORT_ROWS,
    ended_initiatives,
    open_problems_with_responsibility,
    overview,
    report,
    started_initiatives,
)
from partnership.coordination.queries.snapshot import (
    SnapshotState,
    change_mark,
    snapshot_fill_params,
    snapshot_windows,
)

__all__ = [
    "ATTENTION_PAGE_SIZE",
    "NEAR_METRES",
    "OVERLAP_PAGE_SIZE",
    "PAGE_SIZE",
    "REPORT_ROWS",
    "SNAPSHOT_FILL",
    "SORTS",
    "STALE_DAYS",
    "Coverage",
    "CoverageCell",
    "CoverageRow",
    "GapRow",
    "OverlapCluster",
    "OverlapPair",
    "OverlapResult",
    "Scope",
    "SnapshotState",
    "attention_page",
    "change_mark",
    "coverage",
    "coverage_rows_for",
    "ended_initiatives",
    "gap_rows",
    "gaps",
    "idle_organizations",
    "live_initiatives",
    "open_problems_with_responsibility",
    "overlap_counts",
    "overlap_pair",
    "overlap_rows",
    "overlapping_among",
    "overlaps",
    "overdue_responsibilities",
    "overview",
    "pair_fingerprint",
    "report",
    "snapshot_fill_params",
    "snapshot_windows",
    "stale_initiatives",
    "started_initiatives",
    "time_gaps",
    "unlinked_initiatives",
    "unowned_problems",
    "week_spans",
]
