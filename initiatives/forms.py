"""Forms for initiative pages."""

from django import forms
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from initiatives import selectors
from initiatives.models import Initiative, InitiativeUpdate, JoinRequest, ScheduleSlot
from partnership.fields import (
    BoundedDateField,
    CoordinateField,
    KeepInputForVersionMixin,
    OrganizationChoiceMixin,
    PointFormMixin,
)
from partnership.forms import PortalFormMixin
from partnership.models import Visibility

# --- Finding initiatives ------------------------------------------------------------------------


# --- Maintaining initiatives ---------------------------------------------------------------------
FUTURE_DATE = _("The date cannot be in the future. Post the update once it has happened.")


class InitiativeUpdateForm(PortalFormMixin, OrganizationChoiceMixin, forms.ModelForm):
    """A dated progress update, optionally changing the initiative's status. ``organizations``
    are those the user may post for (see ``permissions.organizations_posting_for``)."""

    class Meta:
        model = InitiativeUpdate
        fields = ["organization", "happened_on", "text", "new_status", "visibility"]
        widgets = {"text": forms.Textarea(attrs={"rows": 5})}
        field_classes = {"happened_on": BoundedDateField}

    def __init__(self, *args, initiative: Initiative, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.initiative = initiative
        self.offer_organizations(organizations)
        self.fields["happened_on"].initial = timezone.localdate()
        self.fields["new_status"].required = False
        self.fields["new_status"].choices = [
            ("", _("Unchanged (%(status)s)") % {"status": initiative.get_status_display()}),
            *Initiative.Status.choices,
        ]
        self.fields["new_status"].label = _("Change the status to")
        if initiative.visibility == Visibility.PARTNERS:
            self.fields["visibility"].choices = [
                c for c in Visibility.choices if c[0] == Visibility.PARTNERS
            ]
            self.fields["visibility"].initial = Visibility.PARTNERS
            self.fields["visibility"].help_text = _(
                "The initiative is for partners only, so its updates are too."
            )

    def clean_happened_on(self):
        happened_on = self.cleaned_data["happened_on"]
        if happened_on and happened_on > timezone.localdate():
            raise forms.ValidationError(FUTURE_DATE)
        return happened_on


# --- Asking to join as a partner organisation ----------------------------------------------------


class JoinRequestForm(PortalFormMixin, OrganizationChoiceMixin, forms.ModelForm):
    """Ask to join for one of ``organizations`` (see
    ``permissions.organizations_requesting_to_join``)."""

    class Meta:
        model = JoinRequest
        fields = ["organization", "message"]
        widgets = {"message": forms.Textarea(attrs={"rows": 4})}
        error_messages = {
            "organization": {
                "invalid_choice": _("Choose one of your organisations that is not yet a partner.")
            }
        }

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.offer_organizations(organizations, _("Ask on behalf of"))

    def validate_constraints(self, exclude=None):
        """A second waiting request is reported by the service, with the organisation named."""


class JoinRequestDecisionForm(PortalFormMixin, forms.Form):
    """Accept or decline a request to join; the button pressed is the decision."""

    decision = forms.ChoiceField(
        choices=[("accept", _("Accept")), ("decline", _("Decline"))],
        error_messages={"required": _("Choose to accept or decline the request.")},
    )
    answer = forms.CharField(
        label=_("Answer to the organisation (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# --- Registering and editing ---------------------------------------------------------------------

# Rows shown of a list box (partner organisations, problems): it scrolls within.
LONG_LIST_ROWS = 5


def picker_attrs(url_name: str, min_chars: int = 1) -> dict:
    """A long list box that static/js/combobox.js turns into a searchable picker asking
    ``url_name`` (a JSON search endpoint) from ``min_chars`` characters."""
    return {
        "size": LONG_LIST_ROWS,
        "data-combobox": reverse_lazy(url_name),
        "data-combobox-min": min_chars,
    }


# The largest target number (sessions by the end date): more than one a day for 25 years.
GOAL_TARGET_MAX = 10_000


class InitiativeForm(PortalFormMixin, KeepInputForVersionMixin, PointFormMixin, forms.ModelForm):
    """Register or edit an initiative. The lead organisation is one of the user's approved
    organisations (coordinators: any approved one); partner organisations are approved
    organisations other than the lead; problems are those the user may see. ``version`` is
    the version the form was loaded with (optimistic locking, checked by the service)."""

    latitude = CoordinateField(
        label=_("Latitude"), help_text=_("Optional, in decimal degrees, e.g. 59.2712.")
    )
    longitude = CoordinateField(
        label=_("Longitude"), help_text=_("Optional, in decimal degrees, e.g. 17.8893.")
    )
    version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=0, max_value=2**31 - 1
    )
    # The relation is ``Problem.initiatives`` (the problems app's), so it is declared here.
    problems = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        label=capfirst(_("problems addressed")),
        widget=forms.SelectMultiple(
            attrs=picker_attrs("initiatives:problem_picker", selectors.PROBLEM_SEARCH_MIN)
        ),
    )

    # Fieldsets for the template: (key, legend, field names). The few things that matter
    # first (issue 13): what, which themes, where, when — what the "someone already does
    # this" lookup reads, so its answer shows right below them — then the rest.
    FIELDSETS = [
        ("what", _("What"), ["title", "summary", "themes"]),
        # The address and the point (latitude, longitude, the map) are optional: the
        # template folds them.
        ("where", _("Where"), ["areas"]),
        # The operational goal (the åtgärdsplan's column) is measured over the period.
        ("when", _("When"), ["starts_on", "ends_on", "operational_goal", "goal_target"]),
        ("who", _("Who"), ["lead_organization", "partner_organizations"]),
        ("more", _("More about the initiative"), ["description", "target_groups", "problems"]),
        ("status", _("Status and visibility"), ["status", "visibility"]),
        ("contact", _("Contact"), ["contact_email", "contact_phone"]),
    ]

    class Meta:
        model = Initiative
        fields = [
            "title",
            "summary",
            "description",
            "lead_organization",
            "partner_organizations",
            "starts_on",
            "ends_on",
            "areas",
            "address",
            "latitude",
            "longitude",
            "themes",
            "target_groups",
            "status",
            "visibility",
            "contact_email",
            "contact_phone",
            "operational_goal",
            "goal_target",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            # Lists that grow with the partnership: a list box, not a page of checkboxes.
            "partner_organizations": forms.SelectMultiple(
                attrs=picker_attrs("initiatives:organization_picker")
            ),
            "areas": forms.CheckboxSelectMultiple,
            "themes": forms.CheckboxSelectMultiple,
            "target_groups": forms.CheckboxSelectMultiple,
        }
        field_classes = {"starts_on": BoundedDateField, "ends_on": BoundedDateField}
        help_texts = {
            "summary": _("One or two sentences, shown in lists and on the map."),
            "partner_organizations": _("Other organisations taking part. They are told by email."),
            "ends_on": _("Leave empty if the initiative is ongoing."),
            "operational_goal": _(
                "Optional: a measurable commitment, e.g. “at least 100 evenings” or “every "
                "light in the underpass replaced”. The action plan shows it."
            ),
            "goal_target": _(
                "Optional: where the goal is a number of sessions, how many by the end date. "
                "The action plan compares the sessions held (the delivery log) with it."
            ),
        }
        error_messages = {
            "lead_organization": {
                "invalid_choice": _("Choose one of your own approved organisations."),
            },
            "partner_organizations": {
                "invalid_choice": _("%(value)s is not an approved partner organisation."),
                "invalid_pk_value": _("%(pk)s is not an approved partner organisation."),
            },
        }

    def __init__(
        self,
        *args,
        lead_organizations,
        partner_organizations,
        problems,
        problem_options=None,
        **kwargs,
    ):
        """The choices come from ``selectors.initiative_form_choices``: who may lead, who may
        take part, which problems the user may link (``problems``) and which of them the list
        box shows (``problem_options``; the picker's search finds the others)."""
        super().__init__(*args, **kwargs)
        self.fields["lead_organization"].queryset = lead_organizations
        self.fields["lead_organization"].empty_label = None
        goal_target = self.fields["goal_target"]
        self.fields["goal_target"] = forms.IntegerField(
            label=goal_target.label,
            help_text=goal_target.help_text,
            required=False,
            min_value=1,
            max_value=GOAL_TARGET_MAX,
            error_messages={
                "min_value": _("Give a whole number of at least 1, or leave it empty."),
                "max_value": _("Give a whole number of at most %(limit_value)s."),
                "invalid": _("Give a whole number, e.g. 100, or leave it empty."),
            },
        )
        self.fields["partner_organizations"].queryset = partner_organizations
        self.fields["problems"].queryset = problems
        self.fields["problems"].help_text = _(
            "Open problems the partners have recorded (the newest %(count)s). Not listed? Link "
            "the initiative from the problem's page."
        ) % {"count": selectors.PROBLEM_CHOICES}
        if problem_options is not None:
            # The list box shows the newest and those sent (found by the picker's search).
            sent = self.data.getlist("problems") if hasattr(self.data, "getlist") else []
            ids = [int(c) for c in sent if c.isdigit() and len(c) < 10]
            shown = problem_options | problems.filter(pk__in=ids)
            self.fields["problems"].widget.choices = [(p.pk, str(p)) for p in shown.distinct()]
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            # A reverse relation (``Problem.initiatives``): not a model field of the form.
            self.initial.setdefault("problems", [p.pk for p in self.instance.problems.all()])
        elif len(lead_organizations) == 1:
            self.fields["lead_organization"].initial = lead_organizations[0].pk

    def fieldsets(self):
        return [
            (key, legend, [self[name] for name in names]) for key, legend, names in self.FIELDSETS
        ]

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The end date cannot be before the start date."))
        self.clean_point(cleaned)
        self._clean_goal(cleaned)
        lead, partners = cleaned.get("lead_organization"), cleaned.get("partner_organizations")
        if lead is not None and partners and lead in partners:
            self.add_error(
                "partner_organizations",
                _("The lead organisation cannot also be a partner organisation."),
            )
        return cleaned

    def _clean_goal(self, cleaned):
        """A target number needs the goal in words, and an end date to be reached by."""
        target = cleaned.get("goal_target")
        if target is None:
            return
        if not (cleaned.get("operational_goal") or "").strip() and not self.has_error(
            "operational_goal"
        ):
            self.add_error(
                "operational_goal",
                _("Say in words what the target number counts, e.g. “at least 100 evenings”."),
            )
        if not cleaned.get("ends_on") and not self.has_error("ends_on"):
            self.add_error(
                "goal_target",
                _(
                    "A target number is reached by the end date: give the initiative an end "
                    "date, or leave the number empty."
                ),
            )

    def validate_constraints(self, exclude=None):
        """The form reports these checks next to their fields (see ``clean``)."""


class PickerQueryForm(PortalFormMixin, forms.Form):
    """What a searchable picker sends (``?q=``): up to 100 characters; a NUL character is
    refused (Django's ``CharField``), so is anything longer."""

    q = forms.CharField(required=False, max_length=100, strip=True)


class IdsField(forms.Field):
    """A list of database ids from a query string (``?areas=3&areas=7``): positive integers,
    at most ``max_count`` of them. Unknown ids simply match nothing."""

    widget = forms.MultipleHiddenInput

    def __init__(self, *, max_count=100, **kwargs):
        kwargs.setdefault("required", False)
        self.max_count = max_count
        super().__init__(**kwargs)

    def to_python(self, value):
        values = value if isinstance(value, list | tuple) else [value] if value else []
        if len(values) > self.max_count:
            raise forms.ValidationError(_("Too many values."), code="too_many")
        try:
            ids = [int(v) for v in values if str(v).strip()]
        except (TypeError, ValueError):
            raise forms.ValidationError(_("Not a valid choice."), code="invalid") from None
        if any(not 0 < i < 2**31 for i in ids):
            raise forms.ValidationError(_("Not a valid choice."), code="invalid")
        return ids


class SimilarQueryForm(PortalFormMixin, forms.Form):
    """What the "someone already does this" lookup reads from the register form, with the
    register form's own field names (so the page's script sends the fields as they are)."""

    title = forms.CharField(required=False, max_length=200)
    summary = forms.CharField(required=False, max_length=300)
    areas = IdsField()
    themes = IdsField()
    target_groups = IdsField()
    starts_on = BoundedDateField(required=False)
    ends_on = BoundedDateField(required=False)

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            cleaned["ends_on"] = None  # a half-typed period: look from the start on
        return cleaned

    def lookup(self) -> dict:
        """The cleaned input as keyword arguments of ``similar_initiatives``."""
        data = self.cleaned_data
        return {
            "title": data["title"],
            "summary": data["summary"],
            "area_ids": data["areas"],
            "theme_ids": data["themes"],
            "target_group_ids": data["target_groups"],
            "starts_on": data["starts_on"],
            "ends_on": data["ends_on"],
        }

    @classmethod
    def from_register_form(cls, cleaned: dict) -> dict:
        """The same keyword arguments from a valid ``InitiativeForm``'s cleaned data."""
        return {
            "title": cleaned["title"],
            "summary": cleaned.get("summary") or "",
            "area_ids": [a.pk for a in cleaned.get("areas") or []],
            "theme_ids": [t.pk for t in cleaned.get("themes") or []],
            "target_group_ids": [g.pk for g in cleaned.get("target_groups") or []],
            "starts_on": cleaned.get("starts_on"),
            "ends_on": cleaned.get("ends_on"),
        }


class ScheduleSlotForm(PortalFormMixin, forms.ModelForm):
    class Meta:
        model = ScheduleSlot
        fields = ["weekday", "starts_at", "ends_at"]
        widgets = {
            "starts_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "ends_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def clean(self):
        """An end before the start is on the next day (``ScheduleSlot``): only the same
        time for both is refused."""
        cleaned = super().clean()
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts_at and ends_at and ends_at == starts_at:
            self.add_error(
                "ends_at",
                _("The end time must differ from the start time. A slot lasts less than 24 hours."),
            )
        return cleaned

    def validate_constraints(self, exclude=None):
        """Reported next to the field (``clean``); duplicates by the formset; the service
        replaces the slots, so existing rows must not count as clashes."""


ScheduleSlotFormSet = forms.inlineformset_factory(
    Initiative,
    ScheduleSlot,
    form=ScheduleSlotForm,
    fields=["weekday", "starts_at", "ends_at"],
    extra=2,
    can_delete=True,
    max_num=14,
    validate_max=True,
)
