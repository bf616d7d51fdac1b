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
from django.db.models import DateTimeField, Prefetch
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext, pgettext_lazy

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
    who: str  # the acting person as the reader may see them (``people_names``)
    url: str
    subject: str  # what was changed: the organisation, a membership, "themes" …
    action: str
    changes: list[HistoryChange]


HISTORY_PAGE_SIZE = 50


def history_page(
    *,
    obj,
    tracked,
    links=(),
    hidden: set[str],
    reader,
    page_number=None,
    page_size=HISTORY_PAGE_SIZE,
) -> Page:
    """Every recorded change to ``obj`` and the rows that refer to it, newest first: who,
    when, and each field before and after, with foreign keys shown by name, as ``reader``
    may see them: people as :func:`people_names` says (never by email), and things the
    reader may not know exist (a pending organisation's initiative, an archived problem) as
    "not shown" — a related model's QuerySet says which by ``known_to(reader)``.

    ``tracked`` lists the models whose history counts (``obj``'s own model and those whose
    rows refer to it: memberships of an organisation, the slots of an initiative); ``links``
    names ``obj``'s many-to-many relations whose links count; ``hidden`` names columns that
    say nothing to a reader. A fixed number of queries per page: the events, then one query
    per kind of thing they refer to (two for people: them and their organisations).
    """
    from pghistory.models import MiddlewareEvents  # needs the app registry: not at import

    event_models = {model.pgh_event_model: model for model in tracked}
    event_models.update(_link_event_models(type(obj), links))
    events = (
        MiddlewareEvents.objects.references(obj)
        .across(*event_models)
        .order_by("-pgh_created_at", "-pgh_id")
    )
    page = Paginator(events, page_size).get_page(page_number)
    by_label = {event._meta.label: model for event, model in event_models.items()}
    actors = {event.user_id for event in page.object_list if event.user_id is not None}
    names = _history_names(page.object_list, by_label, hidden, reader=reader, people=actors)
    people = names.get(get_user_model(), {})
    page.object_list = [
        _history_entry(
            event, by_label[event.pgh_model], names, hidden, owner=type(obj), people=people
        )
        for event in page.object_list
    ]
    return page


def people_names(user_ids, *, reader) -> dict:
    """{user id: how ``reader`` sees that person in history}, in two queries. Never the
    email: contact details are shared only by opt-in. A person who shares them
    (``share_contact_details``) is named with their organisations, "Anna Berg (Stiftelsen
    Vårby)", and so is anyone to the reader themself, to their colleagues (who see each
    other's names on the members page) and to a coordinator (who manages the accounts);
    anyone else is "a member of Stiftelsen Vårby". Organisations are those the reader may
    know of: approved ones (a coordinator: all). Someone in none is "a coordinator" or "a
    former partner"."""
    # The roles core imports Django's auth views, which need the user model: models that
    # track their links import this module before that model exists.
    from partnership.permissions import is_coordinator, partner_organization_ids

    user_model = get_user_model()
    membership_model = user_model._meta.get_field("memberships").related_model
    memberships = membership_model.objects.select_related("organization").order_by(
        "organization__name"
    )
    if not is_coordinator(reader):
        organization_model = membership_model._meta.get_field("organization").related_model
        memberships = memberships.filter(organization_model.approved_q("organization__"))
    users = user_model._default_manager.filter(pk__in=set(user_ids)).prefetch_related(
        Prefetch("memberships", queryset=memberships, to_attr="known_memberships")
    )
    everyone, colleagues = is_coordinator(reader), partner_organization_ids(reader)
    return {
        user.pk: _person_name(
            user,
            named=everyone
            or user.share_contact_details
            or user == reader
            or any(m.organization_id in colleagues for m in user.known_memberships),
        )
        for user in users
    }


def _person_name(user, *, named: bool) -> str:
    organizations = ", ".join(m.organization.name for m in user.known_memberships)
    name = user.get_full_name() if named else ""
    if name and organizations:
        return f"{name} ({organizations})"
    if name:
        return name
    if organizations:
        return gettext("a member of %(organizations)s") % {"organizations": organizations}
    if user.is_coordinator or user.is_superuser:
        return gettext("a coordinator")
    return gettext("a former partner")


def _history_field(model, attname: str):
    for name in (attname, attname.removesuffix("_id")):
        try:
            return model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
    return None  # a column no longer on the model


def _history_names(events, tracked, hidden, *, reader, people=()) -> dict:
    """{related model: {id: name}} for every foreign key the events mention (and ``people``,
    the acting users), one query per related model (two for people, see
    :func:`people_names`); what the reader may not know of is named "not shown"."""
    user_model = get_user_model()
    wanted: dict = {user_model: set(people)} if people else {}
    for event in events:
        model = tracked[event.pgh_model]
        data, diff = event.pgh_data or {}, event.pgh_diff or {}
        for attname in {*data, *diff}:
            field = _history_field(model, attname)
            if field is None or not field.many_to_one or attname in hidden:
                continue
            ids = wanted.setdefault(field.related_model, set())
            ids.update(v for v in [data.get(attname), *diff.get(attname, [])] if v is not None)
    names = {}
    for related, ids in wanted.items():
        if not ids:
            continue
        if related is user_model:
            names[related] = people_names(ids, reader=reader)
            continue
        objects = related._default_manager.all()
        if hasattr(objects, "known_to"):
            names[related] = dict.fromkeys(ids, NOT_SHOWN)
            objects = objects.known_to(reader)
        names.setdefault(related, {}).update(
            (obj.pk, str(obj)) for obj in objects.filter(pk__in=ids)
        )
    return names


# Something the reader may not know exists, in place of its name.
NOT_SHOWN = pgettext_lazy("history", "(not shown to you)")


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


def _history_who(event, people) -> str:
    if event.user_id is None:
        return gettext("the system")  # a change made outside a request (e.g. a script)
    return people.get(event.user_id) or gettext("a deleted account")


def _history_entry(event, model, names, hidden, *, owner, people) -> HistoryEntry:
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
        who=_history_who(event, people),
        url=event.url or "",
        subject=_history_subject(owner, model, label),
        action=action,
        changes=changes,
    )
