"""Published situation pictures for the page sweeps (error summary, phone width, HTML
validity, permission sweep): a draft and a published one, made through the services the
coordinator's pages use (partnership/coordination/publication.py)."""

import datetime as dt

from django.utils import timezone

from partnership.coordination import publication
from partnership.models import Area
from partnership.observations.models import ObservationCategory


def plant_publications(actor, *, area: Area | None = None) -> dict:
    """{"published": …, "draft": …} over the last four weeks, every category, per ``area``
    (or the first area) and by time."""
    today = timezone.localdate()
    area = area or Area.objects.order_by("pk").first()
    choices = {
        "area": None,
        "theme": None,
        "starts_on": (today - dt.timedelta(days=27)).isoformat(),
        "ends_on": today.isoformat(),
        "categories": sorted(ObservationCategory.objects.values_list("pk", flat=True)),
        "areas": [area.pk] if area else [],
        "by_weekday": True,
        "by_part": True,
    }
    published = publication.situation_draft(
        choices=choices, text="Mer klotter vid torget efter helgerna.", actor=actor
    )
    publication.situation_publish(situation=published, actor=actor)
    draft = publication.situation_draft(choices=choices, text="", actor=actor)
    return {"published": published, "draft": draft}
