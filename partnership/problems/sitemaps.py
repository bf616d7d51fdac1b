"""The public problems' own pages in the sitemap ("Ni sa, vi gjorde", one page each), in
Swedish and English: ``Problem.objects.public()`` only, in pages of ids with the index kept
until a problem changes (``initiatives.sitemaps.RowSitemap``). Added to the project's
sitemap index in ``partnership/urls.py`` (the initiatives' sitemaps cannot know this app
above them)."""

from initiatives.sitemaps import RowSitemap
from partnership.problems.models import Problem


class ProblemSitemap(RowSitemap):
    changefreq = "weekly"
    viewname = "public_problem"
    key = "public_id"
    scope = "problems"  # forgotten on every write of a problem (problems/public.py)

    def queryset(self):
        return Problem.objects.public()
