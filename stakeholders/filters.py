"""Filters for the "who does what" directory: kind, area (with its sub-areas), theme, text.
``AreaChoices`` is also the initiative and problem lists' area filter (the apps above).

Used by the list, both matrices and the CSV export, so that the same URL parameters give the
same organisations everywhere. A bad value (an unknown kind, an area id that is not a number)
is a form error shown next to the filter; the other filters still apply.
"""

from collections import defaultdict

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from partnership.models import Area, Theme
from partnership.widgets import LongSelect
from stakeholders.models import Organization

# The area filter lists every area up to this many (a neighbourhood: a few dozen).
AREA_OPTIONS_CAP = 60


class AreaChoices:
    """The area filter's options without shipping every area (hundreds at national scale):
    every area while there are at most ``AREA_OPTIONS_CAP``; beyond that the top two
    levels of the area tree (the partnership's area and its districts) and, once an area
    is chosen, its ancestors, its siblings and the areas just within it — a hierarchical
    choice that works without JavaScript, one filtering at a time. Any area id is still a
    valid value (the field's queryset is every area). Evaluated once, when the widget
    renders (one query, two beyond the cap)."""

    def __init__(self, field, chosen):
        self.field = field
        self.chosen = chosen
        self._options = None

    def _areas(self):
        every = list(Area.objects.values_list("pk", "name", "parent_id")[: AREA_OPTIONS_CAP + 1])
        if len(every) <= AREA_OPTIONS_CAP:
            return every
        shown = Q(parent__isnull=True) | Q(parent__parent__isnull=True)
        chosen = str(self.chosen or "")
        if chosen.isdigit() and int(chosen) < 2**31:
            around = Area.objects.filter(pk=int(chosen))
            shown |= (
                Q(pk=int(chosen))
                | Q(parent_id=int(chosen))
                | Q(parent_id__in=around.values("parent_id"))
                | Q(pk__in=around.values("parent__parent_id"))
                | Q(pk__in=around.values("parent_id"))
            )
        return list(Area.objects.filter(shown).values_list("pk", "name", "parent_id"))

    def __iter__(self):
        if self._options is None:
            self._options = list(self._build())
        return iter(self._options)

    def _build(self):
        areas = self._areas()
        children = defaultdict(list)
        ids = {pk for pk, _name, _parent in areas}
        for pk, name, parent in areas:
            children[parent if parent in ids else None].append((pk, name))
        yield "", self.field.empty_label

        def walk(parent, depth):
            for pk, name in sorted(children[parent], key=lambda row: row[1]):
                yield pk, "\u2003" * depth + name  # em spaces: the tree's depth
                yield from walk(pk, depth + 1)

        yield from walk(None, 0)


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
        widget=LongSelect,
        help_text=_(
            "Includes the areas within it. Choose a district and filter: its places are "
            "then offered too."
        ),
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

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        # Not every area of a national deployment (hundreds): the tree around the choice.
        self.form.fields["area"].widget.choices = AreaChoices(
            self.form.fields["area"], self.data.get("area") if self.data else None
        )

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
