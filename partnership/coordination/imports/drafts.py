"""The upload kept between its preview and the confirmation (``ImportDraft``): in the
database, so any worker may serve either step; read only by its uploader; expired after
``VALIDITY`` (refused, and deleted with the next upload)."""

import base64
import datetime as dt

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from partnership.coordination.models import ImportDraft

VALIDITY = dt.timedelta(hours=24)


@transaction.atomic
def draft_save(
    *, kind: str, actor, files: dict[str, tuple[str, bytes]], options: dict, preview: dict
):
    """Keep an upload that passed its checks; ``files`` maps a field to (file name, bytes).
    Drafts past their time are deleted on the way."""
    now = timezone.now()
    ImportDraft.objects.filter(expires_at__lte=now).delete()
    return ImportDraft.objects.create(
        kind=kind,
        created_by=actor,
        created_at=now,
        expires_at=now + VALIDITY,
        files={
            key: {"name": name, "data": base64.b64encode(data).decode("ascii")}
            for key, (name, data) in files.items()
        },
        options=options,
        preview=preview,
    )


def draft_for_user(request, public_id, kind: str, *, lock: bool = False) -> ImportDraft:
    """The user's own draft of ``kind``, not expired; 404 otherwise (another coordinator's
    upload is theirs to confirm). ``lock``: locked for the transaction."""
    drafts = ImportDraft.objects.select_for_update() if lock else ImportDraft.objects
    draft = drafts.filter(
        public_id=public_id, kind=kind, created_by=request.user, expires_at__gt=timezone.now()
    ).first()
    if draft is None:
        raise Http404
    return draft


def draft_file(draft: ImportDraft, key: str) -> bytes | None:
    entry = draft.files.get(key)
    return base64.b64decode(entry["data"]) if entry else None
