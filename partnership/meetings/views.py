"""The meeting pages under /samordning/moten/ (``meetings:``). Partners of invited
organisations read (``login_required`` and ``permissions.meeting_for_user``); every write is
a coordinator's (``coordinator_required``, two-factor) through one service."""

from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from partnership.meetings import forms, invitations, permissions, selectors, services
from partnership.meetings.models import AgendaItem, Decision
from partnership.pdf import pdf_response
from partnership.permissions import acting_organizations, coordinator_required, is_coordinator

MEETINGS_PAGE_SIZE = 30


def _status(form) -> int:
    """A submitted form shown again has errors: 400."""
    return 400 if form.is_bound else 200


def _refused(form, error: ValidationError) -> None:
    """A service's refusal next to the field it names, else above the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
@require_safe
def meeting_list(request):
    """Meetings the user may see, newest first; coordinators also see the open decisions."""
    page = Paginator(selectors.meetings_for(user=request.user), MEETINGS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    if not page.paginator.count and not is_coordinator(request.user):
        raise Http404  # a resident or a partner never invited: nothing to know about
    context = {"page": page, "now": timezone.now()}
    if is_coordinator(request.user):
        context["open_decisions"] = selectors.open_decisions()[:50]
    return render(request, "meetings/meeting_list.html", context)


@login_required
@require_safe
def meeting_history(request):
    """Meetings held, of a kind and in a year, each with its minutes and its decisions as
    they stand now (done or open), the decisions carried over to it, and its PDF."""
    if not is_coordinator(request.user) and not selectors.meetings_for(user=request.user).exists():
        raise Http404  # as the list: a partner never invited learns nothing
    form = forms.HistoryFilterForm(
        request.GET or None, years=selectors.history_years(user=request.user)
    )
    meetings = selectors.meeting_history(user=request.user, **form.filters())
    page = Paginator(meetings, selectors.HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page}
    status = 400 if form.errors else 200
    return render(request, "meetings/meeting_history.html", context, status=status)


@coordinator_required
@require_http_methods(["GET", "HEAD", "POST"])
def meeting_create(request):
    """A new meeting; its agenda is drawn from the dashboard as it is now."""
    form = forms.MeetingForm(request.POST or None, organizations=acting_organizations(request.user))
    if form.is_valid():
        try:
            meeting = services.meeting_create(data=form.meeting_data(), actor=request.user)
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, _("The meeting is created and the invitations are sent."))
            return redirect("meetings:detail", meeting.public_id)
    return render(request, "meetings/meeting_form.html", {"form": form}, status=_status(form))


@coordinator_required
@require_http_methods(["GET", "HEAD", "POST"])
def meeting_edit(request, public_id):
    """When, where and who: everyone invited gets the updated invitation."""
    meeting = permissions.meeting_for_user(request, public_id, "edit")
    form = forms.MeetingForm(
        request.POST or None, organizations=acting_organizations(request.user), meeting=meeting
    )
    if form.is_valid():
        try:
            services.meeting_update(meeting=meeting, data=form.meeting_data(), actor=request.user)
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, _("The meeting is changed and the invitations are updated."))
            return redirect("meetings:detail", meeting.public_id)
    context = {"form": form, "meeting": meeting}
    return render(request, "meetings/meeting_form.html", context, status=_status(form))


def _render_detail(request, meeting, *, item_form=None, status=200):
    editable = permissions.can_edit_meeting(request.user, meeting)
    items = list(meeting.items.all())
    taken = Counter(item.source for item in items)
    more = [
        (AgendaItem.Source(source).label, total)
        for source, total in meeting.agenda_totals.items()
        if source in AgendaItem.Source.values and total > taken[source]
    ]
    context = {
        "meeting": meeting,
        "items": items,
        "more": more if is_coordinator(request.user) else [],
        "can_edit": editable,
        "can_approve": permissions.can_approve_minutes(request.user, meeting),
        "item_form": item_form or (forms.AgendaItemForm() if editable else None),
        "look_back_days": selectors.MAX_LOOK_BACK_DAYS,
    }
    return render(request, "meetings/meeting_detail.html", context, status=status)


@login_required
@require_safe
def meeting_detail(request, public_id):
    """The meeting: when and where, the agenda with its minutes and decisions."""
    return _render_detail(request, permissions.meeting_for_user(request, public_id))


@coordinator_required
@require_POST
def agenda_item_add(request, public_id):
    meeting = permissions.meeting_for_user(request, public_id, "edit")
    form = forms.AgendaItemForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, meeting, item_form=form, status=400)
    services.agenda_item_add(meeting=meeting, actor=request.user, **form.cleaned_data)
    messages.success(request, _("The item is added at the end of the agenda."))
    return redirect("meetings:detail", meeting.public_id)


@coordinator_required
@require_POST
def agenda_refresh(request, public_id):
    """Add what the dashboard gives now and the agenda lacks."""
    meeting = permissions.meeting_for_user(request, public_id, "edit")
    added = services.agenda_refresh(meeting=meeting, actor=request.user)
    messages.success(
        request,
        ngettext(
            "%(count)d item from the dashboard is added at the end.",
            "%(count)d items from the dashboard are added at the end.",
            added,
        )
        % {"count": added},
    )
    return redirect(f"{meeting.get_absolute_url()}#agenda")


@coordinator_required
@require_POST
def agenda_item_change(request, public_id, item_id, action):
    """Move an item up or down, or remove it."""
    if action not in ("up", "down", "remove"):
        raise Http404
    item = permissions.item_for_user(request, public_id, item_id)
    try:
        if action == "remove":
            services.agenda_item_remove(item=item, actor=request.user)
            messages.success(request, _("The item is removed from the agenda."))
        else:
            services.agenda_item_move(item=item, up=action == "up", actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(f"{item.meeting.get_absolute_url()}#agenda")


@coordinator_required
@require_http_methods(["GET", "HEAD", "POST"])
def minutes_edit(request, public_id):
    """Who was present and the minutes of every item, in one form."""
    meeting = permissions.meeting_for_user(request, public_id, "edit")
    form = forms.MinutesForm(request.POST or None, meeting=meeting)
    if form.is_valid():
        services.minutes_save(
            meeting=meeting,
            attendance=form.cleaned_data["attendance"],
            minutes=form.minutes(),
            actor=request.user,
        )
        messages.success(request, _("The minutes are saved."))
        return redirect("meetings:detail", meeting.public_id)
    context = {"form": form, "meeting": meeting}
    return render(request, "meetings/minutes_form.html", context, status=_status(form))


@coordinator_required
@require_http_methods(["GET", "HEAD", "POST"])
def decision_create(request, public_id, item_id, kind):
    """Record a decision of one kind on an item: a task, a responsibility on the item's
    problem, a decision on the item's pair, a new problem."""
    form_class = forms.DECISION_FORMS.get(kind)
    item = permissions.item_for_user(request, public_id, item_id)
    if form_class is None or (kind == "responsibility" and item.problem is None):
        raise Http404
    if kind == "overlap" and not item.is_pair:
        raise Http404
    form = form_class(
        request.POST or None,
        meeting=item.meeting,
        organizations=acting_organizations(request.user),
    )
    if form.is_valid():
        try:
            services.decision_record(
                item=item, kind=kind, data=form.cleaned_data, actor=request.user
            )
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, _("The decision is recorded."))
            return redirect(f"{item.meeting.get_absolute_url()}#item-{item.pk}")
    context = {"form": form, "item": item, "meeting": item.meeting, "kind": kind}
    context["kind_label"] = Decision.Kind(kind).label
    return render(request, "meetings/decision_form.html", context, status=_status(form))


