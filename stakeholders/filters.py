"""Filters for the "who does what" directory: kind, area (with its sub-areas), theme, text.

Used by the list, both matrices and the CSV export, so that the same URL parameters give the
same organisations everywhere. A bad value (an unknown kind, an area id that is not a number)
is a form error shown next to the filter; the other filters still apply.
"""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from partnership.models import Area, Theme
from stakeholders.models import Organization


class OrganizationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_text",
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Organization.Kind.choices, empty_label=_("All kinds")
    )
    area = django_filters.ModelChoiceFilter(
        label=_("Area"),
        queryset=Area.objects.order_by("name"),
        method="filter_area",
        empty_label=_("All areas"),
        help_text=_("Includes the areas within it."),
    )
    theme = django_filters.ModelChoiceFilter(
        label=_("Theme"),
        queryset=Theme.objects.all(),
        method="filter_theme",
        empty_label=_("All themes"),
    )

    class Meta:
        model = Organization
        fields = ["q", "kind", "area", "theme"]

    # Subqueries on the link tables rather than joins: no duplicate rows, and the directory's
    # count of live initiatives stays right.

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(description__icontains=value))

    def filter_area(self, queryset, name, value):
        links = Organization.areas.through.objects.filter(
            area__in=Area.objects.with_descendants(value)
        )
        return queryset.filter(pk__in=links.values("organization_id"))

    def filter_theme(self, queryset, name, value):
        links = Organization.themes.through.objects.filter(theme=value)
        return queryset.filter(pk__in=links.values("organization_id"))
