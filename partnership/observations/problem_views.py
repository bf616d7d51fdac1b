"""“Make this a problem”: the problem form prefilled from observations, which it links.

Two ways in, one address (``observations:make_problem``, /handelser/till-problem/):

- a **selection** from the observation list: ``?observation=<public_id>`` repeated (at most
  :data:`MAX_SELECTED`);
- a **pattern**, e.g. a heatmap cell: ``area`` (an area's slug: with its sub-areas),
  ``category`` (slugs, repeatable), ``weekday`` (1–7, ISO, repeatable), ``hour`` (0–23,
  repeatable), ``from`` and ``to`` (ISO dates).

GET shows the problem form (the problems app's ``ProblemForm``) prefilled by :func:`prefill`
— area, weekdays, hours as one time span (the smallest round the clock that covers them, so
22, 23, 0 and 1 give 22:00–02:00), themes from the categories' themes, source "partner
observation", a title and a description counting what was observed — and the matching
observations not yet part of a problem as checked boxes (the newest :data:`MAX_LISTED`,
with the number of the rest). POST records the problem through the problems app's service
and links the boxes still checked (``problem_services``), then opens the problem's page.

A parameter that names nothing (an unknown area or category, hour 99, a date that is not
one) is left out and the page says so; nothing answers 500.
"""

import datetime as dt
import uuid
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import BooleanField, Count, IntegerField, Max, Min, Q, Sum
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from partnership.models import Area, Visibility
from partnership.observations import problem_services
from partnership.observations.models import Observation, ObservationCategory
from partnership.observations.permissions import can_read_observations
from partnership.observations.selectors import area_within
from partnership.problems import forms as problem_forms
from partnership.problems import permissions as problem_permissions
from partnership.problems.models import Problem

# At most this many observations are listed to link (the newest); a selection takes at
# most MAX_SELECTED ids.
MAX_LISTED = 200
MAX_SELECTED = 500

PLURAL_WEEKDAYS = {
    1: lambda: _("Mondays"),
    2: lambda: _("Tuesdays"),
    3: lambda: _("Wednesdays"),
    4: lambda: _("Thursdays"),
    5: lambda: _("Fridays"),
    6: lambda: _("Saturdays"),
    7: lambda: _("Sundays"),
}


@dataclass
class Chosen:
    """What the parameters name (the rest is in ``ignored``, as sentences)."""

    area: Area | None = None
    categories: list = field(default_factory=list)
    weekdays: list[int] = field(default_factory=list)
    hours: list[int] = field(default_factory=list)
    since: dt.date | None = None
    until: dt.date | None = None
    observation_ids: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    @property
    def is_pattern(self) -> bool:
        return bool(
            self.area or self.categories or self.weekdays or self.hours or self.since or self.until
        )


def _numbers(values, low: int, high: int, what: str, ignored: list[str]) -> list[int]:
    found = set()
    for value in values:
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = None
        if number is None or not low <= number <= high:
            ignored.append(
                _("“%(value)s” is not %(what)s and was left out.") % {"value": value, "what": what}
            )
        else:
            found.add(number)
    return sorted(found)


def _date(value: str | None, ignored: list[str]) -> dt.date | None:
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        day = None
    if day is None or not 1900 <= day.year <= 2100:
        ignored.append(
            _("“%(value)s” is not a date (YYYY-MM-DD) and was left out.") % {"value": value}
        )
        return None
    return day


def read_params(params) -> Chosen:
    """The parameters as things (see the module docstring); what names nothing is left out
    with a sentence in ``ignored``."""
    chosen = Chosen()
    ignored = chosen.ignored
    slug = (params.get("area") or "").strip()
    if slug:
        chosen.area = Area.objects.filter(slug=slug).annotate(within=area_within()).first()
        if chosen.area is None:
            ignored.append(_("There is no area “%(value)s”; it was left out.") % {"value": slug})
    slugs = [s.strip() for s in params.getlist("category") if s.strip()][:50]
    if slugs:
        chosen.categories = list(
            ObservationCategory.objects.filter(slug__in=slugs).prefetch_related("themes")
        )
        known = {c.slug for c in chosen.categories}
        for unknown in sorted(set(slugs) - known):
            ignored.append(
                _("There is no category “%(value)s”; it was left out.") % {"value": unknown}
            )
    chosen.weekdays = _numbers(params.getlist("weekday")[:50], 1, 7, _("a weekday (1–7)"), ignored)
    chosen.hours = _numbers(params.getlist("hour")[:50], 0, 23, _("an hour (0–23)"), ignored)
    chosen.since = _date(params.get("from"), ignored)
    chosen.until = _date(params.get("to"), ignored)
    if chosen.since and chosen.until and chosen.since > chosen.until:
        ignored.append(_("The end date was before the start date; it was left out."))
        chosen.until = None
    for value in params.getlist("observation")[:MAX_SELECTED]:
        try:
            chosen.observation_ids.append(str(uuid.UUID(value)))
        except (TypeError, ValueError):
            ignored.append(
                _("“%(value)s” does not name an observation; it was left out.") % {"value": value}
            )
    return chosen


