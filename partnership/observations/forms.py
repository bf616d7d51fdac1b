"""The reporter's form (log or correct an observation), the list's filters, choosing
reporters, and the coordinator's category forms."""

import datetime as dt

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partnership.fields import BoundedDateField, CoordinateField, PointFormMixin
from partnership.forms import PortalFormMixin
from partnership.models import Area, Theme
from partnership.observations.models import Observation, ObservationCategory
from partnership.observations.selectors import area_within
from partnership.personal_data import validate_no_named_person, validate_no_personal_data
from partnership.widgets import LongSelect
from stakeholders.models import Organization

NOTE_LIMIT = 500
# A count beyond this is a typo (a year, a phone number), not what one person saw.
COUNT_MAX = 1000
# A time logged for today may be this far ahead of the clock (a watch running fast).
CLOCK_SLACK = dt.timedelta(minutes=15)


class TimeInput(forms.TimeInput):
    """``<input type="time">`` (hours and minutes): a phone shows its time picker. A value
    typed that is not a time, sent back with its error, is shown in a text input (as
    ``partnership.widgets.DateInput`` does): a time input cannot hold it."""

    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        shown = context["widget"]["value"]
        if shown:
            try:
                dt.time.fromisoformat(str(shown))
            except ValueError:
                context["widget"]["type"] = "text"
        return context