@coordinator_required
@require_POST
def decision_done(request, decision_id):
    """Mark a task or responsibility done; back to where the coordinator was."""
    decision = permissions.decision_for_user(request, decision_id)
    services.decision_done(decision=decision, actor=request.user)
    messages.success(request, _("The decision is marked as done."))
    back = request.POST.get("next", "")
    if back.startswith("/") and not back.startswith("//"):
        return redirect(back)
    return redirect("meetings:detail", decision.meeting.public_id)


@coordinator_required
@require_POST
def minutes_approve(request, public_id):
    """Approve the minutes: they are locked from now on."""
    meeting = permissions.meeting_for_user(request, public_id, "approve")
    services.minutes_approve(meeting=meeting, actor=request.user)
    messages.success(request, _("The minutes are approved and can no longer be changed."))
    return redirect("meetings:detail", meeting.public_id)


@login_required
@require_safe
def minutes_pdf(request, public_id):
    """The minutes (or, before the meeting, the agenda) as a PDF."""
    meeting = permissions.meeting_for_user(request, public_id)
    held_on = timezone.localdate(meeting.starts_at)
    return pdf_response(
        request,
        "meetings/minutes_pdf.html",
        {"meeting": meeting, "items": list(meeting.items.all())},
        subtitle=f"{meeting.get_kind_display()} {held_on.isoformat()}",
        filename=f"protokoll-{held_on.isoformat()}.pdf",
    )


@login_required
@require_safe
def meeting_ics(request, public_id):
    """The meeting as a calendar invitation."""
    meeting = permissions.meeting_for_user(request, public_id)
    response = HttpResponse(invitations.meeting_ics(meeting), content_type=invitations.CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="meeting.ics"'
    return response
