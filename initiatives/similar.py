"""The "someone already does this" lookup: live initiatives like the one being registered.

The register form asks :func:`similar_initiatives` as soon as title, area and theme are
filled in (``initiatives:similar``, an HTML fragment fetched by ``static/js/initiative_similar.js``)
and again on submit, before saving. An initiative counts as similar when it is

- live for the candidate's period: planned or active, not archived, its period overlapping
  ``[starts_on, ends_on]`` (today and an open end by default);
- visible to the user (``Initiative.objects.visible_to``: partners-only ones only for
  partners);
- in the same or a nested area: one of its areas equals one of the candidate's areas, or is
  an ancestor or a descendant of one (one recursive query over the area tree);
- about the same thing: it shares a theme or a target group;
- worded alike: trigram ``similarity`` of the titles reaches :data:`TITLE_THRESHOLD`, or the
  candidate's title (or summary) is found in its summary with ``word_similarity`` of at
  least :data:`SUMMARY_THRESHOLD`.

Ranked by text similarity plus a bonus for sharing a theme (not just a target group) and the
exact area (not just a nested one). Five queries whatever the number of matches: the related
areas, the rows (with the lead organisation) and three prefetches (slots, themes, partner
organisations — the last for "may this user ask to join it?").
"""

import datetime as dt
from collections.abc import Iterable

