"""Every change to observations, reporters and categories goes through one function here.
Views check access first (``permissions``); these re-check what depends on submitted data
(the organisation chosen in a form, the membership picked)."""

import datetime as dt

import pghistory
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from partnership.models import Area
from partnership.observations.models import Observation, ObservationCategory
from partnership.observations.permissions import can_edit_observation, reporting_organizations
from stakeholders.models import Membership, Organization, User
from stakeholders.permissions import organization_check

# --- Observations ------------------------------------------------------------------------------


@transaction.atomic
def observation_create(
    *,
    reporter: User,
    organization: Organization,
    category: ObservationCategory,
    area: Area,
    observed_on: dt.date,
    time_from: dt.time | None = None,
    time_to: dt.time | None = None,
    count: int = 1,
    note: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
) -> Observation:
    """A reporter logs what they saw for one of the organisations they report for (an
    approved organisation whose admin made them a reporter); ``PermissionDenied`` for any
    other organisation. The form has already refused personal data in the note."""
    if organization.pk not in {o.pk for o in reporting_organizations(reporter)}:
        raise PermissionDenied
    return Observation.objects.create(
        organization=organization,
        reported_by=reporter,
        category=category,
        area=area,
        observed_on=observed_on,
        time_from=time_from,
        time_to=time_to if time_from is not None else None,
        count=count,
        note=note.strip(),
        latitude=latitude,
        longitude=longitude,
    )


@transaction.atomic
def observation_update(*, observation: Observation, actor: User, **fields) -> Observation:
    """The reporter corrects their own observation within ``permissions.EDIT_WINDOW`` of
    logging it (``PermissionDenied`` otherwise). Its organisation stays."""
    locked = Observation.objects.select_for_update().get(pk=observation.pk)
    if not can_edit_observation(actor, locked):
        raise PermissionDenied
    fields.pop("organization", None)
    for name, value in fields.items():
        setattr(locked, name, value)
    if locked.time_from is None:
        locked.time_to = None
    locked.note = locked.note.strip()
    locked.save()
    return locked


@transaction.atomic
def observation_delete(*, observation: Observation, actor: User) -> None:
    """The reporter deletes their own observation within the edit window (a mistake)."""
    locked = Observation.objects.select_for_update().get(pk=observation.pk)
    if not can_edit_observation(actor, locked):
        raise PermissionDenied
    locked.delete()


# --- Reporters ---------------------------------------------------------------------------------


@transaction.atomic
def reporter_set(*, membership: Membership, is_reporter: bool, actor: User) -> bool:
    """An organisation admin (or a coordinator, as for every other change to members) makes a
    member a reporter, or no longer one; kept in the membership's history with the actor.
    The membership is picked in a form, so the actor's right to manage its organisation is
    checked here. False when nothing changed."""
    organization_check(actor, membership.organization, "manage")
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    if locked.is_reporter == is_reporter:
        return False
    with pghistory.context(user=actor.pk):
        locked.is_reporter = is_reporter
        locked.save(update_fields=["is_reporter"])
    membership.is_reporter = is_reporter
    return True


# --- Categories --------------------------------------------------------------------------------


def _unique_slug(name: str) -> str:
    base = slugify(name)[:70] or "kategori"
    slug, number = base, 2
    while ObservationCategory.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


@transaction.atomic
def category_create(*, name_sv: str, name_en: str = "", themes=()) -> ObservationCategory:
    """A new category, last in the list; its slug (in filter links and imports) is made from
    the Swedish name once and never changes."""
    last = ObservationCategory.objects.aggregate(last=Max("position"))["last"] or 0
    category = ObservationCategory.objects.create(
        slug=_unique_slug(name_sv),
        name_sv=name_sv.strip(),
        name_en=name_en.strip(),
        position=last + 1,
    )
    category.themes.set(themes)
    return category


@transaction.atomic
def category_update(
    *, category: ObservationCategory, name_sv: str, name_en: str = "", themes=()
) -> ObservationCategory:
    """Rename a category (Swedish and English) and choose its themes; the slug stays, so
    links, imports and old observations keep working."""
    category.name_sv, category.name_en = name_sv.strip(), name_en.strip()
    category.save(update_fields=["name_sv", "name_en"])
    category.themes.set(themes)
    return category


@transaction.atomic
def category_move(*, category: ObservationCategory, direction: str) -> bool:
    """Move a category one place up or down the list reporters choose from (positions are
    renumbered 1, 2, 3 … on the way). False at the top or bottom already."""
    ordered = list(ObservationCategory.objects.select_for_update().order_by("position", "name_sv"))
    index = next(i for i, c in enumerate(ordered) if c.pk == category.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(ordered):
        return False
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, item in enumerate(ordered, start=1):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])
    return True


@transaction.atomic
def category_retire(*, category: ObservationCategory, retired: bool) -> bool:
    """Retire a category (reporters no longer see it; its observations keep it and still
    count in the list, the heatmap and the lägesbild), or bring it back. False when it
    already was."""
    if category.retired_at is not None and retired or category.retired_at is None and not retired:
        return False
    category.retired_at = timezone.now() if retired else None
    category.save(update_fields=["retired_at"])
    return True


@transaction.atomic
def category_delete(*, category: ObservationCategory) -> None:
    """Delete a category nobody has used (a typo); one in use is retired instead."""
    if Observation.objects.filter(category=category).exists():
        raise ValidationError(
            _("Observations use this category: retire it instead, so they keep it.")
        )
    category.delete()
