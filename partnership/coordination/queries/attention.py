# ruff: noqa: S608 -- the SQL is assembled from constant fragments; every value is a parameter.
"""Attention lists: live initiatives gone silent or tied to no problem, approved
organisations in no live initiative, open problems nobody has taken responsibility for,
responsibilities past their due date, and from the delivery log (``initiatives/delivery.py``)
sessions nobody confirmed within 48 hours and initiatives that cancelled at least 2 of their
last 4 sessions."""

import datetime as dt

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef
from django.utils import timezone

from initiatives.models import SILENT_DAYS, Initiative
from partnership.coordination.queries.common import (
    Scope,
    execute,
    live_initiatives,
    page_number,
    page_of,
    scope_params,
)
from partnership.models import Area
from partnership.problems.models import Problem, ProblemResponsibility
from stakeholders.models import Organization

STALE_DAYS = SILENT_DAYS
ATTENTION_PAGE_SIZE = 50


def stale_initiatives(scope: Scope):
    """Live initiatives without a progress update for :data:`STALE_DAYS` days, the longest
    silent first, ``last_news`` annotated (``Initiative.objects.silent``)."""
    return live_initiatives(scope).silent().select_related("lead_organization")


def unlinked_initiatives(scope: Scope):
    """Live initiatives not linked to any problem."""
    links = Initiative.problems.through.objects.filter(initiative_id=OuterRef("pk"))
    return (
        live_initiatives(scope)
        .filter(~Exists(links))
        .select_related("lead_organization")
        .order_by("lead_organization__name", "title", "pk")
    )


def idle_organizations(scope: Scope):
    """Approved organisations leading or partnering in no live initiative (in the period);
    filtered by the areas and themes they say they work on."""
    live = live_initiatives(Scope(starts_on=scope.starts_on, ends_on=scope.ends_on))
    leading = live.filter(lead_organization_id=OuterRef("pk"))
    partnering = Initiative.partner_organizations.through.objects.filter(
        organization_id=OuterRef("pk"), initiative__in=live
    )
    queryset = Organization.objects.approved().filter(~Exists(leading), ~Exists(partnering))
    if scope.area is not None:
        queryset = queryset.filter(
            Exists(
                Organization.areas.through.objects.filter(
                    organization_id=OuterRef("pk"),
                    area__in=Area.objects.with_descendants(scope.area),
                )
            )
        )
    if scope.theme is not None:
        queryset = queryset.filter(
            Exists(
                Organization.themes.through.objects.filter(
                    organization_id=OuterRef("pk"), theme_id=scope.theme.pk
                )
            )
        )
    return queryset.order_by("name", "pk")


def _scoped_problems(scope: Scope):
    """Open problems in the scope's area (with sub-areas) and theme."""
    problems = Problem.objects.open()
    if scope.area is not None:
        problems = problems.in_area(scope.area)
    if scope.theme is not None:
        problems = problems.filter(
            Exists(
                Problem.themes.through.objects.filter(
                    problem_id=OuterRef("pk"), theme_id=scope.theme.pk
                )
            )
        )
    return problems


def unowned_problems(scope: Scope):
    """Open problems no organisation has taken responsibility for, most severe first."""
    responsibilities = ProblemResponsibility.objects.filter(problem_id=OuterRef("pk"))
    return (
        _scoped_problems(scope)
        .filter(~Exists(responsibilities))
        .select_related("area")
        .order_by("-severity", "created_at", "pk")
    )


def overdue_responsibilities(scope: Scope):
    """Responsibilities for open problems whose date has passed, the longest overdue first."""
    return (
        ProblemResponsibility.objects.filter(
            problem__in=_scoped_problems(scope), due_on__lt=timezone.localdate()
        )
        .select_related("organization", "problem", "problem__area")
        .order_by("due_on", "problem__title", "pk")
    )


def attention_page(queryset, page, per_page: int = ATTENTION_PAGE_SIZE) -> Page:
    return Paginator(queryset, per_page).get_page(page)


# --- The delivery log: sessions nobody confirmed, sessions often cancelled ------------------------

# Both lists look at the sessions of the last DELIVERY_WEEKS weeks (whatever period the
# filter chooses; its area and theme apply) of planned or active initiatives.
DELIVERY_WEEKS = 4
UNCONFIRMED_HOURS = 48
CANCELLED_OF_LAST = (2, 4)  # at least 2 of the last 4

