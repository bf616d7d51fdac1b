"""The lägesbild's public aggregates (issue 15): what a coordinator chooses to show residents
of the report's kartläggning, frozen as a snapshot.

Observations are partners-only. A coordinator (with the second factor) picks, for a period
and an area, which categories go public (some, like hot/våld, may stay internal), whether
per area (each chosen area with its sub-areas) and/or by weekday and part of the day, and a
short text (checked for personal data). :func:`snapshot` computes the numbers from the
report's own functions (``queries.report.observation_groups``, one statement, and the
same for the previous period of the same length), so the published numbers are the report's
numbers at that moment. They are stored in ``PublishedSituation.data`` and never recomputed
once published: later observations do not change a publication.

**Small numbers**: a count of 1 or 2 (below :data:`SMALL_BELOW`) is shown to residents as
"fewer than 3", in tables, bars and comparisons; 0 and counts from 3 are shown as they are.
The rule hides single events at a glance; totals are exact, so a resident who subtracts can
tell 1–2 apart from 0 in a row — accepted, since the numbers describe places, not people.

The services at the end are the only writes: draft (preview), publish, withdraw, publish
again, discard a draft.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from partnership.coordination.models import PublishedSituation
from partnership.coordination.queries.common import Scope
from partnership.coordination.queries.report import observation_groups
from partnership.models import Area, Theme, Weekday
from partnership.observations.models import ObservationCategory
from partnership.residents.models import TIME_OF_DAY_HOURS, TimeOfDay

# Counts from 1 to SMALL_BELOW - 1 are shown as "fewer than SMALL_BELOW".
SMALL_BELOW = 3
SNAPSHOT_VERSION = 1
PARTS = [str(part) for part in TIME_OF_DAY_HOURS] + [""]  # "" = no time given


def previous_period(starts: dt.date, ends: dt.date) -> tuple[dt.date, dt.date]:
    """The period of the same number of days just before."""
    days = (ends - starts).days + 1
    return starts - dt.timedelta(days=days), starts - dt.timedelta(days=1)


def _names(term) -> dict | None:
    return {"sv": term.name_sv, "en": term.name_en or term.name_sv} if term else None


def _descendants(area_ids: list[int]) -> dict[int, set[int]]:
    """Each area with its sub-areas (ids), from one read of the area tree."""
    children: dict[int | None, list[int]] = {}
    for pk, parent in Area.objects.values_list("pk", "parent_id"):
        children.setdefault(parent, []).append(pk)
    result = {}
    for area_id in area_ids:
        found, todo = set(), [area_id]
        while todo:
            pk = todo.pop()
            if pk not in found:
                found.add(pk)
                todo.extend(children.get(pk, []))
        result[area_id] = found
    return result


def snapshot(
    *,
    area: Area | None,
    theme: Theme | None,
    starts: dt.date,
    ends: dt.date,
    categories: list[ObservationCategory],
    areas: list[Area],
    by_weekday: bool,
    by_part: bool,
) -> dict:
    """The numbers residents will see, as JSON: per chosen category the sum of the
    observations' counts in the period and in the previous period of the same length; per
    chosen area (with its sub-areas) and category; by weekday and by part of the day (when
    chosen). Categories not chosen are left out everywhere, totals included. Three queries
    plus one for the area tree when areas are chosen, whatever the number of observations."""
    chosen = {c.pk for c in categories}
    scope = Scope(area=area, theme=theme, starts_on=starts, ends_on=ends)
    before_starts, before_ends = previous_period(starts, ends)
    before = Scope(area=area, theme=theme, starts_on=before_starts, ends_on=before_ends)
    # Each period's sums (per area × category, category × weekday, category × part), the
    # chosen categories' added up.
    groups = observation_groups(scope, top=0)
    per_category, per_area_category = Counter(), Counter()
    per_weekday, per_part = Counter(), Counter()
    for (area_id, category_id), n in groups.cells.items():
        if category_id in chosen:
            per_category[category_id] += n
            per_area_category[area_id, category_id] += n
    for (category_id, weekday), n in groups.weekdays.items():
        if category_id in chosen:
            per_weekday[weekday] += n
    for (category_id, part), n in groups.parts.items():
        if category_id in chosen:
            per_part[part] += n
    previous = Counter()
    for (_area_id, category_id), n in observation_groups(before, top=0).cells.items():
        if category_id in chosen:
            previous[category_id] += n

    ordered = sorted(categories, key=lambda c: (c.position, c.name_sv))
    data = {
        "version": SNAPSHOT_VERSION,
        "period": [starts.isoformat(), ends.isoformat()],
        "previous_period": [before_starts.isoformat(), before_ends.isoformat()],
        "area": {"sv": area.name, "en": area.name} if area else None,
        "theme": _names(theme),
        "small_below": SMALL_BELOW,
        "categories": [
            {**_names(c), "count": per_category[c.pk], "previous": previous[c.pk]} for c in ordered
        ],
        "total": sum(per_category.values()),
        "previous_total": sum(previous.values()),
        "areas": [],
        "weekdays": None,
        "parts": None,
    }
    if areas:
        nested = _descendants([a.pk for a in areas])
        observed = {area_id for area_id, _category in per_area_category}
        data["areas"] = []
        for a in sorted(areas, key=lambda a: a.name):
            inside = nested[a.pk] & observed
            counts = [sum(per_area_category[i, c.pk] for i in inside) for c in ordered]
            data["areas"].append({"name": a.name, "counts": counts, "total": sum(counts)})
    if by_weekday:
        data["weekdays"] = [per_weekday[day] for day in range(1, 8)]
    if by_part:
        data["parts"] = [[part, per_part[part]] for part in PARTS]
    return data


def snapshot_for(choices: dict) -> dict:
    """:func:`snapshot` of the choices a draft keeps (ids and ISO dates)."""
    categories = list(ObservationCategory.objects.filter(pk__in=choices["categories"]))
    areas = list(Area.objects.filter(pk__in=choices["areas"])) if choices["areas"] else []
    return snapshot(
        area=Area.objects.filter(pk=choices["area"]).first() if choices["area"] else None,
        theme=Theme.objects.filter(pk=choices["theme"]).first() if choices["theme"] else None,
        starts=dt.date.fromisoformat(choices["starts_on"]),
        ends=dt.date.fromisoformat(choices["ends_on"]),
        categories=categories,
        areas=areas,
        by_weekday=choices["by_weekday"],
        by_part=choices["by_part"],
    )


# --- What residents see (the public page and the coordinator's preview) ----------------------


@dataclass(frozen=True)
class Cell:
    """A count as residents see it: ``small`` ones say "fewer than 3" instead."""

    n: int

    @property
    def small(self) -> bool:
        return 0 < self.n < SMALL_BELOW


@dataclass(frozen=True)
class CategoryLine:
    name: str
    count: Cell
    previous: Cell
    change: int | None  # None when either side is small


@dataclass(frozen=True)
class View:
    """A snapshot in the language in use, ready for the template."""

    period: tuple[dt.date, dt.date]
    previous_period: tuple[dt.date, dt.date]
    area: str
    theme: str
    categories: list[CategoryLine]
    total: Cell
    previous_total: Cell
    total_change: int | None
    areas: list[tuple[str, list[Cell], Cell]]
    weekdays: list[tuple[str, Cell]] | None
    parts: list[tuple[str, Cell]] | None
    bars: SafeString


def _change(now: Cell, before: Cell) -> int | None:
    return None if now.small or before.small else now.n - before.n


def view(data: dict) -> View:
    """The snapshot as the page shows it, names in the active language."""
    language = "en" if (translation.get_language() or "sv").startswith("en") else "sv"
    lines = []
    for category in data["categories"]:
        count, previous = Cell(category["count"]), Cell(category["previous"])
        lines.append(CategoryLine(category[language], count, previous, _change(count, previous)))
    total, previous_total = Cell(data["total"]), Cell(data["previous_total"])
    return View(
        period=tuple(dt.date.fromisoformat(d) for d in data["period"]),
        previous_period=tuple(dt.date.fromisoformat(d) for d in data["previous_period"]),
        area=data["area"][language] if data["area"] else "",
        theme=data["theme"][language] if data["theme"] else "",
        categories=lines,
        total=total,
        previous_total=previous_total,
        total_change=_change(total, previous_total),
        areas=[
            (row["name"], [Cell(n) for n in row["counts"]], Cell(row["total"]))
            for row in data["areas"]
        ],
        weekdays=(
            [(Weekday(day).label, Cell(n)) for day, n in enumerate(data["weekdays"], start=1)]
            if data["weekdays"] is not None
            else None
        ),
        parts=(
            [
                (TimeOfDay(part).label if part else _("No time given"), Cell(n))
                for part, n in data["parts"]
            ]
            if data["parts"] is not None
            else None
        ),
        bars=bars_svg(lines),
    )


BAR = "#2c6fb0"
TEXT = "#1b1b1b"


def bars_svg(lines: list[CategoryLine]) -> SafeString:
    """A horizontal bar per category (this period), drawn on the server: the category's name
    above its bar, the count after it, so that the picture stays legible at a phone's width
    (it scales down from 320 units, ``svg { max-width: 100% }``). The table beside it holds
    the same numbers, so the picture is hidden from screen readers. A small count gets no
    bar, only its words."""
    if not lines:
        return SafeString("")
    width, plot, row = 320, 220, 42
    maximum = max((line.count.n for line in lines if not line.count.small), default=0) or 1

    def length(line):
        return 0 if line.count.small else round(line.count.n / maximum * plot, 1)

    shapes = format_html_join(
        "",
        '<text x="0" y="{}" font-size="14">{}</text>'
        '<rect x="0" y="{}" width="{}" height="14" fill="{}"/>'
        '<text x="{}" y="{}" font-size="13">{}</text>',
        (
            (
                index * row + 14,
                line.name if len(line.name) <= 40 else line.name[:39] + "…",
                index * row + 20,
                length(line),
                BAR,
                length(line) + 6,
                index * row + 32,
                _("fewer than %(n)s") % {"n": SMALL_BELOW}
                if line.count.small
                else number_format(line.count.n, force_grouping=True),
            )
            for index, line in enumerate(lines)
        ),
    )
    height = len(lines) * row
    return format_html(
        '<svg class="situation-bars" aria-hidden="true" focusable="false" viewBox="0 0 {} {}" '
        'width="{}" height="{}" xmlns="http://www.w3.org/2000/svg" fill="{}" '
        'font-family="system-ui, sans-serif">{}</svg>',
        width,
        height,
        width,
        height,
        TEXT,
        shapes,
    )


# --- Writes ---------------------------------------------------------------------------------


@transaction.atomic
def situation_draft(
    *, choices: dict, text: str, actor, draft: PublishedSituation | None = None
) -> PublishedSituation:
    """Make (or change) a draft: the snapshot of ``choices`` as it is now, for the
    coordinator's preview. A published or withdrawn one is never changed: its numbers stay."""
    if draft is not None and draft.published_at is not None:
        raise ValidationError(_("A published situation picture cannot be changed."))
    draft = draft or PublishedSituation(created_by=actor)
    draft.starts_on = dt.date.fromisoformat(choices["starts_on"])
    draft.ends_on = dt.date.fromisoformat(choices["ends_on"])
    draft.area_id = choices["area"]
    draft.choices = choices
    draft.text = text
    draft.data = snapshot_for(choices)
    draft.save()
    return draft