class ObservationForm(PortalFormMixin, PointFormMixin, forms.Form):
    """What a reporter saw: when (a date, and a time, a window or "some time that day"),
    where (an area, optionally a point), what (a category), how many, and an optional short
    note without persons. ``organizations`` are those the reporter logs for; with one, the
    choice is not shown."""

    organization = forms.ModelChoiceField(
        label=_("Logged for"),
        queryset=Organization.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose one of the organisations you report for.")},
    )
    category = forms.ModelChoiceField(
        label=_("What did you see?"),
        queryset=ObservationCategory.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose what you saw."),
            "invalid_choice": _("Choose a category from the list."),
        },
    )
    observed_on = BoundedDateField(
        label=_("Date"), error_messages={"required": _("Enter the date it happened.")}
    )
    time_from = forms.TimeField(
        label=_("Time (from)"),
        required=False,
        widget=TimeInput,
        help_text=_("Leave empty if you do not know when that day."),
    )
    time_to = forms.TimeField(
        label=_("Until"),
        required=False,
        widget=TimeInput,
        help_text=_("For a period, e.g. 21:00 until 01:00 (may pass midnight)."),
    )
    area = forms.ModelChoiceField(
        label=_("Area"),
        queryset=Area.objects.none(),
        empty_label=_("Choose an area"),
        error_messages={
            "required": _("Choose the area where it happened."),
            "invalid_choice": _("Choose an area from the list."),
        },
    )
    latitude = CoordinateField(
        label=_("Latitude"), help_text=_("Optional, in decimal degrees, e.g. 59.2647.")
    )
    longitude = CoordinateField(
        label=_("Longitude"), help_text=_("Optional, in decimal degrees, e.g. 17.8843.")
    )
    count = forms.IntegerField(
        label=_("How many?"),
        min_value=1,
        max_value=COUNT_MAX,
        initial=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=_("People, places or things: e.g. 8 young people, 3 broken lamps."),
        error_messages={
            "required": _("Enter how many (1 or more)."),
            "invalid": _("Enter how many as a whole number, e.g. 1."),
            "min_value": _("Enter 1 or more."),
            "max_value": _("Enter at most %(limit_value)s."),
        },
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=NOTE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": str(NOTE_LIMIT)}),
        validators=[validate_no_personal_data, validate_no_named_person],
        help_text=_(
            "Optional, at most 500 characters. No persons: no names, personal identity "
            "numbers, phone numbers, e-mail addresses or licence plates."
        ),
        error_messages={
            "max_length": _("Write at most %(limit_value)d characters (you wrote %(show_value)d).")
        },
    )

    FIELDSETS = [
        ("what", _("What"), ["category", "count"]),
        ("when", _("When"), ["observed_on", "time_from", "time_to"]),
        ("where", _("Where"), ["area"]),
        ("note", _("Anything else?"), ["note"]),
    ]

    def __init__(self, *args, organizations, today: dt.date, keep_category=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        organization = self.fields["organization"]
        organization.queryset = Organization.objects.filter(
            pk__in=[o.pk for o in organizations]
        ).order_by("name")
        self.only_organization = organizations[0] if len(organizations) == 1 else None
        if self.only_organization is not None:
            organization.widget = forms.HiddenInput()
            organization.required = False
        category = self.fields["category"]
        category.queryset = ObservationCategory.objects.filter(retired_at__isnull=True)
        if keep_category is not None:  # correcting one whose category was retired since
            category.queryset = ObservationCategory.objects.filter(
                Q(retired_at__isnull=True) | Q(pk=keep_category.pk)
            )
        self.fields["area"].queryset = Area.objects.order_by("name")
        self.fields["observed_on"].widget.attrs["max"] = today.isoformat()

    def fieldsets(self):
        return [
            (key, legend, [self[name] for name in names]) for key, legend, names in self.FIELDSETS
        ]

    def clean_organization(self):
        return self.cleaned_data.get("organization") or self.only_organization

    def clean_observed_on(self):
        day = self.cleaned_data["observed_on"]
        if day > self.today:
            raise forms.ValidationError(
                _("The date is in the future. Enter the day it happened."), code="future"
            )
        return day

    def clean(self):
        cleaned = super().clean()
        self.clean_point(cleaned)
        start, end = cleaned.get("time_from"), cleaned.get("time_to")
        if end is not None and start is None and not self.has_error("time_from"):
            self.add_error(
                "time_from",
                _("Enter when it started too, or leave “Until” empty."),
            )
        elif start is not None and end is not None and start == end:
            self.add_error(
                "time_to", _("The period ends when it starts: leave “Until” empty for a moment.")
            )
        day = cleaned.get("observed_on")
        if start is not None and day == self.today and not self.has_error("time_from"):
            now = timezone.localtime()
            if dt.datetime.combine(day, start) > now.replace(tzinfo=None) + CLOCK_SLACK:
                self.add_error("time_from", _("That time has not come yet today."))
        return cleaned


class ObservationFilterForm(PortalFormMixin, forms.Form):
    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("observed_from"), cleaned.get("observed_until")
        if start and end and end < start:
            self.add_error("observed_until", _("The end is before the start."))
        return cleaned


class BoundedDateFilter(django_filters.DateFilter):
    field_class = BoundedDateField


class AreaWithinField(django_filters.fields.ModelChoiceField):
    """An area chosen by its slug, fetched with the ids of itself and of every area below
    it (``within``) in the same query."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return self.queryset.annotate(within=area_within()).get(**{self.to_field_name: value})
        except (ValueError, TypeError, Area.DoesNotExist):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            ) from None


class AreaWithinFilter(django_filters.ModelChoiceFilter):
    field_class = AreaWithinField


class ObservationFilter(django_filters.FilterSet):
    """The partners' list: area (with its sub-areas), category, period, organisation."""

    area = AreaWithinFilter(
        label=_("Area"),
        queryset=Area.objects.order_by("name"),
        to_field_name="slug",
        method="filter_area",
        empty_label=_("All areas"),
        help_text=_("Includes the areas within it."),
        widget=LongSelect,
    )
    category = django_filters.ModelChoiceFilter(
        label=_("Category"),
        queryset=ObservationCategory.objects.all(),
        to_field_name="slug",
        empty_label=_("All categories"),
    )
    observed_from = BoundedDateFilter(label=_("From"), field_name="observed_on", lookup_expr="gte")
    observed_until = BoundedDateFilter(
        label=_("Until"), field_name="observed_on", lookup_expr="lte"
    )
    organization = django_filters.ModelChoiceFilter(
        label=_("Organisation"),
        queryset=Organization.objects.approved().order_by("name"),
        to_field_name="slug",
        empty_label=_("All organisations"),
        widget=LongSelect,  # every approved organisation: thousands nationally
    )

    class Meta:
        model = Observation
        fields = ["area", "category", "observed_from", "observed_until", "organization"]
        form = ObservationFilterForm

    def filter_area(self, queryset, name, value):
        # The ids as a literal list, fetched with the area (``selectors.area_within``).
        ids = getattr(value, "within", None)
        if ids is None:
            ids = list(Area.objects.with_descendants(value).values_list("pk", flat=True))
        return queryset.filter(area_id__in=ids)


class ReporterForm(PortalFormMixin, forms.Form):
    """One member made a reporter, or no longer one (the buttons of the reporters page)."""

    membership = forms.TypedChoiceField(coerce=int, choices=())
    is_reporter = forms.TypedChoiceField(
        coerce=lambda value: value == "1", choices=[("1", "1"), ("0", "0")]
    )

    def __init__(self, *args, memberships, **kwargs):
        super().__init__(*args, **kwargs)
        self.memberships = {m.pk: m for m in memberships}
        self.fields["membership"].choices = [(pk, pk) for pk in self.memberships]

    def clean_membership(self):
        return self.memberships[self.cleaned_data["membership"]]


class CategoryForm(PortalFormMixin, forms.ModelForm):
    """A category's names in Swedish and English, and the themes a problem made from its
    observations starts with."""

    class Meta:
        model = ObservationCategory
        fields = ["name_sv", "name_en", "themes"]
        widgets = {"themes": forms.CheckboxSelectMultiple}
        help_texts = {
            "themes": _("A problem made from observations of this category starts with these.")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = Theme.objects.all()
        self.fields["name_en"].required = False

    def clean(self):
        cleaned = super().clean()
        name = cleaned.get("name_sv")
        if name:
            same = ObservationCategory.objects.filter(name_sv__iexact=name.strip())
            if self.instance.pk:
                same = same.exclude(pk=self.instance.pk)
            if same.exists():
                self.add_error("name_sv", _("There is already a category with this name."))
        return cleaned


class CategoryMoveForm(PortalFormMixin, forms.Form):
    direction = forms.ChoiceField(choices=[("up", "up"), ("down", "down")])
