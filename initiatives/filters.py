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
from dataclasses import dataclass

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
from stakeholders.filters import AREA_OPTIONS_CAP, AreaChoices  # noqa: F401 (problems, tests)
from stakeholders.models import Organization

SEARCH_CONFIG = "swedish"


def search_query(value: str) -> SearchQuery:
    """What the user typed, as a Swedish web-search query: words are stemmed
    ("nattvandringar" finds "nattvandring"), "quoted phrases", OR and -exclusions work,
    and nothing typed can make it a syntax error."""
    return SearchQuery(value, config=SEARCH_CONFIG, search_type="websearch")


# An organisation typed as text matches at most this many by name (beyond: a narrower word).
ORGANIZATION_MATCH_CAP = 50


@dataclass(frozen=True)
class OrganizationMatch:
    """The approved organisations a typed text names: the one whose slug it is (the API,
    a link from an organisation's page, the picker), else those whose name contains it."""

    text: str
    ids: tuple[int, ...]
    name: str = ""

    def organizations(self):
        return Organization.objects.filter(pk__in=self.ids)

    def __str__(self):
        return self.name or f"“{self.text}”"


class OrganizationField(forms.CharField):
    """A text box, not a list of every organisation (3,333 options at national scale made
    the page 249 KB): what is typed is matched on the server, so it works without
    JavaScript; a script may offer suggestions over it (``static/js/combobox.js``)."""

    widget = forms.TextInput(attrs={"type": "search", "autocomplete": "off"})

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 200)
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        approved = Organization.objects.approved()
        matches = list(
            approved.filter(Q(slug=text) | Q(name__icontains=text))
            .order_by("name")
            .values_list("pk", "slug", "name")[: ORGANIZATION_MATCH_CAP + 1]
        )
        exact = [row for row in matches if row[1] == text or row[2].casefold() == text.casefold()]
        if exact:
            return OrganizationMatch(text, (exact[0][0],), exact[0][2])
        if not matches:
            raise forms.ValidationError(
                _("No organisation in the partnership matches “%(text)s”."),
                code="invalid_choice",
                params={"text": text},
            )
        if len(matches) > ORGANIZATION_MATCH_CAP:
            raise forms.ValidationError(
                _("More than %(cap)s organisations match “%(text)s”: type more of the name."),
                code="too_many",
                params={"text": text, "cap": ORGANIZATION_MATCH_CAP},
            )
        name = matches[0][2] if len(matches) == 1 else ""
        return OrganizationMatch(text, tuple(row[0] for row in matches), name)


class OrganizationFilter(django_filters.Filter):
    field_class = OrganizationField


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
        help_text=_(
            "Includes the areas within it. Choose a district and filter: its places are "
            "then offered too."
        ),
    )
    organization = OrganizationFilter(
        label=_("Organisation"),
        method="filter_organization",
        help_text=_("Running the initiative or taking part in it: type part of its name."),
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
    include_ended = django_filters.BooleanFilter(
        label=_("Include ended and paused initiatives"),
        method="filter_nothing",  # applied in filter_queryset, with the default it lifts
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
            "include_ended",
            "sort",
        ]

    # What lifts the default "current only" (``Initiative.objects.current()``): a status or
    # a date chosen by the user says which initiatives they want.
    CURRENT_DEFAULT_LIFTED_BY = ("include_ended", "status", "running_on")

    def __init__(self, data=None, *args, user=None, current_by_default=False, **kwargs):
        """``current_by_default``: without a status, a date or "include ended", show only
        current initiatives (planned or active, not ended) — the public list page, its map
        and downloads. The API (open data) keeps every public initiative by default."""
        super().__init__(data, *args, **kwargs)
        self.user = user
        self.current_by_default = current_by_default
        if not current_by_default:
            del self.filters["include_ended"]
            self.form.fields.pop("include_ended", None)
        areas = AreaChoices(self.form.fields["area"], self.data.get("area") if self.data else None)
        # A callable: the widget asks for the options only when it renders (not when the
        # list is kept: initiatives/views.py, _list_fragment_key), where a plain iterable
        # would be read here already (Django's normalize_choices).
        self.form.fields["area"].widget.choices = lambda: areas
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
        organizations = value.organizations()
        partnered = Initiative.partner_organizations.through.objects.filter(
            organization__in=organizations
        )
        return queryset.filter(
            Q(lead_organization__in=organizations) | Q(pk__in=partnered.values("initiative_id"))
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

    def is_unfiltered(self) -> bool:
        """Valid, and no filter narrows it beyond the default: every public initiative with
        "include ended", else the current ones (the order may be chosen)."""
        if not self.is_valid() or not self.current_by_default:
            return False
        cleaned = self.form.cleaned_data
        return not any(
            cleaned.get(name) not in (None, "", False)
            for name in cleaned
            if name not in ("sort", "include_ended")
        )

    def shows_current_only(self) -> bool:
        """Whether the default "current initiatives only" narrows this list (call after
        validation)."""
        if not self.current_by_default:
            return False
        cleaned = self.form.cleaned_data if self.form.is_bound and self.is_valid() else {}
        return not any(cleaned.get(name) for name in self.CURRENT_DEFAULT_LIFTED_BY)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.shows_current_only():
            queryset = queryset.current()
        sort = self.form.cleaned_data.get("sort") or self.SORT_RELEVANCE
        searching = bool((self.form.cleaned_data.get("q") or "").strip())
        if sort == self.SORT_RELEVANCE:
            if searching:
                return queryset.order_by("-rank", "-starts_on", "pk")
            return queryset  # the selector's order: newest period first
        return queryset.order_by(*self.SORT_ORDERS[sort])
