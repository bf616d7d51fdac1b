"""Reads of initiatives, with everything each page needs fetched up front."""

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Page, Paginator
from django.db.models import DateTimeField, Prefetch, QuerySet, prefetch_related_objects
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext

from initiatives.models import Initiative, InitiativeUpdate
from partnership.models import Visibility
from stakeholders.selectors import HistoryChange, HistoryEntry

# --- Finding initiatives ------------------------------------------------------------------------


def initiative_list(*, user) -> QuerySet[Initiative]:
    """Initiatives the user may see, newest period first, ready for a list page
    (a fixed number of queries whatever the page size)."""
    return (
        Initiative.objects.visible_to(user)
        .select_related("lead_organization")
        .prefetch_related("themes", "areas", "slots")
        .order_by("-starts_on", "title")
    )


def initiative_detail_prefetches(*, user) -> list:
    """What one initiative's page shows besides the row: organisations, vocabulary,
    schedule and the updates the user may read (partners-only updates only for partners)."""
    from partnership.permissions import is_partner

    updates = InitiativeUpdate.objects.select_related("organization").order_by("-happened_on")
    if not is_partner(user):
        updates = updates.filter(visibility=Visibility.PUBLIC)
    return [
        "partner_organizations",
        "themes",
        "target_groups",
        "areas",
        "slots",
        Prefetch("updates", queryset=updates, to_attr="visible_updates"),
    ]


def initiative_detail_queryset(*, user) -> QuerySet[Initiative]:
    """For one initiative's page, among those the user may see."""
    return (
        Initiative.objects.visible_to(user)
        .select_related("lead_organization")
        .prefetch_related(*initiative_detail_prefetches(user=user))
    )


# --- Maintaining initiatives ---------------------------------------------------------------------


def initiative_for_page(*, slug: str, user) -> Initiative | None:
    """One initiative for its page, with what ``initiative_detail_prefetches`` lists: those
    ``visible_to(user)``, and for its editors (``can_edit_initiative``) also an archived one.
    None when the user may not know it exists."""
    from partnership.permissions import can_edit_initiative

    initiative = initiative_detail_queryset(user=user).filter(slug=slug).first()
    if initiative is not None or not user.is_authenticated:
        return initiative
    archived = (
        Initiative.objects.filter(slug=slug, archived_at__isnull=False)
        .select_related("lead_organization")
        .first()
    )
    if archived is None or not can_edit_initiative(user, archived):
        return None
    prefetch_related_objects([archived], *initiative_detail_prefetches(user=user))
    return archived


def initiative_for_maintenance(*, slug: str) -> Initiative | None:
    """One initiative, archived or not, with what the permission rules look at (the lead
    and partner organisations); the caller decides who may know and act on it."""
    return (
        Initiative.objects.filter(slug=slug)
        .select_related("lead_organization")
        .prefetch_related("partner_organizations")
        .first()
    )


HISTORY_PAGE_SIZE = 50
# Columns that say nothing to a reader of an initiative's history.
_HISTORY_HIDDEN = {"id", "initiative_id", "created_at", "updated_at", "version", "public_id"}


def _history_event_models() -> dict:
    from initiatives.models import (
        InitiativeAreas,
        InitiativePartnerOrganizations,
        InitiativeProblems,
        InitiativeTargetGroups,
        InitiativeThemes,
        ScheduleSlot,
    )

    return {
        Initiative.pgh_event_model: Initiative,
        InitiativeUpdate.pgh_event_model: InitiativeUpdate,
        ScheduleSlot.pgh_event_model: ScheduleSlot,
        InitiativeThemes.pgh_event_model: InitiativeThemes,
        InitiativeTargetGroups.pgh_event_model: InitiativeTargetGroups,
        InitiativeAreas.pgh_event_model: InitiativeAreas,
        InitiativePartnerOrganizations.pgh_event_model: InitiativePartnerOrganizations,
        InitiativeProblems.pgh_event_model: InitiativeProblems,
    }


