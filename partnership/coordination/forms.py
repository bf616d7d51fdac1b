"""Filters shared by every dashboard page, and the decision on an overlapping pair."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partnership.coordination.models import OverlapDecision
from partnership.coordination.queries import Scope
from partnership.models import Area, Theme


class ScopeForm(forms.Form):
    """Area (with its sub-areas), theme and period. The period is when initiatives count as
    live: from today on by default; the report defaults to the current year."""

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
    starts_on = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, data=None, *, default_year: bool = False, **kwargs):
        super().__init__(data, **kwargs)
        self.default_year = default_year

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The end must not be before the start."))
        return cleaned

    def scope(self) -> Scope:
        """The filters as given; a bad value is reported on the form and ignored here."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if self.default_year and not (starts or ends):
            year = timezone.localdate().year
            starts, ends = dt.date(year, 1, 1), dt.date(year, 12, 31)
        return Scope(area=data.get("area"), theme=data.get("theme"), starts_on=starts, ends_on=ends)


class OverlapDecisionForm(forms.Form):
    a = forms.IntegerField(widget=forms.HiddenInput)
    b = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(label=_("Decision"), choices=OverlapDecision.Decision.choices)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