from django.contrib.postgres.search import TrigramDistance, TrigramWordDistance
from django.db.models import (
    Case,
    Exists,
    F,
    FloatField,
    OuterRef,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.utils import timezone

from initiatives.models import Initiative
from partnership.models import Area

TITLE_THRESHOLD = 0.3
SUMMARY_THRESHOLD = 0.5
THEME_BONUS = 0.1
SAME_AREA_BONUS = 0.1
MIN_TITLE_LENGTH = 3
# A broad lookup (the whole municipality: the given areas with their ancestors and
# descendants number at least BROAD_AREAS) ranks only candidates: the CANDIDATES qualifying
# initiatives nearest to the title by each trigram measure, found through the GiST trigram
# indexes. Otherwise PostgreSQL computes similarity() for every initiative that shares a theme
# anywhere (measured on 100,000 initiatives: ~200 ms at the root area). A narrow lookup (a
# neighbourhood, a district) ranks every qualifying initiative exactly: few rows, and a
# nearest-first index scan would walk far to find enough of them in a small area.
BROAD_AREAS = 100
CANDIDATES = 20

# Text similarity of one candidate row (``initiatives_initiative``, the query's base table):
# title to title, and the title found in its summary (``word_similarity``); with a summary
# given, summary to summary too. NULL below both thresholds.
_SIMILARITY_SQL = """
    (SELECT CASE WHEN s.title >= %s OR s.summary >= %s THEN GREATEST(s.title, s.summary) END
     FROM (SELECT similarity(initiatives_initiative.title, %s) AS title,
                  word_similarity(%s, initiatives_initiative.summary) AS summary) AS s)
"""
_SIMILARITY_WITH_SUMMARY_SQL = """
    (SELECT CASE WHEN s.title >= %s OR s.summary >= %s THEN GREATEST(s.title, s.summary) END
     FROM (SELECT similarity(initiatives_initiative.title, %s) AS title,
                  GREATEST(word_similarity(%s, initiatives_initiative.summary),
                           similarity(initiatives_initiative.summary, %s)) AS summary) AS s)
"""


def _ids(values: Iterable) -> list[int]:
    return sorted({int(getattr(value, "pk", value)) for value in values or ()})


def similar_initiatives(
    *,
    user,
    title: str,
    summary: str = "",
    area_ids: Iterable[int],
    theme_ids: Iterable[int],
    target_group_ids: Iterable[int] = (),
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    exclude_pk: int | None = None,
    limit: int = 5,
) -> list[Initiative]:
    """Live initiatives the user may see that look like the one described (see the module
    docstring for the rule), most similar first, at most ``limit``. Each has
    ``lead_organization`` selected, ``slots``, ``themes`` and ``partner_organizations``
    prefetched and a ``similarity``
    (text similarity, 0–1) annotated. Empty without a title of at least three characters,
    an area, or a theme or target group."""
    title = (title or "").strip()
    summary = (summary or "").strip()
    area_ids = _ids(area_ids)
    theme_ids = _ids(theme_ids)
    target_group_ids = _ids(target_group_ids)
    if len(title) < MIN_TITLE_LENGTH or not area_ids or not (theme_ids or target_group_ids):
        return []
    starts_on = starts_on or timezone.localdate()
    if ends_on is not None and ends_on < starts_on:
        return []  # the form reports the bad period; nothing overlaps an empty one

    areas_through = Initiative.areas.through
    themes_through = Initiative.themes.through
    groups_through = Initiative.target_groups.through
    related_areas = Area.objects.nested_ids(area_ids)
    in_nested_area = Exists(
        areas_through.objects.filter(initiative_id=OuterRef("pk"), area_id__in=related_areas)
    )
    in_same_area = Exists(
        areas_through.objects.filter(initiative_id=OuterRef("pk"), area_id__in=area_ids)
    )
    shares_theme = Exists(
        themes_through.objects.filter(initiative_id=OuterRef("pk"), theme_id__in=theme_ids)
    )
    shares_group = Exists(
        groups_through.objects.filter(
            initiative_id=OuterRef("pk"), targetgroup_id__in=target_group_ids
        )
    )
    if theme_ids and target_group_ids:
        about_the_same = shares_theme | shares_group
    else:
        about_the_same = shares_theme if theme_ids else shares_group
    theme_bonus = (
        Case(When(shares_theme, then=Value(THEME_BONUS)), default=Value(0.0))
        if theme_ids
        else Value(0.0)
    )

    # The text similarity, computed once per candidate in a scalar subquery: NULL when
    # neither the titles nor the title in its summary (or the summaries) are alike enough.
    # (Written out as annotations and a filter, PostgreSQL evaluated each similarity()
    # four times per row: filter, select list, rank, sort key — 2.5× slower at the root.)
    if summary:
        sql, params = _SIMILARITY_WITH_SUMMARY_SQL, [title, title, summary]
    else:
        sql, params = _SIMILARITY_SQL, [title, title]
    similarity = RawSQL(sql, [TITLE_THRESHOLD, SUMMARY_THRESHOLD, *params], FloatField())  # noqa: S611
    same_area_bonus = Case(When(in_same_area, then=Value(SAME_AREA_BONUS)), default=Value(0.0))

    qualifying = (
        Initiative.objects.visible_to(user)
        .live_during(starts_on, ends_on)
        .filter(in_nested_area)
        .filter(about_the_same)
    )
    if exclude_pk is not None:
        qualifying = qualifying.exclude(pk=exclude_pk)
    if len(related_areas) >= BROAD_AREAS:
        distances = [TrigramDistance("title", title), TrigramWordDistance(title, "summary")]
        if summary:
            distances.append(TrigramDistance("summary", summary))
        nearest = set()
        for distance in distances:  # one query each: 2–3 more, for a broad lookup only
            nearest.update(
                qualifying.order_by(distance).values_list("pk", flat=True)[: max(CANDIDATES, limit)]
            )
        candidates = Initiative.objects.filter(pk__in=sorted(nearest))
    else:
        candidates = qualifying

    queryset = (
        candidates
        # Only ``bonus`` and ``rank`` are selected; similarity = rank - bonus (in Python).
        .annotate(
            bonus=theme_bonus + same_area_bonus, rank=similarity + theme_bonus + same_area_bonus
        )
        .select_related("lead_organization")
        .prefetch_related("slots", "themes", "partner_organizations")
        .order_by(F("rank").desc(nulls_last=True), "title", "pk")
    )
    found = [initiative for initiative in queryset[:limit] if initiative.rank is not None]
    for initiative in found:
        initiative.similarity = initiative.rank - initiative.bonus
    return found
