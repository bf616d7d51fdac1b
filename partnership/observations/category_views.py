"""The coordinator's list of observation categories (``observations:categories``): add,
rename in Swedish and English, reorder, map to themes, retire (one in use) or delete (one
nobody used). Coordinators with the second factor only."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from partnership.observations import forms, selectors, services
from partnership.observations.models import ObservationCategory
from partnership.permissions import coordinator_required


def _category(slug: str) -> ObservationCategory:
    return get_object_or_404(ObservationCategory, slug=slug)


@coordinator_required
@require_http_methods(["GET", "HEAD", "POST"])
def category_list(request):
    """Every category in the order reporters see them, with how many observations use it;
    a form to add one."""
    form = forms.CategoryForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        category = services.category_create(
            name_sv=form.cleaned_data["name_sv"],
            name_en=form.cleaned_data["name_en"],
            themes=form.cleaned_data["themes"],
        )
        messages.success(request, _("“%(name)s” is added, last in the list.") % {"name": category})
        return redirect("observations:categories")
    context = {"form": form, "categories": selectors.categories_with_use()}
    return render(
        request, "observations/categories.html", context, status=400 if form.errors else 200
    )


@coordinator_required
@require_http_methods(["GET", "HEAD", "POST"])
def category_edit(request, slug):
    """Rename a category and choose its themes; its slug and observations stay."""
    category = _category(slug)
    form = forms.CategoryForm(request.POST if request.method == "POST" else None, instance=category)
    if request.method == "POST" and form.is_valid():
        services.category_update(
            category=category,
            name_sv=form.cleaned_data["name_sv"],
            name_en=form.cleaned_data["name_en"],
            themes=form.cleaned_data["themes"],
        )
        messages.success(request, _("The category is saved."))
        return redirect("observations:categories")
    context = {"form": form, "category": category}
    return render(
        request, "observations/category_form.html", context, status=400 if form.errors else 200
    )


@coordinator_required
@require_POST
def category_move(request, slug):
    """One place up or down the list reporters choose from."""
    category = _category(slug)
    form = forms.CategoryMoveForm(request.POST)
    if form.is_valid():
        services.category_move(category=category, direction=form.cleaned_data["direction"])
    return redirect(reverse("observations:categories") + f"#category-{slug}")


@coordinator_required
@require_POST
def category_retire(request, slug):
    """Retire a category: reporters no longer choose it; its observations keep it."""
    category = _category(slug)
    if services.category_retire(category=category, retired=True):
        messages.success(request, _("“%(name)s” is retired.") % {"name": category})
    return redirect("observations:categories")


@coordinator_required
@require_POST
def category_restore(request, slug):
    category = _category(slug)
    if services.category_retire(category=category, retired=False):
        messages.success(request, _("“%(name)s” is back in the list.") % {"name": category})
    return redirect("observations:categories")


@coordinator_required
@require_POST
def category_delete(request, slug):
    """Delete a category nobody used; one in use is retired instead (the message says so)."""
    category = _category(slug)
    try:
        services.category_delete(category=category)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("“%(name)s” is deleted.") % {"name": category})
    return redirect("observations:categories")
