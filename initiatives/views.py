"""Initiative pages: a server-rendered list (the map's always-available alternative) and
a detail page. Both show only what ``Initiative.objects.visible_to(user)`` allows."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.functional import SimpleLazyObject
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from initiatives import exports, feeds, figures, forms, geo, permissions, selectors, services
from initiatives.api import open_data_docs
from initiatives.filters import InitiativeFilter
from initiatives.similar import similar_initiatives
from partnership import page_cache
from partnership.pagination import CappedCountPaginator, KnownCountPaginator
from partnership.permissions import is_coordinator, is_partner, partner_organization_ids
from partnership.spreadsheets import xlsx_response

PAGE_SIZE = 25


# --- Finding initiatives ------------------------------------------------------------------------


@require_safe
def initiative_list(request):
    """Current initiatives by default (``InitiativeFilter(current_by_default=True)``). A
    resident's unfiltered list shows the home page's kept count (``figures``): the same
    number, and no count over every row per request."""
    filterset = InitiativeFilter(
        request.GET,
        queryset=selectors.initiative_list(user=request.user),
        user=request.user,
        current_by_default=True,
    )
    context = {
        "filterset": filterset,
        # Filtered, counted and fetched only when the list is rendered, not when it is kept
        # (below).
        "page": SimpleLazyObject(
            lambda: _list_paginator(request, filterset).get_page(request.GET.get("page"))
        ),
        "feed_cap": feeds.LIST_FEED_CAP,
        "list_fragment_key": _list_fragment_key(request, filterset),
    }
    return render(request, "initiatives/initiative_list.html", context)


def _list_fragment_key(request, filterset: InitiativeFilter) -> str | None:
    """The key under which a logged-in user's list content — filters, list, pagination,
    downloads; never their name or CSRF token — is kept (``initiative_list_content.html``):
    what it shows depends on nothing else. Anonymous visitors get whole pages from the page
    cache instead; a form with errors is rendered each time.

    - the database's generation, the language and the minute (``page_cache.fragment_key``:
      every committed write changes the generation, so a kept list is never stale);
    - the audience: what ``visible_to`` lets a coordinator, a partner or another logged-in
      user see (partners all see the same), and the "register" link;
    - the address with its query string (filters, sort, page);
    - with "only my organisations'", the user's approved organisations."""
    user = request.user
    if not (settings.PAGE_CACHE_ENABLED and user.is_authenticated and filterset.is_valid()):
        return None
    mine = filterset.form.cleaned_data.get("mine")
    return page_cache.fragment_key(
        "coordinator" if is_coordinator(user) else "partner" if is_partner(user) else "user",
        request.get_full_path(),
        ",".join(map(str, sorted(partner_organization_ids(user)))) if mine else "",
    )


def _list_paginator(request, filterset: InitiativeFilter) -> CappedCountPaginator:
    """A resident's unfiltered list counts nothing: its total is the kept public count.
    Any other list's (capped) count is kept until a write too (``figures.count``)."""
    if request.user.is_authenticated or not filterset.is_unfiltered():
        return figures.KeptCountPaginator(filterset.qs, PAGE_SIZE)
    counts = figures.public_counts()
    every = filterset.form.cleaned_data.get("include_ended")
    count = counts["initiatives" if every else "current_initiatives"]
    return KnownCountPaginator(filterset.qs, PAGE_SIZE, count=count)


@require_safe
def initiative_detail(request, slug):
    # Editors also reach an archived initiative (``permissions.can_know_initiative``).
    initiative = permissions.initiative_for_user(request, slug, "view")
    return render(
        request,
        "initiatives/initiative_detail.html",
        {"initiative": initiative, **_maintenance_context(request, initiative)},
    )


# --- Maintaining initiatives: updates, archive and restore -------------------------------------