# An observation "covers" an hour (``%s``: the hours as bits): a moment in it, or a window
# touching it; a window past midnight runs to 24:00 and on from 00:00 — the generated columns
# the heatmap counts by (migration 0003), so a cell's number and its observations agree.
_O = "observations_observation"
_COVERS_HOURS = f"({_O}.hours_mask | {_O}.next_day_mask) & %s <> 0"  # noqa: S608 (constant)


def matching(chosen: Chosen):
    """The observations the parameters name: the selection, or those of the pattern; none
    when the parameters name neither."""
    observations = Observation.objects.all()
    if chosen.observation_ids:
        return observations.filter(public_id__in=chosen.observation_ids)
    if not chosen.is_pattern:
        return observations.none()
    if chosen.area is not None:
        # The ids as a literal list, fetched with the area (``selectors.area_within``).
        ids = getattr(chosen.area, "within", None)
        if ids is None:
            ids = list(Area.objects.with_descendants(chosen.area).values_list("pk", flat=True))
        observations = observations.filter(area_id__in=ids)
    if chosen.categories:
        observations = observations.filter(category__in=chosen.categories)
    if chosen.weekdays:
        weekday = RawSQL(f"{_O}.iso_weekday", (), output_field=IntegerField())  # noqa: S611
        observations = observations.alias(weekday=weekday).filter(weekday__in=chosen.weekdays)
    if chosen.hours:
        bits = sum(1 << hour for hour in set(chosen.hours))
        covers = RawSQL(_COVERS_HOURS, [bits], output_field=BooleanField())  # noqa: S611
        observations = observations.alias(covers=covers).filter(covers=True)
    if chosen.since:
        observations = observations.filter(observed_on__gte=chosen.since)
    if chosen.until:
        observations = observations.filter(observed_on__lte=chosen.until)
    return observations


# --- The prefill ----------------------------------------------------------------------------


