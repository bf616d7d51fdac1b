"""Forms for initiative pages."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from initiatives.models import Initiative, InitiativeUpdate
from partnership.models import Visibility

# --- Finding initiatives ------------------------------------------------------------------------


# --- Maintaining initiatives ---------------------------------------------------------------------
FUTURE_DATE = _("The date cannot be in the future. Post the update once it has happened.")


class InitiativeUpdateForm(forms.ModelForm):
    """A dated progress update, optionally changing the initiative's status. ``organizations``
    are those the user may post for (see ``permissions.organizations_posting_for``)."""

    class Meta:
        model = InitiativeUpdate
        fields = ["organization", "happened_on", "text", "new_status", "visibility"]
        widgets = {
            "happened_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "text": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, initiative: Initiative, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.initiative = initiative
        organization = self.fields["organization"]
        organization.queryset = organization.queryset.filter(pk__in=[o.pk for o in organizations])
        organization.empty_label = None
        if len(organizations) == 1:
            organization.initial = organizations[0].pk
            organization.widget = forms.HiddenInput()
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
