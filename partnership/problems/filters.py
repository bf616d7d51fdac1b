"""Filters for the partners' list of problems and the public "you said, we did" page.

Like the initiatives' filters they narrow a queryset that already holds only what
``Problem.objects.visible_to(user)`` allows, so no filter can widen what a user sees. A bad
value is an error next to its field; the other filters still apply.
"""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from initiatives.filters import AreaChoices
from partnership.models import Area, Theme
from partnership.problems.models import Problem, ProblemResponsibility
from partnership.widgets import LongSelect
from stakeholders.models import Organization


def _area_filter():
    return django_filters.ModelChoiceFilter(
        label=_("Area"),
        queryset=Area.objects.order_by("name"),
        method="filter_area",
        empty_label=_("All areas"),
        help_text=_("Includes the areas within it."),
    )


def _theme_filter():
    return django_filters.ModelChoiceFilter(
        label=_("Theme"),
        queryset=Theme.objects.all(),
        method="filter_theme",
        empty_label=_("All themes"),
    )


class ProblemFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_text",
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
        help_text=_("Words in the title or description."),
    )
    area = _area_filter()
    theme = _theme_filter()
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Problem.Status.choices, empty_label=_("Any status")
    )
    source = django_filters.ChoiceFilter(
        label=_("Source"), choices=Problem.Source.choices, empty_label=_("Any source")
    )
    severity = django_filters.ChoiceFilter(
        label=_("Severity at least"),
        choices=[(n, str(n)) for n in range(1, 6)],
        method="filter_severity",
        empty_label=_("Any severity"),
    )
    responsible = django_filters.ModelChoiceFilter(
        label=_("Organisation responsible"),
        queryset=Organization.objects.approved().order_by("name"),
        method="filter_responsible",
        empty_label=_("Any organisation"),
    )
    nobody = django_filters.BooleanFilter(
        label=_("Only problems nobody has taken responsibility for"),
        method="filter_nobody",
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = Problem
        fields = ["q", "area", "theme", "status", "source", "severity", "responsible", "nobody"]

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))

    def filter_area(self, queryset, name, value):
        return queryset.in_area(value)

    def filter_theme(self, queryset, name, value):
        links = Problem.themes.through.objects.filter(theme=value)
        return queryset.filter(pk__in=links.values("problem_id"))

    def filter_severity(self, queryset, name, value):
        return queryset.filter(severity__gte=int(value))

    def filter_responsible(self, queryset, name, value):
        return queryset.responsibility_of([value.pk])

    def filter_nobody(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.exclude(pk__in=ProblemResponsibility.objects.values("problem_id"))


class PublicProblemFilter(django_filters.FilterSet):
    """The public page's filters: area (with its sub-areas), theme and status."""

    area = _area_filter()
    theme = _theme_filter()
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Problem.Status.choices, empty_label=_("Any status")
    )

    class Meta:
        model = Problem
        fields = ["area", "theme", "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Hundreds of areas at national scale: the initiatives' hierarchical choice,
        # rendered in Python (Django's per-option templates cost ~0.1 ms an option).
        field = self.form.fields["area"]
        field.widget = LongSelect()
        field.widget.choices = AreaChoices(field, self.data.get("area") if self.data else None)
        field.help_text = _(
            "Includes the areas within it. Choose a district and filter: its places are "
            "then offered too."
        )

    filter_area = ProblemFilter.filter_area
    filter_theme = ProblemFilter.filter_theme
