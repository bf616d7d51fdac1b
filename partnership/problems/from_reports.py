"""A coordinator turns a cluster of residents' reports into a problem.

The reports come from the partners' list (``residents:list``): a selection (``?report=<id>``
repeated) or every report in one area (``?area=<slug>``). The problem form opens prefilled
(:func:`prefill`): source "resident report"; the area the reports share (their nearest common
area); themes from the reasons (``RESIDENT_REASON_THEMES``); weekdays and hours from when
residents said it feels unsafe; a title and a description counting the reports and their
reasons (never copying a resident's text); public, so that what is done shows on "Ni sa, vi
gjorde" for the area. Saving records the problem and links the reports
(``services.problem_record_from_reports``).
"""

import datetime as dt
import uuid
from collections import Counter

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from partnership.models import Area, Theme, Visibility
from partnership.permissions import coordinator_required
from partnership.problems import forms, permissions, services
from partnership.problems.models import Problem
from partnership.residents.models import TIME_OF_DAY_HOURS, Reason, ResidentReport, TimeOfDay
from partnership.residents.selectors import reports_by_ids

# At most this many reports make one problem (a selection, or one area's reports).
REPORT_LIMIT = 500


def _common_area(reports) -> Area:
    """The nearest area every report's area is in (or is)."""
    areas = {area.pk: area for area in Area.objects.only("id", "name", "parent_id")}

    def chain(area_id):
        found = []
        while area_id is not None and area_id not in found:
            found.append(area_id)
            area_id = areas[area_id].parent_id if area_id in areas else None
        return found

    chains = [chain(report.area_id) for report in reports]
    shared = set(chains[0]).intersection(*map(set, chains[1:]))
    for area_id in chains[0]:
        if area_id in shared:
            return areas[area_id]
    return areas[chains[0][-1]]


def time_span(parts: set[str]) -> tuple[dt.time, dt.time] | None:
    """The hours the parts of the day cover, when they follow one another round the clock
    (evening and night: 17–06); None for none, all four, or parts with a gap between them."""
    order = list(TIME_OF_DAY_HOURS)
    chosen = [part in parts for part in order]
    if not any(chosen) or all(chosen):
        return None
    # The first chosen part whose predecessor (round the clock) is not chosen starts the run.
    starts = [i for i in range(4) if chosen[i] and not chosen[i - 1]]
    if len(starts) != 1:
        return None
    first = starts[0]
    last = first
    while chosen[(last + 1) % 4]:
        last = (last + 1) % 4
    start_hour = TIME_OF_DAY_HOURS[order[first]][0]
    end_hour = TIME_OF_DAY_HOURS[order[last]][1]
    return dt.time(start_hour), dt.time(end_hour)


def prefill(reports: list[ResidentReport]) -> dict:
    """The problem form's initial values for these reports (see the module docstring)."""
    area = _common_area(reports)
    reasons = Counter(reason for report in reports for reason in report.reasons)
    slugs = [
        slug
        for reason, _count in reasons.most_common()
        for slug in settings.RESIDENT_REASON_THEMES.get(reason, [])
    ]
    themes = list(Theme.objects.filter(slug__in=slugs))
    any_day = any(not report.weekdays for report in reports)
    weekdays = [] if any_day else sorted({day for r in reports for day in r.weekdays})
    any_time = any(not report.times_of_day for report in reports)
    parts = set() if any_time else {part for r in reports for part in r.times_of_day}
    span = time_span(parts)
    unsafe = sum(1 for report in reports if report.kind == ResidentReport.Kind.UNSAFE)
    reason_words = ", ".join(
        f"{str(Reason(reason).label).lower()} ({count})" for reason, count in reasons.most_common()
    )
    top = str(Reason(reasons.most_common(1)[0][0]).label).lower() if reasons else ""
    title = _("Residents feel unsafe in %(area)s: %(reason)s") % {"area": area.name, "reason": top}
    if unsafe == 0:
        title = _("Residents feel safe in %(area)s: %(reason)s") % {
            "area": area.name,
            "reason": top,
        }
    first, last = min(r.created_on for r in reports), max(r.created_on for r in reports)
    description = ngettext(
        "%(count)d resident report from %(first)s to %(last)s (%(unsafe)d unsafe). "
        "Reasons: %(reasons)s.",
        "%(count)d resident reports from %(first)s to %(last)s (%(unsafe)d unsafe). "
        "Reasons: %(reasons)s.",
        len(reports),
    ) % {
        "count": len(reports),
        "first": first.isoformat(),
        "last": last.isoformat(),
        "unsafe": unsafe,
        "reasons": reason_words,
    }
    if parts and span is None:
        labels = ", ".join(str(TimeOfDay(p).label) for p in TIME_OF_DAY_HOURS if p in parts)
        description += " " + _("When: %(times)s.") % {"times": labels}
    points = [report.rounded_point for report in reports if report.has_point]
    initial = {
        "title": title[:200],
        "description": description,
        "area": area.pk,
        "themes": [theme.pk for theme in themes],
        "source": Problem.Source.RESIDENT_REPORT,
        "observed_on": last,
        "weekdays": weekdays,
        "visibility": Visibility.PUBLIC,
        "severity": 3,
    }
    if span:
        initial.update(time_from=span[0], time_to=span[1])
    if points:
        initial.update(
            latitude=round(sum(p[0] for p in points) / len(points), 6),
            longitude=round(sum(p[1] for p in points) / len(points), 6),
        )
    return initial


def _chosen_reports(params) -> list[ResidentReport]:
    ids = []
    for value in params.getlist("report"):
        try:
            ids.append(str(uuid.UUID(value)))
        except ValueError:
            continue
    if ids:
        return reports_by_ids(ids[:REPORT_LIMIT])
    area = Area.objects.filter(slug=params.get("area", "")).first()
    if area is None:
        return []
    return list(
        ResidentReport.objects.in_area(area)
        .select_related("area")
        .order_by("-created_on", "-id")[:REPORT_LIMIT]
    )


@coordinator_required
@require_http_methods(["GET", "HEAD", "POST"])
def problem_from_reports(request):
    """GET: the problem form prefilled from the chosen reports, which it lists; POST: record
    the problem and link the reports (the same checks as recording any problem)."""
    params = request.POST if request.method == "POST" else request.GET
    reports = _chosen_reports(params)
    organizations = list(permissions.organizations_recording_for(request.user))
    if not reports:
        messages.error(request, _("Choose at least one report to make a problem of."))
        return redirect("residents:list")
    if request.method == "GET":
        form = forms.ProblemForm(initial=prefill(reports), organizations=organizations)
    else:
        form = forms.ProblemForm(request.POST, organizations=organizations)
    context = {"form": form, "reports": reports}
    if request.method == "GET":
        return render(request, "partnership/problem_from_reports.html", context)
    if form.is_valid():
        cleaned = form.cleaned_data
        try:
            problem = services.problem_record_from_reports(
                data=cleaned,
                organization=cleaned["organization"],
                actor=request.user,
                reports=reports,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                ngettext(
                    "The problem has been recorded, made from %(count)d report.",
                    "The problem has been recorded, made from %(count)d reports.",
                    len(reports),
                )
                % {"count": len(reports)},
            )
            return redirect("problems:detail", public_id=problem.public_id)
    return render(request, "partnership/problem_from_reports.html", context, status=400)