def initiative_history(*, initiative: Initiative, page_number=None) -> Page:
    """Every recorded change to an initiative, its links (themes, areas, target groups,
    problems, partner organisations), its schedule and its progress updates: who, when, and
    each field before and after. Newest first, paginated, in a fixed number of queries (the
    events, then one query per kind of thing they refer to)."""
    from pghistory.models import MiddlewareEvents

    event_models = _history_event_models()
    events = (
        MiddlewareEvents.objects.references(initiative)
        .across(*event_models)
        .select_related("user")
        .order_by("-pgh_created_at", "-pgh_id")
    )
    page = Paginator(events, HISTORY_PAGE_SIZE).get_page(page_number)
    tracked = {model._meta.label: tracked for model, tracked in event_models.items()}
    names = _history_names(page.object_list, tracked)
    page.object_list = [
        _history_entry(event, tracked[event.pgh_model], names) for event in page.object_list
    ]
    return page


def _history_field(model, attname: str):
    for name in (attname, attname.removesuffix("_id")):
        try:
            return model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
    return None  # a column no longer on the model


def _history_names(events, tracked) -> dict:
    """{related model: {id: name}} for every foreign key the events mention, one query per
    related model (users are named by their email)."""
    wanted: dict = {}
    for event in events:
        model = tracked[event.pgh_model]
        data, diff = event.pgh_data or {}, event.pgh_diff or {}
        for attname in {*data, *diff}:
            field = _history_field(model, attname)
            if field is None or not field.many_to_one or attname in _HISTORY_HIDDEN:
                continue
            ids = wanted.setdefault(field.related_model, set())
            ids.update(v for v in [data.get(attname), *diff.get(attname, [])] if v is not None)
    user_model = get_user_model()
    return {
        related: {
            obj.pk: (obj.email if related is user_model else str(obj))
            for obj in related._default_manager.filter(pk__in=ids)
        }
        for related, ids in wanted.items()
        if ids
    }


def _history_value(model, attname: str, value, names) -> str:
    if value is None or value == "":
        return ""
    field = _history_field(model, attname)
    if field is None:
        return str(value)
    if field.many_to_one:
        return names.get(field.related_model, {}).get(value, f"#{value}")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(field, DateTimeField) and (moment := parse_datetime(str(value))):
        return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")
    return str(value)


def _history_label(model, attname: str) -> str:
    field = _history_field(model, attname)
    return str(getattr(field, "verbose_name", attname))


def _history_subject(model, label: str) -> str:
    if "." in label:  # a link: "themes.add", "partner_organizations.remove" …
        return str(Initiative._meta.get_field(label.split(".")[0]).verbose_name)
    return str(model._meta.verbose_name)


def _history_entry(event, model, names) -> HistoryEntry:
    label = event.pgh_label
    changes: list[HistoryChange] = []
    if label == "update":
        action = pgettext("history action", "changed")
        for attname, (before, after) in sorted((event.pgh_diff or {}).items()):
            if attname in _HISTORY_HIDDEN:
                continue
            changes.append(
                HistoryChange(
                    _history_label(model, attname),
                    _history_value(model, attname, before, names),
                    _history_value(model, attname, after, names),
                )
            )
    else:
        added = label == "insert" or label.endswith(".add")
        action = {
            "insert": pgettext("history action", "created"),
            "delete": pgettext("history action", "deleted"),
        }.get(label) or (
            pgettext("history action", "added") if added else pgettext("history action", "removed")
        )
        for attname, value in sorted((event.pgh_data or {}).items()):
            if attname in _HISTORY_HIDDEN or value in (None, ""):
                continue
            shown = _history_value(model, attname, value, names)
            changes.append(
                HistoryChange(
                    _history_label(model, attname), "" if added else shown, shown if added else ""
                )
            )
    return HistoryEntry(
        when=event.pgh_created_at,
        user=event.user,
        url=event.url or "",
        subject=_history_subject(model, label),
        action=action,
        changes=changes,
    )
