"""What the public pages show of all initiatives at once — the home page's numbers, the
list's unfiltered total, the home page's week — kept until a write changes them.

Counting 100,000 rows on every home page request is what made the home page slow at
national scale (issue 16). Each figure is computed once and kept under a key holding the
database's *generation* (``partnership.page_cache.generation``: a token that a trigger on
every table of the portal changes in the same transaction as any write — ORM saves,
``QuerySet.update()``, ``bulk_create``, raw SQL, another process, ``psql``) and the date
(``current`` and the week depend on today). So a figure is exact: the first request after
any committed write, on any worker, computes it afresh; nothing has to remember to forget.

In a request the generation is read once, and shared with the page cache, which read it
before the view ran (docs/caching.md); a request that writes reads it afresh after its
write, and outside requests (the task worker, commands) every figure reads it afresh. The
figures live beside the pages (the ``pages`` cache: each worker's memory, or Redis), so a
kept figure costs no query; behind each worker's memory, the database cache shares them
between workers (the first to compute after a write keeps it for the others).

The same goes for the counts of filtered lists (:func:`count`, :class:`KeptCountPaginator`:
the list page, the API, HSDS), kept per SQL statement: a count over every public row took
60–170 ms a request at 100,000 initiatives.
"""

import hashlib
from collections.abc import Callable

from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.exceptions import EmptyResultSet
from django.db import DatabaseError
from django.db.models import Count
from django.utils import timezone
from django.utils.functional import cached_property

from initiatives.models import Initiative
from partnership import page_cache
from partnership.pagination import CappedCountPaginator

# Keys hold the generation and the date: an entry is never read again after a write or at
# midnight, and lives at most this long (the cache also drops the least used first).
CACHE_SECONDS = 24 * 60 * 60


def kept(name: str, compute: Callable[[], object], *parts, scope: str = "initiatives") -> object:
    """``compute()``, kept under ``scope`` ("initiatives", "problems" …: a namespace),
    ``name``, the database's generation, today's date and ``parts``: computed again
    after any write (and every time while the generation cannot be read)."""
    try:
        generation = page_cache.generation()
    except DatabaseError:
        return compute()
    parts = [scope, name, generation, timezone.localdate().isoformat(), *map(str, parts)]
    key = f"figures:{scope}:{name}:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()
    local = caches[page_cache.CACHE_ALIAS]
    value = local.get(key)
    if value is None:
        shared = _shared()
        value = shared.get(key) if shared is not None else None
        if value is None:
            value = compute()
            if shared is not None:
                shared.set(key, value, CACHE_SECONDS)
        local.set(key, value, CACHE_SECONDS)
    return value


def _shared():
    """The database cache (``default``) behind each worker's memory: the first worker to
    compute a figure after a write keeps it for the others (one query for them, instead of
    the count). None when the pages' cache is shared already (Redis)."""
    if isinstance(caches[page_cache.CACHE_ALIAS], LocMemCache):
        return caches["default"]
    return None


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
    digest = statement(queryset)
    if digest is None:
        return 0
    return kept("count", queryset.count, digest)


def statement(queryset) -> str | None:
    """A digest of the SQL (with its parameters) that selects ``queryset``'s ids: a key
    part for what is kept of a filtered queryset (None when it selects nothing). A filter
    that depends on the clock ("happening now") has the time among its parameters."""
    if not queryset.query.is_sliced:
        queryset = queryset.order_by()
    try:
        sql, params = queryset.values("pk").query.sql_with_params()
    except EmptyResultSet:
        return None
    return hashlib.sha256(repr((sql, params)).encode()).hexdigest()


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
