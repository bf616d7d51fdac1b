"""The public problems' own pages in the sitemap ("Ni sa, vi gjorde", one page each), in
Swedish and English: ``Problem.objects.public()`` only. Added to the project's sitemap
index in ``partnership/urls.py`` (the initiatives' sitemaps cannot know this app above
them)."""

from django.urls import reverse

from initiatives.sitemaps import _Bilingual
from partnership.problems.models import Problem


class ProblemSitemap(_Bilingual):
    changefreq = "weekly"
    limit = 5_000

    def items(self):
        return Problem.objects.public().only("public_id", "updated_at").order_by("pk")

    def location(self, item):
        return reverse("public_problem", args=[item.public_id])

    def lastmod(self, item):
        return item.updated_at
