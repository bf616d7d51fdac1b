"""The partners' register of jointly identified problems (``problems:`` URLs), the safety-walk
import and the public "you said, we did" page. Reads through ``selectors``, writes through
``services``, rules from ``permissions`` (all of this app)."""

from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from partnership.models import Area, Theme
from partnership.pagination import CappedCountPaginator
from partnership.problems import csv_import, forms, permissions, public, selectors, services
from partnership.problems.filters import ProblemFilter, PublicProblemFilter
from partnership.problems.models import ProblemDigestSubscription
from partnership.problems.similar import similar_problems

PROBLEM_PAGE_SIZE = 25
PROBLEM_HISTORY_ON_PAGE = 10


def _render_problem(request, problem, *, status=200, **bound):
    """The problem page, with a form for each action the user may take (``bound`` replaces
    one with the bound form that came back with errors)."""
    user = request.user
    endorsing = permissions.organizations_endorsing_for(user, problem)
    responsible = permissions.organizations_responsible_for(user, problem)
    can_status = permissions.can_change_problem_status(user, problem)
    can_link = permissions.can_link_initiatives(user, problem)
    details = permissions.can_see_problem_details(user)
    context = {
        "problem": problem,
        "can_edit": permissions.can_edit_problem(user, problem),
        "show_details": details,
        "endorse_form": bound.get("endorse_form")
        or (forms.EndorseForm(organizations=endorsing) if endorsing else None),
        "responsibility_form": bound.get("responsibility_form")
        or (forms.ResponsibilityForm(organizations=responsible) if responsible else None),
        "status_form": bound.get("status_form")
        or (forms.StatusForm(problem=problem) if can_status else None),
        "link_form": bound.get("link_form")
        or (
            forms.LinkInitiativeForm(
                initiatives=selectors.initiatives_to_link(problem=problem, user=user)
            )
            if can_link
            else None
        ),
        "can_unlink": {
            i.pk
            for i in problem.visible_initiatives
            if permissions.can_link_initiative_to_problem(user, problem, i)
        },
        # The latest changes only (the history page has them all, paginated).
        "history": (
            SimpleNamespace(
                object_list=selectors.problem_history(
                    problem=problem, reader=user, page_size=PROBLEM_HISTORY_ON_PAGE
                ).object_list,
                has_other_pages=False,
            )
            if details
            else None
        ),
    }
    return render(request, "partnership/problem_detail.html", context, status=status)


@login_required
@require_safe
def problem_list(request):
    """The partners' list of problems with filters (a resident has the public page)."""
    filterset = ProblemFilter(request.GET, queryset=selectors.problem_list(user=request.user))
    page = CappedCountPaginator(filterset.qs, PROBLEM_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filterset": filterset,
        "page": page,
        "can_record": permissions.can_record_problem(request.user),
    }
    return render(request, "partnership/problem_list.html", context)


