"""The confirmation of a spreadsheet import runs in the task worker: 10,000 initiatives with
their links, weekly times and history take longer to write (measured 25–45 s on a shared
2-core machine) than a web request may last."""

from django.db import DatabaseError, transaction
from django.tasks import task

from partnership.coordination.imports import directory, drafts
from partnership.coordination.models import ImportDraft


def _finish(draft: ImportDraft, state: str, **result) -> None:
    draft.preview = {**draft.preview, "state": state, "result": result}
    draft.save(update_fields=["preview"])


@task
def directory_import_task(*, draft_id: int) -> str:
    """Read the draft's files again and create their organisations and initiatives, or
    nothing; the draft records the outcome for its preview page ("done" with the counts,
    or "failed" with the number of rows that now have errors)."""
    draft = ImportDraft.objects.select_related("created_by").filter(pk=draft_id).first()
    if draft is None or draft.preview.get("state") != "queued":
        return "gone"
    parsed = directory.parse_directory(
        organizations=drafts.draft_file(draft, "organizations"),
        initiatives=drafts.draft_file(draft, "initiatives"),
        status=draft.options["status"],
    )
    if not parsed.is_valid:
        _finish(draft, "failed", errors=parsed.error_count or 1)
        return "failed"
    try:
        with transaction.atomic():
            organizations, initiatives = directory.directory_create(
                parsed=parsed, actor=draft.created_by
            )
    except DatabaseError:  # a name taken meanwhile (the unique constraint): nothing saved
        _finish(draft, "failed", errors=1)
        return "failed"
    _finish(draft, "done", organizations=organizations, initiatives=initiatives)
    return "done"
