"""The resident's report form, the partners' list filters and the Open311 key form."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from partnership.fields import BoundedDateField, CoordinateField, PointFormMixin
from partnership.forms import PortalFormMixin
from partnership.models import Area, Weekday
from partnership.personal_data import validate_no_personal_data
from partnership.residents import geo
from partnership.residents.models import Open311Key, Reason, ResidentReport, TimeOfDay

TEXT_LIMIT = 500

OUTSIDE_PARTNERSHIP = _(
    "This point is outside the partnership's areas. Move the marker into the area on the map, "
    "or choose an area from the list instead."
)


class ReportForm(PortalFormMixin, PointFormMixin, forms.Form):
    """Tell us about a place. A point (the map, or typed coordinates) or an area; one or more
    fixed reasons; when; unsafe or safe; an optional short text without personal data.
    ``homepage`` is a honeypot: people never see or fill it (``views.report``)."""

    kind = forms.ChoiceField(
        label=_("How does the place feel?"),
        choices=ResidentReport.Kind.choices,
        widget=forms.RadioSelect,
        initial=ResidentReport.Kind.UNSAFE,
    )
    area = forms.ModelChoiceField(
        label=_("Area"),
        queryset=Area.objects.none(),
        required=False,
        empty_label=_("Choose an area"),
        help_text=_("Or mark the place on the map; then you need not choose an area."),
    )
    latitude = CoordinateField(
        label=_("Latitude"), help_text=_("Filled in when you mark the place on the map.")
    )
    longitude = CoordinateField(
        label=_("Longitude"), help_text=_("Filled in when you mark the place on the map.")
    )
    reasons = forms.MultipleChoiceField(
        label=_("What is it about the place?"),
        choices=Reason.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose one or more."),
        error_messages={
            "required": _("Choose at least one reason."),
            "invalid_choice": _("Choose reasons from the list."),
        },
    )
    times_of_day = forms.MultipleChoiceField(
        label=_("When?"),
        choices=TimeOfDay.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("None means any time."),
        error_messages={"invalid_choice": _("Choose times of day from the list.")},
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Which days?"),
        choices=Weekday.choices,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("None means any day."),
        error_messages={"invalid_choice": _("Choose days from the list.")},
    )
    text = forms.CharField(
        label=_("In your own words"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": str(TEXT_LIMIT)}),
        validators=[validate_no_personal_data],
        help_text=_(
            "Optional, at most 500 characters. Describe the place, not people: no names, "
            "personal identity numbers, phone numbers, e-mail addresses or licence plates."
        ),
        error_messages={
            "max_length": _("Write at most %(limit_value)d characters (you wrote %(show_value)d).")
        },
    )
    # The honeypot: hidden from people (CSS, aria-hidden, out of the tab order).
    homepage = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    FIELDSETS = [
        (_("Where"), ["area", "latitude", "longitude"]),
        (_("What"), ["kind", "reasons"]),
        (_("When"), ["times_of_day", "weekdays"]),
        (_("Anything else?"), ["text"]),
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.order_by("name")
        self.areas = None

    def fieldsets(self):
        return [(legend, [self[name] for name in names]) for legend, names in self.FIELDSETS]

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get(self.add_prefix("homepage"), "").strip())

    def clean(self):
        cleaned = super().clean()
        self.clean_point(cleaned)
        latitude, longitude = cleaned.get("latitude"), cleaned.get("longitude")
        if self.has_error("latitude") or self.has_error("longitude"):
            return cleaned
        if latitude is not None and longitude is not None:
            self.areas = geo.areas_with_boundaries()
            area = geo.area_for_point(latitude, longitude, self.areas)
            if area is not None:
                cleaned["area"] = area
            elif self.areas:
                self.add_error("latitude", OUTSIDE_PARTNERSHIP)
            elif cleaned.get("area") is None:
                self.add_error("area", _("Choose the area the place is in."))
        elif cleaned.get("area") is None and not self.has_error("area"):
            self.add_error("area", _("Mark the place on the map, or choose an area."))
        return cleaned


class ReportFilterForm(PortalFormMixin, forms.Form):
    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("sent_from"), cleaned.get("sent_until")
        if start and end and end < start:
            self.add_error("sent_until", _("The end is before the start."))
        return cleaned


class BoundedDateFilter(django_filters.DateFilter):
    field_class = BoundedDateField


class ReportFilter(django_filters.FilterSet):
    """The partners' list: area (with its sub-areas), reason, unsafe or safe, and a period."""

    area = django_filters.ModelChoiceFilter(
        label=_("Area"),
        queryset=Area.objects.order_by("name"),
        method="filter_area",
        empty_label=_("All areas"),
        help_text=_("Includes the areas within it."),
    )
    reason = django_filters.ChoiceFilter(
        label=_("Reason"), choices=Reason.choices, method="filter_reason", empty_label=_("All")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Unsafe or safe"), choices=ResidentReport.Kind.choices, empty_label=_("Both")
    )
    sent_from = BoundedDateFilter(label=_("Sent from"), field_name="created_on", lookup_expr="gte")
    sent_until = BoundedDateFilter(
        label=_("Sent until"), field_name="created_on", lookup_expr="lte"
    )

    class Meta:
        model = ResidentReport
        fields = ["area", "reason", "kind", "sent_from", "sent_until"]
        form = ReportFilterForm

    def filter_area(self, queryset, name, value):
        return queryset.in_area(value)

    def filter_reason(self, queryset, name, value):
        return queryset.filter(reasons__contains=[value])


class SelectReportsForm(PortalFormMixin, forms.Form):
    """The coordinator's selection of reports for a new problem, or for hiding texts."""

    report = forms.TypedMultipleChoiceField(
        label=_("Reports"),
        choices=(),
        coerce=str,
        error_messages={"required": _("Choose at least one report.")},
    )

    def __init__(self, *args, reports, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["report"].choices = [(str(r.public_id), str(r)) for r in reports]


class Open311KeyForm(PortalFormMixin, forms.ModelForm):
    class Meta:
        model = Open311Key
        fields = ["name"]
