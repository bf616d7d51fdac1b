"""The "we see this too" lookup: open problems like the one being recorded.

The record form asks :func:`similar_problems` on submit, before saving, and shows each match
with a one-click "we see this too" (an endorsement) instead of a duplicate. A problem counts
as similar when it is

- open (open or being addressed, not archived) and visible to the user
  (``Problem.objects.visible_to``);
- in the same or a nested area: its area equals the candidate's, or is an ancestor or a
  descendant of it (one recursive query over the area tree, as for initiatives);
- worded alike: trigram ``similarity`` of the titles reaches :data:`TITLE_THRESHOLD`, or the
  candidate's title is found in its description with ``word_similarity`` of at least
  :data:`DESCRIPTION_THRESHOLD`.

Ranked by text similarity plus a bonus for sharing a theme and for the exact area. Four
queries whatever the number of matches: the related areas, the rows (with area and recording
organisation) and two prefetches (themes, endorsements — the latter for "may this user still
endorse it?").
"""

from collections.abc import Iterable

from django.db.models import Case, Exists, F, FloatField, OuterRef, Value, When
from django.db.models.expressions import RawSQL

from partnership.models import Area
from partnership.problems.models import Problem

TITLE_THRESHOLD = 0.3
DESCRIPTION_THRESHOLD = 0.5
THEME_BONUS = 0.1
SAME_AREA_BONUS = 0.1
MIN_TITLE_LENGTH = 3

# Text similarity of one candidate row (``partnership_problem``, the base table), computed
# once per row in a scalar subquery; NULL below both thresholds.
_SIMILARITY_SQL = """
    (SELECT CASE WHEN s.title >= %s OR s.description >= %s
                 THEN GREATEST(s.title, s.description) END
     FROM (SELECT similarity(partnership_problem.title, %s) AS title,
                  word_similarity(%s, partnership_problem.description) AS description) AS s)
"""


def similar_problems(
    *,
    user,
    title: str,
    area_id: int | None,
    theme_ids: Iterable[int] = (),
    exclude_pk: int | None = None,
    limit: int = 5,
) -> list[Problem]:
    """Open problems the user may see that look like the one described (see the module
    docstring), most similar first, at most ``limit``; each with ``area`` and
    ``recorded_by_organization`` selected, ``themes`` and ``endorsements`` prefetched and a
    ``similarity`` (0–1) annotated. Empty without a title of three characters or an area."""
    title = (title or "").strip()
    theme_ids = sorted({int(getattr(t, "pk", t)) for t in theme_ids or ()})
    if len(title) < MIN_TITLE_LENGTH or not area_id:
        return []
    related_areas = Area.objects.nested_ids([int(area_id)])
    shares_theme = Exists(
        Problem.themes.through.objects.filter(problem_id=OuterRef("pk"), theme_id__in=theme_ids)
    )
    theme_bonus = (
        Case(When(shares_theme, then=Value(THEME_BONUS)), default=Value(0.0))
        if theme_ids
        else Value(0.0)
    )
    same_area_bonus = Case(When(area_id=area_id, then=Value(SAME_AREA_BONUS)), default=Value(0.0))
    similarity = RawSQL(  # noqa: S611 - constant SQL, values as parameters
        _SIMILARITY_SQL, [TITLE_THRESHOLD, DESCRIPTION_THRESHOLD, title, title], FloatField()
    )
    queryset = (
        Problem.objects.visible_to(user)
        .open()
        .filter(area_id__in=related_areas)
        .annotate(
            bonus=theme_bonus + same_area_bonus, rank=similarity + theme_bonus + same_area_bonus
        )
        .select_related("area", "recorded_by_organization")
        .prefetch_related("themes", "endorsements")
        .order_by(F("rank").desc(nulls_last=True), "title", "pk")
    )
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    found = [problem for problem in queryset[:limit] if problem.rank is not None]
    for problem in found:
        problem.similarity = problem.rank - problem.bonus
    return found
