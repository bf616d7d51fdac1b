"""Publishing the lägesbild's aggregates to residents (``publication.py``): the coordinator's
pages under the dashboard (choose, preview, publish, withdraw, publish again) and the
residents' pages (the list of publications and one page each). Coordinators with the second
factor only, for every write and for drafts; residents see published ones, a withdrawn or
draft one is a 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from partnership.coordination import publication
from partnership.coordination.forms import ScopeForm
from partnership.coordination.models import PublishedSituation
from partnership.coordination.publication_forms import (
    PublicationForm,
    initial_from_choices,
    initial_from_scope,
)
from partnership.history import history_page
from partnership.permissions import coordinator_required

PAGE_SIZE = 25
HIDDEN_IN_HISTORY = {"id", "public_id", "choices", "data", "created_at", "updated_at"}


def _situation(public_id) -> PublishedSituation:
    return get_object_or_404(PublishedSituation.objects.select_related("area"), public_id=public_id)


@coordinator_required
@require_safe
def publications(request):
    """Every publication, drafts and withdrawn ones included, newest first."""
    page = Paginator(
        PublishedSituation.objects.select_related("area").order_by("-created_at", "-pk"),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    return render(request, "dashboard/publication/list.html", {"page": page})


@coordinator_required
@require_http_methods(["GET", "HEAD", "POST"])
def publication_new(request, public_id=None):
    """Choose what goes public (from the report's filters, or a draft's choices); a valid
    choice becomes a draft, whose page is the preview."""
    draft = _situation(public_id) if public_id else None
    if draft is not None and draft.published_at is not None:
        raise Http404  # a publication's numbers never change: make a new one
    if draft is not None:
        initial = initial_from_choices(draft.choices, draft.text)
    else:
        scope_form = ScopeForm(request.GET or None, default_year=True)
        scope_form.is_valid()
        initial = initial_from_scope(scope_form.scope())
    form = PublicationForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_bound and form.is_valid():
        draft = publication.situation_draft(
            choices=form.choices(), text=form.cleaned_data["text"], actor=request.user, draft=draft
        )
        return redirect("coordinator:dashboard:publication", draft.public_id)
    context = {"form": form, "draft": draft, "small_below": publication.SMALL_BELOW}
    status = 400 if form.is_bound else 200
    return render(request, "dashboard/publication/form.html", context, status=status)


@coordinator_required
@require_safe
def publication_detail(request, public_id):
    """A publication as residents see (or would see) it, its state, what may be done with it
    and its history."""
    situation = _situation(public_id)
    history = history_page(
        obj=situation,
        tracked=[PublishedSituation],
        hidden=HIDDEN_IN_HISTORY,
        reader=request.user,
        page_number=request.GET.get("page"),
    )
    context = {
        "situation": situation,
        "view": publication.view(situation.data),
        "history": history,
        "small_below": publication.SMALL_BELOW,
    }
    return render(request, "dashboard/publication/detail.html", context)


ACTIONS = {
    "publish": publication.situation_publish,
    "withdraw": publication.situation_withdraw,
    "republish": publication.situation_republish,
    "discard": publication.situation_discard,
}


@coordinator_required
@require_POST
def publication_action(request, public_id, action):
    """Publish a draft, withdraw a publication, publish it again, or discard a draft."""
    if action not in ACTIONS:
        raise Http404
    situation = _situation(public_id)
    try:
        done = ACTIONS[action](situation=situation, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("coordinator:dashboard:publication", situation.public_id)
    if action == "discard":
        messages.success(request, _("The draft was discarded."))
        return redirect("coordinator:dashboard:publications")
    if action == "publish" and not done:
        messages.warning(
            request,
            _(
                "The numbers changed since your preview (new or changed observations). "
                "Check the preview below and publish again."
            ),
        )
    else:
        messages.success(
            request,
            {
                "publish": _("Published: residents see it now."),
                "withdraw": _("Withdrawn: residents no longer see it."),
                "republish": _("Published again: residents see it now."),
            }[action],
        )
    return redirect("coordinator:dashboard:publication", situation.public_id)


# --- The residents' pages ------------------------------------------------------------------


@require_safe
def public_list(request):
    """The published situation pictures, newest first (no draft, nothing withdrawn)."""
    page = Paginator(
        PublishedSituation.objects.public().only(
            "public_id", "starts_on", "ends_on", "published_at", "text", "data"
        ),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    rows = [(situation, publication.view(situation.data)) for situation in page.object_list]
    context = {"page": page, "rows": rows, "small_below": publication.SMALL_BELOW}
    return render(request, "situation/list.html", context)


@require_safe
def public_detail(request, public_id):
    """One publication: its numbers as published. A draft or a withdrawn one is a 404."""
    situation = get_object_or_404(PublishedSituation.objects.public(), public_id=public_id)
    context = {
        "situation": situation,
        "view": publication.view(situation.data),
        "small_below": publication.SMALL_BELOW,
    }
    return render(request, "situation/detail.html", context)
