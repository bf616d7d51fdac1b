"""The "who does what" directory of partner organisations."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from stakeholders import selectors

PAGE_SIZE = 30


# --- Directory ---------------------------------------------------------------------------------


@require_GET
def organization_list(request):
    paginator = Paginator(selectors.directory(user=request.user), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "stakeholders/organization_list.html", {"page": page})


@require_GET
def organization_detail(request, slug):
    organization = get_object_or_404(
        selectors.organization_detail_queryset(user=request.user), slug=slug
    )
    return render(request, "stakeholders/organization_detail.html", {"organization": organization})


# --- My account ---------------------------------------------------------------------------------


@login_required
@require_GET
def my_pages(request):
    """'Mina sidor': my organisations, my role in each, and their initiatives."""
    memberships = selectors.memberships_of(user=request.user)
    return render(request, "stakeholders/my_pages.html", {"memberships": memberships})


# --- Applications -------------------------------------------------------------------------------

# --- Organisation profile, members and invitations -------------------------------------------
