"""Filters shared by every dashboard page, and the decision on an overlapping pair."""

import datetime as dt

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partnership.coordination.models import OverlapDecision
from partnership.coordination.queries import Scope
from partnership.fields import BoundedDateField
from partnership.forms import PortalFormMixin
from partnership.models import Area, Theme
from partnership.widgets import LongSelect


class ScopeForm(PortalFormMixin, forms.Form):
    """Area (with its sub-areas), theme and period. The period is when initiatives count as
    live: from today on by default; the report defaults to the current year."""

    area = forms.ModelChoiceField(
        label=_("Area"),
        queryset=Area.objects.order_by("name"),
        required=False,
        empty_label=_("All areas"),
        widget=LongSelect,  # every area of a national deployment: hundreds, on every page
    )
    theme = forms.ModelChoiceField(
        label=_("Theme"),
        queryset=Theme.objects.all(),
        required=False,
        empty_label=_("All themes"),
    )
    starts_on = BoundedDateField(label=_("From"), required=False)
    ends_on = BoundedDateField(label=_("To"), required=False)

    def __init__(self, data=None, *, default_year: bool = False, **kwargs):
        super().__init__(data, **kwargs)
        self.default_year = default_year

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if ends and not starts and not self.has_error("starts_on"):
            # No start: the period starts today (``Scope.window``).
            if ends < timezone.localdate():
                self.add_error(
                    "ends_on",
                    _(
                        "The end must not be before the start. With “From” empty the "
                        "period starts today: give a start too."
                    ),
                )
        elif starts and ends and ends < starts:
            self.add_error("ends_on", _("The end must not be before the start."))
        return cleaned

    def errors_as_text(self) -> str:
        """The errors as lines "field: message", for a CSV refused with 400."""
        return "\n".join(
            f"{self[name].label if name in self.fields else name}: {' '.join(errors)}"
            for name, errors in self.errors.items()
        )

    def scope(self) -> Scope:
        """The filters as given; a bad value is reported on the form and ignored here."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if self.default_year and not (starts or ends):
            year = timezone.localdate().year
            starts, ends = dt.date(year, 1, 1), dt.date(year, 12, 31)
        return Scope(area=data.get("area"), theme=data.get("theme"), starts_on=starts, ends_on=ends)


def filter_params(params: QueryDict) -> QueryDict:
    """The dashboard's filters (``ScopeForm``'s fields) of a query string and nothing else:
    what a view tab and a download keep of the page they are on, not its page numbers, its
    view or its order."""
    kept = QueryDict(mutable=True)
    for name in ScopeForm.base_fields:
        if values := params.getlist(name):
            kept.setlist(name, values)
    return kept


class OverlapDecisionForm(PortalFormMixin, forms.Form):
    """A decision on a pair: nothing is chosen beforehand, so a stray click records nothing."""

    a = forms.IntegerField(widget=forms.HiddenInput)
    b = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=OverlapDecision.Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a decision for the pair.")},
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PairsField(forms.Field):
    """Pairs of initiative ids posted as "12-34" values."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        pairs = []
        for item in value or []:
            first, _sep, second = str(item).partition("-")
            if not (first.isdigit() and second.isdigit()) or first == second:
                raise forms.ValidationError(_("Choose the pairs of one cluster."))
            pairs.append((int(first), int(second)))
        return pairs


class OverlapClusterDecisionForm(PortalFormMixin, forms.Form):
    """One decision and note for every pair of a cluster."""

    pairs = PairsField(error_messages={"required": _("Choose the pairs of one cluster.")})
    decision = OverlapDecisionForm.base_fields["decision"]
    note = OverlapDecisionForm.base_fields["note"]