def observation_hours(observation) -> set[int] | None:
    """The hours of the day an observation covers (21:00–24:00: 21, 22, 23); None when it
    has no time."""
    if observation.time_from is None:
        return None
    start = observation.time_from.hour * 60 + observation.time_from.minute
    if observation.time_to is None:
        return {observation.time_from.hour}
    end = observation.time_to.hour * 60 + observation.time_to.minute
    spans = [(start, end)] if end > start else [(start, 1440), (0, end)]
    return {hour for a, b in spans if b > a for hour in range(a // 60, (b - 1) // 60 + 1)}


def hour_span(hours) -> tuple[int, int] | None:
    """The smallest span round the clock covering the hours, as (first hour, end hour),
    the end 24 for midnight and possibly past it (22, 23, 0, 1 → (22, 2)); None for no
    hours or all 24."""
    hours = set(hours)
    if not hours or len(hours) >= 24:
        return None
    best = None
    for start in sorted(hours):
        length = max((hour - start) % 24 for hour in hours) + 1
        if best is None or length < best[1]:
            best = (start, length)
    start, length = best
    end = start + length
    return start, end if end <= 24 else end - 24


def _common_area(areas: list[Area]) -> Area | None:
    """The nearest area all of them are in (or are)."""
    if not areas:
        return None
    tree = {a.pk: a for a in Area.objects.only("id", "name", "slug", "parent_id")}

    def chain(area_id):
        found = []
        while area_id is not None and area_id not in found:
            found.append(area_id)
            area_id = tree[area_id].parent_id if area_id in tree else None
        return found

    chains = [chain(area.pk) for area in areas]
    shared = set(chains[0]).intersection(*map(set, chains[1:]))
    return next((tree[i] for i in chains[0] if i in shared), None)


def _join(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return _("%(first)s and %(last)s") % {"first": ", ".join(words[:-1]), "last": words[-1]}


def suggested_title(categories, area, weekdays, span) -> str:
    """“Ungdomar i grupp i Vårby gård centrum, fredagar 21–24”."""
    names = [str(c.name) for c in categories]
    what = _join([names[0], *(n.lower() for n in names[1:])]) if names else _("Observations")
    title = _("%(what)s in %(area)s") % {"what": what, "area": area.name} if area else what
    when = []
    if weekdays:
        days = [str(PLURAL_WEEKDAYS[d]()) for d in sorted(weekdays)]
        when.append(_join(days))
    if span:
        when.append(f"{span[0]}–{span[1] if span[1] else 24}")
    if when:
        title += ", " + " ".join(when)
    return title[:200]


@dataclass
class Found:
    """What the page lists: the observations to link (the newest), how many match in all,
    how many of them are already part of a problem, and the counts by category."""

    listed: list
    total: int
    linked: int
    first: dt.date | None
    last: dt.date | None
    by_category: list  # (category, observations, counted)

    @property
    def free(self) -> int:
        return self.total - self.linked

    @property
    def more(self) -> int:
        return max(self.free - len(self.listed), 0)


def find(chosen: Chosen) -> Found:
    """The matching observations in three queries, whatever their number."""
    observations = matching(chosen)
    totals = observations.aggregate(
        total=Count("pk"),
        linked=Count("pk", filter=Q(problem__isnull=False)),
        first=Min("observed_on", filter=Q(problem__isnull=True)),
        last=Max("observed_on", filter=Q(problem__isnull=True)),
    )
    free = observations.filter(problem__isnull=True)
    counts = list(
        free.values("category_id")
        .annotate(observations=Count("pk"), counted=Sum("count"))
        .order_by("-counted", "category_id")
    )
    categories = {c.pk: c for c in ObservationCategory.objects.prefetch_related("themes")}
    listed = list(
        free.select_related("area", "category", "organization").order_by(
            "-observed_on", "-time_from", "-pk"
        )[: MAX_SELECTED if chosen.observation_ids else MAX_LISTED]
    )
    return Found(
        listed=listed,
        total=totals["total"],
        linked=totals["linked"],
        first=totals["first"],
        last=totals["last"],
        by_category=[
            (categories[row["category_id"]], row["observations"], row["counted"])
            for row in counts
            if row["category_id"] in categories
        ],
    )


def prefill(chosen: Chosen, found: Found) -> dict:
    """The problem form's initial values (see the module docstring): what the parameters
    say, and for a selection what its observations share."""
    selection = bool(chosen.observation_ids)
    categories = chosen.categories or [category for category, _n, _c in found.by_category]
    area = chosen.area
    if area is None and selection and found.listed:
        area = _common_area(list({o.area_id: o.area for o in found.listed}.values()))
    weekdays = chosen.weekdays
    if not weekdays and selection and found.listed:
        days = {o.observed_on.isoweekday() for o in found.listed}
        weekdays = sorted(days) if len(days) < 7 else []
    hours = set(chosen.hours)
    if not hours and selection and found.listed:
        covered = [observation_hours(o) for o in found.listed]
        hours = set().union(*covered) if all(h is not None for h in covered) else set()
    span = hour_span(hours)
    themes = {theme.pk: theme for category in categories for theme in category.themes.all()}
    counted = ", ".join(f"{str(c.name).lower()} {n}" for c, _rows, n in found.by_category)
    description = ""
    if found.free:
        description = ngettext(
            "%(count)d observation by partners from %(first)s to %(last)s.",
            "%(count)d observations by partners from %(first)s to %(last)s.",
            found.free,
        ) % {
            "count": found.free,
            "first": found.first.isoformat(),
            "last": found.last.isoformat(),
        }
        description += " " + _("Counted by category: %(counts)s.") % {"counts": counted}
    today = timezone.localdate()
    initial = {
        "title": suggested_title(categories, area, weekdays, span),
        "description": description,
        "themes": list(themes),
        "source": Problem.Source.PARTNER_OBSERVATION,
        "weekdays": weekdays,
        "visibility": Visibility.PARTNERS,
        "severity": 3,
        "observed_on": min(found.last, today) if found.last else today,
    }
    if area is not None:
        initial["area"] = area.pk
    if span:
        initial["time_from"] = dt.time(span[0])
        initial["time_to"] = dt.time(span[1] % 24)
    return initial


@require_http_methods(["GET", "HEAD", "POST"])
def make_problem(request):
    """GET: the problem form prefilled from the observations the parameters name, which it
    lists as checked boxes; POST (to the same address, parameters kept): record the problem
    and link the boxes still checked."""
    user = request.user
    if not can_read_observations(user):
        raise Http404
    if not problem_permissions.can_record_problem(user):
        raise PermissionDenied
    chosen = read_params(request.GET)
    found = find(chosen)
    organizations = list(problem_permissions.organizations_recording_for(user))
    if request.method == "POST":
        form = problem_forms.ProblemForm(request.POST, organizations=organizations)
        checked = set(request.POST.getlist("observation"))
    else:
        form = problem_forms.ProblemForm(
            initial=prefill(chosen, found), organizations=organizations
        )
        checked = {str(o.public_id) for o in found.listed}
    context = {
        "form": form,
        "chosen": chosen,
        "found": found,
        "checked": checked,
        "action": request.get_full_path(),
    }
    if request.method != "POST":
        return render(request, "observations/make_problem.html", context)
    if form.is_valid():
        cleaned = form.cleaned_data
        ids = [o.pk for o in found.listed if str(o.public_id) in checked]
        try:
            problem, linked = problem_services.problem_record_from_observations(
                data=cleaned,
                organization=cleaned["organization"],
                actor=user,
                observation_ids=ids,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                ngettext(
                    "The problem has been recorded, made from %(count)d observation.",
                    "The problem has been recorded, made from %(count)d observations.",
                    linked,
                )
                % {"count": linked},
            )
            return redirect("problems:detail", public_id=problem.public_id)
    return render(request, "observations/make_problem.html", context, status=400)
