"""Filters for the list of initiatives: Swedish full-text search, vocabulary, area (with its
sub-areas), organisation, status, visibility, "running on a date", "my organisations'" and a
sort order.

The FilterSet narrows a queryset it is given (``selectors.initiative_list``, which already
holds only what ``Initiative.objects.visible_to(user)`` allows), so a filter can never widen
what a user sees: filtering on visibility=partners as a resident gives an empty list.
A bad value (an unknown theme id or organisation, a date that is not a date, a too-long
search) is a form error shown next to the field on the page, where the other filters still
apply; every machine output of the same filters (the map's data, CSV, spreadsheet, calendar,
the API) answers it with a 400 saying which filter and why, and never ignores it.
"""

import datetime as dt

import django_filters
from django import forms
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from initiatives.models import Initiative, ScheduleSlot
from partnership.models import Area, TargetGroup, Theme, Visibility
from partnership.permissions import partner_organization_ids
from partnership.widgets import DateInput, LongSelect
from stakeholders.models import Organization

SEARCH_CONFIG = "swedish"


def search_query(value: str) -> SearchQuery:
    """What the user typed, as a Swedish web-search query: words are stemmed
    ("nattvandringar" finds "nattvandring"), "quoted phrases", OR and -exclusions work,
    and nothing typed can make it a syntax error."""
    return SearchQuery(value, config=SEARCH_CONFIG, search_type="websearch")


