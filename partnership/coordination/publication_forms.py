"""The coordinator's choice of what goes public from the report (``publication.py``)."""

import datetime as dt

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partnership.coordination.queries.common import Scope
from partnership.fields import BoundedDateField
from partnership.forms import PortalFormMixin
from partnership.models import Area, Theme
from partnership.observations.models import ObservationCategory
from partnership.personal_data import validate_no_named_person, validate_no_personal_data

TEXT_MAX = 1000


def area_choices(scope_area_id=None):
    """The areas a coordinator may list one by one: the first two levels of the tree and the
    chosen area's own parts (a national tree has thousands of small areas further down)."""
    condition = Q(parent__isnull=True) | Q(parent__parent__isnull=True)
    if scope_area_id:
        condition |= Q(parent_id=scope_area_id) | Q(pk=scope_area_id)
    return Area.objects.filter(condition).order_by("name")


def default_areas(scope_area: Area | None) -> list[Area]:
    """Per area by default: the chosen area's parts, or the tree's first level below a single
    top area (the municipality), or the top areas."""
    if scope_area is not None:
        return list(Area.objects.filter(parent=scope_area).order_by("name"))
    roots = list(Area.objects.filter(parent__isnull=True).order_by("name"))
    if len(roots) == 1:
        return list(Area.objects.filter(parent=roots[0]).order_by("name")) or roots
    return roots


class PublicationForm(PortalFormMixin, forms.Form):
    """Period and area (as the report's filters), then what residents will see."""

    area = forms.ModelChoiceField(
        label=_("Area"),
        queryset=Area.objects.order_by("name"),
        required=False,
        empty_label=_("All areas"),
    )
    theme = forms.ModelChoiceField(
        label=_("Theme"),
        queryset=Theme.objects.all(),
        required=False,
        empty_label=_("All themes"),
    )
    starts_on = BoundedDateField(label=_("From"))
    ends_on = BoundedDateField(label=_("To"), help_text=_("At the latest today."))
    categories = forms.ModelMultipleChoiceField(
        label=_("Categories to publish"),
        queryset=ObservationCategory.objects.order_by("position", "name_sv"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Leave out what stays among the partners (for example threats and violence): it "
            "is left out of every number on the public page, totals included."
        ),
        error_messages={"required": _("Choose at least one category to publish.")},
    )
    areas = forms.ModelMultipleChoiceField(
        label=_("Per area"),
        queryset=Area.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "A row for each chosen area, its sub-areas included. Choose none for no table per area."
        ),
    )
    by_weekday = forms.BooleanField(label=_("By weekday"), required=False)
    by_part = forms.BooleanField(label=_("By time of day"), required=False)
    text = forms.CharField(
        label=_("Text for residents"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[validate_no_personal_data, validate_no_named_person],
        help_text=_(
            "Optional, at most 1,000 characters: what the numbers show and what the partners "
            "do about it. Places, not people: no names, phone numbers or e-mail addresses."
        ),
    )

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        scope_area = (data.get("area") if data is not None else None) or self.initial.get("area")
        scope_area = getattr(scope_area, "pk", scope_area)
        self.fields["areas"].queryset = area_choices(
            scope_area if str(scope_area or "").isdigit() else None
        )

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        today = timezone.localdate()
        if starts and starts > today:
            self.add_error("starts_on", _("The period must have begun."))
        if ends and ends > today:
            self.add_error(
                "ends_on",
                _("The period must end today at the latest: the days to come have no numbers."),
            )
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The end must not be before the start."))
        area, chosen = cleaned.get("area"), cleaned.get("areas") or []
        if area is not None and chosen:
            inside = set(Area.objects.with_descendants(area).values_list("pk", flat=True))
            if any(a.pk not in inside for a in chosen):
                self.add_error(
                    "areas", _("Choose areas inside %(area)s, or no area above.") % {"area": area}
                )
        return cleaned

    def choices(self) -> dict:
        """What a draft keeps (ids and ISO dates)."""
        data = self.cleaned_data
        return {
            "area": data["area"].pk if data["area"] else None,
            "theme": data["theme"].pk if data["theme"] else None,
            "starts_on": data["starts_on"].isoformat(),
            "ends_on": data["ends_on"].isoformat(),
            "categories": sorted(c.pk for c in data["categories"]),
            "areas": sorted(a.pk for a in data["areas"]),
            "by_weekday": data["by_weekday"],
            "by_part": data["by_part"],
        }


def initial_from_scope(scope: Scope) -> dict:
    """The form's first values from the report's filters: the report's period up to today
    (the current year by default), every category, per area below the chosen area, by
    weekday and by time of day."""
    today = timezone.localdate()
    starts = scope.starts_on or dt.date(today.year, 1, 1)
    ends = min(scope.ends_on or today, today)
    return {
        "area": scope.area,
        "theme": scope.theme,
        "starts_on": min(starts, today),
        "ends_on": max(ends, min(starts, today)),
        "categories": list(ObservationCategory.objects.values_list("pk", flat=True)),
        "areas": [a.pk for a in default_areas(scope.area)],
        "by_weekday": True,
        "by_part": True,
    }


def initial_from_choices(choices: dict, text: str) -> dict:
    return {**choices, "text": text}