# The sessions (slot × date) of live initiatives in the scope's area and theme from
# %(first)s to %(today)s, each with its end as a local timestamp and its mark's outcome.
_SESSIONS = """
    live AS MATERIALIZED (
        SELECT i.id, i.period FROM initiatives_initiative i
        WHERE i.archived_at IS NULL AND i.status = ANY(%(live_statuses)s::text[])
          AND i.period && daterange(%(first)s::date, %(today)s::date, '[]')
          AND (%(areas)s::bigint[] IS NULL OR EXISTS (
              SELECT 1 FROM initiatives_initiative_areas ia
              WHERE ia.initiative_id = i.id AND ia.area_id = ANY(%(areas)s::bigint[])))
          AND (%(theme)s::bigint IS NULL OR EXISTS (
              SELECT 1 FROM initiatives_initiative_themes it
              WHERE it.initiative_id = i.id AND it.theme_id = %(theme)s::bigint))
    ),
    -- The live initiatives' slots first (a hash join), then each slot's dates: never every
    -- slot's dates joined to the live initiatives afterwards.
    slots AS MATERIALIZED (
        SELECT s.initiative_id, s.weekday, s.starts_at, s.ends_at, l.period
        FROM live l JOIN initiatives_scheduleslot s ON s.initiative_id = l.id
    ),
    dated AS MATERIALIZED (
        SELECT s.initiative_id, d.on_date, s.starts_at, s.ends_at
        FROM slots s
        CROSS JOIN LATERAL (
            SELECT (%(today)s::date
                    - mod(extract(isodow FROM %(today)s::date)::int - s.weekday + 7, 7)
                    - 7 * k)::date AS on_date
            FROM generate_series(0, %(weeks)s) AS k
        ) AS d
        WHERE d.on_date >= %(first)s::date AND s.period @> d.on_date
    ),
    marked AS MATERIALIZED (
        SELECT m.initiative_id, m.on_date, m.starts_at, m.outcome
        FROM initiatives_sessionmark m
        WHERE m.on_date BETWEEN %(first)s::date AND %(today)s::date
    ),
    sessions AS (
        SELECT d.initiative_id, d.on_date, d.starts_at,
               (d.on_date + (d.ends_at <= d.starts_at)::int) + d.ends_at AS ends,
               m.outcome
        FROM dated d
        LEFT JOIN marked m ON m.initiative_id = d.initiative_id AND m.on_date = d.on_date
         AND m.starts_at = d.starts_at
    )"""

_DELIVERY_ATTENTION = f"""
    WITH {_SESSIONS},
    unconfirmed AS (
        SELECT s.initiative_id, count(*) AS sessions, min(s.on_date) AS day
        FROM sessions s
        WHERE s.outcome IS NULL AND s.ends < %(cutoff)s
        GROUP BY s.initiative_id
    ),
    ranked AS (
        SELECT s.initiative_id, s.outcome, s.on_date,
               row_number() OVER (PARTITION BY s.initiative_id
                                  ORDER BY s.on_date DESC, s.starts_at DESC) AS n
        FROM sessions s WHERE s.ends < %(now)s
    ),
    cancelled AS (
        SELECT r.initiative_id, count(*) FILTER (WHERE r.outcome = 'cancelled') AS sessions,
               max(r.on_date) FILTER (WHERE r.outcome = 'cancelled') AS day
        FROM ranked r WHERE r.n <= %(last)s
        GROUP BY r.initiative_id
    )
    SELECT 'unconfirmed', u.initiative_id, u.sessions, u.day FROM unconfirmed u
    UNION ALL
    SELECT 'cancelled', c.initiative_id, c.sessions, c.day FROM cancelled c
    WHERE c.sessions >= %(at_least)s"""


def delivery_attention(
    scope: Scope,
    *,
    unconfirmed_page=1,
    cancelled_page=1,
    per_page: int = ATTENTION_PAGE_SIZE,
    now: dt.datetime | None = None,
) -> dict[str, Page]:
    """Both lists of the delivery log in one statement (they read the same sessions):
    {"unconfirmed": page, "cancelled": page}. Unconfirmed: live initiatives with sessions in
    the last :data:`DELIVERY_WEEKS` weeks that ended more than :data:`UNCONFIRMED_HOURS`
    hours ago and nobody marked, the most first (``session_count``; ``session_day`` the
    oldest). Cancelled: those that cancelled at least 2 of their last 4 sessions (that
    ended, in those weeks), the most first (``session_day`` the latest cancelled). Each
    page's initiatives come in one more query."""
    now = timezone.localtime(now or timezone.now()).replace(tzinfo=None)
    today = now.date()
    params = {
        **scope_params(scope),
        "today": today,
        "first": today - dt.timedelta(weeks=DELIVERY_WEEKS),
        "weeks": DELIVERY_WEEKS,
        "now": now,
        "cutoff": now - dt.timedelta(hours=UNCONFIRMED_HOURS),
        "at_least": CANCELLED_OF_LAST[0],
        "last": CANCELLED_OF_LAST[1],
    }
    found: dict[str, list] = {"unconfirmed": [], "cancelled": []}
    for kind, initiative_id, count, day in execute(_DELIVERY_ATTENTION, params):
        found[kind].append((initiative_id, count, day))
    found["unconfirmed"].sort(key=lambda row: (-row[1], row[2], row[0]))
    found["cancelled"].sort(key=lambda row: (-row[1], -row[2].toordinal(), row[0]))
    pages = {}
    for kind, page in (("unconfirmed", unconfirmed_page), ("cancelled", cancelled_page)):
        rows = found[kind]
        number = page_number(page)
        if (number - 1) * per_page >= len(rows):
            number = 1
        shown = rows[(number - 1) * per_page : number * per_page]
        initiatives = Initiative.objects.select_related("lead_organization").in_bulk(
            [row[0] for row in shown]
        )
        items = []
        for initiative_id, count, day in shown:
            initiative = initiatives[initiative_id]
            initiative.session_count, initiative.session_day = count, day
            items.append(initiative)
        pages[kind] = page_of(items, len(rows), number, per_page)
    return pages
