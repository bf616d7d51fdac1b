"""Every change to initiatives goes through here: one ``@transaction.atomic`` service per
change, keyword-only arguments, the business rule in the docstring."""

from datetime import date

import pghistory
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from initiatives.models import Initiative, InitiativeUpdate
from partnership.models import Visibility
from stakeholders.models import Organization, User

# --- Maintaining initiatives: updates, archive and restore -------------------------------------

_FUTURE_DATE = _lazy("The date cannot be in the future. Post the update once it has happened.")


def _lock(initiative: Initiative) -> Initiative:
    return Initiative.objects.select_for_update().get(pk=initiative.pk)


@transaction.atomic
def initiative_update_post(
    *,
    initiative: Initiative,
    organization: Organization,
    author: User,
    happened_on: date,
    text: str,
    new_status: str = "",
    visibility: str = Visibility.PUBLIC,
) -> InitiativeUpdate:
    """Post a dated progress update for one of the author's organisations among the lead and
    partner organisations (a coordinator may post for the lead organisation). The date may
    be today or in the past, never in the future. A new status also changes the
    initiative's status (and its version) in the same transaction. On a partners-only
    initiative every update is partners-only. Archived initiatives take no updates."""
    from partnership.permissions import organizations_posting_for

    if initiative.archived_at is not None:
        raise ValidationError(_("This initiative is archived; restore it before posting updates."))
    if organization.pk not in {org.pk for org in organizations_posting_for(author, initiative)}:
        raise ValidationError(
            {"organization": _("You cannot post updates for this organisation here.")}
        )
    if happened_on > timezone.localdate():
        raise ValidationError({"happened_on": _FUTURE_DATE})
    if new_status and new_status not in Initiative.Status.values:
        raise ValidationError({"new_status": _("Choose one of the listed statuses.")})
    if initiative.visibility == Visibility.PARTNERS:
        visibility = Visibility.PARTNERS
    with pghistory.context(user=author.pk):
        update = InitiativeUpdate.objects.create(
            initiative=initiative,
            organization=organization,
            author=author,
            happened_on=happened_on,
            text=text,
            new_status=new_status,
            visibility=visibility,
        )
        if new_status:
            locked = _lock(initiative)
            if locked.status != new_status:
                locked.status = new_status
                locked.version += 1
                locked.save(update_fields=["status", "version", "updated_at"])
                initiative.status, initiative.version = locked.status, locked.version
    return update


@transaction.atomic
def initiative_archive(*, initiative: Initiative, actor: User) -> bool:
    """Archive an initiative: it leaves every list, map and page except for its editors, who
    can restore it. Nothing is deleted. Archiving an archived initiative changes nothing
    (returns False)."""
    locked = _lock(initiative)
    if locked.archived_at is not None:
        return False
    with pghistory.context(user=actor.pk):
        locked.archived_at = timezone.now()
        locked.version += 1
        locked.save(update_fields=["archived_at", "version", "updated_at"])
    initiative.archived_at, initiative.version = locked.archived_at, locked.version
    return True


@transaction.atomic
def initiative_restore(*, initiative: Initiative, actor: User) -> bool:
    """Bring an archived initiative back, as it was. Restoring one that is not archived
    changes nothing (returns False)."""
    locked = _lock(initiative)
    if locked.archived_at is None:
        return False
    with pghistory.context(user=actor.pk):
        locked.archived_at = None
        locked.version += 1
        locked.save(update_fields=["archived_at", "version", "updated_at"])
    initiative.archived_at, initiative.version = locked.archived_at, locked.version
    return True
