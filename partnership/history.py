"""History of many-to-many links, next to the row history that ``pghistory.track`` keeps.

Kept apart from the models so that every app's models can use it without importing
another app's models.
"""

import pghistory
from django.db import models

# Every many-to-many relation whose links are kept in history: (field, tracking proxy).
TRACKED_LINKS: list[tuple[models.ManyToManyField, type[models.Model]]] = []


def track_links(relation) -> type[models.Model]:
    """Keep adding and removing many-to-many links in history ("themes.add", "themes.remove").

    pghistory tracks a through table by way of a proxy model in the app that owns the
    relation; each event keeps both ends of the link, and the context the user and the time.
    ``relation`` is the many-to-many descriptor, e.g. ``Initiative.themes``.
    """
    field = relation.field
    through = relation.through
    name = field.model.__name__ + field.name.title().replace("_", "")
    proxy = type(
        name,
        (through,),
        {
            "__module__": field.model.__module__,
            "Meta": type("Meta", (), {"proxy": True, "app_label": field.model._meta.app_label}),
        },
    )
    pghistory.track(
        pghistory.InsertEvent(f"{field.name}.add"),
        pghistory.DeleteEvent(f"{field.name}.remove"),
        obj_field=None,
        model_name=f"{name}Event",
    )(proxy)
    TRACKED_LINKS.append((field, proxy))
    return proxy
