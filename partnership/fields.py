"""Form fields and mixins shared by every app's forms: a typed coordinate with the
partnership's bounds, a date within sane years, "one of your organisations", and keeping a
refused stale edit's input."""

import datetime as dt

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from partnership.widgets import DateInput

OUTSIDE_BOUNDS = _(
    "This point is outside the partnership's area (latitude %(south)s–%(north)s, "
    "longitude %(west)s–%(east)s)."
)


# The dates a form accepts. A date beyond these is a typo (9999-12-31), and one the database
# cannot always hold: an initiative's period ends the day after its last day, and the year
# 10000 cannot be read back.
DATE_MIN = dt.date(1900, 1, 1)
DATE_MAX = dt.date(2100, 12, 31)
DATE_OUT_OF_RANGE = _("Enter a date from 1900 to 2100.")


class BoundedDateField(forms.DateField):
    """A date typed or picked (``<input type="date">``, ISO format), from ``DATE_MIN`` to
    ``DATE_MAX``: a far date gets an error next to the field instead of a server error."""

    widget = DateInput
    default_validators = [
        MinValueValidator(DATE_MIN, message=DATE_OUT_OF_RANGE),
        MaxValueValidator(DATE_MAX, message=DATE_OUT_OF_RANGE),
    ]

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.DateInput) and not widget.is_hidden:
            attrs.update(min=DATE_MIN.isoformat(), max=DATE_MAX.isoformat())
        return attrs


class CoordinateField(forms.FloatField):
    """A decimal coordinate typed by hand; accepts a decimal comma (59,2712) too."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        return super().to_python(value)


class PointFormMixin:
    """For a form with optional ``latitude`` and ``longitude`` (``CoordinateField``s): each
    within the partnership's ``MAP_BOUNDS``, and both or neither (call ``clean_point`` from
    ``clean``). Initiatives and problems share it."""

    def _in_bounds(self, name, low, high):
        value = self.cleaned_data.get(name)
        bounds = settings.MAP_BOUNDS
        if value is not None and not (bounds[low] <= value <= bounds[high]):
            south, west, north, east = bounds
            raise forms.ValidationError(
                OUTSIDE_BOUNDS % {"south": south, "west": west, "north": north, "east": east},
                code="outside_bounds",
            )
        return value

    def clean_latitude(self):
        return self._in_bounds("latitude", 0, 2)

    def clean_longitude(self):
        return self._in_bounds("longitude", 1, 3)

    def clean_point(self, cleaned: dict) -> None:
        latitude, longitude = cleaned.get("latitude"), cleaned.get("longitude")
        if (latitude is None) != (longitude is None) and not (
            self.has_error("latitude") or self.has_error("longitude")
        ):
            missing = "longitude" if longitude is None else "latitude"
            self.add_error(missing, _("Give both latitude and longitude, or neither."))


class OrganizationChoiceMixin:
    """ "Choose one of your organisations": for a form whose ``organization`` field may offer
    only the organisations the view allows (``acting_organizations(user)`` or an app rule
    such as ``organizations_posting_for``). With one, the field is hidden and preset, and an
    empty answer means that one. Call :meth:`offer_organizations` from ``__init__``."""

    only_organization = None

    def offer_organizations(self, organizations, label=None) -> None:
        field = self.fields["organization"]
        field.queryset = field.queryset.model.objects.filter(
            pk__in=[o.pk for o in organizations]
        ).order_by("name")
        field.empty_label = None
        if label is not None:
            field.label = label
        self.only_organization = organizations[0] if len(organizations) == 1 else None
        if self.only_organization is not None:
            field.initial = self.only_organization.pk
            field.widget = forms.HiddenInput()
            field.required = False  # ``clean_organization`` fills it in

    def clean_organization(self):
        return self.cleaned_data.get("organization") or self.only_organization


class KeepInputForVersionMixin:
    """For an edit form with a hidden ``version`` (optimistic locking): after a refused stale
    save the input is kept, and :meth:`keep_input_for_version` carries the row's current
    version into it, so that saving again (after checking) is deliberate and succeeds."""

    def keep_input_for_version(self, version: int) -> None:
        self.data = self.data.copy()
        self.data[self.add_prefix("version")] = str(version)