@require_safe
def problem_detail(request, public_id):
    """Who sees it, who does what by when, linked initiatives, status history, actions."""
    return _render_problem(request, permissions.problem_for_user(request, public_id, "view"))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def problem_create(request):
    """Record a problem; before saving, similar open problems are offered ("we see this
    too") instead of a duplicate — "Record anyway" skips them."""
    if not permissions.can_record_problem(request.user):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    organizations = list(permissions.organizations_recording_for(request.user))
    form = forms.ProblemForm(data, organizations=organizations)
    context = {"form": form}
    if data is None:
        return render(request, "partnership/problem_form.html", context)
    if form.is_valid():
        cleaned = form.cleaned_data
        if "record_anyway" not in data:
            similar = similar_problems(
                user=request.user,
                title=cleaned["title"],
                area_id=cleaned["area"].pk,
                theme_ids=[t.pk for t in cleaned["themes"]],
            )
            for match in similar:
                match.endorsing = permissions.organizations_endorsing_for(request.user, match)
            if similar:
                context.update(similar=similar)
                return render(request, "partnership/problem_form.html", context)
        try:
            problem = services.problem_record(
                data=cleaned, organization=cleaned["organization"], actor=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The problem has been recorded."))
            return redirect("problems:detail", public_id=problem.public_id)
    return render(request, "partnership/problem_form.html", context, status=400)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def problem_edit(request, public_id):
    """Correct a problem (its recording organisation's members, coordinators); a save on top
    of a newer change is refused with the input kept."""
    problem = permissions.problem_for_user(request, public_id, "edit")
    data = request.POST if request.method == "POST" else None
    form = forms.ProblemEditForm(data, instance=problem)
    context = {"form": form, "problem": problem}
    if data is None:
        return render(request, "partnership/problem_form.html", context)
    if form.is_valid():
        try:
            services.problem_edit(
                problem=problem,
                data=form.cleaned_data,
                actor=request.user,
                version=form.cleaned_data.get("version"),
            )
        except ValidationError as error:
            problem.refresh_from_db(fields=["version"])
            form.keep_input_for_version(problem.version)  # "save again" then saves
            form.add_error(None, error)
            return render(request, "partnership/problem_form.html", context, status=409)
        messages.success(request, _("Your changes have been saved."))
        return redirect("problems:detail", public_id=problem.public_id)
    return render(request, "partnership/problem_form.html", context, status=400)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def problem_archive(request, public_id):
    """GET asks "are you sure?", naming what archiving does; POST archives."""
    problem = permissions.problem_for_user(request, public_id, "edit")
    if request.method == "GET":
        if problem.archived_at is not None:
            return redirect("problems:detail", public_id=problem.public_id)
        return render(request, "partnership/problem_archive_confirm.html", {"problem": problem})
    if services.problem_archive(problem=problem, actor=request.user):
        messages.success(
            request,
            _(
                "The problem has been archived. Only its organisation and the coordinators can "
                "see it now; you can restore it at any time."
            ),
        )
    else:
        messages.info(request, _("The problem was already archived."))
    return redirect("problems:detail", public_id=problem.public_id)


@login_required
@require_POST
def problem_restore(request, public_id):
    problem = permissions.problem_for_user(request, public_id, "edit")
    if services.problem_restore(problem=problem, actor=request.user):
        messages.success(request, _("The problem has been restored."))
    else:
        messages.info(request, _("The problem was not archived."))
    return redirect("problems:detail", public_id=problem.public_id)


@login_required
@require_POST
def problem_endorse(request, public_id):
    """The "we see this too" for one of the user's organisations, with an optional note."""
    problem = permissions.problem_for_user(request, public_id, "endorse")
    organizations = permissions.organizations_endorsing_for(request.user, problem)
    form = forms.EndorseForm(request.POST, organizations=organizations)
    if form.is_valid():
        try:
            services.problem_endorse(problem=problem, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(organization)s now sees this problem too.")
                % {"organization": form.cleaned_data["organization"].name},
            )
            return redirect("problems:detail", public_id=problem.public_id)
    return _render_problem(request, problem, status=400, endorse_form=form)


@login_required
@require_POST
def problem_take_responsibility(request, public_id):
    """An organisation commits as lead or supporting partner: what it will do, by when."""
    problem = permissions.problem_for_user(request, public_id, "take_responsibility")
    organizations = permissions.organizations_responsible_for(request.user, problem)
    form = forms.ResponsibilityForm(request.POST, organizations=organizations)
    if form.is_valid():
        try:
            services.problem_take_responsibility(
                problem=problem, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The commitment has been recorded."))
            return redirect("problems:detail", public_id=problem.public_id)
    return _render_problem(request, problem, status=400, responsibility_form=form)


@login_required
@require_POST
def problem_change_status(request, public_id):
    """Open → being addressed → resolved or dismissed (with an outcome), or reopen."""
    problem = permissions.problem_for_user(request, public_id, "change_status")
    form = forms.StatusForm(request.POST, problem=problem)
    if form.is_valid():
        try:
            services.problem_change_status(problem=problem, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            if error.code == "stale":
                problem.refresh_from_db(fields=["version"])
                form.keep_input_for_version(problem.version)
            form.add_error(None, error)
        else:
            messages.success(request, _("The status has been changed."))
            return redirect("problems:detail", public_id=problem.public_id)
    return _render_problem(request, problem, status=400, status_form=form)


@login_required
@require_POST
def problem_link_initiative(request, public_id):
    """Link an initiative that addresses the problem (see
    ``permissions.can_link_initiative_to_problem``)."""
    problem = permissions.problem_for_user(request, public_id, "link_initiatives")
    initiatives = selectors.initiatives_to_link(problem=problem, user=request.user)
    form = forms.LinkInitiativeForm(request.POST, initiatives=initiatives)
    if form.is_valid():
        initiative = form.cleaned_data["initiative"]
        try:
            services.initiative_problem_link(
                initiative=initiative, problem=problem, actor=request.user
            )
        except ValidationError as error:
            form.add_error("initiative", error)
        else:
            messages.success(
                request,
                _("“%(initiative)s” is now linked to the problem.")
                % {"initiative": initiative.title},
            )
            return redirect("problems:detail", public_id=problem.public_id)
    return _render_problem(request, problem, status=400, link_form=form)


@login_required
@require_POST
def problem_unlink_initiative(request, public_id, initiative_id):
    problem = permissions.problem_for_user(request, public_id, "view")
    initiative = permissions.linked_initiative_for_user(request, problem, initiative_id)
    services.initiative_problem_unlink(initiative=initiative, problem=problem, actor=request.user)
    messages.success(
        request,
        _("“%(initiative)s” is no longer linked to the problem.")
        % {"initiative": initiative.title},
    )
    return redirect("problems:detail", public_id=problem.public_id)


@login_required
@require_safe
def problem_history(request, public_id):
    problem = permissions.problem_for_user(request, public_id, "see_details")
    history = selectors.problem_history(
        problem=problem, reader=request.user, page_number=request.GET.get("page")
    )
    return render(
        request, "partnership/problem_history.html", {"problem": problem, "history": history}
    )


@require_safe
def public_problems(request):
    """The "Ni sa, vi gjorde" page: public problems by what came of them (``public``: done,
    under way, nobody yet, closed), their status, who is responsible, the public initiatives
    addressing them and their outcomes; the area, never the exact point. The order is
    kept in the cache (``public.page``); unfiltered, the total is the home page's number."""
    filterset = PublicProblemFilter(request.GET, queryset=selectors.public_problems())
    page = public.page(filterset, request.GET.get("page"), per_page=PROBLEM_PAGE_SIZE)
    return render(
        request, "partnership/problem_public.html", {"filterset": filterset, "page": page}
    )


@require_safe
def public_problem(request, public_id):
    """One public problem's own page: what came of it, who works on it, the public
    initiatives addressing it; 404 for any problem that is not public."""
    problem = get_object_or_404(
        public.by_progress(selectors.public_problems()), public_id=public_id
    )
    return render(request, "partnership/problem_public_detail.html", {"problem": problem})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def problem_digest(request):
    """Opt in to or out of the weekly problem email."""
    subscribed = ProblemDigestSubscription.objects.filter(user=request.user).exists()
    allowed = permissions.can_subscribe_problem_digest(request.user)
    form = forms.DigestForm(
        request.POST if request.method == "POST" else None, initial={"subscribe": subscribed}
    )
    if form.is_bound and form.is_valid():
        try:
            now = services.problem_digest_subscribe(
                user=request.user, subscribe=form.cleaned_data["subscribe"]
            )
        except ValidationError as error:
            form.add_error("subscribe", error)
        else:
            messages.success(
                request,
                _("You will get the weekly summary.")
                if now
                else _("You will not get the weekly summary."),
            )
            return redirect("problems:digest")
    return render(
        request,
        "partnership/problem_digest.html",
        {"form": form, "allowed": allowed, "subscribed": subscribed},
        status=400 if form.is_bound else 200,
    )


# Safety walks and surveys: upload → preview (every row, with its errors) → confirm.


@login_required
@require_safe
def walk_list(request):
    if not permissions.can_see_walks(request.user):
        raise PermissionDenied
    page = CappedCountPaginator(selectors.walk_list(), PROBLEM_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "partnership/walk_list.html",
        {"page": page, "can_import": permissions.can_import_walk(request.user)},
    )


@login_required
@require_safe
def walk_detail(request, public_id):
    """A confirmed walk's findings and their status (a draft goes to its preview)."""
    walk = permissions.walk_for_user(request, public_id, "view")
    if walk.confirmed_at is None:
        return redirect("problems:walk_preview", public_id=walk.public_id)
    findings = selectors.walk_findings(walk=walk, user=request.user)
    return render(request, "partnership/walk_detail.html", {"walk": walk, "findings": findings})


@login_required
@require_safe
def walk_template(request):
    """The CSV template, headers in the page's language."""
    if not permissions.can_import_walk(request.user):
        raise PermissionDenied
    body = csv_import.template_csv(language=translation.get_language() or "sv")
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    name = _("findings-template")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def _import_context(form, parsed=None) -> dict:
    return {
        "form": form,
        "parsed": parsed,
        "preview_rows": csv_import.preview_rows(parsed.findings) if parsed else [],
        "columns": csv_import.COLUMNS,
        "max_rows": csv_import.MAX_ROWS,
        "areas": Area.objects.order_by("name").values_list("name", flat=True),
        "themes": Theme.objects.all(),
    }


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def walk_import(request):
    """Upload a file of findings. A file with any error comes back as a preview of every
    row with its errors and nothing is saved; a valid one is kept as a draft for the
    preview page, where the uploader confirms it."""
    if not permissions.can_import_walk(request.user):
        raise PermissionDenied
    form = forms.WalkUploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        organizations=list(permissions.organizations_recording_for(request.user)),
    )
    if request.method == "GET":
        return render(request, "partnership/walk_import.html", _import_context(form))
    parsed = None
    if form.is_valid():
        upload = form.cleaned_data["file"]
        parsed = csv_import.parse_findings(upload)
        if parsed.is_valid:
            data = {k: v for k, v in form.cleaned_data.items() if k != "file"}
            walk = services.walk_upload(
                actor=request.user, file_name=upload.name, rows=parsed.rows(), **data
            )
            return redirect("problems:walk_preview", public_id=walk.public_id)
        form.add_error("file", _("The file has errors and nothing was saved: see the preview."))
    context = _import_context(form, parsed)
    return render(request, "partnership/walk_import.html", context, status=400)


@login_required
@require_safe
def walk_preview(request, public_id):
    """Every row of a valid upload, before anything is imported."""
    walk = permissions.walk_for_user(request, public_id, "view")
    if walk.confirmed_at is not None:
        return redirect("problems:walk_detail", public_id=walk.public_id)
    rows = csv_import.preview_rows(walk.rows)
    return render(request, "partnership/walk_preview.html", {"walk": walk, "rows": rows})


@login_required
@require_POST
def walk_confirm(request, public_id):
    """Import the previewed rows (the rows kept on the server, never re-posted ones)."""
    walk = permissions.walk_for_user(request, public_id, "view")
    try:
        walk = services.walk_confirm(walk=walk, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("problems:walk_preview", public_id=walk.public_id)
    messages.success(request, _("The findings have been imported as problems."))
    return redirect("problems:walk_detail", public_id=walk.public_id)
