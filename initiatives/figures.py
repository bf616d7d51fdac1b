"""What the public pages show of all initiatives at once — the home page's numbers, the
list's unfiltered total, the home page's week — kept in the cache and dropped on every
write that can change them.

Counting 100,000 rows on every home page request is what made the home page slow at
national scale (issue 16). Each figure is computed once and kept under a key holding a
*generation* token and the date (``current`` and the week depend on today). Any save or
delete of an initiative, a weekly slot, a session mark or an organisation (its approval
decides what is public) replaces the token — at once, and again after the transaction
commits, since a request that read before the commit may have kept old figures under the
old token — so the next request from any worker computes afresh (the cache is shared: the
database cache or Redis). ``QuerySet.update()`` and ``bulk_create`` send no signal: code
that changes initiatives in bulk calls :func:`forget` itself.

The same goes for the counts of filtered lists (:func:`count`, :class:`KeptCountPaginator`:
the list page, the API, HSDS), kept per SQL statement: a count over every public row took
60–170 ms a request at 100,000 initiatives. Changing a link (themes, areas, target groups,
partner organisations) or the vocabulary and areas also replaces the token.
"""

import hashlib
import uuid
from collections.abc import Callable

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import transaction
from django.db.models import Count
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.functional import cached_property

from initiatives.models import Initiative, ScheduleSlot, SessionMark
from partnership.models import Area, TargetGroup, Theme
from partnership.pagination import CappedCountPaginator
from stakeholders.models import Organization

GENERATION_KEY = "{scope}:figures-generation"
# A day at most: keys also hold the date, so yesterday's figures are never read today.
CACHE_SECONDS = 24 * 60 * 60


def _generation(scope: str) -> str:
    key = GENERATION_KEY.format(scope=scope)
    token = cache.get(key)
    if token is None:
        token = uuid.uuid4().hex
        cache.add(key, token, None)
        token = cache.get(key, token)
    return token


def kept(name: str, compute: Callable[[], object], *parts, scope: str = "initiatives") -> object:
    """``compute()``, kept under ``name``, the generation of ``scope`` (an app whose
    writes call ``forget(scope)``: "initiatives", "problems"), today's date and
    ``parts``."""
    key = ":".join(
        [scope, name, _generation(scope), timezone.localdate().isoformat(), *map(str, parts)]
    )
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, CACHE_SECONDS)
    return value


def public_counts() -> dict:
    """``{"initiatives": all public, "current_initiatives": public and current}`` —
    ``current`` as ``Initiative.objects.current()`` defines it, the list page's default."""

    def count():
        # One pass over the index ``initiative_public_lead_idx`` (not a second scan of the
        # public rows for "current": 240 ms at 100,000 initiatives, issue 16).
        return Initiative.objects.public().aggregate(
            initiatives=Count("pk"),
            current_initiatives=Count("pk", filter=Initiative.objects.current_q()),
        )

    return kept("public-counts", count)


def count(queryset, *, cap: int | None = None) -> int:
    """``queryset.count()`` — or at most ``cap + 1`` — kept until a write, under the
    statement itself: a filter combination counted once per generation, whoever asks (a
    list page, the API, HSDS). For querysets of initiatives and what their writes change."""
    queryset = queryset.order_by()
    if cap is not None:
        queryset = queryset[: cap + 1]
    try:
        sql, params = queryset.values("pk").query.sql_with_params()
    except EmptyResultSet:
        return 0
    digest = hashlib.sha256(repr((sql, params)).encode()).hexdigest()
    return kept("count", queryset.count, digest)


class KeptCountPaginator(CappedCountPaginator):
    """A paginator whose count (capped at ``cap`` like ``CappedCountPaginator``'s, or not
    with ``capped=False``: the API's exact count) is kept until a write (:func:`count`)."""

    def __init__(self, object_list, per_page, *, capped: bool = True):
        super().__init__(object_list, per_page)
        if not capped:
            self.cap = None

    @cached_property
    def count(self) -> int:
        counted = count(self.object_list, cap=self.cap)
        if self.cap is None:
            return counted
        self.count_capped = counted > self.cap
        return min(counted, self.cap)


def forget(scope: str = "initiatives") -> None:
    """A new generation of ``scope`` now and once the current transaction commits."""
    key = GENERATION_KEY.format(scope=scope)
    cache.set(key, uuid.uuid4().hex, None)
    transaction.on_commit(lambda: cache.set(key, uuid.uuid4().hex, None))


@receiver(post_save, sender=Initiative, dispatch_uid="figures-initiative-save")
@receiver(post_delete, sender=Initiative, dispatch_uid="figures-initiative-delete")
@receiver(post_save, sender=ScheduleSlot, dispatch_uid="figures-slot-save")
@receiver(post_delete, sender=ScheduleSlot, dispatch_uid="figures-slot-delete")
@receiver(post_save, sender=SessionMark, dispatch_uid="figures-mark-save")
@receiver(post_delete, sender=SessionMark, dispatch_uid="figures-mark-delete")
@receiver(post_save, sender=Organization, dispatch_uid="figures-organization-save")
@receiver(post_delete, sender=Organization, dispatch_uid="figures-organization-delete")
def _on_write(sender, **kwargs):
    forget()
    if sender is Organization:
        forget("problems")  # who did it: approved organisations only


# What the list's filters match on (kept counts, :func:`count`): an initiative's links to
# themes, target groups, areas and partner organisations, and the vocabulary and areas
# themselves (an area moved under another changes what "with its sub-areas" holds).
@receiver(m2m_changed, sender=Initiative.themes.through, dispatch_uid="figures-themes")
@receiver(m2m_changed, sender=Initiative.target_groups.through, dispatch_uid="figures-groups")
@receiver(m2m_changed, sender=Initiative.areas.through, dispatch_uid="figures-areas")
@receiver(
    m2m_changed, sender=Initiative.partner_organizations.through, dispatch_uid="figures-partners"
)
def _on_link(sender, action, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"}:
        forget()


@receiver(post_save, sender=Area, dispatch_uid="figures-area-save")
@receiver(post_delete, sender=Area, dispatch_uid="figures-area-delete")
@receiver(post_save, sender=Theme, dispatch_uid="figures-theme-save")
@receiver(post_delete, sender=Theme, dispatch_uid="figures-theme-delete")
@receiver(post_save, sender=TargetGroup, dispatch_uid="figures-group-save")
@receiver(post_delete, sender=TargetGroup, dispatch_uid="figures-group-delete")
def _on_vocabulary_write(sender, **kwargs):
    forget()
