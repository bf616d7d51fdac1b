"""Importing observations from a CSV file: upload → preview → confirm, as the safety-walk
import. Reporters import for the organisations they report for, coordinators for any
approved organisation (e.g. the police's weekly statistics). Nothing is saved until a clean
preview is confirmed; confirming saves every row at once (``bulk_create``), once."""

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from partnership.fields import OrganizationChoiceMixin
from partnership.forms import PortalFormMixin
from partnership.models import Area
from partnership.permissions import is_coordinator
from stakeholders.models import Organization

from . import csv_import
from .models import Observation, ObservationCategory, ObservationImport
from .permissions import can_read_observations, reporting_organizations

BATCH_SIZE = 2000


def importing_organizations(user) -> list[Organization]:
    """The organisations ``user`` may import observations for: a coordinator any approved
    one, a reporter those they report for."""
    if is_coordinator(user):
        return list(Organization.objects.filter(Organization.approved_q()).order_by("name"))
    return reporting_organizations(user)


def _organizations_or_deny(request) -> list[Organization]:
    """404 for whoever may not read observations at all, 403 for a partner who does not
    report (they see the page exists: their admin can make them a reporter)."""
    if not can_read_observations(request.user):
        raise Http404
    organizations = importing_organizations(request.user)
    if not organizations:
        raise PermissionDenied
    return organizations


class ImportForm(PortalFormMixin, OrganizationChoiceMixin, forms.Form):
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(),
        error_messages={
            "invalid_choice": gettext_lazy("Choose one of your own approved organisations.")
        },
    )
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=lazy(
            lambda: (
                _("One observation per row, as in the sample file. At most %(rows)s rows.")
                % {"rows": f"{csv_import.MAX_ROWS:,}".replace(",", " ")}
            ),
            str,
        )(),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.offer_organizations(organizations, _("Imported for"))


def _context(form, parsed=None) -> dict:
    failing = parsed.failing if parsed else []
    return {
        "form": form,
        "parsed": parsed,
        "failing": failing[: csv_import.ERROR_ROWS],
        "more_failing": max(len(failing) - csv_import.ERROR_ROWS, 0),
        "columns": csv_import.COLUMNS,
        "max_rows": csv_import.MAX_ROWS,
        "areas": Area.objects.order_by("name").values_list("name", flat=True),
        "categories": ObservationCategory.objects.filter(retired_at__isnull=True).order_by(
            "position", "name_sv"
        ),
    }


@require_http_methods(["GET", "HEAD", "POST"])
def import_upload(request):
    """Upload a file. With any error the page shows every failing row with its reasons and
    nothing is saved; a clean file is kept for the preview, where the uploader confirms it."""
    organizations = _organizations_or_deny(request)
    posted = request.method == "POST"
    form = ImportForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        organizations=organizations,
    )
    if not posted:
        return render(request, "observations/import_upload.html", _context(form))
    parsed = None
    if form.is_valid():
        upload = form.cleaned_data["file"]
        parsed = csv_import.parse(upload)
        if parsed.is_valid:
            batch = ObservationImport.objects.create(
                organization=form.cleaned_data["organization"],
                imported_by=request.user,
                file_name=(upload.name or "")[:200],
                rows=parsed.cleaned_rows(),
            )
            return redirect("observations:import_preview", pk=batch.pk)
        form.add_error("file", _("The file has errors and nothing was saved: see the preview."))
    return render(request, "observations/import_upload.html", _context(form, parsed), status=400)


def _own_import(request, pk) -> ObservationImport:
    """The uploader's own import (anyone else: 404), while they may still import for its
    organisation."""
    organizations = _organizations_or_deny(request)
    batch = get_object_or_404(
        ObservationImport.objects.select_related("organization"), pk=pk, imported_by=request.user
    )
    if batch.organization_id not in {o.pk for o in organizations}:
        raise PermissionDenied
    return batch


def _list_url() -> str:
    try:
        return reverse("observations:list")
    except NoReverseMatch:  # pragma: no cover - the list is always mounted
        return reverse("observations:import")


@require_safe
def import_preview(request, pk):
    """A clean file's rows before anything is saved: what it holds in sum, and its first
    rows."""
    batch = _own_import(request, pk)
    if batch.confirmed_at is not None:
        messages.info(request, _("This file has already been imported."))
        return redirect(_list_url())
    context = {
        "batch": batch,
        "summary": csv_import.summary(batch.rows),
        "rows": batch.rows[: csv_import.PREVIEW_ROWS],
        "preview_rows": csv_import.PREVIEW_ROWS,
    }
    return render(request, "observations/import_preview.html", context)


def confirm(batch: ObservationImport, *, actor) -> int:
    """Save a previewed import's rows as observations, all or none, once. Returns how many
    were saved (0 when it had been confirmed already)."""
    with transaction.atomic():
        locked = ObservationImport.objects.select_for_update().get(pk=batch.pk)
        if locked.confirmed_at is not None:
            return 0
        rows = locked.rows
        area_ids = {row["area"] for row in rows}
        category_ids = {row["category"] for row in rows}
        if Area.objects.filter(pk__in=area_ids).count() != len(area_ids) or (
            ObservationCategory.objects.filter(pk__in=category_ids, retired_at__isnull=True).count()
            != len(category_ids)
        ):
            raise ValueError("gone")
        observations = [
            Observation(
                organization_id=locked.organization_id,
                reported_by=actor,
                area_id=row["area"],
                category_id=row["category"],
                observed_on=dt.date.fromisoformat(row["observed_on"]),
                time_from=dt.time.fromisoformat(row["time_from"]) if row["time_from"] else None,
                time_to=dt.time.fromisoformat(row["time_to"]) if row["time_to"] else None,
                count=row["count"],
                note=row["note"],
                latitude=row["latitude"],
                longitude=row["longitude"],
                source=Observation.Source.IMPORTED,
                import_batch=locked,
            )
            for row in rows
        ]
        Observation.objects.bulk_create(observations, batch_size=BATCH_SIZE)
        locked.confirmed_at = timezone.now()
        locked.rows = []  # the observations now hold them
        locked.save(update_fields=["confirmed_at", "rows"])
    return len(observations)


@require_POST
def import_confirm(request, pk):
    """Import the rows kept on the server (never re-posted ones)."""
    batch = _own_import(request, pk)
    if batch.confirmed_at is not None:
        messages.info(request, _("This file has already been imported."))
        return redirect(_list_url())
    try:
        saved = confirm(batch, actor=request.user)
    except ValueError:
        messages.error(
            request, _("An area or category in the file no longer exists. Upload the file again.")
        )
        return redirect("observations:import")
    if saved:
        messages.success(
            request,
            _("%(count)s observations have been imported.")
            % {"count": f"{saved:,}".replace(",", " ")},
        )
    else:
        messages.info(request, _("This file has already been imported."))
    return redirect(_list_url())


@require_safe
def import_template(request):
    """The sample file, headers in the page's language."""
    _organizations_or_deny(request)
    body = csv_import.template_csv(language=translation.get_language() or "sv")
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    name = _("observations-sample")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response
