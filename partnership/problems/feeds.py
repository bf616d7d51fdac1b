"""Atom feeds (RFC 4287) of "you said, we did": the public problems, newest change first,
with their status, who works on them and what came of them — one for the whole partnership
and one per area (the area's sub-areas included), in Swedish and English.

- A feed holds public problems only (``Problem.objects.public()``), each with its area,
  never its point, and names only approved organisations, as the page does.
- An entry is one problem. Its ``id`` is a tag URI (RFC 4151) at the host of ``SITE_URL`` —
  never the request's Host, which a client chooses — dated the day the problem was recorded,
  so it never changes: a reader shows a changed problem as an update, not a new entry. Its
  ``updated`` is the problem's latest change (``selectors.public_problems_changed``),
  ``published`` when it was recorded; the lead organisation (else the first one responsible)
  is its author, every organisation responsible and its commitment, the outcome and the
  public initiatives are its summary, the themes its categories.
- Every link is absolute from ``SITE_URL`` too, so the feed reads the same whoever fetched it.
"""

import datetime as dt

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import urlencode
from django.utils.translation import gettext

from initiatives.feeds import site_host
from partnership.models import Area
from partnership.problems import selectors
from partnership.problems.models import Problem, ProblemResponsibility


def absolute(path: str) -> str:
    """The address of ``path`` on the portal, from ``SITE_URL``."""
    return f"{settings.SITE_URL}{path}"


def problem_tag(problem: Problem) -> str:
    """The problem's lasting Atom id: ``tag:<SITE_URL's host>,<day recorded>:problem:<uuid>``
    (the same in both languages: the same entry, translated)."""
    recorded = problem.created_at.astimezone(dt.UTC)  # the day in UTC, whatever TIME_ZONE says
    return f"tag:{site_host()},{recorded:%Y-%m-%d}:problem:{problem.public_id}"


class PublicProblemsFeed(Feed):
    """Every public problem of the partnership, newest change first."""

    feed_type = Atom1Feed
    description_template = "partnership/problem_feed_entry.html"

    def get_object(self, request, *args, **kwargs):
        return None

    def title(self, obj):
        return f"{gettext('You said, we did')} – {settings.PORTAL_NAME}"

    def subtitle(self, obj):
        return gettext("New and changed public problems: who works on them and what came of them.")

    def link(self, obj):
        return absolute(reverse("public_problems"))

    def feed_url(self, obj):
        return absolute(reverse("public_problems_feed"))

    def feed_guid(self, obj):
        return self.feed_url(obj)

    def author_name(self, obj):
        return settings.PORTAL_NAME

    def items(self, obj):
        return selectors.public_problems_changed()

    def item_title(self, item):
        return f"{item.get_status_display()}: {item.title}"

    def item_link(self, item):
        return absolute(reverse("public_problem", args=[item.public_id]))

    def item_guid(self, item):
        return problem_tag(item)

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.changed_at

    def item_author_name(self, item):
        """Who does the work: the lead organisation, else the first one responsible, else
        the partnership (the feed's author)."""
        responsible = list(item.responsibilities.all())
        lead = [r for r in responsible if r.role == ProblemResponsibility.Role.LEAD]
        return (lead or responsible)[0].organization.name if responsible else None

    def item_categories(self, item):
        return [theme.name for theme in item.themes.all()]

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "site_url": settings.SITE_URL}


class AreaProblemsFeed(PublicProblemsFeed):
    """The public problems of one area and the areas within it."""

    def get_object(self, request, area):
        return get_object_or_404(Area, slug=area)

    def title(self, obj):
        return f"{gettext('You said, we did')}: {obj.name} – {settings.PORTAL_NAME}"

    def subtitle(self, obj):
        return gettext(
            "New and changed public problems in %(area)s and the areas within it: who works "
            "on them and what came of them."
        ) % {"area": obj.name}

    def link(self, obj):
        return absolute(f"{reverse('public_problems')}?{urlencode({'area': obj.pk})}")

    def feed_url(self, obj):
        return absolute(reverse("public_problems_area_feed", args=[obj.slug]))

    def items(self, obj):
        return selectors.public_problems_changed(area=obj)
