"""Initiative pages: a server-rendered list (the map's always-available alternative) and
a detail page. Both show only what ``Initiative.objects.visible_to(user)`` allows."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from initiatives import selectors

PAGE_SIZE = 25


# --- Finding initiatives ------------------------------------------------------------------------


@require_GET
def initiative_list(request):
    paginator = Paginator(selectors.initiative_list(user=request.user), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "initiatives/initiative_list.html", {"page": page})


@require_GET
def initiative_detail(request, slug):
    initiative = get_object_or_404(
        selectors.initiative_detail_queryset(user=request.user), slug=slug
    )
    return render(request, "initiatives/initiative_detail.html", {"initiative": initiative})


# --- Maintaining initiatives: updates, archive and restore -------------------------------------
