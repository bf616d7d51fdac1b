"""The pattern page (partners only): per area (with its sub-areas), categories and period,
the weekday × hour heatmap and the week-by-week trend, as SVG with the same numbers in
tables, and as CSV (``patterns.py`` counts, ``svg.py`` draws)."""

import csv
import datetime as dt
import io

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from partnership.fields import BoundedDateField
from partnership.forms import PortalFormMixin
from partnership.models import Area
from partnership.widgets import LongSelect

from . import patterns, svg
from .models import ObservationCategory
from .permissions import can_read_observations


class PatternForm(PortalFormMixin, forms.Form):
    """What the page shows: an area (empty: the whole partnership), categories (none ticked:
    all) and a period (default: the last 52 weeks up to today)."""

    area = forms.ModelChoiceField(
        label=gettext_lazy("Area"),
        queryset=Area.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label=gettext_lazy("The whole partnership"),
        help_text=gettext_lazy("An area includes the areas within it."),
        widget=LongSelect,
    )
    category = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Categories"),
        queryset=ObservationCategory.objects.none(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("None ticked: all categories."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # "from" and "to", as the make-problem page's parameters (not Python names).
        self.fields["from"] = BoundedDateField(label=gettext_lazy("From"), required=False)
        self.fields["to"] = BoundedDateField(
            label=gettext_lazy("To"),
            required=False,
            help_text=gettext_lazy("Empty: the last 52 weeks up to today."),
        )
        self.fields["area"].queryset = Area.objects.order_by("name")
        self.fields["category"].queryset = ObservationCategory.objects.order_by(
            "position", "name_sv"
        )

    def clean(self):
        cleaned = super().clean()
        today = timezone.localdate()
        end = cleaned.get("to") or today
        start = cleaned.get("from") or end - dt.timedelta(weeks=patterns.WEEKS_LONG - 1, days=6)
        if "from" not in self.errors and "to" not in self.errors and start > end:
            self.add_error("to", _("The end of the period is before its start."))
        cleaned["from"], cleaned["to"] = start, end
        return cleaned


def _choice(request):
    if not can_read_observations(request.user):
        raise Http404
    form = PatternForm(request.GET if request.GET else None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
    else:
        blank = PatternForm({})
        blank.is_valid()
        data = blank.cleaned_data
    area = data["area"]
    categories = list(data["category"])
    return form, area, categories, data["from"], data["to"]


def _numbers(area, categories, start, end):
    ids = patterns.area_ids(area)
    category_ids = [c.pk for c in categories]
    return patterns.patterns_for(area_ids=ids, category_ids=category_ids, start=start, end=end)


def _cell_url(area, categories, start, end):
    """Each cell's "make this a problem" link, or None until that page exists."""
    try:
        base = reverse("observations:make_problem")
    except NoReverseMatch:
        return None
    common = [("from", start.isoformat()), ("to", end.isoformat())]
    if area is not None:
        common.append(("area", area.slug))
    common += [("category", c.slug) for c in categories]

    def url(weekday, hour):
        return f"{base}?{urlencode([*common, ('weekday', weekday), ('hour', hour)])}"

    return url


@require_safe
def patterns_page(request):
    form, area, categories, start, end = _choice(request)
    heatmap, trend = _numbers(area, categories, start, end)
    cell_url = _cell_url(area, categories, start, end)
    query = request.GET.urlencode()
    rows = [
        {
            "name": svg.weekday_name(day),
            "cells": [
                {
                    "hour": hour,
                    "count": count,
                    "url": cell_url(day, hour) if cell_url else None,
                }
                for hour, count in enumerate(counts)
            ],
            "total": sum(counts),
        }
        for day, counts in heatmap.rows()
    ]
    context = {
        "form": form,
        "area": area,
        "categories": categories,
        "start": start,
        "end": end,
        "heatmap": heatmap,
        "heatmap_rows": rows,
        "hour_rows": [
            {
                "label": svg.hour_label(hour),
                "cells": [row["cells"][hour] for row in rows],
                "total": total,
            }
            for hour, total in zip(patterns.HOURS, heatmap.hour_totals(), strict=True)
        ],
        "heatmap_svg": svg.heatmap_svg(heatmap, labelledby="heatmap-heading", cell_url=cell_url),
        "trend": trend,
        "trend_svg": svg.trend_svg(trend, labelledby="trend-heading", describedby="trend-summary"),
        "csv_url": reverse("observations:patterns_csv") + (f"?{query}" if query else ""),
    }
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "observations/patterns.html", context, status=status)


@require_safe
def patterns_csv(request):
    """The page's numbers: the heatmap (weekday rows, hour columns, and time unknown) and
    the weeks of the trend, semicolon-separated with a byte order mark (for Excel)."""
    _form, area, categories, start, end = _choice(request)
    heatmap, trend = _numbers(area, categories, start, end)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([_("Area"), area.name if area else _("The whole partnership")])
    writer.writerow(
        [
            _("Categories"),
            ", ".join(c.name_sv for c in categories) if categories else _("All categories"),
        ]
    )
    writer.writerow([_("Period"), start.isoformat(), end.isoformat()])
    writer.writerow([])
    writer.writerow([_("Weekday"), *[f"{h:02d}" for h in patterns.HOURS], _("Total")])
    for day, counts in heatmap.rows():
        writer.writerow([svg.weekday_name(day), *counts, sum(counts)])
    writer.writerow([_("Time unknown"), *[""] * 24, heatmap.unknown])
    writer.writerow([])
    writer.writerow([_("Week (Monday)"), _("Observations")])
    for monday, total in trend.weeks:
        writer.writerow([monday.isoformat(), total])
    writer.writerow([])
    writer.writerow([_("This week"), trend.this_week])
    writer.writerow([_("4-week average"), f"{trend.average_short:.1f}"])
    writer.writerow([_("52-week average"), f"{trend.average_long:.1f}"])
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    name = _("observation-patterns")
    response["Content-Disposition"] = f'attachment; filename="{name}-{end.isoformat()}.csv"'
    return response
