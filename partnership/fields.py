"""Form fields and mixins shared by every app's forms: a typed coordinate with the
partnership's bounds, and "one of your organisations"."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

OUTSIDE_BOUNDS = _(
    "This point is outside the partnership's area (latitude %(south)s–%(north)s, "
    "longitude %(west)s–%(east)s)."
)


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


def organization_field(form, name: str, organizations, label) -> None:
    """One of ``organizations``; hidden (and preset) when there is only one."""
    field = form.fields[name]
    field.queryset = field.queryset.model.objects.filter(pk__in=[o.pk for o in organizations])
    field.queryset = field.queryset.order_by("name")
    field.empty_label = None
    field.label = label
    form.only_organization = organizations[0] if len(organizations) == 1 else None
    if form.only_organization is not None:
        field.initial = form.only_organization.pk
        field.widget = forms.HiddenInput()
        field.required = False  # ``clean_organization`` fills it in