def _maintenance_context(request, initiative) -> dict:
    """What the detail page offers the user: an update form, archive/restore, history."""
    user = request.user
    organizations = permissions.organizations_posting_for(user, initiative)
    can_post = bool(organizations) and initiative.archived_at is None
    return {
        "can_edit": permissions.can_edit_initiative(user, initiative),
        "can_post_update": can_post,
        "can_see_history": is_partner(user),  # the page itself was allowed
        "update_form": (
            forms.InitiativeUpdateForm(initiative=initiative, organizations=organizations)
            if can_post
            else None
        ),
        "can_request_to_join": permissions.can_request_to_join(user, initiative),
        "join_requests": selectors.join_requests_for_page(
            initiative=initiative,
            user=user,
            deciding=permissions.can_decide_join_request(user, initiative),
        ),
    }


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def initiative_update_create(request, slug):
    """Post a dated progress update (the detail page has the same form; this page is where
    it comes back with errors, and where it works without the detail page)."""
    initiative = permissions.initiative_for_user(request, slug, "post_update")
    organizations = permissions.organizations_posting_for(request.user, initiative)
    form = forms.InitiativeUpdateForm(
        request.POST if request.method == "POST" else None,
        initiative=initiative,
        organizations=organizations,
    )
    if initiative.archived_at is not None:
        messages.error(
            request, _("This initiative is archived; restore it before posting updates.")
        )
        return redirect("initiatives:detail", slug=initiative.slug)
    status = 200
    if form.is_bound:
        if form.is_valid():
            try:
                services.initiative_update_post(
                    initiative=initiative, author=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Your update has been posted."))
                return redirect("initiatives:detail", slug=initiative.slug)
        status = 400
    return render(
        request,
        "initiatives/initiative_update_form.html",
        {"initiative": initiative, "form": form},
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def initiative_archive(request, slug):
    """GET asks "are you sure?", naming what archiving does; POST archives."""
    initiative = permissions.initiative_for_user(request, slug, "archive")
    if request.method == "GET":
        if initiative.archived_at is not None:
            return redirect("initiatives:detail", slug=initiative.slug)
        return render(
            request, "initiatives/initiative_archive_confirm.html", {"initiative": initiative}
        )
    if services.initiative_archive(initiative=initiative, actor=request.user):
        messages.success(
            request,
            _(
                "The initiative has been archived. Only your organisation and the coordinators "
                "can see it now; you can restore it at any time."
            ),
        )
    else:
        messages.info(request, _("The initiative was already archived."))
    return redirect("initiatives:detail", slug=initiative.slug)


@login_required
@require_POST
def initiative_restore(request, slug):
    initiative = permissions.initiative_for_user(request, slug, "restore")
    if services.initiative_restore(initiative=initiative, actor=request.user):
        messages.success(request, _("The initiative has been restored."))
    else:
        messages.info(request, _("The initiative was not archived."))
    return redirect("initiatives:detail", slug=initiative.slug)


@login_required
@require_safe
def initiative_history(request, slug):
    initiative = permissions.initiative_for_user(request, slug, "see_history")
    history = selectors.initiative_history(
        initiative=initiative, reader=request.user, page_number=request.GET.get("page")
    )
    return render(
        request,
        "initiatives/initiative_history.html",
        {"initiative": initiative, "history": history},
    )


# --- Asking to join as a partner organisation ----------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def initiative_join(request, slug):
    """Ask to join an initiative as a partner organisation (the detail page links here; the
    similar-initiatives list on the register form too)."""
    initiative = permissions.initiative_for_user(request, slug, "request_to_join")
    organizations = permissions.organizations_requesting_to_join(request.user, initiative)
    form = forms.JoinRequestForm(
        request.POST if request.method == "POST" else None, organizations=organizations
    )
    if form.is_bound and form.is_valid():
        try:
            services.join_request_create(
                initiative=initiative, requested_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your request has been sent to the lead organisation."))
            return redirect("initiatives:detail", slug=initiative.slug)
    return render(
        request,
        "initiatives/join_request_form.html",
        {"initiative": initiative, "form": form},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def join_request_decide(request, slug, public_id):
    """Accept or decline a request to join (the lead organisation's admins, coordinators)."""
    join_request = permissions.join_request_for_user(request, slug, public_id, "decide")
    initiative = join_request.initiative
    form = forms.JoinRequestDecisionForm(request.POST)
    if not form.is_valid():
        context = {"initiative": initiative, "join_request": join_request, "form": form}
        return render(request, "initiatives/join_request_decide.html", context, status=400)
    accept = form.cleaned_data["decision"] == "accept"
    try:
        services.join_request_decide(
            join_request=join_request,
            accept=accept,
            actor=request.user,
            answer=form.cleaned_data["answer"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        done = (
            _("%(organization)s is now a partner organisation.")
            if accept
            else _("The request from %(organization)s has been declined.")
        )
        messages.success(request, done % {"organization": join_request.organization.name})
    return redirect("initiatives:detail", slug=initiative.slug)


@login_required
@require_POST
def join_request_withdraw(request, slug, public_id):
    """Withdraw a waiting request to join (a member of the organisation that asked)."""
    join_request = permissions.join_request_for_user(request, slug, public_id, "withdraw")
    try:
        services.join_request_withdraw(join_request=join_request, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your request to join has been withdrawn."))
    return redirect("initiatives:detail", slug=join_request.initiative.slug)


# --- Registering and editing ---------------------------------------------------------------------


def _slot_data(formset) -> list[dict]:
    return [
        {k: f.cleaned_data[k] for k in ("weekday", "starts_at", "ends_at")}
        for f in formset.forms
        if f.cleaned_data and not f.cleaned_data.get("DELETE")
    ]


def _render_form(request, form, formset, initiative, status, similar=None):
    context = {"form": form, "formset": formset, "initiative": initiative}
    if similar is not None:
        context.update(similar=similar, similar_on_submit=True)
    return render(request, "initiatives/initiative_form.html", context, status=status)


def _similar(user, lookup: dict) -> list:
    """Similar initiatives, each marked with whether the user may ask to join it."""
    found = similar_initiatives(user=user, **lookup)
    for initiative in found:
        initiative.may_join = permissions.can_request_to_join(user, initiative)
    return found


@login_required
@require_safe
def initiative_similar(request):
    """The "someone already does this" list as an HTML fragment: the register form's script
    fetches it as the user types (the form shows the same partial again on submit)."""
    permissions.require_can_register(request)
    query = forms.SimilarQueryForm(request.GET)
    similar = _similar(request.user, query.lookup()) if query.is_valid() else []
    return render(
        request,
        "initiatives/initiative_form.html#similar",
        {"similar": similar},
        status=200 if query.is_valid() else 400,
    )


def _picker_answer(request, search) -> JsonResponse:
    """A searchable picker's answer: ``{"results": [{"id", "label"}]}``; 400 with no results
    for a query the form refuses (too long, a NUL character)."""
    permissions.require_can_register(request)
    query = forms.PickerQueryForm(request.GET)
    if not query.is_valid():
        return JsonResponse({"results": [], "error": _("Not a valid search.")}, status=400)
    text = query.cleaned_data["q"]
    return JsonResponse({"results": search(text) if text else []})


@login_required
@require_safe
def organization_picker(request):
    """Approved organisations by name, for the partner organisations picker."""
    return _picker_answer(request, lambda text: selectors.organization_choices_matching(text=text))


@login_required
@require_safe
def problem_picker(request):
    """Open problems the user may see, by title, for the problems picker."""
    return _picker_answer(
        request, lambda text: selectors.problem_choices_matching(user=request.user, text=text)
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def initiative_create(request):
    """Register an initiative (members of an approved organisation, and coordinators)."""
    permissions.require_can_register(request)
    data = request.POST if request.method == "POST" else None
    form = forms.InitiativeForm(data, **selectors.initiative_form_choices(user=request.user))
    formset = forms.ScheduleSlotFormSet(data, prefix="slots")
    if data is None:
        return _render_form(request, form, formset, None, 200)
    if form.is_valid() and formset.is_valid():
        # Before saving, once more: does someone already do this? ("Register anyway" skips.)
        if "register_anyway" not in data:
            lookup = forms.SimilarQueryForm.from_register_form(form.cleaned_data)
            if similar := _similar(request.user, lookup):
                return _render_form(request, form, formset, None, 200, similar=similar)
        try:
            initiative = services.initiative_create(
                data=form.cleaned_data, slots=_slot_data(formset), actor=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The initiative has been registered."))
            return redirect("initiatives:detail", slug=initiative.slug)
    return _render_form(request, form, formset, None, 400)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def initiative_edit(request, slug):
    """Edit an initiative (members of the lead organisation, and coordinators); a save on
    top of someone else's newer save is refused with the input kept."""
    initiative = permissions.initiative_for_user(request, slug, "edit")
    data = request.POST if request.method == "POST" else None
    form = forms.InitiativeForm(
        data,
        instance=initiative,
        **selectors.initiative_form_choices(user=request.user, initiative=initiative),
    )
    formset = forms.ScheduleSlotFormSet(data, instance=initiative, prefix="slots")
    if data is None:
        return _render_form(request, form, formset, initiative, 200)
    if form.is_valid() and formset.is_valid():
        try:
            initiative = services.initiative_edit(
                initiative=initiative,
                data=form.cleaned_data,
                slots=_slot_data(formset),
                actor=request.user,
                version=form.cleaned_data.get("version"),
            )
        except ValidationError as error:
            initiative.refresh_from_db(fields=["version"])
            form.keep_input_for_version(initiative.version)  # "save again" then saves
            form.add_error(None, error)
            return _render_form(request, form, formset, initiative, 409)
        else:
            messages.success(request, _("Your changes have been saved."))
            return redirect("initiatives:detail", slug=initiative.slug)
    return _render_form(request, form, formset, initiative, 400)


# --- Public map, feeds and open data -------------------------------------------------------------
# The map, calendar feeds and CSV take the list page's query string, narrowed by the same
# InitiativeFilter over what the user may see: a resident (and any calendar app or script)
# gets public initiatives, a logged-in partner also the partners-only ones the list shows,
# with the partners' filters ("Visibility", "Only my organisations"). An answer made for a
# session is private: never stored by a shared cache, never offered to other sites (CORS,
# partnership/cors.py). A filter value that is not valid is a 400 saying which and why.


def _detail_prefix() -> str:
    """The detail page address without the slug, in the active language."""
    return reverse("initiatives:detail", args=["x"])[: -len("x/")]


def _list_filterset(request) -> InitiativeFilter:
    return InitiativeFilter(
        request.GET,
        queryset=selectors.initiative_exports(user=request.user),
        user=request.user,
        current_by_default=True,
    )


def _filter_errors(filterset: InitiativeFilter) -> list[str]:
    return [
        f"{filterset.form.fields[field].label}: {' '.join(errors)}"
        for field, errors in filterset.errors.items()
    ]


def _bad_filters(filterset: InitiativeFilter) -> HttpResponseBadRequest:
    return HttpResponseBadRequest(
        "\n".join([_("Some filters are not valid:"), *_filter_errors(filterset)]),
        content_type="text/plain; charset=utf-8",
    )


def _for_session(request, response):
    """A download that holds what this user may see is theirs: no shared cache keeps it."""
    if request.user.is_authenticated:
        patch_cache_control(response, private=True)
        patch_vary_headers(response, ["Cookie"])
    return response


@require_safe
def initiative_map_data(request):
    """GeoJSON for the list page's map: the list's own initiatives and filters (what the
    user may see), within ``bbox`` when given; a bad filter or bbox is a 400."""
    bbox = None
    if request.GET.get("bbox"):
        try:
            bbox = geo.BBox.parse(request.GET["bbox"])
        except ValueError as error:
            return JsonResponse({"detail": {"bbox": [str(error)]}}, status=400)
    filterset = InitiativeFilter(
        request.GET,
        queryset=selectors.initiative_list(user=request.user),
        user=request.user,
        current_by_default=True,
    )
    if not filterset.is_valid():
        errors = {field: list(messages) for field, messages in filterset.errors.items()}
        return JsonResponse({"detail": errors}, status=400)
    body = geo.map_data(filterset.qs, bbox=bbox, detail_prefix=_detail_prefix())
    return _for_session(request, HttpResponse(body, content_type="application/geo+json"))


@require_safe
def initiative_list_calendar(request):
    """An iCalendar feed of the filtered list (at most ``LIST_FEED_CAP``), named after its
    filters."""
    filterset = _list_filterset(request)
    if not filterset.is_valid():
        return _bad_filters(filterset)
    initiatives = list(filterset.qs[: feeds.LIST_FEED_CAP + 1])
    applied = filterset.applied()
    name = settings.PORTAL_NAME
    if applied:
        name = f"{name}: " + "; ".join(f"{label}: {value}" for label, value in applied)
    description = _(
        "At most %(cap)s initiatives, newest period first; this feed holds %(count)s."
    ) % {"cap": feeds.LIST_FEED_CAP, "count": min(len(initiatives), feeds.LIST_FEED_CAP)}
    if len(initiatives) > feeds.LIST_FEED_CAP:
        description += " " + _("More initiatives match: add a filter to see them all.")
    response = _calendar_response(
        request,
        initiatives[: feeds.LIST_FEED_CAP],
        name=name,
        filename="insatser",
        description=description,
    )
    return _for_session(request, response)


@require_safe
def initiative_calendar(request, slug):
    """One public initiative's iCalendar feed; 404 for anything not public."""
    initiative = selectors.public_initiative(slug=slug)
    if initiative is None:
        raise Http404
    return _calendar_response(request, [initiative], name=initiative.title, filename=slug)


def _calendar_response(request, initiatives, *, name, filename, description="") -> HttpResponse:
    body = feeds.calendar_ics(
        initiatives,
        name=name,
        description=description,
        url_for=lambda i: request.build_absolute_uri(reverse("initiatives:detail", args=[i.slug])),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}.ics"'
    return response


def _export_filename(extension: str) -> str:
    return f"{slugify(_('Initiatives'))}-{timezone.localdate():%Y-%m-%d}.{extension}"


@require_safe
def initiative_export_csv(request):
    """The filtered list as CSV, streamed (any number of rows)."""
    filterset = _list_filterset(request)
    if not filterset.is_valid():
        return _bad_filters(filterset)
    rows = exports.initiatives_csv_rows(
        filterset.qs.iterator(chunk_size=exports.CHUNK_SIZE),
        url_for=lambda i: request.build_absolute_uri(reverse("initiatives:detail", args=[i.slug])),
    )
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_export_filename("csv")}"'
    return _for_session(request, response)


@require_safe
def initiative_export_xlsx(request):
    """The filtered list as a spreadsheet for Excel (the CSV, unchanged, is for programs)."""
    filterset = _list_filterset(request)
    if not filterset.is_valid():
        return _bad_filters(filterset)
    table = exports.initiative_table(
        filterset.qs.iterator(chunk_size=exports.CHUNK_SIZE),
        url_for=lambda i: request.build_absolute_uri(reverse("initiatives:detail", args=[i.slug])),
    )
    response = xlsx_response(table, title=_("Initiatives"), filename=_export_filename("xlsx"))
    return _for_session(request, response)


@require_safe
def open_data(request):
    """The open data page: what the API offers, rendered from its own OpenAPI schema."""
    return render(request, "initiatives/open_data.html", {"api": open_data_docs()})


@require_safe
def robots_txt(request):
    """Crawlers may read the public pages; the rest is for partners, and the sitemap lists
    what is public."""
    lines = ["User-agent: *"]
    for prefix in ("/accounts/", "/admin/", "/en/accounts/", "/en/admin/"):
        lines.append(f"Disallow: {prefix}")
    for language in ("sv", "en"):
        with translation.override(language):
            for name in ("my_pages", "coordinator:dashboard:overview"):
                lines.append(f"Disallow: {reverse(name)}")
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
