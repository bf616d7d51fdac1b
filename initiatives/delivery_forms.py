"""The delivery log's forms (``initiatives/delivery_views.py``): marking one session, the
one-click buttons of the list, confirming an email link, and the lead's choice to let partner
organisations mark."""

import datetime as dt

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from initiatives.delivery import parse_session_key
from initiatives.models import Initiative, SessionMark
from partnership.forms import PortalFormMixin
from partnership.personal_data import find_personal_data

MAX_PARTICIPANTS = 10000


def _observation_field() -> forms.CharField:
    return forms.CharField(
        label=_("Short observation"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "At most 300 characters. What was it like? Describe places and what happened, "
            "never people: no names, personal identity numbers, phone numbers or addresses."
        ),
    )


def _participants_field() -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Participants"),
        required=False,
        min_value=0,
        validators=[MaxValueValidator(MAX_PARTICIPANTS)],
        help_text=_("Optional: about how many took part."),
    )


def _check_observation(text: str) -> str:
    """Free text about a session is checked for personal data (places, not people); a NUL is
    refused by Django's CharField before this runs."""
    reasons = find_personal_data(text)
    if reasons:
        raise forms.ValidationError([forms.ValidationError(str(reason)) for reason in reasons])
    return text


class SessionMarkForm(PortalFormMixin, forms.Form):
    """What happened at one session."""

    outcome = forms.ChoiceField(
        label=_("What happened?"),
        choices=SessionMark.Outcome.choices,
        widget=forms.RadioSelect,
    )
    participants = _participants_field()
    observation = _observation_field()
    moved_on = forms.DateField(
        label=_("New date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Only if it was moved."),
    )
    moved_starts_at = forms.TimeField(
        label=_("New start"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    moved_ends_at = forms.TimeField(
        label=_("New end"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text=_("An end at or before the start is on the next day."),
    )

    def clean_observation(self):
        return _check_observation(self.cleaned_data.get("observation", ""))

    def clean(self):
        data = super().clean()
        if data.get("outcome") == SessionMark.Outcome.MOVED:
            for name in ("moved_on", "moved_starts_at", "moved_ends_at"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, _("Give the new date and time of a moved session."))
            starts, ends = data.get("moved_starts_at"), data.get("moved_ends_at")
            if starts and ends and starts == ends:
                self.add_error("moved_ends_at", _("The end must differ from the start."))
        return data


class QuickMarkForm(PortalFormMixin, forms.Form):
    """The list's one-click buttons: a session (its key) and held or cancelled."""

    session = forms.CharField(widget=forms.HiddenInput, max_length=20)
    outcome = forms.ChoiceField(
        widget=forms.HiddenInput,
        choices=[
            (SessionMark.Outcome.HELD, _("Held")),
            (SessionMark.Outcome.CANCELLED, pgettext_lazy("session", "Cancelled")),
        ],
    )

    def clean_session(self) -> tuple[dt.date, dt.time]:
        parsed = parse_session_key(self.cleaned_data["session"])
        if parsed is None:
            raise forms.ValidationError(_("That is not a session of this initiative."))
        return parsed


class LinkConfirmForm(PortalFormMixin, forms.Form):
    """The email link's confirmation: one button, the number of participants optional."""

    participants = _participants_field()


class PartnersMarkForm(PortalFormMixin, forms.ModelForm):
    """The lead's choice: may the partner organisations' members mark sessions?"""

    class Meta:
        model = Initiative
        fields = ["partners_mark_sessions"]
        labels = {
            "partners_mark_sessions": _("The partner organisations' members may mark sessions too")
        }
