"""Forms for the partnership's joint problems and safety walks. Each form receives the
choices the user is allowed (organisations, initiatives) from its view, which takes them from
``permissions`` (``organizations_*_for``) or ``selectors``; no form decides who may do what.
(``StatusForm`` offers the statuses that may follow the current one: a rule of the model,
``Problem.STATUS_TRANSITIONS``, the same for everyone.)"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partnership.fields import (
    BoundedDateField,
    CoordinateField,
    KeepInputForVersionMixin,
    OrganizationChoiceMixin,
    PointFormMixin,
)
from partnership.forms import PortalFormMixin
from partnership.models import Area, Visibility, Weekday
from partnership.personal_data import validate_no_personal_data
from partnership.problems import csv_import
from partnership.problems.models import (
    CauseCategory,
    Problem,
    ProblemEndorsement,
    ProblemResponsibility,
    SafetyWalk,
)
from stakeholders.models import Organization


class ProblemForm(PortalFormMixin, OrganizationChoiceMixin, PointFormMixin, forms.ModelForm):
    """Record a problem. ``organizations`` are those the user may record for
    (``permissions.organizations_recording_for``). The point is optional: typed
    coordinates, or a click on the map that fills them in."""

    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(),
        error_messages={"invalid_choice": _("Choose one of your own approved organisations.")},
    )
    latitude = CoordinateField(
        label=_("Latitude"), help_text=_("Optional, in decimal degrees, e.g. 59.2655.")
    )
    longitude = CoordinateField(
        label=_("Longitude"), help_text=_("Optional, in decimal degrees, e.g. 17.8801.")
    )

    FIELDSETS = [
        (_("What"), ["organization", "title", "description", "themes", "severity"]),
        (_("Where"), ["area", "latitude", "longitude"]),
        (_("When"), ["source", "observed_on", "weekdays", "time_from", "time_to"]),
        # Orsak, the åtgärdsplan's second column: why it happens here (optional).
        (_("Why it happens"), ["cause", "cause_categories"]),
        (_("Who may see it"), ["visibility"]),
    ]

    class Meta:
        model = Problem
        fields = [
            "title",
            "description",
            "area",
            "latitude",
            "longitude",
            "themes",
            "source",
            "observed_on",
            "weekdays",
            "time_from",
            "time_to",
            "cause",
            "cause_categories",
            "severity",
            "visibility",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "cause": forms.Textarea(attrs={"rows": 3}),
            "themes": forms.CheckboxSelectMultiple,
            "time_from": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "time_to": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
        field_classes = {"observed_on": BoundedDateField}
        help_texts = {
            "description": _("What happens, where exactly, and who is affected."),
            "cause": _(
                "Optional: why it happens here, e.g. “the tunnel is dark and nobody passes "
                "after 22”. Describe the place and the situation, never a person."
            ),
            "visibility": _(
                "Partners only unless you choose public: public problems are shown on the "
                "“you said, we did” page, with their area but never the exact point."
            ),
        }

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.offer_organizations(organizations, _("Recorded by"))
        self.fields["area"].queryset = Area.objects.order_by("name")
        self.fields["area"].empty_label = _("Choose an area")
        self.fields["weekdays"] = forms.TypedMultipleChoiceField(
            label=_("Weekdays"),
            choices=Weekday.choices,
            coerce=int,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text=_("The days it happens; none means any day."),
        )
        self.fields["severity"] = forms.TypedChoiceField(
            label=_("Severity"),
            choices=[(n, str(n)) for n in range(1, 6)],
            coerce=int,
            initial=3,
            widget=forms.RadioSelect,
            help_text=_("1 is minor, 5 is severe."),
        )
        self.fields["cause_categories"] = forms.TypedMultipleChoiceField(
            label=_("Kinds of cause"),
            choices=CauseCategory.choices,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text=_("Optional: the kinds of cause that fit, for the analysis."),
        )
        self.fields["cause"].validators.append(validate_no_personal_data)
        self.fields["themes"].required = True
        self.fields["visibility"].initial = Visibility.PARTNERS
        self.fields["observed_on"].initial = timezone.localdate()

    def fieldsets(self):
        return [(legend, [self[name] for name in names]) for legend, names in self.FIELDSETS]

    def clean_observed_on(self):
        observed_on = self.cleaned_data.get("observed_on")
        if observed_on and observed_on > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return observed_on

    def clean(self):
        cleaned = super().clean()
        self.clean_point(cleaned)
        time_from, time_to = cleaned.get("time_from"), cleaned.get("time_to")
        if (time_from is None) != (time_to is None):
            missing = "time_to" if time_to is None else "time_from"
            self.add_error(missing, _("Give both times, or neither."))
        elif time_from is not None and time_from == time_to:
            self.add_error("time_to", _("The end time cannot be the same as the start time."))
        return cleaned

    def validate_constraints(self, exclude=None):
        """Reported next to the fields (see ``clean``)."""


class ProblemEditForm(KeepInputForVersionMixin, ProblemForm):
    """Correct a recorded problem: the same fields except who recorded it; ``version`` is the
    version the form was loaded with (optimistic locking, checked by the service)."""

    version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=0, max_value=2**31 - 1
    )

    FIELDSETS = [
        (_("What"), ["title", "description", "themes", "severity"]),
        *ProblemForm.FIELDSETS[1:],
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, organizations=[], **kwargs)
        del self.fields["organization"]
        self.fields["version"].initial = self.instance.version
        self.fields["observed_on"].initial = None

    def clean_organization(self):
        return None


class EndorseForm(PortalFormMixin, OrganizationChoiceMixin, forms.ModelForm):
    """ "We see this too", for one of ``organizations`` (see
    ``permissions.organizations_endorsing_for``), with an optional note."""

    class Meta:
        model = ProblemEndorsement
        fields = ["organization", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}
        labels = {"note": _("Note (optional)")}
        help_texts = {"note": _("What your organisation sees, for the other partners.")}
        error_messages = {
            "organization": {"invalid_choice": _("Choose one of your own organisations.")}
        }

    def __init__(self, *args, organizations, **kwargs):
        # Its own ids: the problem page shows this form beside the responsibility form.
        kwargs.setdefault("auto_id", "id_endorse_%s")
        super().__init__(*args, **kwargs)
        self.offer_organizations(organizations, _("On behalf of"))

    def validate_constraints(self, exclude=None):
        """A second endorsement is refused by the service, with the organisation named."""

    def validate_unique(self):
        """See ``validate_constraints``."""


class ResponsibilityForm(PortalFormMixin, OrganizationChoiceMixin, forms.ModelForm):
    """An organisation's commitment: lead or supporting, what it will do, by when, for one
    of ``organizations`` (see ``permissions.organizations_responsible_for``)."""

    class Meta:
        model = ProblemResponsibility
        fields = ["organization", "role", "commitment", "due_on"]
        widgets = {
            "commitment": forms.Textarea(attrs={"rows": 3}),
            "role": forms.RadioSelect,
        }
        field_classes = {"due_on": BoundedDateField}
        help_texts = {
            "role": _("One organisation leads the work on a problem; others support it."),
            "due_on": _("Optional."),
        }
        error_messages = {
            "organization": {
                "invalid_choice": _("Choose an organisation that is not yet responsible.")
            }
        }

    def __init__(self, *args, organizations, **kwargs):
        # Its own ids: the problem page shows this form beside the endorsement form.
        kwargs.setdefault("auto_id", "id_responsibility_%s")
        super().__init__(*args, **kwargs)
        self.offer_organizations(organizations, _("Organisation"))

    def clean_due_on(self):
        due_on = self.cleaned_data.get("due_on")
        if due_on and due_on < timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the past."))
        return due_on

    def validate_constraints(self, exclude=None):
        """One lead per problem and one commitment per organisation: the service says so
        with the organisation named."""

    def validate_unique(self):
        """See ``validate_constraints``."""


class StatusForm(PortalFormMixin, KeepInputForVersionMixin, forms.Form):
    """Change a problem's status to one that may follow the current one
    (``Problem.STATUS_TRANSITIONS``); resolving or dismissing needs an outcome text."""

    status = forms.ChoiceField(label=_("New status"), choices=Problem.Status.choices)
    outcome = forms.CharField(
        label=_("Outcome"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Required when resolving or dismissing: what was done, or why it is dismissed. "
            "Shown on the public page for public problems."
        ),
    )
    version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=0, max_value=2**31 - 1
    )

    def __init__(self, *args, problem: Problem, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = Problem.STATUS_TRANSITIONS.get(problem.status, set())
        self.fields["status"].choices = [c for c in Problem.Status.choices if c[0] in allowed]
        self.fields["version"].initial = problem.version

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") in Problem.CLOSED and not (cleaned.get("outcome") or "").strip():
            self.add_error("outcome", _("Say what was done, or why the problem is dismissed."))
        return cleaned


class LinkInitiativeForm(PortalFormMixin, forms.Form):
    """Link an initiative that addresses the problem (choices from
    ``selectors.initiatives_to_link``)."""

    initiative = forms.ChoiceField(label=_("Initiative"))

    def __init__(self, *args, initiatives, **kwargs):
        super().__init__(*args, **kwargs)
        self.initiatives = {str(i.public_id): i for i in initiatives}
        self.fields["initiative"].choices = [
            (key, f"{i.title} ({i.lead_organization.name})") for key, i in self.initiatives.items()
        ]

    def clean_initiative(self):
        return self.initiatives[self.cleaned_data["initiative"]]


# --- Safety walks and surveys --------------------------------------------------------------------


class WalkUploadForm(PortalFormMixin, OrganizationChoiceMixin, forms.ModelForm):
    """Upload a safety walk's or survey's findings (see ``csv_import``), for one of
    ``organizations`` (``permissions.organizations_recording_for``)."""

    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(),
        error_messages={"invalid_choice": _("Choose one of your own approved organisations.")},
    )
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("One finding per row, as in the template. At most %(rows)s rows.")
        % {"rows": csv_import.MAX_ROWS},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    class Meta:
        model = SafetyWalk
        fields = ["title", "source", "held_on", "area", "visibility"]
        field_classes = {"held_on": BoundedDateField}
        labels = {"title": _("Name of the walk or survey")}
        help_texts = {
            "title": _("E.g. “Trygghetsvandring Vårby gård centrum, hösten 2026”."),
            "area": _("Optional: the area the walk covered."),
            "visibility": _("For every finding, unless its row says otherwise."),
        }

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.offer_organizations(organizations, _("Imported for"))
        self.fields["area"].queryset = Area.objects.order_by("name")
        self.fields["held_on"].initial = timezone.localdate()

    def clean_held_on(self):
        held_on = self.cleaned_data.get("held_on")
        if held_on and held_on > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return held_on


class DigestForm(PortalFormMixin, forms.Form):
    subscribe = forms.BooleanField(
        label=_("Email me a weekly summary of problems"),
        required=False,
        help_text=_(
            "Once a week: new problems in your organisations' areas and themes, and changes "
            "to problems your organisations are responsible for."
        ),
    )
