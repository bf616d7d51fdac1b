"""Onboarding a partnership (``coordinator:imports:``): areas from the municipality's GIS,
organisations and initiatives from the partnership's spreadsheet. Each import is upload →
preview → confirm: an upload with any error comes back (400) with every error and nothing
kept; a clean one is kept as a draft (``imports.drafts``) for its preview page, whose button
reads the file again and saves all of it, or nothing. Coordinators only (second factor)."""

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from partnership.coordination.imports import areas, directory, drafts, files
from partnership.coordination.imports.forms import AreaUploadForm, DirectoryUploadForm
from partnership.coordination.imports.tasks import directory_import_task
from partnership.coordination.models import ImportDraft
from partnership.models import Area, TargetGroup, Theme
from partnership.permissions import coordinator_required
from partnership.spreadsheets import xlsx_response
from stakeholders.models import Organization

PREVIEW_ROWS = 100
AREAS = ImportDraft.Kind.AREAS
DIRECTORY = ImportDraft.Kind.DIRECTORY


@coordinator_required
@require_safe
def imports(request):
    return render(request, "dashboard/imports/index.html")


def _area_features(rows) -> dict:
    """The areas with a valid boundary as a GeoJSON FeatureCollection for the preview map."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": row["name"], "parent": row["parent"]},
                "geometry": row["boundary"],
            }
            for row in rows
            if row["boundary"]
        ],
    }


def _area_page(request, form, preview=None, *, draft=None, status=200):
    rows = (preview or {}).get("rows", [])
    context = {
        "form": form,
        "draft": draft,
        "crs": (preview or {}).get("crs", ""),
        "rows": rows,
        "error_count": sum(1 for row in rows if row["errors"]),
        "features": _area_features(rows),
    }
    template = "dashboard/imports/area_preview.html" if draft else "dashboard/imports/areas.html"
    return render(request, template, context, status=status)


@coordinator_required
@require_http_methods(["GET", "HEAD", "POST"])
def area_import(request):
    """Upload a GeoJSON or GeoPackage file of areas (see ``imports.areas``)."""
    if request.method == "GET":
        return _area_page(request, AreaUploadForm())
    form = AreaUploadForm(request.POST, request.FILES)
    parsed = None
    if form.is_valid():
        upload = form.cleaned_data["file"]
        options = {k: form.cleaned_data[k] for k in ("crs", "name_property", "parent_property")}
        try:
            data = files.read_upload(upload, max_bytes=areas.MAX_BYTES)
        except files.FileError as error:
            form.add_error("file", str(error))
        else:
            parsed = areas.parse_areas(data, **options)
            if parsed.is_valid:
                draft = drafts.draft_save(
                    kind=AREAS,
                    actor=request.user,
                    files={"file": (upload.name, data)},
                    options=options,
                    preview=parsed.preview(),
                )
                return redirect("coordinator:imports:area_preview", public_id=draft.public_id)
            form.add_parse_errors(parsed)
    return _area_page(request, form, parsed.preview() if parsed else None, status=400)


@coordinator_required
@require_safe
def area_preview(request, public_id):
    draft = drafts.draft_for_user(request, public_id, AREAS)
    return _area_page(request, None, draft.preview, draft=draft)


@coordinator_required
@require_POST
def area_confirm(request, public_id):
    """Read the kept file again and create its areas, or nothing."""
    draft = drafts.draft_for_user(request, public_id, AREAS)
    parsed = areas.parse_areas(drafts.draft_file(draft, "file"), **draft.options)
    if not parsed.is_valid:
        messages.error(
            request,
            _(
                "The areas have changed since the preview and nothing was saved: upload the "
                "file again."
            ),
        )
        return redirect("coordinator:imports:areas")
    created = areas.areas_create(parsed=parsed)
    draft.delete()
    messages.success(request, _("%(count)s areas have been imported.") % {"count": len(created)})
    return redirect("coordinator:imports:index")


# --- Organisations and initiatives ------------------------------------------------------------


def _directory_context(form, parsed=None, *, draft=None) -> dict:
    error_rows = []
    if parsed is not None:
        for label, rows in (
            (_("Organisations"), parsed.organizations),
            (_("Initiatives"), parsed.initiatives),
        ):
            error_rows += [
                {
                    "file": label,
                    "line": r.line,
                    "name": r.raw.get("name") or r.raw.get("title", ""),
                    "errors": r.errors,
                }
                for r in rows
                if r.errors
            ]
    return {
        "form": form,
        "draft": draft,
        "error_rows": error_rows,
        "row_count": len(parsed.rows) if parsed else 0,
        "column_tables": [
            (_("Organisations"), directory.ORGANIZATION_COLUMNS),
            (_("Initiatives"), directory.INITIATIVE_COLUMNS),
        ],
        "max_rows": directory.MAX_ROWS,
        "kinds": Organization.Kind.choices,
        "themes": Theme.objects.all(),
        "target_groups": TargetGroup.objects.all(),
        "areas": Area.objects.order_by("name").values_list("name", flat=True),
    }


def _directory_preview(parsed, status: str) -> dict:
    return {
        "status": status,
        "organizations": len(parsed.organizations),
        "initiatives": len(parsed.initiatives),
        "organization_rows": [
            [r.line, r.cleaned["name"], r.cleaned["kind"]]
            for r in parsed.organizations[:PREVIEW_ROWS]
        ],
        "initiative_rows": [
            [
                r.line,
                r.cleaned["title"],
                r.cleaned["lead_organization"],
                r.cleaned["starts_on"],
                r.raw["slots"],
            ]
            for r in parsed.initiatives[:PREVIEW_ROWS]
        ],
    }


@coordinator_required
@require_http_methods(["GET", "HEAD", "POST"])
def directory_import(request):
    """Upload the organisations' and initiatives' files (see ``imports.directory``)."""
    if request.method == "GET":
        form = DirectoryUploadForm(initial={"status": Organization.Status.APPROVED})
        return render(request, "dashboard/imports/directory.html", _directory_context(form))
    form = DirectoryUploadForm(request.POST, request.FILES)
    parsed, data = None, {}
    if form.is_valid():
        for key in ("organizations", "initiatives"):
            upload = form.cleaned_data[key]
            if upload:
                try:
                    data[key] = (
                        upload.name,
                        files.read_upload(upload, max_bytes=directory.MAX_BYTES),
                    )
                except files.FileError as error:
                    form.add_error(key, str(error))
    if form.is_valid():
        status = form.cleaned_data["status"]
        parsed = directory.parse_directory(
            organizations=data.get("organizations", (None, None))[1],
            initiatives=data.get("initiatives", (None, None))[1],
            status=status,
        )
        if parsed.is_valid:
            draft = drafts.draft_save(
                kind=DIRECTORY,
                actor=request.user,
                files=data,
                options={"status": status},
                preview=_directory_preview(parsed, status),
            )
            return redirect("coordinator:imports:directory_preview", public_id=draft.public_id)
        form.add_parse_errors(parsed)
    context = _directory_context(form, parsed)
    return render(request, "dashboard/imports/directory.html", context, status=400)


@coordinator_required
@require_safe
def directory_preview(request, public_id):
    draft = drafts.draft_for_user(request, public_id, DIRECTORY)
    kinds = dict(Organization.Kind.choices)
    preview = {
        **draft.preview,
        "organization_rows": [
            [line, name, kinds.get(kind, kind)]
            for line, name, kind in draft.preview["organization_rows"]
        ],
    }
    return render(
        request,
        "dashboard/imports/directory_preview.html",
        {"draft": draft, "preview": preview, "preview_rows": PREVIEW_ROWS},
    )


@coordinator_required
@require_POST
def directory_confirm(request, public_id):
    """Queue the import (``imports.tasks``): the worker reads the kept files again and
    creates their organisations and initiatives, or nothing. The preview page then tells how
    it went. A second press changes nothing."""
    with transaction.atomic():
        draft = drafts.draft_for_user(request, public_id, DIRECTORY, lock=True)
        if draft.preview.get("state", "ready") == "ready":
            draft.preview = {**draft.preview, "state": "queued"}
            draft.save(update_fields=["preview"])
            transaction.on_commit(lambda: directory_import_task.enqueue(draft_id=draft.pk))
    return redirect("coordinator:imports:directory_preview", public_id=draft.public_id)


def _template_rows(sheet: str) -> list[list[str]]:
    if sheet not in ("organizations", "initiatives"):
        raise Http404
    return directory.template_rows(sheet, language=translation.get_language() or "sv")


@coordinator_required
@require_safe
def directory_template_csv(request, sheet):
    response = HttpResponse(
        files.csv_bytes(_template_rows(sheet)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{sheet}.csv"'
    return response


@coordinator_required
@require_safe
def directory_template_xlsx(request, sheet):
    return xlsx_response(_template_rows(sheet), title=sheet, filename=f"{sheet}.xlsx")
