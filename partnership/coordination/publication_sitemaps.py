"""The published situation pictures in the sitemap (section ``situation``): their list and
each publication's page, in Swedish and English. Publications are few (about one a week), so
this is an ordinary Django sitemap read in one query per request (kept on the instance: the
index asks for the newest change and for the pages), not the paged ``RowSitemap``."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from partnership.coordination.models import PublishedSituation

LIST = "situation_reports"


class PublishedSituationSitemap(Sitemap):
    i18n = True
    languages = ["sv", "en"]
    alternates = True
    x_default = True
    changefreq = "monthly"

    def _rows(self) -> list:
        if not hasattr(self, "_kept"):
            self._kept = list(
                PublishedSituation.objects.public().values_list("public_id", "updated_at")
            )
        return self._kept

    def items(self):
        rows = self._rows()
        return [(LIST, max((row[1] for row in rows), default=None)), *rows]

    def location(self, item):
        key, _updated = item
        return reverse(LIST) if key == LIST else reverse("situation_report", args=[key])

    def lastmod(self, item):
        return item[1]
