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
"""

import uuid
from collections.abc import Callable

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from initiatives.models import Initiative, ScheduleSlot, SessionMark
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
        public = Initiative.objects.public()
        return public.aggregate(
            initiatives=Count("pk"),
            current_initiatives=Count("pk", filter=Q(pk__in=public.current().values("pk"))),
        )

    return kept("public-counts", count)


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