@transaction.atomic
def situation_publish(*, situation: PublishedSituation, actor) -> bool:
    """Publish a draft with the numbers its preview showed. The numbers are computed again
    first: when they changed since the preview (new observations), the draft takes the new
    ones and is not published — the coordinator checks the new preview — and this returns
    False. Residents never see numbers the coordinator has not seen."""
    situation = PublishedSituation.objects.select_for_update().get(pk=situation.pk)
    if situation.published_at is not None:
        raise ValidationError(_("This situation picture is already published."))
    fresh = snapshot_for(situation.choices)
    if fresh != situation.data:
        situation.data = fresh
        situation.save(update_fields=["data", "updated_at"])
        return False
    situation.published_at = timezone.now()
    situation.save(update_fields=["published_at", "updated_at"])
    return True


@transaction.atomic
def situation_withdraw(*, situation: PublishedSituation, actor) -> None:
    """Take a publication off the public pages (it may be published again, unchanged)."""
    if not situation.is_public:
        raise ValidationError(_("This situation picture is not published."))
    situation.withdrawn_at = timezone.now()
    situation.save(update_fields=["withdrawn_at", "updated_at"])


@transaction.atomic
def situation_republish(*, situation: PublishedSituation, actor) -> None:
    """Show a withdrawn publication again, with its numbers as they were published."""
    if situation.withdrawn_at is None:
        raise ValidationError(_("Only a withdrawn situation picture can be published again."))
    situation.withdrawn_at = None
    situation.published_at = timezone.now()
    situation.save(update_fields=["withdrawn_at", "published_at", "updated_at"])


@transaction.atomic
def situation_discard(*, situation: PublishedSituation, actor) -> None:
    """Delete a draft that was never published (history keeps that it existed)."""
    if situation.published_at is not None:
        raise ValidationError(_("A published situation picture is withdrawn, not deleted."))
    situation.delete()
