"""The delivery log's pages (``initiatives/delivery.py`` holds the rules):

- "Genomförande" (``/insatser/<slug>/genomforande/``): the last weeks' and the coming weeks'
  sessions, each with its state, one-click "Held" / "Cancelled" buttons for a session that
  has ended unmarked, and a link to the session's own form (participants, observation,
  moved to a new time). The lead also chooses there whether partner organisations mark.
- The email link (``…/genomforande/lank/<token>/``): no login; GET shows what the link will
  do and a button, POST does it. A link that is tampered with, expired, reused or for
  another initiative gets a page that says so, and changes nothing.
"""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from initiatives import delivery, permissions
from initiatives.delivery_forms import (
    LinkConfirmForm,
    PartnersMarkForm,
    QuickMarkForm,
    SessionMarkForm,
)
from initiatives.models import Initiative, SessionMark


def _page_sessions(initiative: Initiative, today: dt.date) -> tuple[list, list]:
    """(past, upcoming): sessions of the last and the coming weeks; two queries."""
    first = today - dt.timedelta(weeks=delivery.PAGE_WEEKS_BACK)
    last = today + dt.timedelta(weeks=delivery.PAGE_WEEKS_AHEAD)
    marks = list(SessionMark.objects.filter(initiative=initiative, on_date__range=(first, last)))
    sessions = delivery.sessions_between(initiative, first, last, marks=marks)
    now = timezone.now()
    past = [s for s in sessions if s.starts <= now]
    past.reverse()  # the latest first
    upcoming = [s for s in sessions if s.starts > now]
    return past, upcoming


def _render_log(request, initiative, *, form=None, status=200):
    today = timezone.localdate()
    past, upcoming = _page_sessions(initiative, today)
    may_choose = permissions.can_allow_partners_to_mark(request.user, initiative)
    return render(
        request,
        "initiatives/delivery/log.html",
        {
            "initiative": initiative,
            "past": past,
            "upcoming": upcoming,
            "form": form,
            "partners_form": PartnersMarkForm(instance=initiative) if may_choose else None,
            "record": delivery.delivery_record(initiative, today=today),
            "weeks_back": delivery.PAGE_WEEKS_BACK,
            "weeks_ahead": delivery.PAGE_WEEKS_AHEAD,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def delivery_log(request, slug):
    """The list; POST: a one-click mark (held or cancelled) of one session."""
    initiative = permissions.initiative_for_user(request, slug, "mark_sessions")
    if request.method == "GET":
        return _render_log(request, initiative)
    form = QuickMarkForm(request.POST)
    if form.is_valid():
        on_date, starts_at = form.cleaned_data["session"]
        try:
            delivery.mark_session(
                initiative=initiative,
                on_date=on_date,
                starts_at=starts_at,
                outcome=form.cleaned_data["outcome"],
                via=SessionMark.Via.PAGE,
                user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The session has been marked."))
            return redirect("initiatives:delivery", slug=initiative.slug)
    return _render_log(request, initiative, form=form, status=400)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def session_mark(request, slug, session):
    """One session's form: held, cancelled or moved, participants, a short observation."""
    initiative = permissions.initiative_for_user(request, slug, "mark_sessions")
    parsed = delivery.parse_session_key(session)
    found = delivery.find_session(initiative, *parsed) if parsed else None
    if found is None:
        raise Http404
    mark = found.mark
    initial = {}
    if mark is not None:
        initial = {
            name: getattr(mark, name)
            for name in (
                "outcome",
                "participants",
                "observation",
                "moved_on",
                "moved_starts_at",
                "moved_ends_at",
            )
        }
    form = SessionMarkForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if form.is_bound:
        if form.is_valid():
            try:
                delivery.mark_session(
                    initiative=initiative,
                    on_date=found.on_date,
                    starts_at=found.starts_at,
                    via=SessionMark.Via.PAGE,
                    user=request.user,
                    **form.cleaned_data,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The session has been marked."))
                return redirect("initiatives:delivery", slug=initiative.slug)
        status = 400
    return render(
        request,
        "initiatives/delivery/session_form.html",
        {"initiative": initiative, "session": found, "form": form},
        status=status,
    )


@login_required
@require_POST
def partners_mark(request, slug):
    """The lead's choice whether partner organisations' members mark sessions."""
    initiative = permissions.initiative_for_user(request, slug, "allow_partners_to_mark")
    form = PartnersMarkForm(request.POST, instance=initiative)
    if form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
    return redirect("initiatives:delivery", slug=initiative.slug)


# --- The weekly email's links ---------------------------------------------------------------------

_PROBLEM_STATUS = {"tampered": 400, "other": 400, "expired": 410, "gone": 410, "used": 409}


def _link_initiative(slug: str) -> Initiative | None:
    return (
        Initiative.objects.filter(slug=slug)
        .select_related("lead_organization")
        .prefetch_related(Prefetch("slots"))
        .first()
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def session_link(request, slug, token):
    """A session link from the weekly email (no login: the signed token is the permission).
    GET shows what it will do and a button; POST does it, once."""
    initiative = _link_initiative(slug)
    try:
        action = delivery.read_session_link(token, initiative)
    except delivery.LinkProblem as problem:
        return render(
            request,
            "initiatives/delivery/link_problem.html",
            {"initiative": initiative, "problem": problem.kind, "mark": problem.mark},
            status=_PROBLEM_STATUS[problem.kind],
        )
    form = LinkConfirmForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_bound:
        if form.is_valid():
            try:
                mark, changed = delivery.mark_session(
                    initiative=initiative,
                    on_date=action.session.on_date,
                    starts_at=action.session.starts_at,
                    outcome=action.outcome,
                    via=SessionMark.Via.EMAIL,
                    participants=form.cleaned_data["participants"],
                    only_if_unmarked=True,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return render(
                    request,
                    "initiatives/delivery/link_problem.html"
                    if not changed
                    else "initiatives/delivery/link_done.html",
                    {"initiative": initiative, "problem": "used", "mark": mark},
                    status=200 if changed else 409,
                )
        status = 400
    return render(
        request,
        "initiatives/delivery/link_confirm.html",
        {
            "initiative": initiative,
            "session": action.session,
            "outcome": action.outcome,
            "form": form,
        },
        status=status,
    )
