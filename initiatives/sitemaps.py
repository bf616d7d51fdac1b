"""The sitemap of the public pages (``/sitemap.xml``), in Swedish and English.

Initiatives come from ``Initiative.objects.public()``, organisations from
``Organization.objects.approved()`` and problems (``partnership/problems/sitemaps.py``)
from ``Problem.objects.public()``: nothing partners-only, archived, pending or suspended is
ever listed, and every row that is listed is listed once.

At national scale (72,000 public initiatives) Django's own way is too slow: its paginator
builds a list of every item in both languages on every page request, the index asks every
item for its ``lastmod``, and its template took 1.2 s for 10,000 addresses (1.6 s for the
index; no page answered within 6 s under load, issue 16). The large sections here
(:class:`RowSitemap`) instead

- cut the rows into ranges of ids: page *n* holds the *n*-th range (``id // ID_SPAN``)
  that holds rows, so a page is one lookup in an index on that expression (two columns read
  from it, no model instances), and the first page is never empty while there are rows,
  however high the ids start;
- list in the index only the pages that hold rows, each with its own ``lastmod``: one pass
  grouping the rows by page (``pages()``), kept in the cache until a write changes the
  section (``initiatives.figures``; exact, no estimate);
- write the XML directly: each address is the key put into the address reversed once per
  language, instead of three reverses per row with the language switched.
"""

import datetime as dt
from dataclasses import dataclass
from html import escape

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.contrib.sites.shortcuts import get_current_site
from django.db.models import Count, F, Max, QuerySet
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import http_date

from initiatives import figures
from initiatives.models import Initiative
from stakeholders.models import Organization

# Rows a sitemap page spans, by id (at most this many rows a page: 2,000 addresses, 1.1 MB).
# The initiatives' index ``initiative_public_sitemap_idx`` is on ``id / 1000``: change both.
ID_SPAN = 1000


class _Bilingual(Sitemap):
    i18n = True
    languages = ["sv", "en"]
    alternates = True
    x_default = True


class PagesSitemap(_Bilingual):
    changefreq = "weekly"

    def items(self):
        return [
            "home",
            "initiatives:list",
            "stakeholders:list",
            "public_problems",  # "Ni sa, vi gjorde"
            "open_data",
            "accessibility",
            "privacy",
        ]

    def location(self, item):
        return reverse(item)


# Stands for the key in an address reversed once per language (a slug or a uuid fits).
_KEY = "00000000-0000-4000-8000-000000000000"


@dataclass(frozen=True)
class SitemapPage:
    """Page ``number`` (1, 2, 3 … over the ranges that hold rows) shows the rows whose
    ``id // ID_SPAN`` is ``bucket``: numbers stay dense when ids start high or leave holes."""

    number: int
    rows: int
    lastmod: dt.datetime
    bucket: int


class RowSitemap(_Bilingual):
    """A section with one address per row of a large table (in each language, the other
    language and x-default as alternates), in pages of ``ID_SPAN`` ids.

    Subclasses name the page (``viewname``, whose one argument is the row's ``key``), the
    rows (:meth:`queryset`, filtered to what may be listed) and the ``figures`` scope whose
    writes change them. Served by :func:`index` and :func:`sitemap` below; Django's own
    views would also work (``items``, ``location``, ``lastmod``), slowly."""

    viewname = ""
    key = "slug"
    scope = "initiatives"

    def queryset(self) -> QuerySet:
        raise NotImplementedError

    def items(self):
        return self.queryset().order_by("pk").values_list(self.key, "updated_at")

    def location(self, item):
        return reverse(self.viewname, args=[item[0]])

    def lastmod(self, item):
        return item[1]

    def _bucketed(self) -> QuerySet:
        return self.queryset().annotate(sitemap_page=F("pk") / ID_SPAN)

    def pages(self) -> list[SitemapPage]:
        """The pages that hold rows, with their newest ``updated_at``: one grouping pass,
        kept until a write in ``scope``."""

        def compute():
            groups = (
                self._bucketed()
                .order_by()
                .values("sitemap_page")
                .annotate(rows=Count("pk"), lastmod=Max("updated_at"))
                .order_by("sitemap_page")
            )
            return [
                SitemapPage(number, group["rows"], group["lastmod"], group["sitemap_page"])
                for number, group in enumerate(groups, start=1)
            ]

        return figures.kept(f"sitemap-pages:{self.viewname}", compute, scope=self.scope)

    def get_latest_lastmod(self):
        return max((page.lastmod for page in self.pages()), default=None)

    def rows(self, number: int) -> list[tuple]:
        """(key, updated_at) of page ``number``'s rows, by id; none past the last page."""
        pages = self.pages()
        if not 1 <= number <= len(pages):
            return []
        return list(
            self._bucketed()
            .filter(sitemap_page=pages[number - 1].bucket)
            .order_by("pk")
            .values_list(self.key, "updated_at")
        )

    def _address(self, language: str) -> tuple[str, str]:
        """The page's address in ``language`` as the parts before and after the key."""
        with translation.override(language):
            address = reverse(self.viewname, args=[_KEY])
        head, tail = address.split(_KEY)
        return head, tail

    def xml(self, rows: list[tuple], base: str) -> str:
        """``rows`` as the sitemap protocol's XML, as Django's template writes it."""
        addresses = [(language, *self._address(language)) for language in self.languages]
        default = settings.LANGUAGE_CODE
        if self.x_default and default in self.languages:
            head, tail = self._address(default)
            # As Django does: the default language's address without its prefix.
            addresses.append(("x-default", head.replace(f"/{default}/", "/", 1), tail))
        base = escape(base)
        changefreq = f"<changefreq>{self.changefreq}</changefreq>" if self.changefreq else ""
        parts = [
            '<?xml version="1.0" encoding="UTF-8"?>\n<urlset '
            'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:xhtml="http://www.w3.org/1999/xhtml">'
        ]
        listed = len(self.languages)
        for key, updated_at in rows:
            located = [(code, f"{base}{head}{key}{tail}") for code, head, tail in addresses]
            lastmod = f"<lastmod>{timezone.localdate(updated_at).isoformat()}</lastmod>"
            links = "".join(
                f'<xhtml:link rel="alternate" hreflang="{code}" href="{address}"/>'
                for code, address in located
            )
            for _code, address in located[:listed]:
                parts.append(f"<url><loc>{address}</loc>{lastmod}{changefreq}{links}</url>")
        parts.append("</urlset>\n")
        return "\n".join(parts)