class InitiativeFilter(django_filters.FilterSet):
    SORT_RELEVANCE = "relevance"
    SORT_CHOICES = [
        (SORT_RELEVANCE, _("Best match")),
        ("newest", _("Newest start")),
        ("updated", _("Recently updated")),
        ("title", _("Title")),
    ]
    SORT_ORDERS = {
        "newest": ["-starts_on", "title", "pk"],
        "updated": ["-updated_at", "pk"],
        "title": ["title", "pk"],
    }

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_text",
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
        help_text=_('Finds other forms of the words too. Use "quotes" for a phrase.'),
    )
    theme = django_filters.ModelChoiceFilter(
        label=_("Theme"),
        queryset=Theme.objects.all(),
        method="filter_theme",
        empty_label=_("All themes"),
    )
    target_group = django_filters.ModelChoiceFilter(
        label=_("Target group"),
        queryset=TargetGroup.objects.all(),
        method="filter_target_group",
        empty_label=_("All target groups"),
    )
    area = django_filters.ModelChoiceFilter(
        label=_("Area"),
        queryset=Area.objects.order_by("name"),
        method="filter_area",
        empty_label=_("All areas"),
        widget=LongSelect,
        help_text=_("Includes the areas within it."),
    )
    organization = django_filters.ModelChoiceFilter(
        label=_("Organisation"),
        queryset=Organization.objects.approved().order_by("name"),
        # The organisation's public identifier, as in the API's answers: never its row id.
        to_field_name="slug",
        method="filter_organization",
        empty_label=_("All organisations"),
        widget=LongSelect,
        help_text=_("Running the initiative or taking part in it."),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Initiative.Status.choices, empty_label=_("Any status")
    )
    visibility = django_filters.ChoiceFilter(
        label=_("Visibility"), choices=Visibility.choices, empty_label=_("Public and partners only")
    )
    when = django_filters.ChoiceFilter(
        label=_("When"),
        choices=[("now", _("Happening now")), ("week", _("This week"))],
        method="filter_when",
        empty_label=_("Any time"),
        help_text=_(
            "Happening now: planned or active, running today and, if it has weekly times, "
            "one of them is now. This week: the same for any day from today to Sunday."
        ),
    )
    running_on = django_filters.DateFilter(
        label=_("Running on"),
        method="filter_running_on",
        widget=DateInput,
        help_text=_("Initiatives whose period includes this date."),
    )
    mine = django_filters.BooleanFilter(
        label=_("Only my organisations' initiatives"),
        method="filter_mine",
        widget=forms.CheckboxInput,
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"),
        choices=SORT_CHOICES,
        method="filter_nothing",
        empty_label=None,
    )

    class Meta:
        model = Initiative
        fields = [
            "q",
            "theme",
            "target_group",
            "area",
            "organization",
            "status",
            "visibility",
            "when",
            "running_on",
            "mine",
            "sort",
        ]

    def __init__(self, data=None, *args, user=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.user = user
        self.form.fields["sort"].initial = self.SORT_RELEVANCE  # not a "changed" filter
        if user is None or not user.is_authenticated:
            # Residents only ever see public initiatives and belong to no organisation.
            del self.filters["visibility"]
            del self.filters["mine"]
            self.form.fields.pop("visibility", None)
            self.form.fields.pop("mine", None)

    # Subqueries on the link tables rather than joins: no duplicate rows, and the count for
    # pagination stays a plain count.

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        query = search_query(value)
        return queryset.filter(search_vector=query).annotate(
            rank=SearchRank(F("search_vector"), query)
        )

    def filter_theme(self, queryset, name, value):
        links = Initiative.themes.through.objects.filter(theme=value)
        return queryset.filter(pk__in=links.values("initiative_id"))

    def filter_target_group(self, queryset, name, value):
        links = Initiative.target_groups.through.objects.filter(targetgroup=value)
        return queryset.filter(pk__in=links.values("initiative_id"))

    def filter_area(self, queryset, name, value):
        links = Initiative.areas.through.objects.filter(
            area__in=Area.objects.with_descendants(value)
        )
        return queryset.filter(pk__in=links.values("initiative_id"))

    def filter_organization(self, queryset, name, value):
        partnered = Initiative.partner_organizations.through.objects.filter(organization=value)
        return queryset.filter(
            Q(lead_organization=value) | Q(pk__in=partnered.values("initiative_id"))
        )

    def filter_when(self, queryset, name, value):
        """'now' and 'week', defined with the weekly slots in the portal's time zone:

        - now: ``live()`` today, and either no weekly times (ongoing work such as lighting)
          or a slot whose hours include the current time (yesterday's past midnight too);
        - week: for some day from today to Sunday, ``live()`` that day, and either no weekly
          times or a slot on that day's weekday.
        """
        now = timezone.localtime()
        today = now.date()
        slots = ScheduleSlot.objects.filter(initiative=OuterRef("pk"))
        unscheduled = ~Exists(slots)
        if value == "now":
            # A slot past midnight (its end at or before its start) runs on into the next day.
            past_midnight = Q(ends_at__lte=F("starts_at"))
            yesterday = (today - dt.timedelta(days=1)).isoweekday()
            on_now = slots.filter(
                Q(weekday=today.isoweekday(), starts_at__lte=now.time())
                & (Q(ends_at__gt=now.time()) | past_midnight)
                | Q(weekday=yesterday, ends_at__gt=now.time()) & past_midnight
            )
            return queryset.live(on=today).filter(unscheduled | Exists(on_now))
        days = [today + dt.timedelta(days=n) for n in range(8 - today.isoweekday())]
        on_some_day = Q()
        for day in days:
            on_some_day |= Q(period__contains=day) & (
                unscheduled | Exists(slots.filter(weekday=day.isoweekday()))
            )
        return queryset.filter(on_some_day, status__in=Initiative.LIVE_STATUSES)

    def filter_running_on(self, queryset, name, value):
        return queryset.filter(period__contains=value)

    def filter_mine(self, queryset, name, value):
        if not value:
            return queryset
        mine = partner_organization_ids(self.user)
        partnered = Initiative.partner_organizations.through.objects.filter(organization__in=mine)
        return queryset.filter(
            Q(lead_organization__in=mine) | Q(pk__in=partnered.values("initiative_id"))
        )

    def applied(self) -> list[tuple[str, str]]:
        """The filters in use, as (label, value) for people: what a feed is named after and
        what the page says its downloads hold. Call after validation; sorting is no filter."""
        cleaned = self.form.cleaned_data if self.form.is_bound and self.is_valid() else {}
        applied = []
        for name, field in self.form.fields.items():
            value = cleaned.get(name)
            if name == "sort" or value in (None, "", False):
                continue
            if name == "q":
                value = value.strip()
                if not value:
                    continue
                shown = f"“{value}”"
            elif value is True:
                shown = str(_("yes"))
            elif hasattr(field, "choices") and not hasattr(value, "pk"):
                shown = str(dict(field.choices).get(value, value))
            elif isinstance(value, dt.date):
                shown = value.isoformat()
            else:
                shown = str(value)
            applied.append((str(field.label), shown))
        return applied

    def filter_nothing(self, queryset, name, value):
        return queryset  # sorting is applied last, in filter_queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        sort = self.form.cleaned_data.get("sort") or self.SORT_RELEVANCE
        searching = bool((self.form.cleaned_data.get("q") or "").strip())
        if sort == self.SORT_RELEVANCE:
            if searching:
                return queryset.order_by("-rank", "-starts_on", "pk")
            return queryset  # the selector's order: newest period first
        return queryset.order_by(*self.SORT_ORDERS[sort])
