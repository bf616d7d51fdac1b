"""Setting up two-factor authentication: allauth's authenticator-app page as one calm flow.

``partnership/urls.py`` puts :func:`activate_totp` in front of allauth's view of the same name
and path. It differs from allauth's in four ways, each one a thing users tripped on:

- Someone who has just logged in is not asked for their password again. allauth (65.x)
  counts only a reauthentication as recent, never the login itself, so a coordinator sent
  here seconds after logging in had to type the password twice. Here the login counts as the
  confirmation for ``ACCOUNT_REAUTHENTICATION_TIMEOUT`` from the moment they logged in;
  later, and for every other sensitive change (deactivating, new recovery codes), allauth
  asks as before.
- The secret stays the same until the set-up ends (allauth makes a new one on every page
  load), so opening the page in a second tab does not silently break the QR code in the first.
- A wrong code says what to check instead of a bare "Incorrect code.".
- After activation the user goes on to where they were headed (``next``), with a message
  linking to their recovery codes, instead of stopping on the codes page.
- The code typed to activate the app counts as this session's second factor (recorded as
  allauth records a two-factor login), so a coordinator sent here from a coordinator page
  gets there without logging in again (``partnership.permissions``).
"""

from __future__ import annotations

import time

from allauth.account import app_settings as account_settings
from allauth.account.internal.flows.login import (
    AUTHENTICATION_METHODS_SESSION_KEY,
    get_authentication_records,
    record_authentication,
)
from allauth.account.internal.flows.reauthentication import did_recently_reauthenticate
from allauth.account.utils import get_next_redirect_url
from allauth.mfa.models import Authenticator
from allauth.mfa.totp import forms as totp_forms
from allauth.mfa.totp import views as totp_views
from allauth.mfa.totp.internal import auth as totp_auth
from allauth.mfa.utils import is_mfa_enabled
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partnership.forms import PortalFormMixin


def _count_recent_login_as_confirmation(request: HttpRequest) -> None:
    """A login less than ``ACCOUNT_REAUTHENTICATION_TIMEOUT`` ago confirms the password
    for setting up a first authenticator app.

    The session's authentication record of the login is repeated marked as a
    reauthentication, with the login's own time: allauth's checks then pass until the
    timeout after the login, never longer. Nothing is recorded for a user who already has an
    authenticator app (this page sends them on to deactivating it, which must ask).
    """
    user = request.user
    if not user.is_authenticated or did_recently_reauthenticate(request):
        return
    if is_mfa_enabled(user, [Authenticator.Type.TOTP]):
        return
    records = get_authentication_records(request, user)
    if records and time.time() - records[-1]["at"] < account_settings.REAUTHENTICATION_TIMEOUT:
        request.session[AUTHENTICATION_METHODS_SESSION_KEY] = [
            *records,
            {**records[-1], "reauthenticated": True},
        ]


class ActivateTOTPForm(PortalFormMixin, totp_forms.ActivateTOTPForm):
    """allauth's form, keeping the pending secret and explaining a wrong code."""

    wrong_code = gettext_lazy(
        "The code did not match. Check that the time on your phone is set automatically, "
        "and that the code comes from the account you added by scanning the QR code on this "
        "page, not an older one."
    )

    def __init__(self, *args, **kwargs) -> None:
        self.user = kwargs.pop("user")
        # Not allauth's __init__: it makes a new secret on every page load, which breaks the
        # QR code already scanned in another tab. The secret kept in the session is used
        # until the set-up ends (allauth removes it on activation).
        forms.Form.__init__(self, *args, **kwargs)
        self.secret = totp_auth.get_totp_secret(regenerate=False)
        self.fields["code"].widget.attrs["inputmode"] = "numeric"

    def clean_code(self) -> str:
        try:
            return super().clean_code()
        except ValidationError as error:
            if error.code != "incorrect_code":
                raise
            raise ValidationError(self.wrong_code, code="incorrect_code") from None


class ActivateTOTPView(totp_views.ActivateTOTPView):
    form_class = ActivateTOTPForm

    def dispatch(self, request, *args, **kwargs):
        _count_recent_login_as_confirmation(request)
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        authenticator = Authenticator.objects.get(
            user=self.request.user, type=Authenticator.Type.TOTP
        )
        record_authentication(
            self.request,
            self.request.user,
            "mfa",
            id=authenticator.pk,
            type=authenticator.type,
            activated=True,
        )
        return response

    def get_context_data(self, **kwargs) -> dict:
        return super().get_context_data(next_url=get_next_redirect_url(self.request), **kwargs)

    def get_success_url(self) -> str:
        next_url = get_next_redirect_url(self.request)
        if not next_url:
            return super().get_success_url()
        if self.did_generate_recovery_codes:
            messages.success(
                self.request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    _(
                        "Save your recovery codes: with one of them you can log in if you "
                        "lose your phone."
                    ),
                    reverse("mfa_view_recovery_codes"),
                    _("Show your recovery codes"),
                ),
            )
        return next_url


activate_totp = ActivateTOTPView.as_view()