class InitiativeSitemap(RowSitemap):
    changefreq = "weekly"
    viewname = "initiatives:detail"

    def queryset(self):
        return Initiative.objects.public()


class OrganizationSitemap(RowSitemap):
    changefreq = "monthly"
    viewname = "stakeholders:detail"

    def queryset(self):
        return Organization.objects.approved()


SITEMAPS = {
    "pages": PagesSitemap,
    "initiatives": InitiativeSitemap,
    "organizations": OrganizationSitemap,
}


# --- Views (partnership/urls.py) ------------------------------------------------------------


def _robots(response):
    response["X-Robots-Tag"] = "noindex, noodp, noarchive"  # as Django's views
    return response


def _instance(site):
    return site() if callable(site) else site


def index(request, sitemaps):
    """``/sitemap.xml``: every page of every section that holds rows, each with its own
    ``lastmod`` (a :class:`RowSitemap`'s from ``pages()``; another section's newest, as
    Django does). ``Last-Modified``: the newest of them, when every section has one."""
    base = f"{request.scheme}://{get_current_site(request).domain}"
    entries = []
    newest = []
    for section, site in sitemaps.items():
        site = _instance(site)
        address = base + reverse("django.contrib.sitemaps.views.sitemap", args=[section])
        if isinstance(site, RowSitemap):
            pages = site.pages()
            entries += [
                sitemap_views.SitemapIndexItem(
                    address if page.number == 1 else f"{address}?p={page.number}", page.lastmod
                )
                for page in pages
            ]
            newest.append(max((page.lastmod for page in pages), default=None))
            continue
        lastmod = site.get_latest_lastmod()
        entries.append(sitemap_views.SitemapIndexItem(address, lastmod))
        entries += [
            sitemap_views.SitemapIndexItem(f"{address}?p={number}", lastmod)
            for number in range(2, site.paginator.num_pages + 1)
        ]
        newest.append(lastmod)
    headers = None
    if newest and all(newest):
        headers = {"Last-Modified": http_date(max(newest).timestamp())}
    response = TemplateResponse(
        request,
        "sitemap_index.xml",
        {"sitemaps": entries},
        content_type="application/xml",
        headers=headers,
    )
    return _robots(response)


def sitemap(request, sitemaps, section):
    """``/sitemap-<section>.xml?p=N``: one page of one section. A :class:`RowSitemap`'s
    page is written without the template; a page holding no rows is a 404 (the first one
    excepted, as with Django: an empty list). Other sections go through Django's view.
    ``Last-Modified``: the page's newest row."""
    if section not in sitemaps:
        raise Http404(f"No sitemap section {section!r}.")
    site = _instance(sitemaps[section])
    if not isinstance(site, RowSitemap):
        return sitemap_views.sitemap(request, sitemaps, section=section)
    number = request.GET.get("p", "1")
    if not number.isdigit() or not 1 <= int(number) <= 2**31:
        raise Http404("No such sitemap page.")
    rows = site.rows(int(number))
    if not rows and int(number) != 1:
        raise Http404("No such sitemap page.")
    base = f"{site.get_protocol(request.scheme)}://{get_current_site(request).domain}"
    response = HttpResponse(site.xml(rows, base), content_type="application/xml")
    if rows:
        response["Last-Modified"] = http_date(max(row[1] for row in rows).timestamp())
    return _robots(response)
