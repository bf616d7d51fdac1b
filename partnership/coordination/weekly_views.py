"""The weekly lägesbild's pages (``lagesbild:``, under /lagesbild/, /en/situation/): any
week's summary (``weekly.weekly_summary``) and the opt-in to its Monday email. Partners
only — members of an approved organisation and coordinators, not only coordinators;
residents and anonymous visitors get 404, as on every observation page."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_safe

from partnership.coordination import weekly
from partnership.forms import PortalFormMixin
from partnership.observations.models import WeeklySummarySubscription
from partnership.permissions import is_coordinator


class WeekForm(PortalFormMixin, forms.Form):
    """The week picker: an ISO week (``2026-W47``), not after the current one."""

    week = forms.CharField(
        label=_("Week"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"placeholder": "2026-W47", "autocomplete": "off"}),
        help_text=_("Year and week number, e.g. 2026-W47."),
    )

    def clean_week(self):
        value = (self.cleaned_data.get("week") or "").strip()
        if not value:
            return None
        week = weekly.parse_week(value)
        if week is None:
            raise ValidationError(
                _("Enter a week as year and week number, e.g. 2026-W47 (years 1900–2100).")
            )
        if week.monday > timezone.localdate():
            raise ValidationError(_("That week has not begun yet."))
        return week


class SubscribeForm(PortalFormMixin, forms.Form):
    subscribe = forms.BooleanField(
        label=_("Email me the lägesbild every Monday"),
        required=False,
        help_text=_(
            "Once a week, on Monday: last week's observations against the 4-week average, "
            "new problems, sessions cancelled and time gaps, with a link to this page."
        ),
    )


@require_safe
def week_page(request):
    """One week's lägesbild; by default last week. A bad week is an error next to the
    picker, and last week is shown."""
    if not weekly.can_subscribe(request.user):
        raise Http404
    today = timezone.localdate()
    week = weekly.week_before(today)
    form = WeekForm(request.GET if "week" in request.GET else None, initial={"week": week.key})
    if form.is_bound and form.is_valid() and form.cleaned_data["week"]:
        week = form.cleaned_data["week"]
    summary = weekly.weekly_summary(week)
    context = {
        "form": form,
        "summary": summary,
        "week": week,
        "previous": week.previous,
        "next": week.next if week.next.monday <= today else None,
        "is_coordinator": is_coordinator(request.user),
        "subscribed": WeeklySummarySubscription.objects.filter(user=request.user).exists(),
        "average_weeks": weekly.AVERAGE_WEEKS,
    }
    return render(request, "lagesbild/week.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def email_settings(request):
    """Opt in to or out of the Monday email (a partner who left every organisation may
    still opt out)."""
    user = request.user
    if not user.is_authenticated:
        raise Http404
    subscribed = WeeklySummarySubscription.objects.filter(user=user).exists()
    allowed = weekly.can_subscribe(user)
    if not (allowed or subscribed):
        raise Http404
    form = SubscribeForm(
        request.POST if request.method == "POST" else None, initial={"subscribe": subscribed}
    )
    if form.is_bound and form.is_valid():
        try:
            now = weekly.subscribe(user=user, subscribe=form.cleaned_data["subscribe"])
        except ValidationError as error:
            form.add_error("subscribe", error)
        else:
            messages.success(
                request,
                _("You will get the lägesbild every Monday.")
                if now
                else _("You will not get the lägesbild by email."),
            )
            return redirect("lagesbild:email")
    return render(
        request,
        "lagesbild/email.html",
        {"form": form, "subscribed": subscribed},
        status=400 if form.is_bound else 200,
    )
