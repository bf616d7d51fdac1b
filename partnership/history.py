"""History: many-to-many links kept next to the row history that ``pghistory.track`` keeps,
and reading it back as "who changed what, when" for a page.

Kept apart from the models so that every app's models can use it without importing
another app's models.
"""

from dataclasses import dataclass
from datetime import datetime

import pghistory
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import DateTimeField
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext

# Every many-to-many relation whose links are kept in history: (field, tracking proxy).
TRACKED_LINKS: list[tuple[models.ManyToManyField, type[models.Model]]] = []


def track_links(
    relation, *, label: str | None = None, event_table: str | None = None
) -> type[models.Model]:
    """Keep adding and removing many-to-many links in history ("themes.add", "themes.remove").

    pghistory tracks a through table by way of a proxy model in the app that owns the
    relation; each event keeps both ends of the link, and the context the user and the time.
    ``relation`` is the many-to-many descriptor, e.g. ``Initiative.themes``. ``label`` (the
    field's name by default) and ``event_table`` keep a relation's history where it was when
    the relation moved to another model or app.
    """
    field = relation.field
    through = relation.through
    name = field.model.__name__ + field.name.title().replace("_", "")
    app_label = field.model._meta.app_label
    proxy = type(
        name,
        (through,),
        {
            "__module__": field.model.__module__,
            "Meta": type("Meta", (), {"proxy": True, "app_label": app_label}),
        },
    )
    label = label or field.name
    pghistory.track(
        pghistory.InsertEvent(f"{label}.add"),
        pghistory.DeleteEvent(f"{label}.remove"),
        obj_field=None,
        model_name=f"{name}Event",
        meta={"db_table": event_table} if event_table else None,
    )(proxy)
    TRACKED_LINKS.append((field, proxy))
    return proxy


def _link_event_models(model: type[models.Model], names) -> dict:
    """{event model: tracking proxy} for the named many-to-many relations of ``model``, by
    their accessor names, whichever end declares them: an initiative's page shows the
    problems linked to it (``Problem.initiatives``, read as ``initiative.problems``) without
    importing the app that declares the relation."""
    proxies = dict(TRACKED_LINKS)
    event_models = {}
    for name in names:
        relation = model._meta.get_field(name)
        field = relation if isinstance(relation, models.ManyToManyField) else relation.field
        proxy = proxies[field]
        event_models.update(dict.fromkeys(proxy.pgh_event_models.values(), proxy))
    return event_models


# --- Reading history -------------------------------------------------------------------------


@dataclass
class HistoryChange:
    field: str
    before: str
    after: str


@dataclass
class HistoryEntry:
    when: datetime
    user: object  # the acting user, None for changes made outside a request (e.g. a script)
    url: str
    subject: str  # what was changed: the organisation, a membership, "themes" …
    action: str
    changes: list[HistoryChange]


HISTORY_PAGE_SIZE = 50


def history_page(
    *, obj, tracked, links=(), hidden: set[str], page_number=None, page_size=HISTORY_PAGE_SIZE
) -> Page:
    """Every recorded change to ``obj`` and the rows that refer to it, newest first: who,
    when, and each field before and after, with foreign keys shown by name (users by email).

    ``tracked`` lists the models whose history counts (``obj``'s own model and those whose
    rows refer to it: memberships of an organisation, the slots of an initiative); ``links``
    names ``obj``'s many-to-many relations whose links count; ``hidden`` names columns that
    say nothing to a reader. A fixed number of queries per page: the events, then one query
    per kind of thing they refer to.
    """
    from pghistory.models import MiddlewareEvents  # needs the app registry: not at import

    event_models = {model.pgh_event_model: model for model in tracked}
    event_models.update(_link_event_models(type(obj), links))
    events = (
        MiddlewareEvents.objects.references(obj)
        .across(*event_models)
        .select_related("user")
        .order_by("-pgh_created_at", "-pgh_id")
    )
    page = Paginator(events, page_size).get_page(page_number)
    by_label = {event._meta.label: model for event, model in event_models.items()}
    names = _history_names(page.object_list, by_label, hidden)
    page.object_list = [
        _history_entry(event, by_label[event.pgh_model], names, hidden, owner=type(obj))
        for event in page.object_list
    ]
    return page


def _history_field(model, attname: str):
    for name in (attname, attname.removesuffix("_id")):
        try:
            return model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
    return None  # a column no longer on the model


def _history_names(events, tracked, hidden) -> dict:
    """{related model: {id: name}} for every foreign key the events mention, one query per
    related model (users are named by their email)."""
    wanted: dict = {}
    for event in events:
        model = tracked[event.pgh_model]
        data, diff = event.pgh_data or {}, event.pgh_diff or {}
        for attname in {*data, *diff}:
            field = _history_field(model, attname)
            if field is None or not field.many_to_one or attname in hidden:
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


def _history_subject(owner, model, label: str) -> str:
    if "." in label:  # a link: "themes.add", "partner_organizations.remove" …
        field = next((f for f, proxy in TRACKED_LINKS if proxy is model), None)
        return str(field.verbose_name) if field is not None else label.split(".")[0]
    return str(model._meta.verbose_name)


def _history_entry(event, model, names, hidden, *, owner) -> HistoryEntry:
    label = event.pgh_label
    changes: list[HistoryChange] = []
    if label == "update":
        action = pgettext("history action", "changed")
        for attname, (before, after) in sorted((event.pgh_diff or {}).items()):
            if attname in hidden:
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
            if attname in hidden or value in (None, ""):
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
        subject=_history_subject(owner, model, label),
        action=action,
        changes=changes,
    )
