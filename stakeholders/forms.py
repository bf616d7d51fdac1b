"""Forms for organisations, members, invitations and accounts."""

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from partnership.fields import KeepInputForVersionMixin
from partnership.forms import PortalFormMixin
from stakeholders.models import Invitation, Membership, Organization, User

# --- Applications and the coordinator's decisions -------------------------------------------


class OrganizationApplicationForm(PortalFormMixin, forms.ModelForm):
    """An organisation applies to join the partnership. Its name must be new (any case)."""

    class Meta:
        model = Organization
        fields = ["name", "kind", "description", "areas", "themes", "contact_name", "contact_email"]
        widgets = {
            "areas": forms.CheckboxSelectMultiple,
            "themes": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("contact_name", "contact_email"):
            self.fields[name].required = True
        self.fields["description"].required = True
        self.fields["contact_email"].help_text = _(
            "We send a link to this address to confirm it. If the application is approved, "
            "this person becomes the organisation's first administrator."
        )

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        taken = Organization.objects.exclude(status=Organization.Status.REJECTED)
        if taken.filter(name__iexact=name).exists():
            raise forms.ValidationError(
                _("An organisation with this name is already in the partnership or has applied.")
            )
        return name

    def clean_contact_name(self) -> str:
        return " ".join(self.cleaned_data["contact_name"].split())  # one line in the email

    def clean_contact_email(self) -> str:
        return self.cleaned_data["contact_email"].strip().lower()


class DecisionReasonForm(PortalFormMixin, forms.Form):
    """A coordinator's reason for rejecting or suspending: required, and sent or noted."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required. The applicant or the organisation's administrators can read it."),
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Give a reason."))
        return reason


class OrganizationStatusForm(PortalFormMixin, forms.Form):
    """Which organisations the coordinator lists: by status, pending first."""

    status = forms.ChoiceField(
        label=_("Status"),
        choices=Organization.Status.choices,
        required=False,
    )

    def clean_status(self) -> str:
        return self.cleaned_data["status"] or Organization.Status.PENDING


class UserSearchForm(PortalFormMixin, forms.Form):
    q = forms.CharField(label=_("Search by email or name"), max_length=200, required=False)


class CoordinatorRoleForm(PortalFormMixin, forms.Form):
    """The user whose coordinator role is granted or revoked."""

    user = forms.ModelChoiceField(queryset=User.objects.filter(is_active=True))


# --- Organisation profile, members and invitations -------------------------------------------


class OrganizationProfileForm(PortalFormMixin, KeepInputForVersionMixin, forms.ModelForm):
    """What the organisation does, where, on which themes, and how the public reaches it.

    ``version`` carries the profile version the form was loaded with (optimistic locking).
    """

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta:
        model = Organization
        fields = ["description", "areas", "themes", "website", "public_email", "public_phone"]
        widgets = {
            "areas": forms.CheckboxSelectMultiple,
            "themes": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["version"] = self.instance.version


class InvitationForm(PortalFormMixin, forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254)
    role = forms.ChoiceField(
        label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER
    )

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class _PickForm(PortalFormMixin, forms.Form):
    """Picks one object, by id, among the ``choices`` the view allows (the form never
    works them out itself). ``field`` names the picking field."""

    field = ""

    def __init__(self, *args, choices: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[self.field].queryset = choices


class InvitationChoiceForm(_PickForm):
    """Which of the organisation's unanswered invitations to resend or revoke."""

    field = "invitation"
    invitation = forms.ModelChoiceField(
        queryset=Invitation.objects.none(), widget=forms.HiddenInput
    )


class MembershipChoiceForm(_PickForm):
    """Which of the organisation's memberships to act on."""

    field = "membership"
    membership = forms.ModelChoiceField(
        queryset=Membership.objects.none(), widget=forms.HiddenInput
    )


class MembershipRoleForm(MembershipChoiceForm):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class InvitationAccountForm(PortalFormMixin, forms.Form):
    """A new account for the invited address: a name and a password (the address is the
    one invited, already proven by the link)."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords differ."))
        elif password1:
            candidate = User(
                email=self.email,
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(password1, candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


# --- My account ---------------------------------------------------------------------------------


class AccountForm(PortalFormMixin, forms.ModelForm):
    """What a user tells about themselves. Contact details are shared with partners only
    when they tick the box (off by default)."""

    class Meta:
        model = User
        fields = ["first_name", "last_name", "title", "phone", "language", "share_contact_details"]
        widgets = {"phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"})}


class AccountDeleteForm(PortalFormMixin, forms.Form):
    """Deleting an account asks for the password again."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("That is not your password."), code="password_incorrect")
        return password
