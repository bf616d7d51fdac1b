"""The "who does what" directory of partner organisations."""

import functools

from allauth.core import ratelimit
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import SimpleLazyObject
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from partnership import page_cache, site
from partnership.ratelimit import client_ip
from partnership.spreadsheets import xlsx_response
from stakeholders import exports, forms, permissions, selectors, services
from stakeholders.filters import OrganizationFilter
from stakeholders.models import Membership, Organization

PAGE_SIZE = 30


def _status(form) -> int:
    """A form page's status: 400 when it shows a submission's errors (every form of the
    portal answers so, to tell machines the submission failed), 200 otherwise."""
    return 400 if form.is_bound and form.errors else 200


# --- Directory ---------------------------------------------------------------------------------


def _directory_filter(request) -> OrganizationFilter:
    return OrganizationFilter(request.GET, queryset=selectors.directory())


@require_safe
def organization_list(request):
    filterset = _directory_filter(request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.with_live_initiative_counts(page.object_list, user=request.user)
    context = {
        "filterset": filterset,
        "page": page,
        "can_export": permissions.can_export_directory(request.user),
    }
    return render(request, "stakeholders/organization_list.html", context)


@require_safe
def organization_matrix(request, dimension):
    """Who works on what (themes) or where (areas): a page of organisations as table rows."""
    filterset = _directory_filter(request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    matrix = selectors.directory_matrix(organizations=page.object_list, dimension=dimension)
    context = {"filterset": filterset, "page": page, "matrix": matrix, "dimension": dimension}
    return render(request, "stakeholders/organization_matrix.html", context)


@login_required
@require_safe
def organization_export_csv(request):
    """The filtered directory as a spreadsheet, for partners."""
    if not permissions.can_export_directory(request.user):
        raise PermissionDenied
    filterset = _directory_filter(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"{slugify(_('Who does what'))}-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    exports.directory_csv_write(
        response,
        selectors.with_live_initiative_counts(filterset.qs, user=request.user),
        url_for=lambda org: request.build_absolute_uri(
            reverse("stakeholders:detail", args=[org.slug])
        ),
    )
    return response


@login_required
@require_safe
def organization_export_xlsx(request):
    """The filtered directory as a spreadsheet for Excel (the CSV is for programs)."""
    if not permissions.can_export_directory(request.user):
        raise PermissionDenied
    table = exports.directory_table(
        selectors.with_live_initiative_counts(_directory_filter(request).qs, user=request.user),
        url_for=lambda org: request.build_absolute_uri(
            reverse("stakeholders:detail", args=[org.slug])
        ),
    )
    filename = f"{slugify(_('Who does what'))}-{timezone.localdate():%Y-%m-%d}.xlsx"
    return xlsx_response(table, title=_("Who does what"), filename=filename)


@require_safe
def organization_detail(request, slug):
    with_contacts = permissions.can_see_member_contacts(request.user)
    page = selectors.organization_detail_queryset(user=request.user, with_contacts=with_contacts)
    organization = permissions.organization_for_user(request, slug, "view", queryset=page)
    context = {
        "organization": organization,
        "show_member_contacts": with_contacts,
        "initiatives": selectors.initiative_timeline(organization.visible_initiatives),
    }
    return render(request, "stakeholders/organization_detail.html", context)


# --- My account ---------------------------------------------------------------------------------


# Items shown per section of "what needs me"; the page says when there are more.
WORKPLACE_ITEMS = 10


@login_required
@require_safe
def my_pages(request):
    """'Mina sidor', the workplace: first what needs the user (the sections every app
    contributes, ``site.workplace``), then their organisations and their initiatives."""
    memberships = list(selectors.memberships_of(user=request.user))
    # What depends only on the user's memberships (read fresh above) — the sections marked
    # ``site.by_memberships`` and each organisation's panel — is kept in the "pages" cache
    # under the database's generation, which every committed write changes (issue 16,
    # docs/caching.md "Partner pages"): exact, and shared by colleagues.
    keep = settings.PAGE_CACHE_ENABLED
    # Read (one query for all) only if a panel is rendered, not when every one is kept.
    initiatives = SimpleLazyObject(
        lambda: selectors.led_initiatives(organizations=[m.organization for m in memberships])
    )
    for membership in memberships:
        membership.kept = _panel_key(membership) if keep else ""
        membership.initiatives = SimpleLazyObject(
            functools.partial(_initiatives_of, initiatives, membership.organization_id)
        )
    context = {
        "sections": site.workplace.sections(
            user=request.user,
            today=timezone.localdate(),
            limit=WORKPLACE_ITEMS,
            memberships=memberships,
            keep=keep,
        ),
        "memberships": memberships,
        "organization_initiatives": selectors.MY_ORGANIZATION_INITIATIVES,
    }
    return render(request, "stakeholders/my_pages.html", context)


def _initiatives_of(initiatives: dict, organization_id: int) -> list:
    return initiatives[organization_id]


def _panel_key(membership: Membership) -> str:
    """What an organisation's panel on Mina sidor shows depends on: the organisation (its
    name, status and initiatives: the generation), the member's role and the language."""
    organization = membership.organization
    return page_cache.fragment_key(
        organization.pk, membership.role, organization.status, minute=False
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def my_profile(request):
    """Profile and settings: my details, my language, my data and deleting my account."""
    form = forms.AccountForm(
        request.POST if request.method == "POST" else None, instance=request.user
    )
    if form.is_valid():
        services.account_update(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your details are saved."))
        return redirect("my_profile")
    return render(request, "stakeholders/my_profile.html", {"form": form}, status=_status(form))


@never_cache
@login_required
@require_safe
def my_data(request):
    """Everything stored about me, as a JSON file."""
    data = selectors.account_data(user=request.user)
    response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Content-Disposition"] = 'attachment; filename="my-data.json"'
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def my_account_delete(request):
    """Delete my account, after typing my password again."""
    form = forms.AccountDeleteForm(
        request.POST if request.method == "POST" else None, user=request.user
    )
    if request.method == "POST" and not ratelimit.consume(
        request, action="reauthenticate", user=request.user
    ):
        return ratelimit.respond_429(request)
    if form.is_valid():
        try:
            services.account_delete(user=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            auth.logout(request)
            messages.success(request, _("Your account is deleted."))
            return redirect("home")
    blocking = selectors.sole_admin_organizations(user=request.user)
    context = {"form": form, "blocking": blocking}
    return render(request, "stakeholders/account_delete.html", context, status=_status(form))


# --- Applications -------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def organization_apply(request):
    """Anyone may apply for a new organisation to join; a coordinator decides. Limited per
    client and per contact address (``services.organization_apply_throttle``): 429."""
    form = forms.OrganizationApplicationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_apply_throttle(
                client=client_ip(request), contact_email=form.cleaned_data["contact_email"]
            )
            services.organization_apply(data=form.cleaned_data, language=translation.get_language())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("stakeholders:apply_done")
    throttled = form.has_error(NON_FIELD_ERRORS, "throttled") or form.has_error(
        "contact_email", "throttled"
    )
    return render(
        request,
        "stakeholders/organization_apply.html",
        {"form": form},
        status=429 if throttled else _status(form),
    )


@require_safe
def organization_apply_done(request):
    return render(request, "stakeholders/organization_apply_done.html")


@require_http_methods(["GET", "HEAD", "POST"])
def application_verify(request, token):
    """The contact person confirms their email: the link opens a page, the button confirms
    (a GET changes nothing, so link checkers in mail systems cannot confirm by accident)."""
    if request.method == "GET":
        return render(request, "stakeholders/application_verify.html", {"token": token})
    try:
        organization = services.organization_contact_verify(token=token)
    except ValidationError as error:
        return render(
            request,
            "stakeholders/application_verify.html",
            {"error": " ".join(error.messages)},
            status=400,
        )
    return render(request, "stakeholders/application_verify.html", {"verified": organization})


# --- Organisation profile, members and invitations -------------------------------------------

INVITATION_LOGIN_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


def _error_messages(request, error: ValidationError) -> None:
    for text in error.messages:
        messages.error(request, text)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def organization_profile_edit(request, slug):
    organization = permissions.organization_for_user(request, slug, "manage")
    form = forms.OrganizationProfileForm(
        request.POST if request.method == "POST" else None, instance=organization
    )
    status = _status(form)
    if form.is_bound and form.is_valid():
        try:
            services.organization_profile_update(
                organization=organization,
                actor=request.user,
                data=form.cleaned_data,
                version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            organization.refresh_from_db(fields=["version"])
            form.keep_input_for_version(organization.version)
            form.add_error(None, error)
            status = 409  # saved on top of a newer change, as for initiatives and problems
        else:
            messages.success(request, _("The profile has been saved."))
            return redirect("stakeholders:profile", slug=organization.slug)
    return render(
        request,
        "stakeholders/organization_profile_form.html",
        {"organization": organization, "form": form},
        status=status,
    )


def _members_page(request, organization: Organization, invite_form=None, status=200):
    can_manage = permissions.can_manage_organization(request.user, organization)
    context = {
        "organization": organization,
        "memberships": selectors.organization_members(organization=organization),
        "can_manage": can_manage,
        "roles": Membership.Role.choices,
    }
    if can_manage:
        context["invitations"] = selectors.organization_open_invitations(organization=organization)
        context["invite_form"] = invite_form or forms.InvitationForm()
    return render(request, "stakeholders/organization_members.html", context, status=status)


@login_required
@require_safe
def organization_members(request, slug):
    """Members see who belongs to their organisation; managers also manage them."""
    organization = permissions.organization_for_user(request, slug, "see_members")
    return _members_page(request, organization)


@login_required
@require_POST
def invitation_create(request, slug):
    organization = permissions.organization_for_user(request, slug, "manage")
    form = forms.InvitationForm(request.POST)
    if form.is_valid():
        try:
            services.invitation_create(
                organization=organization,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                invited_by=request.user,
                language=translation.get_language(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("An invitation has been sent to %(email)s.") % form.cleaned_data,
            )
            return redirect("stakeholders:members", slug=organization.slug)
    return _members_page(request, organization, invite_form=form, status=400)


def _member_action(request, slug, form_class, choices, act, done: str):
    """A manager's POST on one of the organisation's memberships or invitations: the form
    picks it among ``choices(organization=…)`` (a selector), the service ``act(picked, form)``
    acts, and the manager is told and sent back to the members page."""
    organization = permissions.organization_for_user(request, slug, "manage")
    form = form_class(request.POST, choices=choices(organization=organization))
    if not form.is_valid():
        messages.error(request, _("That member or invitation is no longer there."))
    else:
        try:
            act(form.cleaned_data[form.field], form)
        except ValidationError as error:
            _error_messages(request, error)
        else:
            messages.success(request, done)
    return redirect("stakeholders:members", slug=organization.slug)


@login_required
@require_POST
def invitation_resend(request, slug):
    return _member_action(
        request,
        slug,
        forms.InvitationChoiceForm,
        selectors.organization_open_invitations,
        lambda invitation, form: services.invitation_resend(
            invitation=invitation, actor=request.user, language=translation.get_language()
        ),
        _("The invitation has been sent again, with a new link."),
    )


def _member_confirm(request, slug, form_class, choices, template: str):
    """The GET of a removal: a page naming who or what is picked (``?membership=`` or
    ``?invitation=``, among ``choices``) and what will happen; its button posts."""
    organization = permissions.organization_for_user(request, slug, "manage")
    form = form_class(request.GET, choices=choices(organization=organization))
    if not form.is_valid():
        raise Http404
    context = {"organization": organization, form.field: form.cleaned_data[form.field]}
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def invitation_revoke(request, slug):
    if request.method == "GET":
        return _member_confirm(
            request,
            slug,
            forms.InvitationChoiceForm,
            selectors.organization_open_invitations,
            "stakeholders/invitation_revoke_confirm.html",
        )
    return _member_action(
        request,
        slug,
        forms.InvitationChoiceForm,
        selectors.organization_open_invitations,
        lambda invitation, form: services.invitation_revoke(
            invitation=invitation, actor=request.user
        ),
        _("The invitation has been revoked; its link no longer works."),
    )


@login_required
@require_POST
def membership_role_change(request, slug):
    return _member_action(
        request,
        slug,
        forms.MembershipRoleForm,
        selectors.organization_members,
        lambda membership, form: services.membership_role_change(
            membership=membership, role=form.cleaned_data["role"], actor=request.user
        ),
        _("The role has been changed."),
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def membership_remove(request, slug):
    if request.method == "GET":
        return _member_confirm(
            request,
            slug,
            forms.MembershipChoiceForm,
            selectors.organization_members,
            "stakeholders/membership_remove_confirm.html",
        )
    return _member_action(
        request,
        slug,
        forms.MembershipChoiceForm,
        selectors.organization_members,
        lambda membership, form: services.membership_remove(
            membership=membership, actor=request.user
        ),
        _("The member has been removed from the organisation."),
    )


@login_required
@require_POST
def membership_leave(request, slug):
    membership = permissions.membership_for_user(request, slug, "leave")
    organization = membership.organization
    try:
        services.membership_leave(membership=membership)
    except ValidationError as error:
        _error_messages(request, error)
        return redirect("stakeholders:members", slug=organization.slug)
    messages.success(request, _("You have left %(name)s.") % {"name": organization.name})
    return redirect("my_pages")


def _invitation_invalid(request, reason: str):
    """A clear page for a link that cannot be used: 404 unknown, 410 used up or withdrawn."""
    status = 404 if reason == "unknown" else 410
    return render(
        request, "stakeholders/invitation_invalid.html", {"reason": reason}, status=status
    )


@require_http_methods(["GET", "HEAD", "POST"])
def invitation_accept(request, token):
    """The invited person's link. A new address creates its account here; an existing
    account must be logged in as the invited address; anyone else is told so."""
    try:
        invitation = services.invitation_check(token=token)
    except services.InvitationInvalid as invalid:
        return _invitation_invalid(request, invalid.reason)
    account = services.invitation_account(invitation)
    user = request.user if request.user.is_authenticated else None
    context = {"invitation": invitation}
    if user is not None and (account is None or account.pk != user.pk):
        return render(request, "stakeholders/invitation_wrong_account.html", context, status=403)
    if user is None and account is not None:
        return render(request, "stakeholders/invitation_login.html", context)
    form = None
    if user is None:
        form = forms.InvitationAccountForm(
            request.POST if request.method == "POST" else None, email=invitation.email
        )
    if request.method == "POST" and (form is None or form.is_valid()):
        return _invitation_accept_post(request, token, user, form)
    context["form"] = form
    status = _status(form) if form is not None else 200
    return render(request, "stakeholders/invitation_accept.html", context, status=status)


def _invitation_accept_post(request, token, user, form):
    data = form.cleaned_data if form is not None else {}
    try:
        membership = services.invitation_accept(
            token=token,
            user=user,
            first_name=data.get("first_name", ""),
            last_name=data.get("last_name", ""),
            password=data.get("password1", ""),
            language=translation.get_language(),
        )
    except services.InvitationInvalid as invalid:
        return _invitation_invalid(request, invalid.reason)
    except services.InvitationWrongAccount:
        return redirect(request.path)  # shown again: now "log in as …" or "wrong account"
    if user is None:
        auth.login(request, membership.user, backend=INVITATION_LOGIN_BACKEND)
    messages.success(
        request,
        _("Welcome! You are now a member of %(name)s.") % {"name": membership.organization.name},
    )
    return redirect("my_pages")
