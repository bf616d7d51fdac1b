"""A paginator that stops counting: with 100,000 initiatives, counting every match of a
broad search ("boende" is in most descriptions) costs more than finding the first page."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedCountPaginator(Paginator):
    """Counts at most ``cap`` rows (one ``SELECT COUNT(*) FROM (… LIMIT cap + 1)``, without
    ordering or ranking). ``count_capped`` tells the template to say "more than …"; pages
    beyond the cap are not offered: a narrower filter is the way there."""

    cap = 1000

    @cached_property
    def count(self) -> int:
        counted = self.object_list.order_by()[: self.cap + 1].count()
        self.count_capped = counted > self.cap
        return min(counted, self.cap)

    count_capped = False


class KnownCountPaginator(CappedCountPaginator):
    """A list whose count is already known (a figure kept in the cache, the same number
    the home page shows): no count query, every page offered."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count  # the cached_property, filled
