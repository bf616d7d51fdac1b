"""Forms of the meeting cycle. Each receives its allowed choices (organisations) from the
view; the rules the input must follow are here: a meeting ends after it starts and has a
place or a link, a decision's due date is not before its meeting. A meeting itself may be in
the past: minutes are often written afterwards."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partnership.coordination.models import OverlapDecision
from partnership.fields import BoundedDateField
from partnership.forms import PortalFormMixin
from partnership.meetings.models import AgendaItem, Meeting
from partnership.models import Area, Theme
from partnership.problems.models import Problem, ProblemResponsibility
from stakeholders.models import Organization


class MeetingForm(PortalFormMixin, forms.Form):
    """When and where a meeting is, its kind and who is invited. ``organizations`` are the
    approved organisations."""

    kind = forms.ChoiceField(
        label=_("Kind of meeting"), choices=Meeting.Kind.choices, widget=forms.RadioSelect
    )
    date = BoundedDateField(
        label=_("Date"),
        help_text=_("A meeting already held may be entered too, to write its minutes."),
    )
    starts = forms.TimeField(
        label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    ends = forms.TimeField(
        label=_("Ends at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    place = forms.CharField(
        label=_("Place"),
        required=False,
        max_length=200,
        help_text=_("An address or a room; or give a video link, or both."),
    )
    link = forms.URLField(label=_("Video link"), required=False, max_length=500)
    invited_organizations = forms.ModelMultipleChoiceField(
        label=_("Invited organisations"),
        queryset=Organization.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Their members get an invitation by email and see the agenda."),
        error_messages={"required": _("Invite at least one organisation.")},
    )

    def __init__(self, data=None, *, organizations, meeting: Meeting | None = None, **kwargs):
        if meeting is not None and data is None:
            starts = timezone.localtime(meeting.starts_at)
            kwargs["initial"] = {
                "kind": meeting.kind,
                "date": starts.date(),
                "starts": starts.time(),
                "ends": timezone.localtime(meeting.ends_at).time(),
                "place": meeting.place,
                "link": meeting.link,
                "invited_organizations": [o.pk for o in meeting.invited_organizations.all()],
            }
        super().__init__(data, **kwargs)
        self.fields["invited_organizations"].queryset = organizations

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts"), cleaned.get("ends")
        if starts and ends and ends <= starts:
            self.add_error("ends", _("The meeting must end after it starts."))
        if not (cleaned.get("place") or cleaned.get("link")) and not self.has_error("link"):
            self.add_error("place", _("Give a place or a video link."))
        return cleaned

    def meeting_data(self) -> dict:
        """The cleaned input as the service takes it: aware start and end times."""
        data = self.cleaned_data
        zone = timezone.get_current_timezone()
        return {
            "kind": data["kind"],
            "starts_at": dt.datetime.combine(data["date"], data["starts"], tzinfo=zone),
            "ends_at": dt.datetime.combine(data["date"], data["ends"], tzinfo=zone),
            "place": data["place"],
            "link": data["link"],
            "invited_organizations": list(data["invited_organizations"]),
        }


class HistoryFilterForm(PortalFormMixin, forms.Form):
    """The meeting history's filters: a kind of meeting, a year (of those with meetings)."""

    kind = forms.ChoiceField(
        label=_("Kind of meeting"),
        required=False,
        choices=[("", _("All kinds")), *Meeting.Kind.choices],
    )
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)

    def __init__(self, data=None, *, years: list[int], **kwargs):
        super().__init__(data, **kwargs)
        self.fields["year"].choices = [("", _("All years")), *((y, str(y)) for y in years)]

    def filters(self) -> dict:
        """The valid filters (an invalid one is shown next to its field and not applied)."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {"kind": cleaned.get("kind") or None, "year": cleaned.get("year")}


class AgendaItemForm(PortalFormMixin, forms.Form):
    """An item the coordinator adds to the agenda."""

    title = forms.CharField(label=_("New item"), max_length=300)
    detail = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MinutesForm(PortalFormMixin, forms.Form):
    """Who was present and the minutes of each item (one field per item)."""

    attendance = forms.CharField(
        label=_("Present"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The organisations and people present."),
    )

    def __init__(self, data=None, *, meeting: Meeting, **kwargs):
        initial = {"attendance": meeting.attendance}
        super().__init__(data, initial=initial, **kwargs)
        self.items = list(meeting.items.all())
        for item in self.items:
            self.fields[self.field_name(item)] = forms.CharField(
                label=f"{item.position}. {item.title}",
                required=False,
                max_length=5000,
                initial=item.minutes,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    @staticmethod
    def field_name(item: AgendaItem) -> str:
        return f"item_{item.pk}"

    def minutes(self) -> dict[int, str]:
        return {item.pk: self.cleaned_data[self.field_name(item)] for item in self.items}

    def item_fields(self):
        return [(item, self[self.field_name(item)]) for item in self.items]


class _DecisionForm(PortalFormMixin, forms.Form):
    """What every decision form shares: a due date, if it has one, not before the meeting."""

    def __init__(self, data=None, *, meeting: Meeting, organizations=None, **kwargs):
        super().__init__(data, **kwargs)
        self.meeting = meeting
        if "organization" in self.fields:
            self.fields["organization"].queryset = organizations

    def clean_due_on(self):
        due_on = self.cleaned_data.get("due_on")
        held_on = timezone.localdate(self.meeting.starts_at)
        if due_on is not None and due_on < held_on:
            raise forms.ValidationError(
                _("The date cannot be before the meeting (%(date)s).")
                % {"date": held_on.isoformat()}
            )
        return due_on


_ORGANIZATION = {
    "queryset": Organization.objects.none(),
    "error_messages": {"invalid_choice": _("Choose one of the approved organisations.")},
}


class TaskDecisionForm(_DecisionForm):
    """A task: what, which organisation, by when."""

    text = forms.CharField(
        label=_("What is to be done"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    organization = forms.ModelChoiceField(label=_("Organisation responsible"), **_ORGANIZATION)
    due_on = BoundedDateField(label=_("By when"))


class ResponsibilityDecisionForm(_DecisionForm):
    """An organisation takes responsibility for the item's problem."""

    organization = forms.ModelChoiceField(label=_("Organisation"), **_ORGANIZATION)
    role = forms.ChoiceField(
        label=_("Role"), choices=ProblemResponsibility.Role.choices, widget=forms.RadioSelect
    )
    commitment = forms.CharField(
        label=_("What they will do"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    due_on = BoundedDateField(label=_("By when"))


class OverlapDecisionForm(_DecisionForm):
    """The meeting's decision on the item's pair of initiatives (no option pre-selected)."""

    decision = forms.ChoiceField(
        label=_("Decision"), choices=OverlapDecision.Decision.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ProblemDecisionForm(_DecisionForm):
    """A new problem the meeting identified, recorded for an organisation."""

    organization = forms.ModelChoiceField(label=_("Recorded for"), **_ORGANIZATION)
    title = forms.CharField(label=_("Problem"), max_length=200)
    description = forms.CharField(
        label=_("Description"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    area = forms.ModelChoiceField(label=_("Area"), queryset=Area.objects.order_by("name"))
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"), queryset=Theme.objects.all(), widget=forms.CheckboxSelectMultiple
    )
    source = forms.ChoiceField(
        label=_("Source"),
        choices=Problem.Source.choices,
        initial=Problem.Source.PARTNER_OBSERVATION,
    )
    severity = forms.TypedChoiceField(
        label=_("Severity"),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        initial=3,
        help_text=_("1 (minor) to 5 (serious)."),
    )


DECISION_FORMS = {
    "task": TaskDecisionForm,
    "responsibility": ResponsibilityDecisionForm,
    "overlap": OverlapDecisionForm,
    "problem": ProblemDecisionForm,
}
